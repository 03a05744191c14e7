//! Administration: accounts, the audit log, the e-mail outbox, administrative units.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;
#[cfg(feature = "ssr")]
use crate::ctx;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

pub const PER_PAGE: i64 = 25;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub is_active: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<String>,
    pub roles: Vec<(String, Option<String>)>,
}

#[cfg(feature = "ssr")]
fn require_admin() -> Result<backend::auth::CurrentUser, AppError> {
    let user = ctx::require_user()?;
    if !user.is_admin() {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

#[cfg(feature = "ssr")]
fn page_no(page: Option<i64>) -> i64 {
    page.unwrap_or(1).clamp(1, 1_000_000)
}

#[server(endpoint = "admin_list_users")]
pub async fn list_users(q: Option<String>, role: Option<String>, page: Option<i64>) -> Result<Page<UserRow>, AppError> {
    let user = require_admin()?;
    let state = ctx::state()?;
    let page = page_no(page);
    let filter = backend::accounts::UserFilter { q, role: role.filter(|r| !r.is_empty()) };
    let (rows, total) = backend::accounts::list_users(&state.db, &user, &filter, page, PER_PAGE).await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| UserRow {
                id: r.id,
                full_name: r.full_name,
                email: r.email,
                phone: r.phone,
                is_active: r.is_active,
                must_change_password: r.must_change_password,
                last_login_at: r.last_login_at,
                roles: r.roles,
            })
            .collect(),
        total,
        page,
        per_page: PER_PAGE,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedAccount {
    pub user_id: i64,
    pub temporary_password: String,
}

#[server(endpoint = "admin_create_user")]
pub async fn create_user(
    full_name: String,
    email: String,
    phone: String,
    role: String,
    unit_id: String,
) -> Result<CreatedAccount, AppError> {
    let user = require_admin()?;
    let state = ctx::state()?;
    let unit_id = match unit_id.trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| AppError::Invalid {
            field: "unit_id".into(),
            vi: "Hãy chọn đơn vị trong danh sách.".into(),
            en: "Choose a unit from the list.".into(),
        })?),
    };
    let input = backend::accounts::StaffInput { full_name, email, phone, role, unit_id };
    let (user_id, temporary_password) = backend::accounts::create_staff(&state.db, &user, &ctx::request_meta(), &input).await?;
    Ok(CreatedAccount { user_id, temporary_password })
}

#[server(endpoint = "admin_reset_password")]
pub async fn reset_password(user_id: i64) -> Result<String, AppError> {
    let user = require_admin()?;
    let state = ctx::state()?;
    Ok(backend::accounts::reset_password(&state.db, &user, &ctx::request_meta(), user_id).await?)
}

#[server(endpoint = "admin_set_user_active")]
pub async fn set_user_active(user_id: i64, active: bool) -> Result<(), AppError> {
    let user = require_admin()?;
    let state = ctx::state()?;
    backend::accounts::set_active(&state.db, &user, &ctx::request_meta(), user_id, active).await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor_label: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub ip: Option<String>,
}

#[server(endpoint = "admin_list_audit")]
pub async fn list_audit(
    entity_type: Option<String>,
    entity_id: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<i64>,
) -> Result<Page<AuditRow>, AppError> {
    require_admin()?;
    let state = ctx::state()?;
    let date = |field: &str, v: Option<String>| -> Result<Option<String>, AppError> {
        match v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map(|d| Some(d.format("%Y-%m-%d").to_string()))
                .map_err(|_| AppError::Invalid {
                    field: field.into(),
                    vi: "Ngày không đúng dạng.".into(),
                    en: "That is not a date.".into(),
                }),
        }
    };
    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let filter = backend::audit::AuditFilter {
        entity_type: nonempty(entity_type),
        entity_id: nonempty(entity_id),
        actor_user_id: None,
        action_prefix: nonempty(action),
        from: date("from", from)?,
        to: date("to", to)?,
    };
    let page = page_no(page);
    let (rows, total) = backend::audit::list(&state.db, &filter, page, PER_PAGE).await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| AuditRow {
                id: r.id,
                at: r.at,
                actor_label: r.actor_label,
                action: r.action,
                entity_type: r.entity_type,
                entity_id: r.entity_id,
                before_json: r.before_json,
                after_json: r.after_json,
                ip: r.ip,
            })
            .collect(),
        total,
        page,
        per_page: PER_PAGE,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body_text: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

#[server(endpoint = "admin_list_outbox")]
pub async fn list_outbox(page: Option<i64>) -> Result<Page<OutboxRow>, AppError> {
    let user = ctx::require_user()?;
    let state = ctx::state()?;
    let page = page_no(page);
    let (rows, total) = backend::mail::list(&state.db, &user, page, PER_PAGE).await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| OutboxRow {
                id: r.id,
                to_addr: r.to_addr,
                subject: r.subject,
                body_text: r.body_text,
                status: r.status,
                attempts: r.attempts,
                last_error: r.last_error,
                created_at: r.created_at,
                sent_at: r.sent_at,
            })
            .collect(),
        total,
        page,
        per_page: PER_PAGE,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub level: domain::access::AdminLevel,
    pub depth: usize,
}

/// Every administrative unit, in tree order (for the account form's unit picker).
#[server(endpoint = "admin_units")]
pub async fn units() -> Result<Vec<UnitRow>, AppError> {
    require_admin()?;
    let state = ctx::state()?;
    Ok(backend::units::all(&state.db)
        .await?
        .into_iter()
        .map(|u| UnitRow { depth: u.path.matches('/').count().saturating_sub(2), id: u.id, name: u.full_name(), level: u.level })
        .collect())
}
