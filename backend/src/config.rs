//! Configuration from the environment (12-factor): every setting has a default that
//! works on a laptop, and the README lists them all.

use std::{env, net::SocketAddr, path::PathBuf, time::Duration};

use crate::error::Error;

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `starttls` (default), `tls` (implicit TLS, port 465) or `none` (a local relay).
    pub security: SmtpSecurity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    None,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// The address people use to reach the site (links in e-mails, QR codes, CSRF origin check).
    pub public_url: Option<String>,
    /// Mark cookies `Secure`. On when `PUBLIC_URL` is https, or when `COOKIE_SECURE=1`.
    pub cookie_secure: bool,
    /// Trust `X-Forwarded-For` for the client address (only behind a reverse proxy).
    pub trust_proxy: bool,
    /// A session ends after this long without any request (the open pages keep it alive).
    pub session_idle: Duration,
    /// A session ends at the latest this long after log-in.
    pub session_absolute: Duration,
    pub login_max_failures_per_account: i64,
    pub login_max_failures_per_address: i64,
    pub login_window: Duration,
    pub smtp: Option<SmtpConfig>,
    pub mail_from: String,
    pub max_request_bytes: usize,
    /// Largest uploaded file (`MAX_FILE_MB`, default 20).
    pub max_file_bytes: u64,
    /// Largest total of one dossier's files (`MAX_DOSSIER_MB`, default 200).
    pub max_dossier_bytes: u64,
    /// Largest nomination package (ZIP) an office may upload (`MAX_PACKAGE_MB`, default 200); its
    /// entries may unpack to at most four times this in total (a zip bomb is refused).
    pub max_package_bytes: u64,
    pub log_json: bool,
}

fn var(name: &str) -> Option<String> {
    env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn parse<T: std::str::FromStr>(name: &str, default: T) -> Result<T, Error> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| Error::Config(format!("{name}: giá trị không hợp lệ «{v}»"))),
    }
}

fn flag(name: &str, default: bool) -> Result<bool, Error> {
    match var(name).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(v) => Err(Error::Config(format!("{name}: cần 0 hoặc 1, không phải «{v}»"))),
    }
}

impl Config {
    pub fn from_env() -> Result<Self, Error> {
        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = var("DATABASE_URL").unwrap_or_else(|| {
            format!("sqlite://{}", data_dir.join("binhchon.db").display())
        });
        let public_url = var("PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string());
        let https = public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
        let smtp = match var("SMTP_HOST") {
            None => None,
            Some(host) => Some(SmtpConfig {
                host,
                port: parse("SMTP_PORT", 587)?,
                username: var("SMTP_USERNAME"),
                password: var("SMTP_PASSWORD"),
                security: match var("SMTP_SECURITY").as_deref() {
                    None | Some("starttls") => SmtpSecurity::StartTls,
                    Some("tls") => SmtpSecurity::Tls,
                    Some("none") => SmtpSecurity::None,
                    Some(v) => {
                        return Err(Error::Config(format!(
                            "SMTP_SECURITY: cần starttls, tls hoặc none, không phải «{v}»"
                        )))
                    }
                },
            }),
        };
        Ok(Config {
            host: var("HOST").unwrap_or_else(|| "127.0.0.1".into()),
            port: parse("PORT", 3000)?,
            data_dir,
            database_url,
            public_url,
            cookie_secure: flag("COOKIE_SECURE", https)?,
            trust_proxy: flag("TRUST_PROXY", false)?,
            session_idle: Duration::from_secs(60 * parse::<u64>("SESSION_IDLE_MINUTES", 120)?),
            session_absolute: Duration::from_secs(3600 * parse::<u64>("SESSION_MAX_HOURS", 24 * 14)?),
            login_max_failures_per_account: parse("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)?,
            login_max_failures_per_address: parse("LOGIN_MAX_FAILURES_PER_ADDRESS", 30)?,
            login_window: Duration::from_secs(60 * parse::<u64>("LOGIN_WINDOW_MINUTES", 15)?),
            smtp,
            mail_from: var("MAIL_FROM").unwrap_or_else(|| "binhchon <no-reply@localhost>".into()),
            max_request_bytes: parse("MAX_REQUEST_BYTES", 2 * 1024 * 1024)?,
            max_file_bytes: parse::<u64>("MAX_FILE_MB", 20)?.saturating_mul(1024 * 1024),
            max_dossier_bytes: parse::<u64>("MAX_DOSSIER_MB", 200)?.saturating_mul(1024 * 1024),
            max_package_bytes: parse::<u64>("MAX_PACKAGE_MB", 200)?.saturating_mul(1024 * 1024),
            log_json: flag("LOG_JSON", false)?,
        })
    }

    pub fn socket_addr(&self) -> Result<SocketAddr, Error> {
        format!("{}:{}", self.host, self.port)
            .parse()
            .or_else(|_| {
                use std::net::ToSocketAddrs;
                (self.host.as_str(), self.port)
                    .to_socket_addrs()
                    .ok()
                    .and_then(|mut it| it.next())
                    .ok_or(())
            })
            .map_err(|_| Error::Config(format!("HOST/PORT: không dùng được «{}:{}»", self.host, self.port)))
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}
