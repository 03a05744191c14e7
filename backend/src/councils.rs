//! Councils (hội đồng) of a round: the establishing decision, the members and their roles, which
//! accepted dossiers each council scores, exclusions, conflicts of interest and the chair's
//! overrides. Whether a member may score a product is decided here, once, for every caller.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use domain::{
    access::Role,
    council::{self, ConflictReason, Entitlement, MemberFacts, MemberRole, ProducerFacts, Relationship},
    workflow::{dossier::DossierState, round::RoundState},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::{
    accounts, audit,
    auth::{CurrentUser, RequestMeta},
    db::{self, Db},
    error::{Error, Result},
    notify::{self, Notice},
    rounds::{self, Round},
    units, validate,
};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Council {
    pub id: i64,
    pub round_id: i64,
    pub name: String,
    /// Số quyết định thành lập hội đồng.
    pub decision_no: String,
    pub decision_date: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Member {
    pub id: i64,
    pub council_id: i64,
    pub user_id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: MemberRole,
    /// Chức vụ, đơn vị công tác (printed in the minutes).
    pub position: Option<String>,
}

/// A council with the round it belongs to and its members.
#[derive(Debug, Clone, Serialize)]
pub struct CouncilFull {
    pub council: Council,
    pub round: Round,
    pub members: Vec<Member>,
}

impl CouncilFull {
    /// The caller's membership, if any.
    pub fn member_of(&self, user: &CurrentUser) -> Option<&Member> {
        self.members.iter().find(|m| m.user_id == user.id)
    }

    pub fn chair(&self) -> Option<&Member> {
        self.members.iter().find(|m| m.role == MemberRole::Chair)
    }

    /// Members who score (chair, vice-chairs, members).
    pub fn scorers(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(|m| m.role.scores())
    }
}

fn council_from_row(r: &sqlx::any::AnyRow) -> Result<Council> {
    let date: String = r.try_get("decision_date")?;
    Ok(Council {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        name: r.try_get("name")?,
        decision_no: r.try_get("decision_no")?,
        decision_date: NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| Error::Internal(format!("council date {date}")))?,
    })
}

fn member_from_row(r: &sqlx::any::AnyRow) -> Result<Member> {
    let role: String = r.try_get("role")?;
    Ok(Member {
        id: r.try_get("id")?,
        council_id: r.try_get("council_id")?,
        user_id: r.try_get("user_id")?,
        full_name: r.try_get("full_name")?,
        email: r.try_get("email")?,
        phone: r.try_get("phone")?,
        role: MemberRole::from_code(&role).ok_or_else(|| Error::Internal(format!("member role {role}")))?,
        position: r.try_get("position")?,
    })
}

const MEMBER_COLS: &str = "m.id, m.council_id, m.user_id, m.role, m.position, u.full_name, u.email, u.phone";

/// Members in the order of the decision: chair, vice-chairs, members, secretary, support.
fn sort_members(members: &mut [Member]) {
    members.sort_by_key(|m| (MemberRole::ALL.iter().position(|r| *r == m.role), m.full_name.clone(), m.id));
}

pub async fn load(db: &Db, id: i64) -> Result<CouncilFull> {
    let r = sqlx::query("SELECT * FROM councils WHERE id = $1").bind(id).fetch_optional(db.pool()).await?.ok_or(Error::NotFound)?;
    let council = council_from_row(&r)?;
    let round = rounds::load(db, council.round_id).await?;
    let mut members = sqlx::query(&format!(
        "SELECT {MEMBER_COLS} FROM council_members m JOIN users u ON u.id = m.user_id WHERE m.council_id = $1"
    ))
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(member_from_row)
    .collect::<Result<Vec<_>>>()?;
    sort_members(&mut members);
    Ok(CouncilFull { council, round, members })
}

/// What the caller is to this council.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Staff of the office that runs the round.
    Office,
    Member(MemberRole),
}

pub fn standing(user: &CurrentUser, c: &CouncilFull) -> Option<Standing> {
    if let Some(m) = c.member_of(user) {
        return Some(Standing::Member(m.role));
    }
    rounds::may_manage(user, &c.round).then_some(Standing::Office)
}

/// A council the caller may see; others do not exist for them.
pub async fn visible(db: &Db, user: &CurrentUser, id: i64) -> Result<(CouncilFull, Standing)> {
    let c = load(db, id).await?;
    match standing(user, &c) {
        Some(s) => Ok((c, s)),
        None => Err(Error::NotFound),
    }
}

/// A council only its round's office may change.
async fn managed(db: &Db, user: &CurrentUser, id: i64) -> Result<CouncilFull> {
    let (c, s) = visible(db, user, id).await?;
    if s != Standing::Office {
        return Err(Error::Forbidden);
    }
    Ok(c)
}

fn before_scoring(round: &Round) -> Result<()> {
    if matches!(round.state, RoundState::Draft | RoundState::RegistrationOpen | RoundState::RegistrationClosed) {
        Ok(())
    } else {
        Err(Error::conflict(
            format!("Đợt đang ở bước «{}»: thành phần hội đồng và phân công không còn thay đổi được.", round.state.label_vi()),
            format!("The round is at \"{}\": the council's members and assignments can no longer change.", round.state.label_en()),
        ))
    }
}

