//! Notifications (thông báo): a message in the app for each recipient and, when the person has
//! an e-mail address, the same message queued in the outbox — both inside the caller's
//! transaction, so a change and the news of it commit together or not at all.

use std::sync::OnceLock;

use domain::access::Role;
use serde::Serialize;
use sqlx::Row;

use crate::{
    auth::CurrentUser,
    db::{self, Db, Tx},
    error::{Error, Result},
    mail,
};

/// What happened, in both languages. `link` is a path in the app (`/dossiers/12`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notice {
    /// A stable code for the kind of event (`dossier.supplement_requested`), for filtering.
    pub kind: String,
    pub title_vi: String,
    pub title_en: String,
    pub body_vi: String,
    pub body_en: String,
    pub link: Option<String>,
}

static PUBLIC_URL: OnceLock<Option<String>> = OnceLock::new();

/// Sets the site's public address once at start-up, so e-mails can carry full links.
pub fn init(public_url: Option<String>) {
    let _ = PUBLIC_URL.set(public_url);
}

fn email_body(n: &Notice, lang: &str) -> String {
    let (body, see, login) = if lang == "en" {
        (&n.body_en, "Open", "Log in to binhchon and open Notifications to read it.")
    } else {
        (&n.body_vi, "Xem tại", "Hãy đăng nhập binhchon, mục Thông báo, để xem.")
    };
    let base = PUBLIC_URL.get().cloned().flatten();
    let tail = match (&n.link, base) {
        (Some(link), Some(base)) => format!("{see}: {base}{link}"),
        _ => login.to_string(),
    };
    format!("{body}\n\n{tail}\n\n— binhchon")
}

/// Sends the notice to these accounts (inactive ones are skipped; duplicates sent once).
pub async fn to_users(tx: &mut Tx, user_ids: &[i64], n: &Notice) -> Result<()> {
    let mut ids = user_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let now = db::now();
    for id in ids {
        let Some(row) = sqlx::query("SELECT email, lang FROM users WHERE id = $1 AND is_active = 1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
        else {
            continue;
        };
        sqlx::query(
            "INSERT INTO notifications (user_id, kind, title_vi, title_en, body_vi, body_en, link, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(&n.kind)
        .bind(&n.title_vi)
        .bind(&n.title_en)
        .bind(&n.body_vi)
        .bind(&n.body_en)
        .bind(n.link.as_deref())
        .bind(&now)
        .execute(&mut **tx)
        .await?;
        let email: Option<String> = row.try_get("email")?;
        let lang: String = row.try_get("lang")?;
        if let Some(email) = email {
            let subject = if lang == "en" { &n.title_en } else { &n.title_vi };
            mail::enqueue(tx, &email, &format!("[binhchon] {subject}"), &email_body(n, &lang)).await?;
        }
    }
    Ok(())
}

/// Sends the notice to every account of a producer (owner and staff).
pub async fn to_producer(tx: &mut Tx, producer_id: i64, n: &Notice) -> Result<()> {
    let ids = sqlx::query("SELECT user_id FROM producer_members WHERE producer_id = $1")
        .bind(producer_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>("user_id"))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    to_users(tx, &ids, n).await
}

/// Sends the notice to everyone holding `role` on the unit with `unit_path` or on a unit above it
/// (the same rule as [`CurrentUser::covers`]).
pub async fn to_staff(tx: &mut Tx, role: Role, unit_path: &str, n: &Notice) -> Result<()> {
    let ids = sqlx::query(
        "SELECT DISTINCT g.user_id AS user_id, u.path AS path FROM role_grants g \
         JOIN admin_units u ON u.id = g.unit_id WHERE g.role = $1",
    )
    .bind(role.code())
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .filter_map(|r| {
        let path: String = r.try_get("path").ok()?;
        unit_path.starts_with(&path).then(|| r.try_get::<i64, _>("user_id").ok()).flatten()
    })
    .collect::<Vec<_>>();
    to_users(tx, &ids, n).await
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub title_vi: String,
    pub title_en: String,
    pub body_vi: String,
    pub body_en: String,
    pub link: Option<String>,
    pub created_at: String,
    pub read_at: Option<String>,
}

/// The person's own notifications, newest first.
pub async fn list(db: &Db, user: &CurrentUser, unread_only: bool, page: i64, per_page: i64) -> Result<(Vec<Notification>, i64)> {
    let filter = if unread_only { " AND read_at IS NULL" } else { "" };
    let total: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1{filter}"))
        .bind(user.id)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    let rows = sqlx::query(&format!(
        "SELECT id, kind, title_vi, title_en, body_vi, body_en, link, created_at, read_at FROM notifications \
         WHERE user_id = $1{filter} ORDER BY id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(user.id)
    .bind(per_page)
    .bind((page - 1) * per_page)
    .fetch_all(db.pool())
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(Notification {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                title_vi: r.try_get("title_vi")?,
                title_en: r.try_get("title_en")?,
                body_vi: r.try_get("body_vi")?,
                body_en: r.try_get("body_en")?,
                link: r.try_get("link")?,
                created_at: r.try_get("created_at")?,
                read_at: r.try_get("read_at")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()?;
    Ok((items, total))
}

pub async fn unread_count(db: &Db, user: &CurrentUser) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(user.id)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?)
}

/// Marks one of the person's notifications read, or all of them with `None`. Someone else's
/// notification is "not found": ids are not a way to learn what exists.
pub async fn mark_read(db: &Db, user: &CurrentUser, id: Option<i64>) -> Result<()> {
    let now = db::now();
    match id {
        Some(id) => {
            let n = sqlx::query("UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND user_id = $3")
                .bind(&now)
                .bind(id)
                .bind(user.id)
                .execute(db.pool())
                .await?
                .rows_affected();
            if n == 0 {
                return Err(Error::NotFound);
            }
        }
        None => {
            sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
                .bind(&now)
                .bind(user.id)
                .execute(db.pool())
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_without_public_url_tells_where_to_look() {
        let n = Notice { body_vi: "Hồ sơ cần bổ sung.".into(), body_en: "Supplement needed.".into(), link: Some("/dossiers/1".into()), ..Default::default() };
        let vi = email_body(&n, "vi");
        assert!(vi.starts_with("Hồ sơ cần bổ sung."));
        assert!(vi.contains("mục Thông báo"), "{vi}");
        assert!(email_body(&n, "en").starts_with("Supplement needed."));
    }
}
