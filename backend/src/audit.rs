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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    /// A fresh database: a temporary SQLite file, or a new PostgreSQL database when
    /// `TEST_DATABASE_URL` is set. Returns the handle and, for PostgreSQL, the database to drop.
    async fn fresh_dbs() -> Vec<(Db, Option<(String, String)>, std::path::PathBuf)> {
        let mut out = Vec::new();
        let dir = std::env::temp_dir().join(format!("binhchon-unit-{}", rand::random::<u64>()));
        let lite = Db::connect(&format!("sqlite://{}", dir.join("t.db").display())).await.expect("sqlite");
        out.push((lite, None, dir.clone()));
        if let Ok(base) = std::env::var("TEST_DATABASE_URL") {
            let name = format!("binhchon_unit_{}", rand::random::<u32>());
            let (prefix, _) = base.rsplit_once('/').expect("database name in TEST_DATABASE_URL");
            let pg = Db::connect(&format!("{prefix}/{name}")).await.expect("postgres");
            out.push((pg, Some((base, name)), dir));
        }
        out
    }

    #[tokio::test]
    async fn the_audit_log_refuses_updates_and_deletes() {
        for (db, pg, dir) in fresh_dbs().await {
            let mut tx = db.begin().await.expect("begin");
            record(&mut tx, &Actor::system("test"), "test.write", "thing", Some("1"), None, Some(serde_json::json!({"a": 1})))
                .await
                .expect("record");
            tx.commit().await.expect("commit");
            let update = sqlx::query("UPDATE audit_log SET action = 'forged'").execute(db.pool()).await;
            assert!(update.is_err(), "{:?}: update must be refused", db.backend());
            let delete = sqlx::query("DELETE FROM audit_log").execute(db.pool()).await;
            assert!(delete.is_err(), "{:?}: delete must be refused", db.backend());
            let (rows, total) = list(&db, &AuditFilter::default(), 1, 10).await.expect("list");
            assert_eq!(total, 1);
            assert_eq!(rows[0].action, "test.write");
            assert_eq!(rows[0].after_json.as_deref(), Some("{\"a\":1}"));
            db.close().await;
            if let Some((base, name)) = pg {
                // A plain pool: connecting through `Db` would run migrations on the admin database.
                let admin = sqlx::AnyPool::connect(&base).await.expect("admin connection");
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await.expect("drop");
            }
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
