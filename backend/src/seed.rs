//! Loads the data files in `seeds/`: administrative units always, the demo data set on request.
//! Each file is loaded in one transaction and remembered by its SHA-256, so a restart does
//! nothing and a half-loaded file never stays in the database.

use domain::access::{AdminLevel, ProducerType, Role};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::HashMap;

use crate::{
    accounts::{self, NewUser},
    audit::{self, Actor},
    auth,
    db::{self, Db, Tx},
    error::{Error, Result},
    units::{self, NewUnit},
};

pub const UNITS_FILE: (&str, &str) = ("units-quang-ngai.toml", include_str!("../../seeds/units-quang-ngai.toml"));
pub const DEMO_FILE: (&str, &str) = ("demo.toml", include_str!("../../seeds/demo.toml"));

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    #[allow(dead_code)]
    source: String,
    unit: Vec<UnitRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitRow {
    code: String,
    name: String,
    kind: String,
    level: String,
    parent: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoFile {
    pub password: String,
    pub account: Vec<DemoAccount>,
    #[serde(default)]
    producer: Vec<DemoProducer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoAccount {
    pub full_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: String,
    pub unit: Option<String>,
    pub producer: Option<String>,
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoProducer {
    key: String,
    name: String,
    producer_type: String,
    commune: String,
}

fn sha256(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// True when this exact file content was loaded before.
async fn already_loaded(db: &Db, name: &str, hash: &str) -> Result<bool> {
    Ok(sqlx::query("SELECT sha256 FROM seed_runs WHERE name = $1")
        .bind(name)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.try_get::<String, _>("sha256"))
        .transpose()?
        .is_some_and(|h| h == hash))
}

async fn mark_loaded(tx: &mut Tx, name: &str, hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM seed_runs WHERE name = $1").bind(name).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO seed_runs (name, sha256, loaded_at) VALUES ($1, $2, $3)")
        .bind(name)
        .bind(hash)
        .bind(db::now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn load_units(db: &Db) -> Result<bool> {
    let (name, text) = UNITS_FILE;
    let hash = sha256(text);
    if already_loaded(db, name, &hash).await? {
        return Ok(false);
    }
    let file: UnitsFile = toml::from_str(text).map_err(|e| Error::Seed(format!("{name}: {e}")))?;
    let mut tx = db.begin().await?;
    for u in &file.unit {
        let level = AdminLevel::from_code(&u.level)
            .ok_or_else(|| Error::Seed(format!("{name}: cấp «{}» của «{}» không hợp lệ", u.level, u.code)))?;
        units::upsert(
            &mut tx,
            &NewUnit {
                code: &u.code,
                name: &u.name,
                kind: &u.kind,
                level,
                parent_code: u.parent.as_deref(),
                valid_from: u.valid_from.as_deref(),
                valid_to: u.valid_to.as_deref(),
            },
        )
        .await?;
    }
    audit::record(&mut tx, &Actor::system("nạp dữ liệu"), "seed.load", "seed", Some(name), None, Some(json!({"sha256": hash, "units": file.unit.len()}))).await?;
    mark_loaded(&mut tx, name, &hash).await?;
    tx.commit().await?;
    Ok(true)
}

pub fn demo_file() -> Result<DemoFile> {
    toml::from_str(DEMO_FILE.1).map_err(|e| Error::Seed(format!("{}: {e}", DEMO_FILE.0)))
}

/// Loads the demo accounts and producers. Accounts that already exist (same e-mail) are left as they are.
pub async fn load_demo(db: &Db) -> Result<bool> {
    let (name, text) = DEMO_FILE;
    let hash = sha256(text);
    if already_loaded(db, name, &hash).await? {
        return Ok(false);
    }
    let file = demo_file()?;
    let password_hash = auth::hash_password(&file.password).await?;
    let actor = Actor::system("dữ liệu mẫu");
    let mut tx = db.begin().await?;
    let unit_id = |code: &str| {
        let code = code.to_string();
        async move {
            units::by_code(db, &code)
                .await?
                .map(|u| u.id)
                .ok_or_else(|| Error::Seed(format!("{name}: đơn vị «{code}» chưa có")))
        }
    };
    let mut producers: HashMap<String, (i64, i64)> = HashMap::new();
    for p in &file.producer {
        let existing = sqlx::query("SELECT id, commune_id FROM producers WHERE name = $1")
            .bind(&p.name)
            .fetch_optional(&mut *tx)
            .await?;
        let (id, commune) = match existing {
            Some(r) => (r.try_get("id")?, r.try_get("commune_id")?),
            None => {
                let commune = unit_id(&p.commune).await?;
                let t = ProducerType::from_code(&p.producer_type)
                    .ok_or_else(|| Error::Seed(format!("{name}: loại hình «{}» không hợp lệ", p.producer_type)))?;
                let id = accounts::insert_producer(&mut tx, &p.name, t, commune).await?;
                audit::record(&mut tx, &actor, "producer.create", "producer", Some(&id.to_string()), None, Some(json!({"name": p.name}))).await?;
                (id, commune)
            }
        };
        producers.insert(p.key.clone(), (id, commune));
    }
    for a in &file.account {
        let exists = sqlx::query("SELECT id FROM users WHERE email = $1").bind(&a.email).fetch_optional(&mut *tx).await?;
        if exists.is_some() {
            continue;
        }
        let role = Role::from_code(&a.role).ok_or_else(|| Error::Seed(format!("{name}: vai trò «{}» không hợp lệ", a.role)))?;
        let user_id = accounts::insert_user(
            &mut tx,
            &NewUser { full_name: &a.full_name, email: Some(&a.email), phone: a.phone.as_deref(), password_hash: &password_hash, must_change_password: false },
        )
        .await?;
        let unit = match (&a.unit, &a.producer) {
            (Some(code), _) => Some(unit_id(code).await?),
            (None, Some(key)) => {
                let (pid, commune) = *producers
                    .get(key)
                    .ok_or_else(|| Error::Seed(format!("{name}: chủ thể «{key}» chưa khai báo")))?;
                accounts::add_member(&mut tx, pid, user_id, true).await?;
                Some(commune)
            }
            (None, None) => None,
        };
        accounts::insert_grant(&mut tx, user_id, role, unit, None).await?;
        audit::record(&mut tx, &actor, "user.create", "user", Some(&user_id.to_string()), None, Some(json!({"email": a.email, "role": a.role}))).await?;
    }
    mark_loaded(&mut tx, name, &hash).await?;
    tx.commit().await?;
    Ok(true)
}
