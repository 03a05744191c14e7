//! The service layer's one error type. The app maps it once to an HTTP status and a
//! message a person can act on; internal details are logged, never shown.

/// A message in both interface languages. Vietnamese comes first and is the default.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Msg {
    pub vi: String,
    pub en: String,
}

impl Msg {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Msg { vi: vi.into(), en: en.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not logged in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Bad input in one field; `field` names the form field, `msg` says what to fix.
    #[error("invalid {field}: {}", .msg.vi)]
    Invalid { field: String, msg: Msg },
    /// The request clashes with the current state (duplicate, wrong state, stale version).
    #[error("conflict: {}", .0.vi)]
    Conflict(Msg),
    #[error("rate limited for {retry_after_secs}s")]
    RateLimited { retry_after_secs: i64 },
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("seed data: {0}")]
    Seed(String),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Invalid { field: field.to_string(), msg: Msg::new(vi, en) }
    }

    pub fn conflict(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Conflict(Msg::new(vi, en))
    }

    /// True when a database error is a unique-constraint violation — turned into a field error
    /// by the caller instead of a 500.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            Error::Db(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
