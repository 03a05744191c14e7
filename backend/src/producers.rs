//! Producers (chủ thể sản xuất): the profile the registration forms ask for, and the accounts
//! that act for a producer (the owner and staff). A producer's accounts edit its profile; staff
//! of the office see it through the dossiers it files.

use domain::access::{AdminLevel, ProducerType, Role};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::{
    accounts::{self, NewUser},
    audit,
    auth::{self, CurrentUser, RequestMeta},
    db::{self, Db},
    error::{Error, Result},
    units, validate,
};

/// Hồ sơ chủ thể.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Profile {
    pub id: i64,
    pub name: String,
    /// Loại hình: hợp tác xã, tổ hợp tác, doanh nghiệp, hộ kinh doanh.
    pub producer_type: ProducerType,
    /// Số giấy chứng nhận đăng ký doanh nghiệp / HTX / hộ kinh doanh.
    pub registration_no: Option<String>,
    /// Mã số thuế.
    pub tax_code: Option<String>,
    /// Người đại diện theo pháp luật.
    pub representative: Option<String>,
    pub representative_title: Option<String>,
    pub address: Option<String>,
    pub commune_id: i64,
    pub commune_name: String,
    pub commune_path: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Profile {
    /// What the registration forms need before a dossier can be submitted, as a list of the
    /// missing fields' Vietnamese and English labels.
    pub fn missing_for_filing(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if self.registration_no.is_none() {
            out.push(("số giấy chứng nhận đăng ký kinh doanh", "business registration number"));
        }
        if self.representative.is_none() {
            out.push(("người đại diện theo pháp luật", "legal representative"));
        }
        if self.address.is_none() {
            out.push(("địa chỉ", "address"));
        }
        if self.phone.is_none() {
            out.push(("số điện thoại liên hệ", "contact phone"));
        }
        out
    }
}

const COLS: &str = "p.id, p.name, p.producer_type, p.registration_no, p.tax_code, p.representative, \
    p.representative_title, p.address, p.commune_id, p.phone, p.email, u.name AS commune_name, u.kind AS commune_kind, \
    u.path AS commune_path";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Profile> {
    let t: String = r.try_get("producer_type")?;
    let kind: String = r.try_get("commune_kind")?;
    let name: String = r.try_get("commune_name")?;
    Ok(Profile {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        producer_type: ProducerType::from_code(&t).ok_or_else(|| Error::Internal(format!("producer type {t}")))?,
        registration_no: r.try_get("registration_no")?,
        tax_code: r.try_get("tax_code")?,
        representative: r.try_get("representative")?,
        representative_title: r.try_get("representative_title")?,
        address: r.try_get("address")?,
        commune_id: r.try_get("commune_id")?,
        commune_name: format!("{kind} {name}"),
        commune_path: r.try_get("commune_path")?,
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
    })
}

/// The profile, without any permission check (callers check first).
pub async fn load(db: &Db, id: i64) -> Result<Profile> {
    let row = sqlx::query(&format!(
        "SELECT {COLS} FROM producers p JOIN admin_units u ON u.id = p.commune_id WHERE p.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(Error::NotFound)?;
    from_row(&row)
}

/// The producer the caller acts for: producer accounts belong to exactly one.
pub fn own_producer(user: &CurrentUser) -> Result<i64> {
    if !user.has_role(Role::Producer) {
        return Err(Error::Forbidden);
    }
    user.producer_ids.first().copied().ok_or(Error::Forbidden)
}

pub async fn own_profile(db: &Db, user: &CurrentUser) -> Result<Profile> {
    load(db, own_producer(user)?).await
}

#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub name: String,
    pub producer_type: String,
    pub registration_no: String,
    pub tax_code: String,
    pub representative: String,
    pub representative_title: String,
    pub address: String,
    pub commune_id: Option<i64>,
    pub phone: String,
    pub email: String,
}

/// A business registration number: digits with an optional prefix of letters and separators
/// (old household certificates read like "34A8001234"); 6–20 characters.
fn registration_no(value: &str) -> Result<Option<String>> {
    let v: String = value.trim().to_uppercase();
    if v.is_empty() {
        return Ok(None);
    }
    let ok = (6..=20).contains(&v.chars().count())
        && v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.'))
        && v.chars().filter(|c| c.is_ascii_digit()).count() >= 6;
    if !ok {
        return Err(Error::invalid(
            "registration_no",
            "Số giấy chứng nhận đăng ký không đúng dạng: ghi đúng như trên giấy (6–20 ký tự, chủ yếu là chữ số), ví dụ 4300123456.",
            "The registration number is not valid: copy it from the certificate (6–20 characters, mostly digits), e.g. 4300123456.",
        ));
    }
    Ok(Some(v))
}

fn tax_code(value: &str) -> Result<Option<String>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    domain::values::TaxCode::try_from(value).map(|t| Some(t.as_str().to_string())).map_err(|_| {
        Error::invalid(
            "tax_code",
            "Mã số thuế phải gồm 10 chữ số (ví dụ 4300123456), hoặc 10 chữ số, dấu gạch ngang và 3 chữ số cho đơn vị phụ thuộc.",
            "A tax code is 10 digits (e.g. 4300123456), or 10 digits, a hyphen and 3 digits for a branch.",
        )
    })
}

