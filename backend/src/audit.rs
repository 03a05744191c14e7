//! The append-only audit log. Every write in the system goes through [`record`], inside
//! the same transaction as the change, so a change and its audit row commit together or not at all.

use serde::Serialize;
use sqlx::Row;

use crate::{
    db::{self, Db, Tx},
    error::Result,
};

/// Who did something, from where. Built once per request from the session.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    /// Name and login at the time (kept even if the account is later renamed).
    pub label: String,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system(what: &str) -> Self {
        Actor { user_id: None, label: format!("hệ thống ({what})"), ip: None, request_id: None }
    }
}

/// Writes one audit row. `before`/`after` are the entity's state as JSON (secrets left out).
pub async fn record(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    entity_type: &str,
    entity_id: Option<&str>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, actor_label, action, entity_type, entity_id, \
         before_json, after_json, ip, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(db::now())
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(action)
    .bind(entity_type)
    .bind(entity_id)
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .bind(actor.ip.as_deref())
    .bind(actor.request_id.as_deref())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_user_id: Option<i64>,
    pub action_prefix: Option<String>,
    /// Inclusive dates, `YYYY-MM-DD`.
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub ip: Option<String>,
}

/// Newest first; `page` counts from 1. Returns the rows and the total number matching.
pub async fn list(
    db: &Db,
    filter: &AuditFilter,
    page: i64,
    per_page: i64,
) -> Result<(Vec<AuditEntry>, i64)> {
    let mut conds = Vec::new();
    let mut args: Vec<String> = Vec::new();
    let mut push = |cond: &str, value: String| {
        args.push(value);
        conds.push(cond.replace('?', &format!("${}", args.len())));
    };
    if let Some(v) = &filter.entity_type {
        push("entity_type = ?", v.clone());
    }
    if let Some(v) = &filter.entity_id {
        push("entity_id = ?", v.clone());
    }
    if let Some(v) = filter.actor_user_id {
        push("CAST(actor_user_id AS TEXT) = ?", v.to_string());
    }
    if let Some(v) = &filter.action_prefix {
        push("action LIKE ?", format!("{}%", v.replace(['%', '_'], "")));
    }
    if let Some(v) = &filter.from {
        push("at >= ?", v.clone());
    }
    if let Some(v) = &filter.to {
        // Inclusive end date: everything before the start of the next day.
        push("at < ?", format!("{v}T99"));
    }
    let where_sql = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };

    let count_sql = format!("SELECT COUNT(*) AS n FROM audit_log {where_sql}");
    let mut q = sqlx::query(&count_sql);
    for a in &args {
        q = q.bind(a);
    }
    let total: i64 = q.fetch_one(db.pool()).await?.try_get("n")?;

    let page = page.max(1);
    let list_sql = format!(
        "SELECT id, at, actor_user_id, actor_label, action, entity_type, entity_id, before_json, \
         after_json, ip FROM audit_log {where_sql} ORDER BY id DESC LIMIT {} OFFSET {}",
        per_page.clamp(1, 200),
        (page - 1) * per_page.clamp(1, 200)
    );
    let mut q = sqlx::query(&list_sql);
    for a in &args {
        q = q.bind(a);
    }
    let rows = q.fetch_all(db.pool()).await?;
    let entries = rows
        .into_iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor_user_id: r.try_get("actor_user_id")?,
                actor_label: r.try_get("actor_label")?,
                action: r.try_get("action")?,
                entity_type: r.try_get("entity_type")?,
                entity_id: r.try_get("entity_id")?,
                before_json: r.try_get("before_json")?,
                after_json: r.try_get("after_json")?,
                ip: r.try_get("ip")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()?;
    Ok((entries, total))
}
