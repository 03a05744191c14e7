//! Accounts: producers sign up themselves; staff, judges and commune officers are created by an
//! administrator. Every change is written to the audit log in the same transaction.

use domain::access::{AdminLevel, ProducerType, Role};
use rand::Rng;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::{
    audit,
    auth::{self, CurrentUser, RequestMeta},
    config::Config,
    db::{self, Db},
    error::{Error, Result},
    notify, units, validate,
};

#[derive(Debug, Clone, Default)]
pub struct SignupInput {
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub password: String,
    pub producer_name: String,
    pub producer_type: String,
    pub commune_id: i64,
}

/// The field error for a login (e-mail or phone) that another account already uses.
fn clash(field: &str) -> Error {
    match field {
        "email" => Error::invalid(
            "email",
            "E-mail này đã có tài khoản. Hãy đăng nhập, hoặc dùng e-mail khác.",
            "This e-mail already has an account. Log in, or use another e-mail.",
        ),
        _ => Error::invalid(
            "phone",
            "Số điện thoại này đã có tài khoản. Hãy đăng nhập, hoặc dùng số khác.",
            "This phone number already has an account. Log in, or use another number.",
        ),
    }
}

/// A unique-constraint violation (two sign-ups racing) becomes the same field error.
fn unique_clash(e: Error, field: &str) -> Error {
    if e.is_unique_violation() { clash(field) } else { e }
}

pub(crate) async fn login_taken(db: &Db, email: Option<&str>, phone: Option<&str>, except: Option<i64>) -> Result<()> {
    for (column, value) in [("email", email), ("phone", phone)] {
        let Some(value) = value else { continue };
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM users WHERE {column} = $1 AND id <> $2"))
            .bind(value)
            .bind(except.unwrap_or(-1))
            .fetch_one(db.pool())
            .await?
            .try_get("n")?;
        if n > 0 {
            return Err(clash(column));
        }
    }
    Ok(())
}

pub(crate) struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub(crate) fn contact(email: &str, phone: &str) -> Result<Contact> {
    let email = if email.trim().is_empty() { None } else { Some(validate::email("email", email)?) };
    let phone = if phone.trim().is_empty() { None } else { Some(validate::phone("phone", phone)?) };
    if email.is_none() && phone.is_none() {
        return Err(Error::invalid(
            "email",
            "Hãy nhập e-mail hoặc số điện thoại (ít nhất một) để đăng nhập.",
            "Enter an e-mail or a phone number (at least one) to log in with.",
        ));
    }
    Ok(Contact { email, phone })
}

/// The rows every way of creating an account writes (sign-up, administrator, command line, demo seed).
pub(crate) struct NewUser<'a> {
    pub full_name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

pub(crate) async fn insert_user(tx: &mut crate::db::Tx, u: &NewUser<'_>) -> Result<i64> {
    let now = db::now();
    let field = if u.email.is_some() { "email" } else { "phone" };
    Ok(sqlx::query(
        "INSERT INTO users (full_name, email, phone, password_hash, must_change_password, is_active, lang, \
         created_at, updated_at, search_key) VALUES ($1, $2, $3, $4, $5, 1, 'vi', $6, $6, $7) RETURNING id",
    )
    .bind(u.full_name)
    .bind(u.email)
    .bind(u.phone)
    .bind(u.password_hash)
    .bind(i64::from(u.must_change_password))
    .bind(&now)
    .bind(domain::text::search_key(u.full_name))
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| unique_clash(Error::Db(e), field))?
    .try_get("id")?)
}

