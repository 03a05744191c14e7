//! Passwords, sessions and log-in with rate limiting. Sessions live in the database
//! (several app servers can share them); the cookie holds a random token and the database
//! only its SHA-256, so a copy of the database cannot be used to log in.

use std::time::Duration;

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use base64::Engine as _;
use domain::access::Role;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{
    audit::{self, Actor},
    config::Config,
    db::{self, Db},
    error::{Error, Result},
    validate,
};

pub const SESSION_COOKIE: &str = "bc_session";

/// One role a user holds, scoped to an administrative unit (none for the system administrator).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub unit_id: Option<i64>,
    pub unit_path: Option<String>,
    pub unit_name: Option<String>,
}

/// The logged-in person, resolved from the session cookie on every request.
#[derive(Debug, Clone, Serialize)]
pub struct CurrentUser {
    pub id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub must_change_password: bool,
    pub lang: String,
    pub grants: Vec<Grant>,
    /// Producers this account belongs to (owner or staff).
    pub producer_ids: Vec<i64>,
}

impl CurrentUser {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    pub fn is_admin(&self) -> bool {
        self.has_role(Role::Admin)
    }

    /// True when the user holds `role` on the unit with `unit_path` or on a unit above it.
    pub fn covers(&self, role: Role, unit_path: &str) -> bool {
        self.grants.iter().any(|g| {
            g.role == role && g.unit_path.as_deref().is_some_and(|p| unit_path.starts_with(p))
        })
    }

    pub fn login_label(&self) -> String {
        let login = self.email.as_deref().or(self.phone.as_deref()).unwrap_or("");
        format!("{} <{}>", self.full_name, login)
    }

    pub fn actor(&self, ip: Option<String>, request_id: Option<String>) -> Actor {
        Actor { user_id: Some(self.id), label: self.login_label(), ip, request_id }
    }
}

/// Request facts the service layer records (audit, rate limits).
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

pub async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(format!("argon2: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(format!("join: {e}")))?
}

pub async fn verify_password(password: &str, hash: &str) -> Result<bool> {
    let password = password.to_string();
    let hash = hash.to_string();
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| Error::Internal(format!("argon2: {e}")))?;
        Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| Error::Internal(format!("join: {e}")))?
}

/// A hash of a password nobody knows, so a log-in for an unknown account costs the same time
/// as one for a real account (no user enumeration by timing).
async fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return h.clone();
    }
    let h = hash_password(&random_token()).await.unwrap_or_default();
    DUMMY.get_or_init(|| h).clone()
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn secs(d: Duration) -> chrono::Duration {
    chrono::Duration::seconds(i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2))
}

/// Creates a session and returns the cookie token.
pub async fn create_session(db: &Db, config: &Config, user_id: i64, meta: &RequestMeta) -> Result<String> {
    let token = random_token();
    let now = chrono::Utc::now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, \
         absolute_expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(db::ts(now))
    .bind(db::ts(now))
    .bind(db::ts(now + secs(config.session_idle)))
    .bind(db::ts(now + secs(config.session_absolute)))
    .bind(meta.ip.as_deref())
    .bind(meta.user_agent.as_deref().map(|s| s.chars().take(300).collect::<String>()))
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// Resolves a session token to its user, and slides the idle expiry forward.
/// Touches the row at most once a minute, so an autosaving form does not write twice per save.
pub async fn resolve_session(db: &Db, config: &Config, token: &str) -> Result<Option<CurrentUser>> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let hash = token_hash(token);
    let now = chrono::Utc::now();
    let now_s = db::ts(now);
    let row = sqlx::query(
        "SELECT s.user_id, s.last_seen_at, s.absolute_expires_at FROM sessions s \
         JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.absolute_expires_at > $2 AND u.is_active = 1",
    )
    .bind(&hash)
    .bind(&now_s)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let user_id: i64 = row.try_get("user_id")?;
    let last_seen: String = row.try_get("last_seen_at")?;
    let absolute: String = row.try_get("absolute_expires_at")?;
    let stale = db::parse_ts(&last_seen).is_none_or(|t| now - t > chrono::Duration::seconds(60));
    if stale {
        let idle_end = db::ts(now + secs(config.session_idle));
        let expires = if idle_end < absolute { idle_end } else { absolute };
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(&now_s)
            .bind(expires)
            .bind(&hash)
            .execute(db.pool())
            .await?;
    }
    load_user(db, user_id).await
}

pub async fn load_user(db: &Db, user_id: i64) -> Result<Option<CurrentUser>> {
    let Some(u) = sqlx::query(
        "SELECT id, full_name, email, phone, must_change_password, lang FROM users WHERE id = $1 AND is_active = 1",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let grants = sqlx::query(
        "SELECT g.role, g.unit_id, a.path, a.name FROM role_grants g \
         LEFT JOIN admin_units a ON a.id = g.unit_id WHERE g.user_id = $1 ORDER BY g.id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .filter_map(|r| {
        let role: String = r.try_get("role").ok()?;
        Some(Grant {
            role: Role::from_code(&role)?,
            unit_id: r.try_get("unit_id").ok()?,
            unit_path: r.try_get("path").ok()?,
            unit_name: r.try_get("name").ok()?,
        })
    })
    .collect();
    let producer_ids = sqlx::query("SELECT producer_id FROM producer_members WHERE user_id = $1 ORDER BY producer_id")
        .bind(user_id)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| r.try_get::<i64, _>("producer_id"))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(Some(CurrentUser {
        id: u.try_get("id")?,
        full_name: u.try_get("full_name")?,
        email: u.try_get("email")?,
        phone: u.try_get("phone")?,
        must_change_password: u.try_get::<i64, _>("must_change_password")? != 0,
        lang: u.try_get("lang")?,
        grants,
        producer_ids,
    }))
}