fn not_finalised(round: &Round) -> Result<()> {
    if matches!(round.state, RoundState::Finalised | RoundState::Published | RoundState::Archived) {
        return Err(Error::conflict(
            "Kết quả của đợt đã chốt: không thay đổi được nữa.",
            "The round's results are final: nothing can change any more.",
        ));
    }
    Ok(())
}

/// A council as the round's page lists it: with how many members it has and how many products
/// it scores.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CouncilSummary {
    pub council: Council,
    pub members: i64,
    pub products: i64,
}

/// The councils of a round, for its office (all) or a member (theirs), with their counts.
pub async fn of_round(db: &Db, user: &CurrentUser, round_id: i64) -> Result<Vec<CouncilSummary>> {
    let round = rounds::load(db, round_id).await?;
    let office = rounds::may_manage(user, &round);
    let rows = sqlx::query(
        "SELECT c.*, (SELECT COUNT(*) FROM council_members m WHERE m.council_id = c.id) AS member_count, \
         (SELECT COUNT(*) FROM council_dossiers cd WHERE cd.council_id = c.id) AS product_count \
         FROM councils c WHERE c.round_id = $1 AND ($2 = 1 OR EXISTS \
         (SELECT 1 FROM council_members m WHERE m.council_id = c.id AND m.user_id = $3)) ORDER BY c.id",
    )
    .bind(round_id)
    .bind(i64::from(office))
    .bind(user.id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok(CouncilSummary { council: council_from_row(r)?, members: r.try_get("member_count")?, products: r.try_get("product_count")? }))
        .collect()
}