pub(crate) async fn insert_grant(tx: &mut crate::db::Tx, user_id: i64, role: Role, unit_id: Option<i64>, by: Option<i64>) -> Result<()> {
    sqlx::query("INSERT INTO role_grants (user_id, role, unit_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5)")
        .bind(user_id)
        .bind(role.code())
        .bind(unit_id)
        .bind(db::now())
        .bind(by)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn insert_producer(tx: &mut crate::db::Tx, name: &str, producer_type: ProducerType, commune_id: i64) -> Result<i64> {
    let now = db::now();
    Ok(sqlx::query(
        "INSERT INTO producers (name, producer_type, commune_id, created_at, updated_at, search_key) \
         VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(producer_type.code())
    .bind(commune_id)
    .bind(&now)
    .bind(domain::text::search_key(name))
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

pub(crate) async fn add_member(tx: &mut crate::db::Tx, producer_id: i64, user_id: i64, is_owner: bool) -> Result<()> {
    sqlx::query("INSERT INTO producer_members (producer_id, user_id, is_owner, created_at) VALUES ($1, $2, $3, $4)")
        .bind(producer_id)
        .bind(user_id)
        .bind(i64::from(is_owner))
        .bind(db::now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A producer signs up: creates the producer (chủ thể), the owner's account and its role.
/// Returns the new user and a session token (the person is logged in straight away).
pub async fn signup(db: &Db, config: &Config, input: &SignupInput, meta: &RequestMeta) -> Result<(CurrentUser, String)> {
    let full_name = validate::text("full_name", "họ và tên", "full name", &input.full_name, 120)?;
    let c = contact(&input.email, &input.phone)?;
    let password = validate::new_password("password", &input.password)?;
    let producer_name =
        validate::text("producer_name", "tên chủ thể (HTX, doanh nghiệp, hộ kinh doanh)", "producer name", &input.producer_name, 200)?;
    let producer_type = ProducerType::from_code(input.producer_type.trim()).ok_or_else(|| {
        Error::invalid("producer_type", "Hãy chọn loại hình chủ thể.", "Choose the type of producer.")
    })?;
    let commune = units::get(db, input.commune_id)
        .await?
        .filter(|u| u.level == AdminLevel::Commune)
        .ok_or_else(|| Error::invalid("commune_id", "Hãy chọn xã, phường, thị trấn trong danh sách.", "Choose a commune from the list."))?;
    login_taken(db, c.email.as_deref(), c.phone.as_deref(), None).await?;

    let hash = auth::hash_password(&password).await?;
    let mut tx = db.begin().await?;
    let user_id = insert_user(
        &mut tx,
        &NewUser { full_name: &full_name, email: c.email.as_deref(), phone: c.phone.as_deref(), password_hash: &hash, must_change_password: false },
    )
    .await?;
    let producer_id = insert_producer(&mut tx, &producer_name, producer_type, commune.id).await?;
    add_member(&mut tx, producer_id, user_id, true).await?;
    insert_grant(&mut tx, user_id, Role::Producer, Some(commune.id), None).await?;
    let actor = audit::Actor {
        user_id: Some(user_id),
        label: format!("{full_name} <{}>", c.email.as_deref().or(c.phone.as_deref()).unwrap_or("")),
        ip: meta.ip.clone(),
        request_id: meta.request_id.clone(),
    };
    audit::record(
        &mut tx,
        &actor,
        "user.signup",
        "user",
        Some(&user_id.to_string()),
        None,
        Some(json!({"full_name": full_name, "email": c.email, "phone": c.phone, "role": "producer", "unit_id": commune.id})),
    )
    .await?;
    audit::record(
        &mut tx,
        &actor,
        "producer.create",
        "producer",
        Some(&producer_id.to_string()),
        None,
        Some(json!({"name": producer_name, "producer_type": producer_type.code(), "commune_id": commune.id})),
    )
    .await?;
    notify::to_users(
        &mut tx,
        &[user_id],
        &notify::Notice {
            kind: "account.welcome".into(),
            title_vi: "Chào mừng đến với binhchon".into(),
            title_en: "Welcome to binhchon".into(),
            body_vi: format!(
                "Tài khoản của {producer_name} đã được tạo. Bước tiếp theo: hoàn thiện hồ sơ chủ thể và đăng ký sản phẩm, \
                 rồi nộp hồ sơ khi có đợt đánh giá đang mở."
            ),
            body_en: format!(
                "The account of {producer_name} is ready. Next: complete the producer profile and register your products, \
                 then file a dossier when a round is open."
            ),
            link: Some("/".into()),
        },
    )
    .await?;
    tx.commit().await?;
    let token = auth::create_session(db, config, user_id, meta).await?;
    let user = auth::load_user(db, user_id).await?.ok_or(Error::NotFound)?;
    Ok((user, token))
}

/// A temporary password the administrator hands over; the person must change it at log-in.
/// Unambiguous letters and digits only (no 0/O, 1/l/I), in groups that are easy to read aloud.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let groups: Vec<String> = (0..3)
        .map(|_| (0..4).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect())
        .collect();
    groups.join("-")
}

/// Administrators manage accounts within their unit (a system administrator has no unit: everything).
fn admin_scope(actor: &CurrentUser) -> Result<Option<String>> {
    let grants: Vec<_> = actor.grants.iter().filter(|g| g.role == Role::Admin).collect();
    if grants.is_empty() {
        return Err(Error::Forbidden);
    }
    if grants.iter().any(|g| g.unit_id.is_none()) {
        return Ok(None);
    }
    Ok(grants.iter().filter_map(|g| g.unit_path.clone()).min_by_key(|p| p.len()))
}

async fn ensure_manageable(db: &Db, actor: &CurrentUser, user_id: i64) -> Result<()> {
    let Some(scope) = admin_scope(actor)? else { return Ok(()) };
    let rows = sqlx::query(
        "SELECT a.path FROM role_grants g LEFT JOIN admin_units a ON a.id = g.unit_id WHERE g.user_id = $1",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    if rows.is_empty() {
        return Err(Error::NotFound);
    }
    for r in rows {
        let path: Option<String> = r.try_get("path")?;
        if !path.is_some_and(|p| p.starts_with(&scope)) {
            return Err(Error::Forbidden);
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct StaffInput {
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub role: String,
    pub unit_id: Option<i64>,
}

/// Creates a staff, judge or commune-officer account; returns its id and a temporary password.
pub async fn create_staff(db: &Db, actor: &CurrentUser, meta: &RequestMeta, input: &StaffInput) -> Result<(i64, String)> {
    let scope = admin_scope(actor)?;
    let full_name = validate::text("full_name", "họ và tên", "full name", &input.full_name, 120)?;
    let c = contact(&input.email, &input.phone)?;
    let role = Role::from_code(input.role.trim())
        .filter(|r| r.is_staff())
        .ok_or_else(|| Error::invalid("role", "Hãy chọn vai trò.", "Choose a role."))?;
    let unit = match input.unit_id {
        Some(id) => Some(units::get(db, id).await?.ok_or_else(|| {
            Error::invalid("unit_id", "Đơn vị không tồn tại. Hãy chọn trong danh sách.", "Unknown unit. Choose one from the list.")
        })?),
        None => None,
    };
    match (&unit, role) {
        (None, Role::Admin) if scope.is_none() => {}
        (None, _) => {
            return Err(Error::invalid("unit_id", "Hãy chọn đơn vị của tài khoản.", "Choose the account's unit."))
        }
        (Some(u), Role::CommuneOfficer) if u.level != AdminLevel::Commune => {
            return Err(Error::invalid(
                "unit_id",
                "Cán bộ UBND xã phải thuộc một xã, phường hoặc thị trấn.",
                "A commune officer must belong to a commune.",
            ))
        }
        _ => {}
    }
    if let (Some(scope), Some(u)) = (&scope, &unit) {
        if !u.path.starts_with(scope.as_str()) {
            return Err(Error::Forbidden);
        }
    }
    login_taken(db, c.email.as_deref(), c.phone.as_deref(), None).await?;
    let temp = temporary_password();
    let hash = auth::hash_password(&temp).await?;
    let mut tx = db.begin().await?;
    let user_id = insert_user(
        &mut tx,
        &NewUser { full_name: &full_name, email: c.email.as_deref(), phone: c.phone.as_deref(), password_hash: &hash, must_change_password: true },
    )
    .await?;
    insert_grant(&mut tx, user_id, role, unit.as_ref().map(|u| u.id), Some(actor.id)).await?;
    audit::record(
        &mut tx,
        &actor.actor(meta.ip.clone(), meta.request_id.clone()),
        "user.create",
        "user",
        Some(&user_id.to_string()),
        None,
        Some(json!({"full_name": full_name, "email": c.email, "phone": c.phone, "role": role.code(),
                    "unit_id": unit.as_ref().map(|u| u.id)})),
    )
    .await?;
    tx.commit().await?;
    Ok((user_id, temp))
}

/// An administrator sets a new temporary password and ends the person's sessions.
pub async fn reset_password(db: &Db, actor: &CurrentUser, meta: &RequestMeta, user_id: i64) -> Result<String> {
    ensure_manageable(db, actor, user_id).await?;
    let temp = temporary_password();
    let hash = auth::hash_password(&temp).await?;
    let mut tx = db.begin().await?;
    let n = sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 1, updated_at = $2 WHERE id = $3")
        .bind(&hash)
        .bind(db::now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(Error::NotFound);
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
    audit::record(
        &mut tx,
        &actor.actor(meta.ip.clone(), meta.request_id.clone()),
        "user.password_reset",
        "user",
        Some(&user_id.to_string()),
        None,
        Some(json!({"must_change_password": true})),
    )
    .await?;
    // Tells the owner of the account, so a reset they did not ask for does not go unnoticed.
    notify::to_users(
        &mut tx,
        &[user_id],
        &notify::Notice {
            kind: "account.password_reset".into(),
            title_vi: "Mật khẩu của bạn đã được đặt lại".into(),
            title_en: "Your password was reset".into(),
            body_vi: "Quản trị viên vừa đặt lại mật khẩu tài khoản của bạn và đăng xuất mọi phiên. Hãy nhận mật khẩu tạm \
                      trực tiếp từ quản trị viên. Nếu bạn không yêu cầu, hãy báo ngay cho phòng phụ trách."
                .into(),
            body_en: "An administrator reset your account's password and ended all sessions. Get the temporary password \
                      from the administrator in person. If you did not ask for this, tell the office at once."
                .into(),
            link: Some("/account".into()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(temp)
}

/// The person changes their own password; their other sessions end.
pub async fn change_password(
    db: &Db,
    user: &CurrentUser,
    meta: &RequestMeta,
    current_token: Option<&str>,
    old: &str,
    new: &str,
) -> Result<()> {
    let hash: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(db.pool())
        .await?
        .try_get("password_hash")?;
    if !auth::verify_password(old, &hash).await? {
        return Err(Error::invalid("old_password", "Mật khẩu hiện tại không đúng.", "The current password is wrong."));
    }
    let new = validate::new_password("new_password", new)?;
    if new == old {
        return Err(Error::invalid(
            "new_password",
            "Mật khẩu mới phải khác mật khẩu hiện tại.",
            "The new password must differ from the current one.",
        ));
    }
    let new_hash = auth::hash_password(&new).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0, updated_at = $2 WHERE id = $3")
        .bind(&new_hash)
        .bind(db::now())
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user.id)
        .bind(current_token.map(auth::token_hash).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "user.password_change",
        "user",
        Some(&user.id.to_string()),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_active(db: &Db, actor: &CurrentUser, meta: &RequestMeta, user_id: i64, active: bool) -> Result<()> {
    ensure_manageable(db, actor, user_id).await?;
    if user_id == actor.id && !active {
        return Err(Error::conflict("Bạn không thể tự khóa tài khoản của mình.", "You cannot disable your own account."));
    }
    let mut tx = db.begin().await?;
    let before: i64 = sqlx::query("SELECT is_active FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound)?
        .try_get("is_active")?;
    sqlx::query("UPDATE users SET is_active = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(active))
        .bind(db::now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
    }
    audit::record(
        &mut tx,
        &actor.actor(meta.ip.clone(), meta.request_id.clone()),
        if active { "user.enable" } else { "user.disable" },
        "user",
        Some(&user_id.to_string()),
        Some(json!({"is_active": before != 0})),
        Some(json!({"is_active": active})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_lang(db: &Db, user: &CurrentUser, lang: &str) -> Result<()> {
    let lang = if lang == "en" { "en" } else { "vi" };
    sqlx::query("UPDATE users SET lang = $1 WHERE id = $2").bind(lang).bind(user.id).execute(db.pool()).await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct UserSummary {
    pub id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub is_active: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<String>,
    /// (role code, unit name)
    pub roles: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub q: Option<String>,
    pub role: Option<String>,
}

/// Accounts the administrator may manage, newest first.
pub async fn list_users(db: &Db, actor: &CurrentUser, filter: &UserFilter, page: i64, per_page: i64) -> Result<(Vec<UserSummary>, i64)> {
    let scope = admin_scope(actor)?;
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    if let Some(q) = filter.q.as_deref().map(domain::text::search_key).filter(|q| !q.is_empty()) {
        args.push(format!("%{}%", q.replace(['%', '_'], "")));
        let n = args.len();
        conds.push(format!("(u.search_key LIKE ${n} OR u.email LIKE ${n} OR u.phone LIKE ${n})"));
    }
    if let Some(role) = filter.role.as_deref().and_then(Role::from_code) {
        args.push(role.code().to_string());
        conds.push(format!("EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = ${})", args.len()));
    }
    if let Some(scope) = &scope {
        args.push(format!("{scope}%"));
        conds.push(format!(
            "NOT EXISTS (SELECT 1 FROM role_grants g LEFT JOIN admin_units a ON a.id = g.unit_id \
             WHERE g.user_id = u.id AND (a.path IS NULL OR a.path NOT LIKE ${}))",
            args.len()
        ));
    }
    let where_sql = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
    let sql = format!("SELECT COUNT(*) AS n FROM users u {where_sql}");
    let mut q = sqlx::query(&sql);
    for a in &args {
        q = q.bind(a);
    }
    let total: i64 = q.fetch_one(db.pool()).await?.try_get("n")?;
    let per_page = per_page.clamp(1, 200);
    let sql = format!(
        "SELECT u.id, u.full_name, u.email, u.phone, u.is_active, u.must_change_password, u.last_login_at \
         FROM users u {where_sql} ORDER BY u.id DESC LIMIT {per_page} OFFSET {}",
        (page.max(1) - 1) * per_page
    );
    let mut q = sqlx::query(&sql);
    for a in &args {
        q = q.bind(a);
    }
    let mut out = Vec::new();
    for r in q.fetch_all(db.pool()).await? {
        let id: i64 = r.try_get("id")?;
        let roles = sqlx::query(
            "SELECT g.role, a.name, a.kind FROM role_grants g LEFT JOIN admin_units a ON a.id = g.unit_id \
             WHERE g.user_id = $1 ORDER BY g.id",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|g| {
            let name: Option<String> = g.try_get("name")?;
            let kind: Option<String> = g.try_get("kind")?;
            Ok((g.try_get("role")?, name.map(|n| format!("{} {n}", kind.unwrap_or_default()))))
        })
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()?;
        out.push(UserSummary {
            id,
            full_name: r.try_get("full_name")?,
            email: r.try_get("email")?,
            phone: r.try_get("phone")?,
            is_active: r.try_get::<i64, _>("is_active")? != 0,
            must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
            last_login_at: r.try_get("last_login_at")?,
            roles,
        });
    }
    Ok((out, total))
}

/// Creates the first administrator from the command line (no actor: recorded as the system).
pub async fn create_admin(db: &Db, full_name: &str, email: &str, password: &str) -> Result<i64> {
    let full_name = validate::text("full_name", "họ và tên", "full name", full_name, 120)?;
    let email = validate::email("email", email)?;
    let password = validate::new_password("password", password)?;
    login_taken(db, Some(&email), None, None).await?;
    let hash = auth::hash_password(&password).await?;
    let mut tx = db.begin().await?;
    let id = insert_user(
        &mut tx,
        &NewUser { full_name: &full_name, email: Some(&email), phone: None, password_hash: &hash, must_change_password: false },
    )
    .await?;
    insert_grant(&mut tx, id, Role::Admin, None, None).await?;
    audit::record(
        &mut tx,
        &audit::Actor::system("dòng lệnh create-admin"),
        "user.create",
        "user",
        Some(&id.to_string()),
        None,
        Some(json!({"full_name": full_name, "email": email, "role": "admin"})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The office of a round creates a judge account for a council member at the round's unit;
/// returns its id and a temporary password the office hands over (changed at first login).
pub async fn create_judge(
    db: &Db,
    actor: &CurrentUser,
    meta: &RequestMeta,
    full_name: &str,
    email: &str,
    phone: &str,
    unit_id: i64,
) -> Result<(i64, String)> {
    let full_name = validate::text("full_name", "họ và tên", "full name", full_name, 120)?;
    let c = contact(email, phone)?;
    login_taken(db, c.email.as_deref(), c.phone.as_deref(), None).await?;
    let temp = temporary_password();
    let hash = auth::hash_password(&temp).await?;
    let mut tx = db.begin().await?;
    let user_id = insert_user(
        &mut tx,
        &NewUser { full_name: &full_name, email: c.email.as_deref(), phone: c.phone.as_deref(), password_hash: &hash, must_change_password: true },
    )
    .await?;
    insert_grant(&mut tx, user_id, Role::Judge, Some(unit_id), Some(actor.id)).await?;
    audit::record(
        &mut tx,
        &actor.actor(meta.ip.clone(), meta.request_id.clone()),
        "user.create",
        "user",
        Some(&user_id.to_string()),
        None,
        Some(json!({"full_name": full_name, "email": c.email, "phone": c.phone, "role": Role::Judge.code(), "unit_id": unit_id})),
    )
    .await?;
    tx.commit().await?;
    Ok((user_id, temp))
}
