//! One database handle for both backends. SQLite (a file under `DATA_DIR`) is the default;
//! PostgreSQL is chosen at run time by `DATABASE_URL`. Queries are written once with `$n`
//! placeholders, which both engines accept through sqlx's `Any` driver.

use std::{
    collections::{BTreeMap, HashMap},
    path::Path,
    sync::{Arc, Mutex},
    time::Duration,
};

use sqlx::{
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::{MigrateDatabase, Migrator},
    Any, AnyPool, Executor, Row, Transaction,
};

use crate::error::{Error, Result};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// Frozen rule sets already parsed, by `rule_sets.id` (see `rulesets::get_cached`). Shared by
    /// every clone of the handle, so process-wide for a server; kept per database rather than in
    /// a static because ids mean nothing across two databases (as in tests).
    frozen_rule_sets: Arc<Mutex<HashMap<i64, Arc<domain::ruleset::RuleSet>>>>,
}

pub type Tx = Transaction<'static, Any>;

/// Current time as stored in the database: UTC, microseconds, sortable as text.
pub fn now() -> String {
    ts(chrono::Utc::now())
}

pub fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub fn parse_ts(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&chrono::Utc))
}

impl Db {
    /// Opens (and for SQLite creates) the database named by `url`, then applies migrations.
    pub async fn connect(url: &str) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            let file = path.split('?').next().unwrap_or(path);
            if file != ":memory:" {
                if let Some(dir) = Path::new(file).parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
            }
            let url = if path.contains("mode=") {
                format!("sqlite://{path}")
            } else if path.contains('?') {
                format!("sqlite://{path}&mode=rwc")
            } else {
                format!("sqlite://{path}?mode=rwc")
            };
            (Backend::Sqlite, url)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            if !Any::database_exists(url).await? {
                Any::create_database(url).await?;
            }
            (Backend::Postgres, url.to_string())
        } else {
            return Err(Error::Config(
                "DATABASE_URL phải bắt đầu bằng sqlite:// hoặc postgres://".into(),
            ));
        };
        let options: AnyConnectOptions = url
            .parse()
            .map_err(|e| Error::Config(format!("DATABASE_URL: {e}")))?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(15))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // foreign_keys is on and busy_timeout is 5 s by sqlx's defaults;
                        // FULL sync makes an acknowledged commit survive power loss too.
                        conn.execute("PRAGMA synchronous = FULL").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        if backend == Backend::Sqlite {
            // WAL lets readers work while one writer commits; the mode is stored in the file.
            sqlx::query("PRAGMA journal_mode = WAL").fetch_all(&pool).await?;
        }
        let db = Db { pool, backend, frozen_rule_sets: Arc::default() };
        db.migrate().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub(crate) fn frozen_rule_sets(&self) -> &Mutex<HashMap<i64, Arc<domain::ruleset::RuleSet>>> {
        &self.frozen_rule_sets
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A transaction that will write. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`), so two writers queue on the busy timeout instead of one
    /// failing when it upgrades a read lock.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }

    /// Tables and their columns, for the test that keeps both schemas in step.
    pub async fn schema(&self) -> Result<BTreeMap<String, Vec<String>>> {
        let tables_sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 AND table_name NOT LIKE '_sqlx%' ORDER BY table_name"
            }
        };
        let mut out = BTreeMap::new();
        for row in sqlx::query(tables_sql).fetch_all(&self.pool).await? {
            let table: String = row.try_get("name")?;
            let cols_sql = match self.backend {
                Backend::Sqlite => "SELECT name FROM pragma_table_info($1) ORDER BY name",
                Backend::Postgres => {
                    "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY column_name"
                }
            };
            let cols = sqlx::query(cols_sql)
                .bind(&table)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(|r| r.try_get::<String, _>("name"))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            out.insert(table, cols);
        }
        Ok(out)
    }

    /// A consistent copy of a live SQLite database (`VACUUM INTO`), safe while the server runs.
    pub async fn backup_sqlite(&self, dest: &Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(Error::Config(
                "Sao lưu bằng lệnh này chỉ dành cho SQLite; với PostgreSQL hãy dùng pg_dump".into(),
            ));
        }
        if dest.exists() {
            return Err(Error::Config(format!("Tệp đích đã tồn tại: {}", dest.display())));
        }
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        sqlx::query("VACUUM INTO $1")
            .bind(dest.display().to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