/// The councils the caller sits on, newest round first.
pub async fn mine(db: &Db, user: &CurrentUser) -> Result<Vec<(Council, MemberRole)>> {
    let rows = sqlx::query(
        "SELECT c.*, m.role AS my_role FROM councils c JOIN council_members m ON m.council_id = c.id \
         WHERE m.user_id = $1 ORDER BY c.round_id DESC, c.id DESC",
    )
    .bind(user.id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("my_role")?;
            Ok((council_from_row(r)?, MemberRole::from_code(&role).ok_or_else(|| Error::Internal(role.clone()))?))
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct CouncilInput {
    pub name: String,
    pub decision_no: String,
    pub decision_date: String,
}

struct CheckedCouncil {
    name: String,
    decision_no: String,
    decision_date: NaiveDate,
}

fn check_council(input: &CouncilInput) -> Result<CheckedCouncil> {
    let name = validate::text("name", "tên hội đồng", "council name", &input.name, 200)?;
    let decision_no = validate::text("decision_no", "số quyết định thành lập", "decision number", &input.decision_no, 60)?;
    let decision_date = NaiveDate::parse_from_str(input.decision_date.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid("decision_date", "Hãy chọn ngày ký quyết định thành lập hội đồng.", "Choose the date the decision was signed.")
    })?;
    if decision_date > rounds::today_vn() {
        return Err(Error::invalid("decision_date", "Ngày ký quyết định không thể ở tương lai.", "The decision cannot be dated in the future."));
    }
    Ok(CheckedCouncil { name, decision_no, decision_date })
}

/// Sets up a council for a round (the office of the round, before the results are final).
pub async fn create(db: &Db, user: &CurrentUser, meta: &RequestMeta, round_id: i64, input: &CouncilInput) -> Result<i64> {
    let round = rounds::load(db, round_id).await?;
    if !rounds::may_manage(user, &round) {
        return Err(Error::NotFound);
    }
    not_finalised(&round)?;
    let c = check_council(input)?;
    let now = db::now();
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO councils (round_id, name, decision_no, decision_date, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(round_id)
    .bind(&c.name)
    .bind(&c.decision_no)
    .bind(c.decision_date.to_string())
    .bind(user.id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "council.create",
        "council",
        Some(&id.to_string()),
        None,
        Some(json!({"round_id": round_id, "name": c.name, "decision_no": c.decision_no, "decision_date": c.decision_date})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(db: &Db, user: &CurrentUser, meta: &RequestMeta, id: i64, input: &CouncilInput) -> Result<()> {
    let full = managed(db, user, id).await?;
    not_finalised(&full.round)?;
    let c = check_council(input)?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE councils SET name = $1, decision_no = $2, decision_date = $3, updated_at = $4 WHERE id = $5")
        .bind(&c.name)
        .bind(&c.decision_no)
        .bind(c.decision_date.to_string())
        .bind(db::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "council.update",
        "council",
        Some(&id.to_string()),
        Some(json!({"name": full.council.name, "decision_no": full.council.decision_no, "decision_date": full.council.decision_date})),
        Some(json!({"name": c.name, "decision_no": c.decision_no, "decision_date": c.decision_date})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who joins a council: an existing judge account (by e-mail or phone), or a new one the office
/// creates with a temporary password.
#[derive(Debug, Clone, Default)]
pub struct MemberInput {
    /// E-mail or phone of the person.
    pub login: String,
    /// For a new account only.
    pub full_name: String,
    pub role: String,
    pub position: String,
}

/// What adding a member did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Added {
    pub member_id: i64,
    /// Set when a new judge account was created: shown once to the office, who hands it over.
    pub temporary_password: Option<String>,
}

async fn user_by_login(db: &Db, login: &str) -> Result<Option<i64>> {
    let login = login.trim();
    let (col, value) = if login.contains('@') {
        ("email", validate::email("login", login)?)
    } else {
        ("phone", validate::phone("login", login)?)
    };
    Ok(sqlx::query(&format!("SELECT id FROM users WHERE {col} = $1"))
        .bind(value)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?)
}

pub async fn add_member(db: &Db, user: &CurrentUser, meta: &RequestMeta, council_id: i64, input: &MemberInput) -> Result<Added> {
    let full = managed(db, user, council_id).await?;
    before_scoring(&full.round)?;
    let role = MemberRole::from_code(input.role.trim())
        .ok_or_else(|| Error::invalid("role", "Hãy chọn vai trò trong hội đồng.", "Choose the role in the council."))?;
    if role == MemberRole::Chair && full.chair().is_some() {
        return Err(Error::invalid("role", "Hội đồng đã có Chủ tịch. Mỗi hội đồng chỉ có một Chủ tịch.", "The council already has a chair."));
    }
    let position = validate::optional_text("position", "chức vụ, đơn vị công tác", "position", &input.position, 200)?;
    if input.login.trim().is_empty() {
        return Err(Error::invalid("login", "Hãy nhập e-mail hoặc số điện thoại của thành viên.", "Enter the member's e-mail or phone."));
    }
    let existing = user_by_login(db, &input.login).await?;
    let (user_id, temporary_password) = match existing {
        Some(id) => {
            if full.members.iter().any(|m| m.user_id == id) {
                return Err(Error::invalid("login", "Người này đã có trong hội đồng.", "This person is already in the council."));
            }
            let judge = crate::auth::load_user(db, id).await?.is_some_and(|u| u.has_role(Role::Judge));
            if !judge {
                return Err(Error::invalid(
                    "login",
                    "Tài khoản này không phải tài khoản thành viên hội đồng (giám khảo). Hãy dùng e-mail hoặc số điện thoại khác để tạo tài khoản mới cho người này.",
                    "This account is not a council member (judge) account. Use another e-mail or phone to create one for this person.",
                ));
            }
            (id, None)
        }
        None => {
            if input.full_name.trim().is_empty() {
                return Err(Error::invalid(
                    "full_name",
                    "Chưa có tài khoản với e-mail hoặc số điện thoại này: hãy nhập họ và tên để tạo tài khoản giám khảo mới.",
                    "No account has this e-mail or phone: enter the full name to create a new judge account.",
                ));
            }
            let unit = units::get(db, full.round.unit_id).await?.ok_or(Error::NotFound)?;
            let login = input.login.trim();
            let (email, phone) = if login.contains('@') { (login.to_string(), String::new()) } else { (String::new(), login.to_string()) };
            let (id, temp) = accounts::create_judge(db, user, meta, &input.full_name, &email, &phone, unit.id).await?;
            (id, Some(temp))
        }
    };
    let mut tx = db.begin().await?;
    let member_id: i64 = sqlx::query(
        "INSERT INTO council_members (council_id, user_id, role, position, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(council_id)
    .bind(user_id)
    .bind(role.code())
    .bind(&position)
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "council.member_add",
        "council",
        Some(&council_id.to_string()),
        None,
        Some(json!({"member_id": member_id, "user_id": user_id, "role": role.code(), "position": position})),
    )
    .await?;
    let n = Notice {
        kind: "council.member_added".into(),
        title_vi: format!("Bạn là {} «{}»", role.label_vi().to_lowercase(), full.council.name),
        title_en: format!("You are {} of \"{}\"", role.label_en().to_lowercase(), full.council.name),
        body_vi: format!(
            "Theo Quyết định số {} ngày {}, bạn tham gia {} với vai trò {}. Hãy kê khai xung đột lợi ích (nếu có) trước khi chấm điểm.",
            full.council.decision_no,
            full.council.decision_date.format("%d/%m/%Y"),
            full.council.name,
            role.label_vi().to_lowercase()
        ),
        body_en: format!(
            "Under decision {} of {}, you sit on {} as {}. Declare any conflict of interest before scoring.",
            full.council.decision_no,
            full.council.decision_date,
            full.council.name,
            role.label_en().to_lowercase()
        ),
        link: Some("/judge".into()),
    };
    notify::to_users(&mut tx, &[user_id], &n).await?;
    tx.commit().await?;
    Ok(Added { member_id, temporary_password })
}

async fn member_row(db: &Db, member_id: i64) -> Result<Member> {
    sqlx::query(&format!("SELECT {MEMBER_COLS} FROM council_members m JOIN users u ON u.id = m.user_id WHERE m.id = $1"))
        .bind(member_id)
        .fetch_optional(db.pool())
        .await?
        .as_ref()
        .map(member_from_row)
        .transpose()?
        .ok_or(Error::NotFound)
}

pub async fn remove_member(db: &Db, user: &CurrentUser, meta: &RequestMeta, member_id: i64) -> Result<()> {
    let m = member_row(db, member_id).await?;
    let full = managed(db, user, m.council_id).await?;
    before_scoring(&full.round)?;
    let mut tx = db.begin().await?;
    // Nothing was scored yet (scoring has not opened); exclusions and overrides go with the member.
    for table in ["member_exclusions", "conflict_overrides", "score_sheets"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE member_id = $1")).bind(member_id).execute(&mut *tx).await?;
    }
    sqlx::query("DELETE FROM council_members WHERE id = $1").bind(member_id).execute(&mut *tx).await?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "council.member_remove",
        "council",
        Some(&m.council_id.to_string()),
        Some(json!({"member_id": member_id, "user_id": m.user_id, "role": m.role.code()})),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An accepted dossier of the round, as the council lists it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Assigned {
    pub dossier_id: i64,
    pub council_id: Option<i64>,
    pub product_id: i64,
    pub product_name: String,
    pub producer_id: i64,
    pub producer_name: String,
    pub group_code: String,
    pub finalise_note: Option<String>,
}

const ASSIGNED_SQL: &str = "SELECT d.id, d.product_id, d.producer_id, d.group_code, p.name AS product_name, pr.name AS producer_name, \
     cd.council_id, cd.finalise_note FROM dossiers d JOIN products p ON p.id = d.product_id \
     JOIN producers pr ON pr.id = d.producer_id LEFT JOIN council_dossiers cd ON cd.dossier_id = d.id";

fn assigned_from_row(r: &sqlx::any::AnyRow) -> Result<Assigned> {
    Ok(Assigned {
        dossier_id: r.try_get("id")?,
        council_id: r.try_get("council_id")?,
        product_id: r.try_get("product_id")?,
        product_name: r.try_get("product_name")?,
        producer_id: r.try_get("producer_id")?,
        producer_name: r.try_get("producer_name")?,
        group_code: r.try_get("group_code")?,
        finalise_note: r.try_get("finalise_note")?,
    })
}

/// The round's accepted dossiers with the council each is assigned to (if any).
pub async fn round_products(db: &Db, round_id: i64) -> Result<Vec<Assigned>> {
    let rows = sqlx::query(&format!("{ASSIGNED_SQL} WHERE d.round_id = $1 AND d.state = $2 ORDER BY p.name, d.id"))
        .bind(round_id)
        .bind(DossierState::Accepted.code())
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(assigned_from_row).collect()
}

/// One accepted dossier of a council (a judge's every autosave needs only this one).
pub async fn assigned_product(db: &Db, council_id: i64, dossier_id: i64) -> Result<Assigned> {
    let r = sqlx::query(&format!("{ASSIGNED_SQL} WHERE d.id = $1 AND cd.council_id = $2 AND d.state = $3"))
        .bind(dossier_id)
        .bind(council_id)
        .bind(DossierState::Accepted.code())
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?;
    assigned_from_row(&r)
}

/// The products a council scores.
pub async fn products(db: &Db, council: &CouncilFull) -> Result<Vec<Assigned>> {
    Ok(round_products(db, council.round.id).await?.into_iter().filter(|a| a.council_id == Some(council.council.id)).collect())
}

/// Which accepted dossiers to give a council: all that are still unassigned, those of one
/// product group, or a list.
#[derive(Debug, Clone)]
pub enum Selection {
    AllUnassigned,
    Group(String),
    Dossiers(Vec<i64>),
}

/// `code` is `group` or one of its sub-groups.
fn in_group(rs: &domain::ruleset::RuleSet, code: &str, group: &str) -> bool {
    let mut at = Some(code.to_string());
    while let Some(c) = at {
        if c == group {
            return true;
        }
        at = rs.product_group(&c).and_then(|g| g.parent.clone());
    }
    false
}

/// Assigns accepted dossiers to a council; returns how many were assigned.
pub async fn assign(db: &Db, user: &CurrentUser, meta: &RequestMeta, council_id: i64, selection: &Selection) -> Result<usize> {
    let full = managed(db, user, council_id).await?;
    before_scoring(&full.round)?;
    let all = round_products(db, full.round.id).await?;
    let chosen: Vec<&Assigned> = match selection {
        Selection::AllUnassigned => all.iter().filter(|a| a.council_id.is_none()).collect(),
        Selection::Group(g) => {
            let g = g.trim();
            // A parent group takes its sub-groups too.
            let rs = rounds::rule_set_of(db, &full.round).await?;
            all.iter()
                .filter(|a| a.council_id.is_none())
                .filter(|a| in_group(&rs, &a.group_code, g))
                .collect()
        }
        Selection::Dossiers(ids) => {
            let set: HashSet<i64> = ids.iter().copied().collect();
            let chosen: Vec<&Assigned> = all.iter().filter(|a| set.contains(&a.dossier_id)).collect();
            if chosen.len() != set.len() {
                return Err(Error::invalid(
                    "dossiers",
                    "Chỉ phân công được hồ sơ đã được tiếp nhận hợp lệ của đợt này.",
                    "Only this round's accepted dossiers can be assigned.",
                ));
            }
            chosen
        }
    };
    if chosen.is_empty() {
        return Err(Error::invalid("dossiers", "Không có hồ sơ nào để phân công.", "There is no dossier to assign."));
    }
    let now = db::now();
    let mut tx = db.begin().await?;
    for a in &chosen {
        sqlx::query("DELETE FROM council_dossiers WHERE dossier_id = $1").bind(a.dossier_id).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO council_dossiers (dossier_id, council_id, assigned_at) VALUES ($1, $2, $3)")
            .bind(a.dossier_id)
            .bind(council_id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
    }
    let ids: Vec<i64> = chosen.iter().map(|a| a.dossier_id).collect();
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "council.assign",
        "council",
        Some(&council_id.to_string()),
        None,
        Some(json!({"dossiers": ids})),
    )
    .await?;
    tx.commit().await?;
    Ok(ids.len())
}

/// Takes a dossier back from its council (before scoring opens).
pub async fn unassign(db: &Db, user: &CurrentUser, meta: &RequestMeta, council_id: i64, dossier_id: i64) -> Result<()> {
    let full = managed(db, user, council_id).await?;
    before_scoring(&full.round)?;
    let mut tx = db.begin().await?;
    let n = sqlx::query("DELETE FROM council_dossiers WHERE dossier_id = $1 AND council_id = $2")
        .bind(dossier_id)
        .bind(council_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(Error::NotFound);
    }
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "council.unassign",
        "council",
        Some(&council_id.to_string()),
        Some(json!({"dossier_id": dossier_id})),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The council a dossier is assigned to, if any.
pub async fn council_of_dossier(db: &Db, dossier_id: i64) -> Result<Option<i64>> {
    Ok(sqlx::query("SELECT council_id FROM council_dossiers WHERE dossier_id = $1")
        .bind(dossier_id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.try_get("council_id"))
        .transpose()?)
}

/// Users who sit on the council that scores a dossier (every role, support team included):
/// they may read its documents.
pub async fn dossier_readers(db: &Db, dossier_id: i64) -> Result<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT m.user_id FROM council_dossiers cd JOIN council_members m ON m.council_id = cd.council_id WHERE cd.dossier_id = $1",
    )
    .bind(dossier_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok(r.try_get("user_id")?)).collect()
}

/// The user sits on a council that scores one of the product's dossiers (photos, description).
pub async fn reads_product(db: &Db, user_id: i64, product_id: i64) -> Result<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS x FROM dossiers d JOIN council_dossiers cd ON cd.dossier_id = d.id \
         JOIN council_members m ON m.council_id = cd.council_id WHERE d.product_id = $1 AND m.user_id = $2",
    )
    .bind(product_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?
    .is_some())
}

/// The office keeps a member away from one product (or lets them back).
pub async fn set_excluded(
    db: &Db,
    user: &CurrentUser,
    meta: &RequestMeta,
    member_id: i64,
    dossier_id: i64,
    excluded: bool,
    reason: &str,
) -> Result<()> {
    let m = member_row(db, member_id).await?;
    let full = managed(db, user, m.council_id).await?;
    not_finalised(&full.round)?;
    if council_of_dossier(db, dossier_id).await? != Some(m.council_id) {
        return Err(Error::NotFound);
    }
    let mut tx = db.begin().await?;
    if excluded {
        let reason = validate::text("reason", "lý do", "reason", reason, 500)?;
        sqlx::query("DELETE FROM member_exclusions WHERE member_id = $1 AND dossier_id = $2")
            .bind(member_id)
            .bind(dossier_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO member_exclusions (member_id, dossier_id, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(member_id)
            .bind(dossier_id)
            .bind(&reason)
            .bind(user.id)
            .bind(db::now())
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query("DELETE FROM member_exclusions WHERE member_id = $1 AND dossier_id = $2")
            .bind(member_id)
            .bind(dossier_id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        if excluded { "council.exclude" } else { "council.include" },
        "council",
        Some(&m.council_id.to_string()),
        None,
        Some(json!({"member_id": member_id, "dossier_id": dossier_id, "reason": reason.trim()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Declaration {
    pub id: i64,
    pub producer_id: i64,
    pub producer_name: String,
    pub relationship: Relationship,
    pub note: Option<String>,
    pub created_at: String,
}

pub async fn declarations(db: &Db, user_id: i64) -> Result<Vec<Declaration>> {
    let rows = sqlx::query(
        "SELECT c.*, p.name AS producer_name FROM conflict_declarations c JOIN producers p ON p.id = c.producer_id \
         WHERE c.user_id = $1 ORDER BY p.name",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let rel: String = r.try_get("relationship")?;
            Ok(Declaration {
                id: r.try_get("id")?,
                producer_id: r.try_get("producer_id")?,
                producer_name: r.try_get("producer_name")?,
                relationship: Relationship::from_code(&rel).unwrap_or(Relationship::Other),
                note: r.try_get("note")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// A producer a judge may declare a tie with: one whose dossier is before a council they sit on.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ProducerChoice {
    pub producer_id: i64,
    pub name: String,
    pub commune: String,
}

pub async fn declarable_producers(db: &Db, user: &CurrentUser) -> Result<Vec<ProducerChoice>> {
    let rows = sqlx::query(
        "SELECT DISTINCT pr.id, pr.name, u.name AS commune FROM council_members m \
         JOIN council_dossiers cd ON cd.council_id = m.council_id JOIN dossiers d ON d.id = cd.dossier_id \
         JOIN producers pr ON pr.id = d.producer_id JOIN admin_units u ON u.id = pr.commune_id \
         WHERE m.user_id = $1 ORDER BY pr.name",
    )
    .bind(user.id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok(ProducerChoice { producer_id: r.try_get("id")?, name: r.try_get("name")?, commune: r.try_get("commune")? }))
        .collect()
}

/// A judge declares a tie with a producer. Declaring is always possible — even mid-scoring, when
/// it then removes the member from that producer's products.
pub async fn declare(db: &Db, user: &CurrentUser, meta: &RequestMeta, producer_id: i64, relationship: &str, note: &str) -> Result<()> {
    if !user.has_role(Role::Judge) {
        return Err(Error::Forbidden);
    }
    if !declarable_producers(db, user).await?.iter().any(|p| p.producer_id == producer_id) {
        return Err(Error::invalid("producer_id", "Hãy chọn chủ thể trong danh sách.", "Choose a producer from the list."));
    }
    let rel = Relationship::from_code(relationship.trim())
        .ok_or_else(|| Error::invalid("relationship", "Hãy chọn mối quan hệ.", "Choose the relationship."))?;
    let note = validate::optional_text("note", "ghi chú", "note", note, 500)?;
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM conflict_declarations WHERE user_id = $1 AND producer_id = $2")
        .bind(user.id)
        .bind(producer_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO conflict_declarations (user_id, producer_id, relationship, note, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(user.id)
        .bind(producer_id)
        .bind(rel.code())
        .bind(&note)
        .bind(db::now())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "conflict.declare",
        "user",
        Some(&user.id.to_string()),
        None,
        Some(json!({"producer_id": producer_id, "relationship": rel.code(), "note": note})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Withdraws one's own declaration (a mistake), audited.
pub async fn withdraw_declaration(db: &Db, user: &CurrentUser, meta: &RequestMeta, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    let row = sqlx::query("SELECT producer_id, relationship FROM conflict_declarations WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user.id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound)?;
    let producer_id: i64 = row.try_get("producer_id")?;
    let rel: String = row.try_get("relationship")?;
    sqlx::query("DELETE FROM conflict_declarations WHERE id = $1").bind(id).execute(&mut *tx).await?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "conflict.withdraw",
        "user",
        Some(&user.id.to_string()),
        Some(json!({"producer_id": producer_id, "relationship": rel})),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The chair lets a conflicted member score one product anyway (or takes that back), with a
/// reason kept in the audit log. The chair cannot lift their own conflict.
pub async fn set_override(
    db: &Db,
    user: &CurrentUser,
    meta: &RequestMeta,
    member_id: i64,
    dossier_id: i64,
    allow: bool,
    reason: &str,
) -> Result<()> {
    let m = member_row(db, member_id).await?;
    let (full, standing) = visible(db, user, m.council_id).await?;
    if standing != Standing::Member(MemberRole::Chair) {
        return Err(Error::conflict(
            "Chỉ Chủ tịch hội đồng mới quyết định cho thành viên có xung đột lợi ích tham gia chấm.",
            "Only the council's chair may let a conflicted member score.",
        ));
    }
    if m.user_id == user.id {
        return Err(Error::conflict(
            "Chủ tịch hội đồng không tự quyết định về xung đột lợi ích của chính mình.",
            "The chair cannot decide on their own conflict of interest.",
        ));
    }
    not_finalised(&full.round)?;
    if council_of_dossier(db, dossier_id).await? != Some(m.council_id) {
        return Err(Error::NotFound);
    }
    let grid = entitlements(db, &full).await?;
    let conflicted = grid.get(&(member_id, dossier_id)).is_some_and(|e| matches!(e, Entitlement::Conflicted { .. } | Entitlement::Overridden { .. }));
    if !conflicted {
        return Err(Error::conflict("Thành viên này không có xung đột lợi ích với sản phẩm.", "This member has no conflict with the product."));
    }
    let reason = if allow { validate::text("reason", "lý do", "reason", reason, 1000)? } else { reason.trim().to_string() };
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM conflict_overrides WHERE member_id = $1 AND dossier_id = $2")
        .bind(member_id)
        .bind(dossier_id)
        .execute(&mut *tx)
        .await?;
    if allow {
        sqlx::query("INSERT INTO conflict_overrides (member_id, dossier_id, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(member_id)
            .bind(dossier_id)
            .bind(&reason)
            .bind(user.id)
            .bind(db::now())
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        if allow { "conflict.override" } else { "conflict.override_revoke" },
        "council",
        Some(&m.council_id.to_string()),
        None,
        Some(json!({"member_id": member_id, "dossier_id": dossier_id, "reason": reason})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The reasons recorded on the grid: why the office excluded a member from a product, and why
/// the chair let a conflicted member score it — keyed by (member, dossier).
#[derive(Debug, Clone, Default)]
pub struct GridReasons {
    pub excluded: HashMap<(i64, i64), String>,
    pub overridden: HashMap<(i64, i64), String>,
}

pub async fn grid_reasons(db: &Db, council_id: i64) -> Result<GridReasons> {
    let mut out = GridReasons::default();
    for (table, map) in [("member_exclusions", &mut out.excluded), ("conflict_overrides", &mut out.overridden)] {
        let rows = sqlx::query(&format!(
            "SELECT t.member_id, t.dossier_id, t.reason FROM {table} t JOIN council_members m ON m.id = t.member_id WHERE m.council_id = $1"
        ))
        .bind(council_id)
        .fetch_all(db.pool())
        .await?;
        for r in rows {
            map.insert((r.try_get("member_id")?, r.try_get("dossier_id")?), r.try_get("reason")?);
        }
    }
    Ok(out)
}

/// Every member's entitlement for every product of the council, keyed by (member, dossier).
pub async fn entitlements(db: &Db, c: &CouncilFull) -> Result<HashMap<(i64, i64), Entitlement>> {
    let products = products(db, c).await?;
    entitlements_for(db, c, &products).await
}

pub async fn entitlements_for(db: &Db, c: &CouncilFull, products: &[Assigned]) -> Result<HashMap<(i64, i64), Entitlement>> {
    let cid = c.council.id;
    let mut excluded = HashSet::new();
    for r in sqlx::query("SELECT e.member_id, e.dossier_id FROM member_exclusions e JOIN council_members m ON m.id = e.member_id WHERE m.council_id = $1")
        .bind(cid)
        .fetch_all(db.pool())
        .await?
    {
        excluded.insert((r.try_get::<i64, _>("member_id")?, r.try_get::<i64, _>("dossier_id")?));
    }
    let mut overrides = HashSet::new();
    for r in sqlx::query("SELECT o.member_id, o.dossier_id FROM conflict_overrides o JOIN council_members m ON m.id = o.member_id WHERE m.council_id = $1")
        .bind(cid)
        .fetch_all(db.pool())
        .await?
    {
        overrides.insert((r.try_get::<i64, _>("member_id")?, r.try_get::<i64, _>("dossier_id")?));
    }
    // Declared ties, by (user, producer).
    let mut declared = HashSet::new();
    for r in sqlx::query(
        "SELECT d.user_id, d.producer_id FROM conflict_declarations d JOIN council_members m ON m.user_id = d.user_id WHERE m.council_id = $1",
    )
    .bind(cid)
    .fetch_all(db.pool())
    .await?
    {
        declared.insert((r.try_get::<i64, _>("user_id")?, r.try_get::<i64, _>("producer_id")?));
    }
    let member_facts = member_facts(db, c).await?;
    let mut producer_facts: BTreeMap<i64, ProducerFacts> = BTreeMap::new();
    for p in products {
        if !producer_facts.contains_key(&p.producer_id) {
            producer_facts.insert(p.producer_id, facts_of_producer(db, p.producer_id).await?);
        }
    }
    let mut out = HashMap::new();
    for m in &c.members {
        let facts = member_facts.get(&m.user_id).cloned().unwrap_or_default();
        for p in products {
            let e = decide(
                m,
                &facts,
                producer_facts.get(&p.producer_id),
                declared.contains(&(m.user_id, p.producer_id)),
                excluded.contains(&(m.id, p.dossier_id)),
                overrides.contains(&(m.id, p.dossier_id)),
            );
            out.insert((m.id, p.dossier_id), e);
        }
    }
    Ok(out)
}

/// The rule behind every entitlement: declared ties and detected ones block, the office's
/// exclusion wins, the chair's override lifts a conflict.
fn decide(m: &Member, facts: &MemberFacts, pf: Option<&ProducerFacts>, declared: bool, excluded: bool, overridden: bool) -> Entitlement {
    let mut reasons = Vec::new();
    if declared {
        reasons.push(ConflictReason::Declared);
    }
    if let Some(pf) = pf {
        reasons.extend(council::detect_conflicts(facts, pf));
    }
    council::entitlement(m.role, excluded, &reasons, overridden)
}

/// One member's entitlement for one product, read with a few targeted queries: a judge's every
/// autosave checks it, and loading the whole council's grid for that made saves wait on
/// PostgreSQL round trips (bench/README.md, autosave).
pub async fn entitlement_of(db: &Db, m: &Member, p: &Assigned) -> Result<Entitlement> {
    if !m.role.scores() {
        return Ok(Entitlement::NotAScoringRole);
    }
    let r = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM member_exclusions WHERE member_id = $1 AND dossier_id = $2) AS excluded, \
         (SELECT COUNT(*) FROM conflict_overrides WHERE member_id = $1 AND dossier_id = $2) AS overridden, \
         (SELECT COUNT(*) FROM conflict_declarations WHERE user_id = $3 AND producer_id = $4) AS declared",
    )
    .bind(m.id)
    .bind(p.dossier_id)
    .bind(m.user_id)
    .bind(p.producer_id)
    .fetch_one(db.pool())
    .await?;
    let flag = |c: &str| -> Result<bool> { Ok(r.try_get::<i64, _>(c)? > 0) };
    let mut facts = MemberFacts { email: m.email.clone(), phone: m.phone.clone(), tax_code: None, producer_ids: vec![] };
    for row in sqlx::query("SELECT pm.producer_id, p.tax_code FROM producer_members pm JOIN producers p ON p.id = pm.producer_id WHERE pm.user_id = $1")
        .bind(m.user_id)
        .fetch_all(db.pool())
        .await?
    {
        facts.producer_ids.push(row.try_get("producer_id")?);
        if facts.tax_code.is_none() {
            facts.tax_code = row.try_get("tax_code")?;
        }
    }
    let pf = facts_of_producer(db, p.producer_id).await?;
    Ok(decide(m, &facts, Some(&pf), flag("declared")?, flag("excluded")?, flag("overridden")?))
}

async fn member_facts(db: &Db, c: &CouncilFull) -> Result<HashMap<i64, MemberFacts>> {
    let mut out: HashMap<i64, MemberFacts> = c
        .members
        .iter()
        .map(|m| (m.user_id, MemberFacts { email: m.email.clone(), phone: m.phone.clone(), tax_code: None, producer_ids: vec![] }))
        .collect();
    let rows = sqlx::query(
        "SELECT pm.user_id, pm.producer_id, p.tax_code FROM producer_members pm JOIN producers p ON p.id = pm.producer_id \
         JOIN council_members m ON m.user_id = pm.user_id WHERE m.council_id = $1",
    )
    .bind(c.council.id)
    .fetch_all(db.pool())
    .await?;
    for r in rows {
        let user_id: i64 = r.try_get("user_id")?;
        if let Some(f) = out.get_mut(&user_id) {
            f.producer_ids.push(r.try_get("producer_id")?);
            if f.tax_code.is_none() {
                f.tax_code = r.try_get("tax_code")?;
            }
        }
    }
    Ok(out)
}

async fn facts_of_producer(db: &Db, producer_id: i64) -> Result<ProducerFacts> {
    let p = sqlx::query("SELECT tax_code, phone, email FROM producers WHERE id = $1")
        .bind(producer_id)
        .fetch_one(db.pool())
        .await?;
    let mut phones: Vec<String> = p.try_get::<Option<String>, _>("phone")?.into_iter().collect();
    let mut emails: Vec<String> = p.try_get::<Option<String>, _>("email")?.into_iter().collect();
    for r in sqlx::query("SELECT u.phone, u.email FROM producer_members pm JOIN users u ON u.id = pm.user_id WHERE pm.producer_id = $1")
        .bind(producer_id)
        .fetch_all(db.pool())
        .await?
    {
        phones.extend(r.try_get::<Option<String>, _>("phone")?);
        emails.extend(r.try_get::<Option<String>, _>("email")?);
    }
    Ok(ProducerFacts { producer_id, tax_code: p.try_get("tax_code")?, phones, emails })
}

/// Records (or clears) the chair's reason to finalise a product without quorum or with a spread
/// the council did not resolve.
pub async fn set_finalise_note(db: &Db, user: &CurrentUser, meta: &RequestMeta, dossier_id: i64, note: &str) -> Result<()> {
    let council_id = council_of_dossier(db, dossier_id).await?.ok_or(Error::NotFound)?;
    let (full, standing) = visible(db, user, council_id).await?;
    if standing != Standing::Member(MemberRole::Chair) {
        return Err(Error::conflict(
            "Chỉ Chủ tịch hội đồng mới ghi được lý do chốt kết quả trong trường hợp này.",
            "Only the council's chair may record this reason.",
        ));
    }
    if !matches!(full.round.state, RoundState::Reconciliation | RoundState::Deliberation) {
        return Err(Error::conflict(
            "Chỉ ghi lý do khi hội đồng đang rà soát hoặc thảo luận.",
            "A reason can be recorded only during reconciliation or deliberation.",
        ));
    }
    let note = validate::optional_text("note", "lý do", "reason", note, 1000)?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE council_dossiers SET finalise_note = $1 WHERE dossier_id = $2")
        .bind(&note)
        .bind(dossier_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "council.finalise_note",
        "dossier",
        Some(&dossier_id.to_string()),
        None,
        Some(json!({"note": note})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