pub async fn destroy_session(db: &Db, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Ends every session of a user except (optionally) the current one.
pub async fn destroy_user_sessions(db: &Db, user_id: i64, keep_token: Option<&str>) -> Result<()> {
    let keep = keep_token.map(token_hash).unwrap_or_default();
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// How a person identifies at log-in: an e-mail address or a phone number.
pub enum Login {
    Email(String),
    Phone(String),
}

pub fn parse_login(input: &str) -> Result<Login> {
    let input = input.trim();
    if input.is_empty() {
        return Err(Error::invalid(
            "login",
            "Hãy nhập e-mail hoặc số điện thoại.",
            "Enter your e-mail or phone number.",
        ));
    }
    if input.contains('@') {
        Ok(Login::Email(validate::email("login", input)?))
    } else {
        Ok(Login::Phone(validate::phone("login", input)?))
    }
}

async fn recent_failures(db: &Db, scope: &str, key: &str, since: &str) -> Result<(i64, Option<String>)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE scope = $1 AND key = $2 AND at > $3",
    )
    .bind(scope)
    .bind(key)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get("n")?, row.try_get("oldest")?))
}

/// Checks the password and opens a session. Refuses after too many recent failures for the
/// account or from the address, with the number of seconds to wait.
pub async fn login(
    db: &Db,
    config: &Config,
    login_input: &str,
    password: &str,
    meta: &RequestMeta,
) -> Result<(CurrentUser, String)> {
    let login = parse_login(login_input)?;
    let (column, key) = match &login {
        Login::Email(e) => ("email", e.clone()),
        Login::Phone(p) => ("phone", p.clone()),
    };
    let now = chrono::Utc::now();
    let window = secs(config.login_window);
    let since = db::ts(now - window);
    let ip = meta.ip.clone().unwrap_or_default();
    for (scope, k, max) in [
        ("account", key.as_str(), config.login_max_failures_per_account),
        ("address", ip.as_str(), config.login_max_failures_per_address),
    ] {
        if k.is_empty() {
            continue;
        }
        let (n, oldest) = recent_failures(db, scope, k, &since).await?;
        if n >= max {
            let retry = oldest
                .as_deref()
                .and_then(db::parse_ts)
                .map(|t| (t + window - now).num_seconds().max(1))
                .unwrap_or(window.num_seconds());
            return Err(Error::RateLimited { retry_after_secs: retry });
        }
    }

    let row = sqlx::query(&format!(
        "SELECT id, password_hash, is_active FROM users WHERE {column} = $1"
    ))
    .bind(&key)
    .fetch_optional(db.pool())
    .await?;
    let (user_id, hash, active) = match &row {
        Some(r) => (
            Some(r.try_get::<i64, _>("id")?),
            r.try_get::<String, _>("password_hash")?,
            r.try_get::<i64, _>("is_active")? != 0,
        ),
        None => (None, dummy_hash().await, false),
    };
    let ok = verify_password(password, &hash).await.unwrap_or(false);
    let Some(user_id) = user_id.filter(|_| ok && active) else {
        let at = db::now();
        let mut tx = db.begin().await?;
        for (scope, k) in [("account", key.as_str()), ("address", ip.as_str())] {
            if k.is_empty() {
                continue;
            }
            sqlx::query("INSERT INTO login_failures (scope, key, at) VALUES ($1, $2, $3)")
                .bind(scope)
                .bind(k)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        if ok && !active {
            return Err(Error::invalid(
                "login",
                "Tài khoản này đã bị khóa. Hãy liên hệ quản trị hệ thống.",
                "This account is disabled. Contact the system administrator.",
            ));
        }
        return Err(Error::invalid(
            "password",
            "E-mail/số điện thoại hoặc mật khẩu không đúng.",
            "Wrong e-mail/phone or password.",
        ));
    };

    let token = create_session(db, config, user_id, meta).await?;
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM login_failures WHERE scope = 'account' AND key = $1")
        .bind(&key)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(db::now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let user = load_user(db, user_id).await?.ok_or(Error::NotFound)?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "auth.login",
        "user",
        Some(&user_id.to_string()),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok((user, token))
}

/// Deletes expired sessions and old log-in failures. Run periodically.
pub async fn cleanup(db: &Db, config: &Config) -> Result<()> {
    let now = chrono::Utc::now();
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR absolute_expires_at <= $1")
        .bind(db::ts(now))
        .execute(db.pool())
        .await?;
    sqlx::query("DELETE FROM login_failures WHERE at <= $1")
        .bind(db::ts(now - secs(config.login_window) * 2))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The raw session token of the current request, kept in request extensions by the server.
#[derive(Debug, Clone)]
pub struct SessionToken(pub String);

/// The `Set-Cookie` value that stores a session token (or clears it when `token` is `None`).
pub fn session_cookie(token: Option<&str>, config: &Config) -> String {
    let secure = if config.cookie_secure { "; Secure" } else { "" };
    match token {
        Some(t) => format!(
            "{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            config.session_absolute.as_secs()
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}
