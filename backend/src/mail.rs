//! E-mail goes through an outbox table: a change and its notification commit together,
//! and a background worker delivers with retries. Without SMTP settings the messages stay
//! in the outbox (status `held`), visible to the office, and go out once SMTP is configured.

use std::time::Duration;

use lettre::{
    message::header::ContentType, transport::smtp::authentication::Credentials, AsyncSmtpTransport,
    AsyncTransport, Message, Tokio1Executor,
};
use serde::Serialize;
use sqlx::Row;

use domain::access::Role;

use crate::{
    auth::CurrentUser,
    config::{Config, SmtpConfig, SmtpSecurity},
    db::{self, Db, Tx},
    error::{Error, Result},
};

const MAX_ATTEMPTS: i64 = 8;

/// Queues one message in the caller's transaction.
pub async fn enqueue(tx: &mut Tx, to: &str, subject: &str, body: &str) -> Result<()> {
    let now = db::now();
    sqlx::query(
        "INSERT INTO outbox (to_addr, subject, body_text, status, attempts, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, 'pending', 0, $4, $4)",
    )
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn transport(smtp: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>> {
    let builder = match smtp.security {
        SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
            .map_err(|e| Error::Config(format!("SMTP: {e}")))?,
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
            .map_err(|e| Error::Config(format!("SMTP: {e}")))?,
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
    };
    let mut builder = builder.port(smtp.port).timeout(Some(Duration::from_secs(20)));
    if let (Some(u), Some(p)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
    }
    Ok(builder.build())
}

/// Delivers due messages once. Several servers may run this at the same time: a message is
/// claimed by a conditional update, so only one of them sends it.
pub async fn deliver_due(db: &Db, config: &Config) -> Result<usize> {
    let now = db::now();
    let Some(smtp) = &config.smtp else {
        sqlx::query("UPDATE outbox SET status = 'held', last_error = $1 WHERE status = 'pending'")
            .bind("Chưa cấu hình SMTP (SMTP_HOST): thư được giữ trong hộp thư đi.")
            .execute(db.pool())
            .await?;
        return Ok(0);
    };
    let mailer = transport(smtp)?;
    let rows = sqlx::query(
        "SELECT id, to_addr, subject, body_text, attempts, status FROM outbox \
         WHERE status IN ('pending', 'held', 'retry') AND next_attempt_at <= $1 ORDER BY id LIMIT 20",
    )
    .bind(&now)
    .fetch_all(db.pool())
    .await?;
    let mut sent = 0;
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let status: String = r.try_get("status")?;
        let claimed = sqlx::query("UPDATE outbox SET status = 'sending' WHERE id = $1 AND status = $2")
            .bind(id)
            .bind(&status)
            .execute(db.pool())
            .await?
            .rows_affected();
        if claimed != 1 {
            continue;
        }
        let attempts: i64 = r.try_get::<i64, _>("attempts")? + 1;
        let to: String = r.try_get("to_addr")?;
        let subject: String = r.try_get("subject")?;
        let body: String = r.try_get("body_text")?;
        let result = async {
            let msg = Message::builder()
                .from(config.mail_from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?)
                .to(to.parse().map_err(|e| format!("địa chỉ nhận: {e}"))?)
                .subject(subject)
                .header(ContentType::TEXT_PLAIN)
                .body(body)
                .map_err(|e| e.to_string())?;
            mailer.send(msg).await.map_err(|e| e.to_string())
        }
        .await;
        match result {
            Ok(_) => {
                sqlx::query("UPDATE outbox SET status = 'sent', attempts = $1, sent_at = $2, last_error = NULL WHERE id = $3")
                    .bind(attempts)
                    .bind(db::now())
                    .bind(id)
                    .execute(db.pool())
                    .await?;
                sent += 1;
            }
            Err(e) => {
                let backoff = chrono::Duration::minutes(1 << attempts.min(10));
                let status = if attempts >= MAX_ATTEMPTS { "failed" } else { "retry" };
                sqlx::query("UPDATE outbox SET status = $1, attempts = $2, last_error = $3, next_attempt_at = $4 WHERE id = $5")
                    .bind(status)
                    .bind(attempts)
                    .bind(e.chars().take(500).collect::<String>())
                    .bind(db::ts(chrono::Utc::now() + backoff))
                    .bind(id)
                    .execute(db.pool())
                    .await?;
                tracing::warn!(outbox_id = id, attempts, error = %e, "e-mail delivery failed");
            }
        }
    }
    Ok(sent)
}

#[derive(Debug, Clone, Serialize)]
pub struct OutboxEntry {
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

/// The outbox, newest first. Administrators and programme office staff read it (to see whether
/// a producer was told); nobody else.
pub async fn list(db: &Db, user: &CurrentUser, page: i64, per_page: i64) -> Result<(Vec<OutboxEntry>, i64)> {
    if !user.grants.iter().any(|g| g.role == Role::Admin || g.role.office_programme().is_some()) {
        return Err(Error::Forbidden);
    }
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox").fetch_one(db.pool()).await?.try_get("n")?;
    let per_page = per_page.clamp(1, 200);
    let rows = sqlx::query(&format!(
        "SELECT id, to_addr, subject, body_text, status, attempts, last_error, created_at, sent_at \
         FROM outbox ORDER BY id DESC LIMIT {per_page} OFFSET {}",
        (page.max(1) - 1) * per_page
    ))
    .fetch_all(db.pool())
    .await?;
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(OutboxEntry {
                id: r.try_get("id")?,
                to_addr: r.try_get("to_addr")?,
                subject: r.try_get("subject")?,
                body_text: r.try_get("body_text")?,
                status: r.try_get("status")?,
                attempts: r.try_get("attempts")?,
                last_error: r.try_get("last_error")?,
                created_at: r.try_get("created_at")?,
                sent_at: r.try_get("sent_at")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()?;
    Ok((items, total))
}
