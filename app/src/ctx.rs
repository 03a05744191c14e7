//! Server-side helpers for server functions: the shared state, who is calling, and the
//! request's facts — all put into the request by the server's middleware.

use backend::{
    auth::{CurrentUser, RequestMeta, SessionToken},
    AppState,
};
use leptos::prelude::*;

use crate::errors::{AppError, AppResult};

pub fn state() -> AppResult<AppState> {
    use_context::<AppState>().ok_or_else(|| AppError::Internal { reference: "state".into() })
}

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

pub fn request_meta() -> RequestMeta {
    parts().and_then(|p| p.extensions.get::<RequestMeta>().cloned()).unwrap_or_default()
}

pub fn request_id() -> Option<String> {
    request_meta().request_id
}

pub fn session_token() -> Option<String> {
    parts().and_then(|p| p.extensions.get::<SessionToken>().map(|t| t.0.clone()))
}

/// The logged-in person, if any.
pub fn current_user() -> Option<CurrentUser> {
    parts().and_then(|p| p.extensions.get::<CurrentUser>().cloned())
}

/// The logged-in person, or a refusal. Someone still on a temporary password may only change it.
pub fn require_user() -> AppResult<CurrentUser> {
    let user = require_user_allowing_temporary_password()?;
    if user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(user)
}

pub fn require_user_allowing_temporary_password() -> AppResult<CurrentUser> {
    current_user().ok_or(AppError::Unauthenticated)
}

/// Adds a `Set-Cookie` header to the response of the running server function or page.
pub fn set_cookie(value: String) {
    if let (Some(opts), Ok(v)) = (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&value)) {
        opts.append_header(http::header::SET_COOKIE, v);
    }
}

/// Converts a service-layer value into the API type of the same shape (the API types are the
/// wire format; the service types stay on the server).
pub fn wire<T: serde::Serialize, U: serde::de::DeserializeOwned>(value: T) -> AppResult<U> {
    serde_json::to_value(value).and_then(serde_json::from_value).map_err(|e| {
        tracing::error!(error = %e, "API shape mismatch");
        AppError::Internal { reference: request_id().unwrap_or_else(|| "-".into()) }
    })
}

/// Request facts and the caller, for service calls that write.
pub fn caller() -> AppResult<(CurrentUser, RequestMeta, AppState)> {
    Ok((require_user()?, request_meta(), state()?))
}

/// The site's address as people reach it, for links printed on paper (the certificate's QR):
/// `PUBLIC_URL` when set, otherwise the scheme-less host the request came to, as http.
pub fn public_origin() -> String {
    if let Some(url) = state().ok().and_then(|s| s.config.public_url.clone()) {
        return url;
    }
    let host = parts()
        .and_then(|p| p.headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).map(str::to_string))
        .unwrap_or_else(|| "127.0.0.1:3000".into());
    format!("http://{host}")
}
