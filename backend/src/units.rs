//! Administrative units (đơn vị hành chính): province → district → commune until 30/06/2025,
//! province → commune after. Each unit stores its materialised path of ids ("/1/5/23/"), so
//! "is this unit inside that one" is a prefix test that works the same on both databases.

use domain::access::AdminLevel;
use serde::Serialize;
use sqlx::Row;

use crate::{
    db::{Db, Tx},
    error::{Error, Result},
};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The unit's own title: "tỉnh", "huyện", "thị xã", "xã", "thị trấn", "phường"…
    pub kind: String,
    pub level: AdminLevel,
    pub parent_id: Option<i64>,
    pub path: String,
}

impl Unit {
    pub fn full_name(&self) -> String {
        let mut kind = self.kind.clone();
        if let Some(first) = kind.get(0..1) {
            kind = first.to_uppercase() + &kind[1..];
        }
        format!("{kind} {}", self.name)
    }

    pub fn contains(&self, other: &Unit) -> bool {
        other.path.starts_with(&self.path)
    }
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Unit> {
    let level: String = r.try_get("level")?;
    Ok(Unit {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        level: AdminLevel::from_code(&level)
            .ok_or_else(|| Error::Internal(format!("unknown level {level}")))?,
        parent_id: r.try_get("parent_id")?,
        path: r.try_get("path")?,
    })
}

const COLS: &str = "id, code, name, kind, level, parent_id, path";

pub async fn get(db: &Db, id: i64) -> Result<Option<Unit>> {
    sqlx::query(&format!("SELECT {COLS} FROM admin_units WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| from_row(&r))
        .transpose()
}

pub async fn by_code(db: &Db, code: &str) -> Result<Option<Unit>> {
    sqlx::query(&format!("SELECT {COLS} FROM admin_units WHERE code = $1"))
        .bind(code)
        .fetch_optional(db.pool())
        .await?
        .map(|r| from_row(&r))
        .transpose()
}

/// Every unit, parents before children, in name order within a level.
pub async fn all(db: &Db) -> Result<Vec<Unit>> {
    sqlx::query(&format!("SELECT {COLS} FROM admin_units ORDER BY path"))
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Communes (and towns, wards) inside a unit, by name.
pub async fn communes_within(db: &Db, unit: &Unit) -> Result<Vec<Unit>> {
    sqlx::query(&format!(
        "SELECT {COLS} FROM admin_units WHERE level = 'commune' AND path LIKE $1 ORDER BY search_key"
    ))
    .bind(format!("{}%", unit.path))
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// All communes known to the system, by name (for the sign-up form).
pub async fn all_communes(db: &Db) -> Result<Vec<Unit>> {
    sqlx::query(&format!("SELECT {COLS} FROM admin_units WHERE level = 'commune' ORDER BY search_key"))
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub struct NewUnit<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub level: AdminLevel,
    pub parent_code: Option<&'a str>,
    pub valid_from: Option<&'a str>,
    pub valid_to: Option<&'a str>,
}

/// Inserts or updates a unit by its code; the parent must already exist.
pub async fn upsert(tx: &mut Tx, u: &NewUnit<'_>) -> Result<i64> {
    let parent = match u.parent_code {
        Some(code) => {
            let row = sqlx::query("SELECT id, path FROM admin_units WHERE code = $1")
                .bind(code)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| Error::Seed(format!("đơn vị cha «{code}» của «{}» chưa có", u.code)))?;
            Some((row.try_get::<i64, _>("id")?, row.try_get::<String, _>("path")?))
        }
        None => None,
    };
    let key = domain::text::search_key(u.name);
    let existing = sqlx::query("SELECT id FROM admin_units WHERE code = $1")
        .bind(u.code)
        .fetch_optional(&mut **tx)
        .await?;
    let id = match existing {
        Some(r) => {
            let id: i64 = r.try_get("id")?;
            sqlx::query(
                "UPDATE admin_units SET name = $1, kind = $2, level = $3, parent_id = $4, \
                 valid_from = $5, valid_to = $6, search_key = $7 WHERE id = $8",
            )
            .bind(u.name)
            .bind(u.kind)
            .bind(u.level.code())
            .bind(parent.as_ref().map(|p| p.0))
            .bind(u.valid_from)
            .bind(u.valid_to)
            .bind(&key)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            id
        }
        None => sqlx::query(
            "INSERT INTO admin_units (code, name, kind, level, parent_id, path, valid_from, valid_to, search_key) \
             VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8) RETURNING id",
        )
        .bind(u.code)
        .bind(u.name)
        .bind(u.kind)
        .bind(u.level.code())
        .bind(parent.as_ref().map(|p| p.0))
        .bind(u.valid_from)
        .bind(u.valid_to)
        .bind(&key)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?,
    };
    let path = format!("{}{id}/", parent.as_ref().map(|p| p.1.as_str()).unwrap_or("/"));
    sqlx::query("UPDATE admin_units SET path = $1 WHERE id = $2")
        .bind(path)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}
