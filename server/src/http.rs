//! The HTTP edge: request facts, sessions, cross-site protection, security headers, and the
//! mapping of API errors to HTTP statuses. Everything the server functions rely on is put
//! into the request here, once.

use std::net::SocketAddr;

use app::errors::AppError;
use axum::{
    body::{Body, Bytes},
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use backend::{
    auth::{self, RequestMeta, SessionToken, SESSION_COOKIE},
    AppState,
};
use base64::Engine as _;
use rand::RngCore;

/// The nonce that lets the page's own inline scripts run under the Content-Security-Policy.
#[derive(Clone)]
pub struct CspNonce(pub String);

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/favicon.ico" || path == "/robots.txt"
}

/// A JSON error body in the same shape server functions use, so the page shows it like any other.
pub fn api_error(err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&err).unwrap_or_else(|_| "{\"code\":\"internal\"}".into());
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json")), (header::HeaderName::from_static("serverfnerror"), HeaderValue::from_static("1"))],
        body,
    )
        .into_response()
}

/// Request id, client address and user agent; then the logged-in user from the session cookie.
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let mut id = [0u8; 9];
    rand::thread_rng().fill_bytes(&mut id);
    let request_id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id);
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
    let forwarded = state
        .config
        .trust_proxy
        .then(|| req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_string());
    let meta = RequestMeta {
        ip: forwarded.or(peer),
        user_agent: req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string),
        request_id: Some(request_id.clone()),
    };
    req.extensions_mut().insert(meta);

    if !is_static(req.uri().path()) {
        if let Some(token) = cookie(req.headers(), SESSION_COOKIE) {
            match auth::resolve_session(&state.db, &state.config, &token).await {
                Ok(Some(user)) => {
                    req.extensions_mut().insert(user);
                    req.extensions_mut().insert(SessionToken(token));
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(error = %e, request_id, "session lookup failed");
                    return api_error(AppError::Internal { reference: request_id });
                }
            }
        }
    }
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

/// Refuses state-changing requests that a browser made on behalf of another site (CSRF).
/// Browsers mark every request with `Sec-Fetch-Site` and cross-origin POSTs with `Origin`;
/// requests without either come from non-browser clients, which carry no ambient cookies risk.
pub async fn cross_site_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return api_error(AppError::CrossSite);
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let same_host = origin
            .split_once("://")
            .map(|(_, rest)| rest == host)
            .unwrap_or(false);
        let public = state.config.public_url.as_deref().is_some_and(|p| p == origin);
        if !(same_host || public) {
            return api_error(AppError::CrossSite);
        }
    }
    next.run(req).await
}

/// Security headers on every response; a fresh nonce for the page's inline scripts.
pub async fn security_headers(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let nonce = base64::engine::general_purpose::STANDARD.encode(bytes);
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let logged_in = req.extensions().get::<SessionToken>().is_some();
    let static_file = req.uri().path().starts_with("/pkg/");
    // Stored documents open inside the dossier page's viewer, so they may be framed by this site.
    let stored_file = req.uri().path().starts_with("/files/") && req.method() == Method::GET;
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if stored_file {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("frame-ancestors 'self'"));
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    } else {
        if let Ok(v) = HeaderValue::from_str(&csp) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if state.config.cookie_secure {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    // File names are not hashed: make browsers revalidate the front end after an upgrade.
    if static_file {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    // Pages of a logged-in person are private: never kept by shared caches or the back button of another user.
    if logged_in && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    res
}

/// Server functions answer every error with status 500; give each error code its own status
/// (400 bad input, 401, 403, 404, 409, 413, 429), so logs and clients see what happened.
pub async fn api_error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if !res.headers().contains_key("serverfnerror") || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (parts.status, Body::empty()).into_response();
    };
    let code = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_string));
    if let Some(code) = code {
        parts.status = StatusCode::from_u16(AppError::status_for_code(&code)).unwrap_or(parts.status);
    }
    Response::from_parts(parts, Body::from(Bytes::from(bytes)))
}

/// Turns the body-size limit's bare 413 into the API's error shape.
pub async fn too_large_as_api_error(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE && !res.headers().contains_key("serverfnerror") {
        return api_error(AppError::TooLarge);
    }
    res
}
