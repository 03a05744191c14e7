//! The logged-in person's notifications (thông báo): list, unread count, mark as read.
//! Everyone sees only their own; the service layer filters by the caller's id.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::{api::admin::Page, errors::AppError};
#[cfg(feature = "ssr")]
use crate::ctx;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationRow {
    pub id: i64,
    pub kind: String,
    pub title_vi: String,
    pub title_en: String,
    pub body_vi: String,
    pub body_en: String,
    pub link: Option<String>,
    pub created_at: String,
    pub read: bool,
}

pub const PER_PAGE: i64 = 20;

#[server(endpoint = "notifications_list")]
pub async fn list_notifications(unread_only: Option<bool>, page: Option<i64>) -> Result<Page<NotificationRow>, AppError> {
    let user = ctx::require_user()?;
    let state = ctx::state()?;
    let page = page.unwrap_or(1).clamp(1, 1_000_000);
    let (rows, total) = backend::notify::list(&state.db, &user, unread_only.unwrap_or(false), page, PER_PAGE).await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|n| NotificationRow {
                id: n.id,
                kind: n.kind,
                title_vi: n.title_vi,
                title_en: n.title_en,
                body_vi: n.body_vi,
                body_en: n.body_en,
                link: n.link,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
            .collect(),
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// How many unread notifications the caller has; nobody logged in has none.
#[server(endpoint = "notifications_unread")]
pub async fn unread_notifications() -> Result<i64, AppError> {
    let Some(user) = ctx::current_user() else { return Ok(0) };
    let state = ctx::state()?;
    Ok(backend::notify::unread_count(&state.db, &user).await?)
}

/// Marks one notification read, or all of them when `id` is empty.
#[server(endpoint = "notifications_mark_read")]
pub async fn mark_notifications_read(id: Option<i64>) -> Result<(), AppError> {
    let user = ctx::require_user()?;
    let state = ctx::state()?;
    backend::notify::mark_read(&state.db, &user, id).await?;
    Ok(())
}
