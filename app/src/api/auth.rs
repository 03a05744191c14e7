//! Log-in, sign-up, log-out, password change, and what the pages need to know about the caller.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;
#[cfg(feature = "ssr")]
use crate::ctx;

/// What the interface needs to know about the logged-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: i64,
    pub full_name: String,
    pub login: String,
    pub must_change_password: bool,
    /// (role code, unit display name)
    pub roles: Vec<(domain::access::Role, Option<String>)>,
}

impl UserView {
    pub fn has(&self, role: domain::access::Role) -> bool {
        self.roles.iter().any(|(r, _)| *r == role)
    }
}

#[cfg(feature = "ssr")]
impl From<&backend::auth::CurrentUser> for UserView {
    fn from(u: &backend::auth::CurrentUser) -> Self {
        UserView {
            id: u.id,
            full_name: u.full_name.clone(),
            login: u.email.clone().or_else(|| u.phone.clone()).unwrap_or_default(),
            must_change_password: u.must_change_password,
            roles: u.grants.iter().map(|g| (g.role, g.unit_name.clone())).collect(),
        }
    }
}

/// Who is logged in (nobody → `None`). Public: every page asks.
#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<UserView>, AppError> {
    Ok(ctx::current_user().as_ref().map(UserView::from))
}

/// Only keeps the session alive while a page is open (the session's idle timer slides on any request).
#[server(endpoint = "keepalive")]
pub async fn keepalive() -> Result<bool, AppError> {
    Ok(ctx::current_user().is_some())
}

/// Where to go after log-in: only a path on this site, never another site.
pub fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.contains("://");
    if ok { next.to_string() } else { "/".to_string() }
}

#[server(endpoint = "login")]
pub async fn login(login: String, password: String, next: Option<String>) -> Result<String, AppError> {
    let state = ctx::state()?;
    let meta = ctx::request_meta();
    let (user, token) = backend::auth::login(&state.db, &state.config, &login, &password, &meta).await?;
    ctx::set_cookie(backend::auth::session_cookie(Some(&token), &state.config));
    let target = if user.must_change_password { "/account".to_string() } else { safe_next(next.as_deref().unwrap_or("/")) };
    leptos_axum::redirect(&target);
    Ok(target)
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let state = ctx::state()?;
    if let Some(token) = ctx::session_token() {
        if let Some(user) = ctx::current_user() {
            let meta = ctx::request_meta();
            let mut tx = state.db.begin().await.map_err(AppError::from)?;
            backend::audit::record(&mut tx, &user.actor(meta.ip, meta.request_id), "auth.logout", "user", Some(&user.id.to_string()), None, None)
                .await?;
            tx.commit().await.map_err(|e| AppError::from(backend::Error::from(e)))?;
        }
        backend::auth::destroy_session(&state.db, &token).await?;
    }
    ctx::set_cookie(backend::auth::session_cookie(None, &state.config));
    leptos_axum::redirect("/");
    Ok(())
}

#[server(endpoint = "signup")]
#[allow(clippy::too_many_arguments)]
pub async fn signup(
    full_name: String,
    email: String,
    phone: String,
    password: String,
    producer_name: String,
    producer_type: String,
    commune_id: String,
) -> Result<String, AppError> {
    let state = ctx::state()?;
    if ctx::current_user().is_some() {
        return Err(AppError::Conflict {
            vi: "Bạn đang đăng nhập. Hãy đăng xuất trước khi tạo tài khoản mới.".into(),
            en: "You are logged in. Log out before creating a new account.".into(),
        });
    }
    let commune_id = commune_id.trim().parse::<i64>().map_err(|_| AppError::Invalid {
        field: "commune_id".into(),
        vi: "Hãy chọn xã, phường, thị trấn trong danh sách.".into(),
        en: "Choose a commune from the list.".into(),
    })?;
    let input = backend::accounts::SignupInput { full_name, email, phone, password, producer_name, producer_type, commune_id };
    let (_, token) = backend::accounts::signup(&state.db, &state.config, &input, &ctx::request_meta()).await?;
    ctx::set_cookie(backend::auth::session_cookie(Some(&token), &state.config));
    leptos_axum::redirect("/");
    Ok("/".into())
}

#[server(endpoint = "change_password")]
pub async fn change_password(old_password: String, new_password: String, confirm_password: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user_allowing_temporary_password()?;
    if new_password != confirm_password {
        return Err(AppError::Invalid {
            field: "confirm_password".into(),
            vi: "Hai lần nhập mật khẩu mới không giống nhau.".into(),
            en: "The two new passwords do not match.".into(),
        });
    }
    backend::accounts::change_password(
        &state.db,
        &user,
        &ctx::request_meta(),
        ctx::session_token().as_deref(),
        &old_password,
        &new_password,
    )
    .await?;
    Ok(())
}

/// Remembers the interface language on the account (the cookie is set by the browser).
#[server(endpoint = "set_language")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    if let Some(user) = ctx::current_user() {
        let state = ctx::state()?;
        backend::accounts::set_lang(&state.db, &user, &lang).await?;
    }
    Ok(())
}

/// A commune to choose in a form, with its district for grouping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOption {
    pub id: i64,
    pub name: String,
    pub group: String,
}

/// Communes for the sign-up form (public).
#[server(endpoint = "communes")]
pub async fn communes() -> Result<Vec<UnitOption>, AppError> {
    let state = ctx::state()?;
    let all = backend::units::all(&state.db).await?;
    let name_of = |id: Option<i64>| {
        all.iter().find(|u| Some(u.id) == id).map(|u| u.full_name()).unwrap_or_default()
    };
    Ok(all
        .iter()
        .filter(|u| u.level == domain::access::AdminLevel::Commune)
        .map(|u| UnitOption { id: u.id, name: u.full_name(), group: name_of(u.parent_id) })
        .collect())
}