/// The producer's own accounts update its profile; every change is audited with before and after.
pub async fn update_profile(db: &Db, user: &CurrentUser, meta: &RequestMeta, input: &ProfileInput) -> Result<Profile> {
    let id = own_producer(user)?;
    let before = load(db, id).await?;
    let name = validate::text("name", "tên chủ thể", "producer name", &input.name, 200)?;
    let producer_type = ProducerType::from_code(input.producer_type.trim())
        .ok_or_else(|| Error::invalid("producer_type", "Hãy chọn loại hình chủ thể.", "Choose the legal form."))?;
    let registration_no = registration_no(&input.registration_no)?;
    let tax_code = tax_code(&input.tax_code)?;
    let representative = validate::optional_text("representative", "người đại diện", "representative", &input.representative, 120)?;
    let representative_title =
        validate::optional_text("representative_title", "chức vụ", "title", &input.representative_title, 80)?;
    let address = validate::optional_text("address", "địa chỉ", "address", &input.address, 300)?;
    let phone = match input.phone.trim() {
        "" => None,
        p => Some(validate::phone("phone", p)?),
    };
    let email = match input.email.trim() {
        "" => None,
        e => Some(validate::email("email", e)?),
    };
    let commune_id = input
        .commune_id
        .ok_or_else(|| Error::invalid("commune_id", "Hãy chọn xã, phường, thị trấn.", "Choose the commune."))?;
    let commune = units::get(db, commune_id)
        .await?
        .filter(|u| u.level == AdminLevel::Commune)
        .ok_or_else(|| Error::invalid("commune_id", "Hãy chọn xã, phường, thị trấn trong danh sách.", "Choose a commune from the list."))?;

    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE producers SET name = $1, producer_type = $2, registration_no = $3, tax_code = $4, representative = $5, \
         representative_title = $6, address = $7, commune_id = $8, phone = $9, email = $10, updated_at = $11, search_key = $12 \
         WHERE id = $13",
    )
    .bind(&name)
    .bind(producer_type.code())
    .bind(&registration_no)
    .bind(&tax_code)
    .bind(&representative)
    .bind(&representative_title)
    .bind(&address)
    .bind(commune.id)
    .bind(&phone)
    .bind(&email)
    .bind(db::now())
    .bind(domain::text::search_key(&name))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let after = json!({
        "name": name, "producer_type": producer_type.code(), "registration_no": registration_no, "tax_code": tax_code,
        "representative": representative, "representative_title": representative_title, "address": address,
        "commune_id": commune.id, "phone": phone, "email": email,
    });
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "producer.update",
        "producer",
        Some(&id.to_string()),
        Some(serde_json::to_value(&before).unwrap_or_default()),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    load(db, id).await
}

/// One account that acts for the producer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Member {
    pub user_id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub is_owner: bool,
    pub is_active: bool,
}

pub async fn members(db: &Db, user: &CurrentUser) -> Result<Vec<Member>> {
    let id = own_producer(user)?;
    let rows = sqlx::query(
        "SELECT u.id, u.full_name, u.email, u.phone, u.is_active, m.is_owner FROM producer_members m \
         JOIN users u ON u.id = m.user_id WHERE m.producer_id = $1 ORDER BY m.is_owner DESC, u.full_name",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Member {
                user_id: r.try_get("id")?,
                full_name: r.try_get("full_name")?,
                email: r.try_get("email")?,
                phone: r.try_get("phone")?,
                is_owner: r.try_get::<i64, _>("is_owner")? == 1,
                is_active: r.try_get::<i64, _>("is_active")? == 1,
            })
        })
        .collect()
}

async fn is_owner(db: &Db, producer_id: i64, user_id: i64) -> Result<bool> {
    Ok(sqlx::query("SELECT is_owner FROM producer_members WHERE producer_id = $1 AND user_id = $2")
        .bind(producer_id)
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.try_get::<i64, _>("is_owner").unwrap_or(0) == 1)
        .unwrap_or(false))
}

/// The owner adds a staff account for the producer; returns the temporary password to hand over.
pub async fn add_staff(db: &Db, user: &CurrentUser, meta: &RequestMeta, full_name: &str, email: &str, phone: &str) -> Result<String> {
    let producer_id = own_producer(user)?;
    if !is_owner(db, producer_id, user.id).await? {
        return Err(Error::Forbidden);
    }
    let profile = load(db, producer_id).await?;
    let full_name = validate::text("full_name", "họ và tên", "full name", full_name, 120)?;
    let c = accounts::contact(email, phone)?;
    accounts::login_taken(db, c.email.as_deref(), c.phone.as_deref(), None).await?;
    let temp = accounts::temporary_password();
    let hash = auth::hash_password(&temp).await?;
    let mut tx = db.begin().await?;
    let new_id = accounts::insert_user(
        &mut tx,
        &NewUser { full_name: &full_name, email: c.email.as_deref(), phone: c.phone.as_deref(), password_hash: &hash, must_change_password: true },
    )
    .await?;
    accounts::insert_grant(&mut tx, new_id, Role::Producer, Some(profile.commune_id), Some(user.id)).await?;
    accounts::add_member(&mut tx, producer_id, new_id, false).await?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "producer.add_staff",
        "producer",
        Some(&producer_id.to_string()),
        None,
        Some(json!({"user_id": new_id, "full_name": full_name, "email": c.email, "phone": c.phone})),
    )
    .await?;
    tx.commit().await?;
    Ok(temp)
}
