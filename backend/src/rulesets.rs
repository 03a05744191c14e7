//! Rule sets (bộ quy tắc) and score forms (phiếu đánh giá) in the database, versioned.
//!
//! A rule set row is one version of a programme's rules; its forms are rows of `score_forms`.
//! Both move draft → published → frozen. Published rows never change; a round that starts using
//! a rule set freezes it and its current forms ([`mark_used`]), and from then on a change is a new
//! version. The shipped files in `seeds/rulesets/` are loaded as version 1, published, in one
//! transaction ([`seed_shipped`]). Every write is audited with its before and after.

use std::sync::Arc;

use domain::{
    access::Programme,
    form::ScoreForm,
    issue::{Issue, LoadError, Place, PlaceStep},
    ruleset::RuleSet,
};
use serde::Serialize;
use serde_json::json;
use sqlx::{any::AnyRow, Row};

use crate::{
    audit::{self, Actor},
    auth::CurrentUser,
    db::{self, Db, Tx},
    error::{Error, Result},
};

/// Where a rule set or form is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Bản nháp: office staff may still edit it.
    Draft,
    /// Đã ban hành: fixed; a change makes a new version.
    Published,
    /// Đã dùng: a round has used it.
    Frozen,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Frozen => "frozen",
        }
    }

    pub fn from_code(s: &str) -> Status {
        match s {
            "draft" => Status::Draft,
            "frozen" => Status::Frozen,
            _ => Status::Published,
        }
    }
}

/// One stored rule-set version, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleSetRow {
    pub id: i64,
    pub code: String,
    pub version: i64,
    pub programme: String,
    pub title_vi: String,
    pub title_en: String,
    pub status: String,
    /// Some current form is an illustrative sample, not the official form.
    pub illustrative: bool,
    pub legal_summary: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
}

/// One stored form version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormRow {
    pub id: i64,
    pub rule_set_id: i64,
    pub code: String,
    pub version: i64,
    pub status: String,
    pub official: bool,
    pub name_vi: String,
    pub updated_at: String,
}

/// A stored form with what its screens need to know about its rule set.
#[derive(Debug, Clone)]
pub struct StoredForm {
    pub row: FormRow,
    pub form: ScoreForm,
    pub rule_set: RuleSetRow,
}

// ---------------------------------------------------------------------------------------------
// Who may do what.

/// Any logged-in staff member or judge sees every rule set; producers see published ones
/// (what their products will be scored on), never drafts.
pub fn can_view(user: &CurrentUser, status: &str) -> bool {
    user.grants.iter().any(|g| g.role.is_staff()) || status != Status::Draft.code()
}

/// The administrator, or office staff of the rule set's programme (`ocop_office` for OCOP,
/// `spcnnttb_office` for SPCNNTTB).
pub fn can_edit(user: &CurrentUser, programme: Programme) -> bool {
    user.is_admin() || user.grants.iter().any(|g| g.role.office_programme() == Some(programme))
}

/// Refuses at once anyone who can edit no rule set at all, before anything is looked up (so
/// the answer does not reveal which ids exist).
pub fn require_some_editor(user: &CurrentUser) -> Result<()> {
    if user.is_admin() || user.grants.iter().any(|g| g.role.office_programme().is_some()) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

fn require_edit(user: &CurrentUser, programme: &str) -> Result<()> {
    let p = Programme::from_code(programme).ok_or_else(|| Error::Internal(format!("programme {programme}")))?;
    if can_edit(user, p) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

// ---------------------------------------------------------------------------------------------
// Reading.

/// "148/QĐ-TTg (24/02/2023); 1489/QĐ-TTg …": the documents a rule set rests on, for lists.
pub fn legal_summary(rs: &RuleSet) -> String {
    rs.legal_sources
        .iter()
        .map(|s| match s.date {
            Some(d) => format!("{} ({})", s.document, d.format("%d/%m/%Y")),
            None => s.document.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

const RULE_SET_COLUMNS: &str = "r.id, r.code, r.version, r.programme, r.status, r.name_vi, r.name_en, \
     r.legal_summary, r.effective_from, r.effective_to";

fn rule_set_row(r: &AnyRow, illustrative: bool) -> Result<RuleSetRow> {
    Ok(RuleSetRow {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        version: r.try_get("version")?,
        programme: r.try_get("programme")?,
        title_vi: r.try_get("name_vi")?,
        title_en: r.try_get("name_en")?,
        status: r.try_get("status")?,
        illustrative,
        legal_summary: r.try_get("legal_summary")?,
        effective_from: r.try_get("effective_from")?,
        effective_to: r.try_get("effective_to")?,
    })
}

fn form_row(r: &AnyRow) -> Result<FormRow> {
    Ok(FormRow {
        id: r.try_get("id")?,
        rule_set_id: r.try_get("rule_set_id")?,
        code: r.try_get("code")?,
        version: r.try_get("version")?,
        status: r.try_get("status")?,
        official: r.try_get::<i64, _>("official")? != 0,
        name_vi: r.try_get("name_vi")?,
        updated_at: r.try_get("updated_at")?,
    })
}

const FORM_COLUMNS: &str = "id, rule_set_id, code, version, status, official, name_vi, updated_at";

/// Every form version of a rule set, by code then version.
pub async fn forms_of(db: &Db, rule_set_id: i64) -> Result<Vec<FormRow>> {
    sqlx::query(&format!("SELECT {FORM_COLUMNS} FROM score_forms WHERE rule_set_id = $1 ORDER BY code, version"))
        .bind(rule_set_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(form_row)
        .collect()
}

/// The current form versions of a rule set: for each code, the highest version that is
/// published or frozen. Drafts are never current.
pub fn current_forms(all: &[FormRow]) -> Vec<&FormRow> {
    let mut out: Vec<&FormRow> = Vec::new();
    for f in all.iter().filter(|f| f.status != Status::Draft.code()) {
        match out.iter_mut().find(|o| o.code == f.code) {
            Some(o) if o.version < f.version => *o = f,
            Some(_) => {}
            None => out.push(f),
        }
    }
    out
}

/// Every stored rule-set version, newest version of each code first within the code.
pub async fn list(db: &Db) -> Result<Vec<RuleSetRow>> {
    let rows = sqlx::query(&format!("SELECT {RULE_SET_COLUMNS} FROM rule_sets r ORDER BY r.programme, r.effective_from DESC, r.code, r.version DESC"))
        .fetch_all(db.pool())
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let forms = forms_of(db, id).await?;
        let illustrative = current_forms(&forms).iter().any(|f| !f.official);
        out.push(rule_set_row(r, illustrative)?);
    }
    Ok(out)
}

/// The list row of one rule-set version.
pub async fn row(db: &Db, id: i64) -> Result<RuleSetRow> {
    let r = sqlx::query(&format!("SELECT {RULE_SET_COLUMNS} FROM rule_sets r WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?;
    let forms = forms_of(db, id).await?;
    let illustrative = current_forms(&forms).iter().any(|f| !f.official);
    rule_set_row(&r, illustrative)
}

fn parse_form(id: i64, text: &str) -> Result<ScoreForm> {
    toml::from_str(text).map_err(|e| Error::Internal(format!("stored form {id}: {e}")))
}

async fn form_text(db: &Db, id: i64) -> Result<String> {
    Ok(sqlx::query("SELECT toml FROM score_forms WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?
        .try_get("toml")?)
}

/// The full rule set of a stored version, with its current forms.
pub async fn get_by_id(db: &Db, id: i64) -> Result<RuleSet> {
    let text: String = sqlx::query("SELECT toml FROM rule_sets WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?
        .try_get("toml")?;
    let mut rs: RuleSet = toml::from_str(&text).map_err(|e| Error::Internal(format!("stored rule set {id}: {e}")))?;
    let all = forms_of(db, id).await?;
    rs.forms.clear();
    for f in current_forms(&all) {
        rs.forms.push(parse_form(f.id, &form_text(db, f.id).await?)?);
    }
    Ok(rs)
}

/// The full rule set of a stored version, parsed once per process when it is frozen (rounds use
/// only frozen versions, and every round's page, dossier and score sheet needs its rule set).
/// Caching is safe because a frozen version and its current forms never change again — a change
/// is a new version — so every server of a deployment holds the same copy and nothing needs
/// invalidating. A published version no round uses yet may still get a new form version, so it is
/// always read afresh.
pub async fn get_cached(db: &Db, id: i64) -> Result<Arc<RuleSet>> {
    let poisoned = |_| Error::Internal("rule-set cache".into());
    let hit = db.frozen_rule_sets().lock().map_err(poisoned)?.get(&id).cloned();
    if let Some(rs) = hit {
        return Ok(rs);
    }
    // The status is read before the rule set: if it was frozen then, what get_by_id reads is final.
    let status: String = sqlx::query("SELECT status FROM rule_sets WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?
        .try_get("status")?;
    let rs = Arc::new(get_by_id(db, id).await?);
    if status == Status::Frozen.code() {
        db.frozen_rule_sets().lock().map_err(poisoned)?.insert(id, rs.clone());
    }
    Ok(rs)
}

/// The published (or frozen) versions of a programme's rule sets, without their forms (which
/// choosing a rule set or classifying a product does not need): newest in force first, and
/// within a code the highest version first.
pub async fn published_of(db: &Db, programme: Programme) -> Result<Vec<(i64, RuleSet)>> {
    let rows = sqlx::query(
        "SELECT id, toml FROM rule_sets WHERE programme = $1 AND status <> 'draft' \
         ORDER BY effective_from DESC, code, version DESC",
    )
    .bind(programme.code())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let rs: RuleSet = toml::from_str(&r.try_get::<String, _>("toml")?).map_err(|e| Error::Internal(format!("stored rule set {id}: {e}")))?;
            Ok((id, rs))
        })
        .collect()
}

/// The newest published (or frozen) version of a rule set code.
pub async fn latest_published(db: &Db, code: &str) -> Result<(i64, RuleSet)> {
    let id: i64 = sqlx::query(
        "SELECT id FROM rule_sets WHERE code = $1 AND status <> 'draft' ORDER BY version DESC LIMIT 1",
    )
    .bind(code)
    .fetch_optional(db.pool())
    .await?
    .ok_or(Error::NotFound)?
    .try_get("id")?;
    Ok((id, get_by_id(db, id).await?))
}

/// One stored form version.
pub async fn form(db: &Db, form_id: i64) -> Result<StoredForm> {
    let r = sqlx::query(&format!("SELECT {FORM_COLUMNS}, toml FROM score_forms WHERE id = $1"))
        .bind(form_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?;
    let row = form_row(&r)?;
    let form = parse_form(form_id, &r.try_get::<String, _>("toml")?)?;
    let rule_set = self::row(db, row.rule_set_id).await?;
    Ok(StoredForm { row, form, rule_set })
}

// ---------------------------------------------------------------------------------------------
// Checks shared by saving, publishing and importing.

/// Everything wrong with `form` on its own and as a form of `rs` (parts and maxima of the rule
/// set, its total, its product groups), with places relative to the form. The browser runs the
/// same check (app::rules) so the editor shows these as the office types.
pub fn form_issues(rs: &RuleSet, form: &ScoreForm) -> Vec<Issue> {
    let mut set = rs.clone();
    set.forms.retain(|f| f.code != form.code);
    set.forms.push(form.clone());
    let prefix = PlaceStep::Form(form.code.clone());
    let mut out: Vec<Issue> = Vec::new();
    for i in set.validate() {
        if i.place.0.first() == Some(&PlaceStep::RuleSet(rs.code.clone())) && i.place.0.get(1) == Some(&prefix) {
            let issue = Issue { place: Place(i.place.0[2..].to_vec()), kind: i.kind };
            if !out.contains(&issue) {
                out.push(issue);
            }
        }
    }
    out
}

fn issues_message(issues: &[Issue]) -> (String, String) {
    let vi = issues.iter().map(Issue::message_vi).collect::<Vec<_>>().join("; ");
    let en = issues.iter().map(Issue::message_en).collect::<Vec<_>>().join("; ");
    (
        format!("Phiếu còn {} lỗi, chưa ban hành được: {vi}. Hãy sửa từng chỗ rồi ban hành lại.", issues.len()),
        format!("The form has {} problem(s) and cannot be published: {en}. Fix each one and publish again.", issues.len()),
    )
}

fn refuse_changed(what_vi: &str, what_en: &str) -> Error {
    Error::conflict(
        format!("{what_vi} đã ban hành hoặc đã được dùng trong một đợt nên không sửa được. Hãy tạo phiên bản mới để sửa."),
        format!("This {what_en} is published or used by a round and cannot change. Create a new version to edit it."),
    )
}

fn refuse_frozen_rule_set() -> Error {
    Error::conflict(
        "Bộ quy tắc này đã được dùng trong một đợt nên không thay đổi được. Hãy tạo phiên bản mới của bộ quy tắc rồi sửa phiếu trong đó.",
        "This rule set has been used by a round and cannot change. Create a new version of the rule set and edit the form there.",
    )
}

fn form_json(f: &FormRow) -> serde_json::Value {
    json!({"rule_set_id": f.rule_set_id, "code": f.code, "version": f.version, "status": f.status})
}

async fn lock_rule_set(tx: &mut Tx, id: i64) -> Result<(String, String, String)> {
    let r = sqlx::query("SELECT code, programme, status FROM rule_sets WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((r.try_get("code")?, r.try_get("programme")?, r.try_get("status")?))
}

async fn tx_form(tx: &mut Tx, id: i64) -> Result<(FormRow, String)> {
    let r = sqlx::query(&format!("SELECT {FORM_COLUMNS}, toml FROM score_forms WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((form_row(&r)?, r.try_get("toml")?))
}

async fn next_form_version(tx: &mut Tx, code: &str) -> Result<i64> {
    let max: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM score_forms WHERE code = $1")
        .bind(code)
        .fetch_one(&mut **tx)
        .await?
        .try_get("v")?;
    Ok(max.unwrap_or(0) + 1)
}

async fn insert_form(
    tx: &mut Tx,
    rule_set_id: i64,
    form: &ScoreForm,
    status: Status,
    based_on: Option<i64>,
    created_by: Option<i64>,
) -> Result<i64> {
    let text = form.to_toml().map_err(|e| Error::Internal(e.to_string()))?;
    let now = db::now();
    let published = (status != Status::Draft).then(|| now.clone());
    Ok(sqlx::query(
        "INSERT INTO score_forms (rule_set_id, code, version, status, official, name_vi, toml, based_on_id, \
         created_at, created_by, updated_at, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $11) \
         RETURNING id",
    )
    .bind(rule_set_id)
    .bind(&form.code)
    .bind(i64::from(form.version))
    .bind(status.code())
    .bind(i64::from(form.official))
    .bind(&form.name_vi)
    .bind(text)
    .bind(based_on)
    .bind(&now)
    .bind(created_by)
    .bind(published)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

async fn insert_rule_set(
    tx: &mut Tx,
    rs: &RuleSet,
    status: Status,
    based_on: Option<i64>,
    created_by: Option<i64>,
) -> Result<i64> {
    let mut bare = rs.clone();
    bare.forms.clear();
    let text = bare.to_toml().map_err(|e| Error::Internal(e.to_string()))?;
    let now = db::now();
    let published = (status != Status::Draft).then(|| now.clone());
    Ok(sqlx::query(
        "INSERT INTO rule_sets (code, version, programme, status, name_vi, name_en, legal_summary, effective_from, \
         effective_to, toml, based_on_id, created_at, created_by, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(&rs.code)
    .bind(i64::from(rs.version))
    .bind(rs.programme.code())
    .bind(status.code())
    .bind(&rs.name_vi)
    .bind(&rs.name_en)
    .bind(legal_summary(rs))
    .bind(rs.effective_from.to_string())
    .bind(rs.effective_to.map(|d| d.to_string()))
    .bind(text)
    .bind(based_on)
    .bind(&now)
    .bind(created_by)
    .bind(published)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

// ---------------------------------------------------------------------------------------------
// Seeding.

/// Loads rule sets as published version rows with their forms, skipping codes+versions already
/// stored. All or nothing: one transaction. Returns how many were added.
pub async fn load(db: &Db, sets: &[RuleSet], actor: &Actor) -> Result<usize> {
    let mut tx = db.begin().await?;
    let mut added = 0;
    for rs in sets {
        let exists = sqlx::query("SELECT id FROM rule_sets WHERE code = $1 AND version = $2")
            .bind(&rs.code)
            .bind(i64::from(rs.version))
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            continue;
        }
        let id = insert_rule_set(&mut tx, rs, Status::Published, None, None).await?;
        for f in &rs.forms {
            let fid = insert_form(&mut tx, id, f, Status::Published, None, None).await?;
            audit::record(&mut tx, actor, "form.load", "score_form", Some(&fid.to_string()), None, Some(json!({"rule_set_id": id, "code": f.code, "version": f.version}))).await?;
        }
        audit::record(&mut tx, actor, "rule_set.load", "rule_set", Some(&id.to_string()), None, Some(json!({"code": rs.code, "version": rs.version, "forms": rs.forms.len()}))).await?;
        added += 1;
    }
    tx.commit().await?;
    Ok(added)
}

/// Parses rule-set files (name, text) with their form files, and loads them. A file that does
/// not parse or validate is refused with a message naming the file and the place, before
/// anything is written.
pub async fn load_files(
    db: &Db,
    files: &[(&str, &str)],
    resolve: &dyn Fn(&str) -> Option<String>,
    actor: &Actor,
) -> Result<usize> {
    let sets = files
        .iter()
        .map(|(name, text)| RuleSet::from_toml(name, text, resolve))
        .collect::<std::result::Result<Vec<_>, LoadError>>()
        .map_err(|e| Error::Seed(format!("seeds/rulesets: {e}")))?;
    load(db, &sets, actor).await
}

/// The shipped rule sets (`seeds/rulesets/`, embedded in `domain::catalogue`), as version 1.
pub async fn seed_shipped(db: &Db) -> Result<usize> {
    load_files(db, domain::catalogue::RULE_SET_FILES, &domain::catalogue::form_file, &Actor::system("nạp bộ quy tắc")).await
}

// ---------------------------------------------------------------------------------------------
// Writing.

/// A round starts using a rule set: it and its current forms are frozen for good.
pub async fn mark_used(tx: &mut Tx, actor: &Actor, rule_set_id: i64) -> Result<()> {
    let (code, _, status) = lock_rule_set(tx, rule_set_id).await?;
    if status == Status::Frozen.code() {
        return Ok(());
    }
    if status == Status::Draft.code() {
        return Err(Error::conflict(
            "Bộ quy tắc này còn là bản nháp; hãy ban hành trước khi dùng cho một đợt.",
            "This rule set is still a draft; publish it before a round uses it.",
        ));
    }
    let now = db::now();
    sqlx::query("UPDATE rule_sets SET status = 'frozen', frozen_at = $1 WHERE id = $2")
        .bind(&now)
        .bind(rule_set_id)
        .execute(&mut **tx)
        .await?;
    let rows = sqlx::query(&format!("SELECT {FORM_COLUMNS} FROM score_forms WHERE rule_set_id = $1"))
        .bind(rule_set_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(form_row)
        .collect::<Result<Vec<_>>>()?;
    let current: Vec<i64> = current_forms(&rows).iter().map(|f| f.id).collect();
    for id in &current {
        sqlx::query("UPDATE score_forms SET status = 'frozen', frozen_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    audit::record(
        tx,
        actor,
        "rule_set.freeze",
        "rule_set",
        Some(&rule_set_id.to_string()),
        Some(json!({"code": code, "status": status})),
        Some(json!({"code": code, "status": "frozen", "frozen_forms": current})),
    )
    .await
}

/// A draft copy of a form to edit (a new version, in the same rule set). If a draft of that
/// form already exists in the rule set, that draft is returned instead of a second one.
pub async fn new_form_version(db: &Db, user: &CurrentUser, actor: &Actor, form_id: i64) -> Result<i64> {
    require_some_editor(user)?;
    let mut tx = db.begin().await?;
    let (row, text) = tx_form(&mut tx, form_id).await?;
    let (_, programme, rs_status) = lock_rule_set(&mut tx, row.rule_set_id).await?;
    require_edit(user, &programme)?;
    if rs_status == Status::Frozen.code() {
        return Err(refuse_frozen_rule_set());
    }
    if let Some(r) = sqlx::query("SELECT id FROM score_forms WHERE rule_set_id = $1 AND code = $2 AND status = 'draft'")
        .bind(row.rule_set_id)
        .bind(&row.code)
        .fetch_optional(&mut *tx)
        .await?
    {
        return Ok(r.try_get("id")?);
    }
    let mut form = parse_form(form_id, &text)?;
    form.version = u32::try_from(next_form_version(&mut tx, &row.code).await?).map_err(|e| Error::Internal(e.to_string()))?;
    let id = insert_form(&mut tx, row.rule_set_id, &form, Status::Draft, Some(form_id), Some(user.id)).await?;
    audit::record(&mut tx, actor, "form.new_version", "score_form", Some(&id.to_string()), Some(form_json(&row)), Some(json!({"rule_set_id": row.rule_set_id, "code": form.code, "version": form.version, "status": "draft", "based_on": form_id}))).await?;
    tx.commit().await?;
    Ok(id)
}

/// A new, empty form in a draft rule-set version, with the rule set's parts to fill in.
pub async fn new_form(db: &Db, user: &CurrentUser, actor: &Actor, rule_set_id: i64, code: &str, name_vi: &str) -> Result<i64> {
    require_some_editor(user)?;
    let rs = get_by_id(db, rule_set_id).await?;
    require_edit(user, rs.programme.code())?;
    let code = code.trim();
    let name_vi = name_vi.trim();
    if code.is_empty() || code.len() > 80 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_') {
        return Err(Error::invalid("code", "Mã phiếu chỉ gồm chữ không dấu, số và dấu - . _ (tối đa 80 ký tự), ví dụ ocop-qd148-thuc-pham-tuoi.", "A form code has only plain letters, digits and - . _ (up to 80), e.g. ocop-qd148-fresh-food."));
    }
    if name_vi.is_empty() || name_vi.chars().count() > 300 || name_vi.chars().any(char::is_control) {
        return Err(Error::invalid("name_vi", "Hãy nhập tên phiếu (tối đa 300 ký tự).", "Enter the form's name (up to 300 characters)."));
    }
    let mut tx = db.begin().await?;
    let (_, _, status) = lock_rule_set(&mut tx, rule_set_id).await?;
    if status != Status::Draft.code() {
        return Err(Error::conflict(
            "Chỉ thêm phiếu mới vào bản nháp của bộ quy tắc. Hãy tạo phiên bản mới của bộ quy tắc trước.",
            "New forms go only into a draft version of a rule set. Create a new version of the rule set first.",
        ));
    }
    let taken = sqlx::query("SELECT id FROM score_forms WHERE rule_set_id = $1 AND code = $2")
        .bind(rule_set_id)
        .bind(code)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(Error::invalid("code", format!("Bộ quy tắc đã có phiếu mã {code}. Hãy chọn mã khác hoặc sửa phiếu đó."), format!("The rule set already has a form {code}. Choose another code or edit that form.")));
    }
    let mut form = skeleton(&rs, code, name_vi);
    form.version = u32::try_from(next_form_version(&mut tx, code).await?).map_err(|e| Error::Internal(e.to_string()))?;
    let id = insert_form(&mut tx, rule_set_id, &form, Status::Draft, None, Some(user.id)).await?;
    audit::record(&mut tx, actor, "form.create", "score_form", Some(&id.to_string()), None, Some(json!({"rule_set_id": rule_set_id, "code": code, "version": form.version, "status": "draft"}))).await?;
    tx.commit().await?;
    Ok(id)
}

/// A form with the rule set's parts, one group and one criterion each, for the office to fill.
fn skeleton(rs: &RuleSet, code: &str, name_vi: &str) -> ScoreForm {
    use domain::form::{CriteriaGroup, Criterion, Part, Scale, ScoreOption};
    use domain::Points;
    let parts = if rs.parts.is_empty() {
        vec![(String::from("A"), String::from("Phần A"), rs.total)]
    } else {
        rs.parts.iter().map(|p| (p.code.clone(), p.name_vi.clone(), p.max)).collect()
    };
    ScoreForm {
        code: code.to_string(),
        version: 1,
        name_vi: name_vi.to_string(),
        name_en: None,
        official: false,
        source: String::from("Nhập tay từ văn bản gốc"),
        applies_to: Vec::new(),
        total: rs.total,
        help_vi: None,
        help_en: None,
        parts: parts
            .into_iter()
            .map(|(pc, name, max)| Part {
                groups: vec![CriteriaGroup {
                    code: format!("{pc}1"),
                    name_vi: format!("Nhóm {pc}1"),
                    name_en: None,
                    help_vi: None,
                    help_en: None,
                    criteria: vec![Criterion {
                        code: format!("{pc}1.1"),
                        name_vi: format!("Tiêu chí {pc}1.1"),
                        name_en: None,
                        help_vi: None,
                        help_en: None,
                        max,
                        scale: Scale::Options(vec![
                            ScoreOption { points: Points::ZERO, name_vi: "Không đạt".into(), name_en: None, help_vi: None },
                            ScoreOption { points: max, name_vi: "Đạt".into(), name_en: None, help_vi: None },
                        ]),
                        mandatory: Vec::new(),
                    }],
                }],
                code: pc,
                name_vi: name,
                name_en: None,
                max,
                help_vi: None,
                help_en: None,
            })
            .collect(),
    }
}

/// Saves the office's edits to a draft form. The form may still have problems (work is never
/// lost); they are returned, and publishing refuses until they are fixed. The code and version
/// stay those of the draft.
pub async fn save_draft(db: &Db, user: &CurrentUser, actor: &Actor, form_id: i64, mut form: ScoreForm) -> Result<Vec<Issue>> {
    require_some_editor(user)?;
    let mut tx = db.begin().await?;
    let (row, before) = tx_form(&mut tx, form_id).await?;
    let (_, programme, rs_status) = lock_rule_set(&mut tx, row.rule_set_id).await?;
    require_edit(user, &programme)?;
    if row.status != Status::Draft.code() {
        return Err(refuse_changed("Phiếu này", "form"));
    }
    if rs_status == Status::Frozen.code() {
        return Err(refuse_frozen_rule_set());
    }
    form.code = row.code.clone();
    form.version = u32::try_from(row.version).map_err(|e| Error::Internal(e.to_string()))?;
    let text = form.to_toml().map_err(|e| Error::Internal(e.to_string()))?;
    sqlx::query("UPDATE score_forms SET toml = $1, name_vi = $2, official = $3, updated_at = $4 WHERE id = $5")
        .bind(&text)
        .bind(&form.name_vi)
        .bind(i64::from(form.official))
        .bind(db::now())
        .bind(form_id)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, actor, "form.save", "score_form", Some(&form_id.to_string()), Some(json!({"toml": before})), Some(json!({"toml": text}))).await?;
    tx.commit().await?;
    let rs = get_by_id(db, row.rule_set_id).await?;
    Ok(form_issues(&rs, &form))
}

/// Publishes a draft form: the server checks it again (alone and within its rule set) and
/// refuses with every problem named; once published it never changes.
pub async fn publish_form(db: &Db, user: &CurrentUser, actor: &Actor, form_id: i64) -> Result<()> {
    require_some_editor(user)?;
    let stored = form(db, form_id).await?;
    require_edit(user, &stored.rule_set.programme)?;
    if stored.row.status != Status::Draft.code() {
        return Err(refuse_changed("Phiếu này", "form"));
    }
    let rs = get_by_id(db, stored.row.rule_set_id).await?;
    let issues = form_issues(&rs, &stored.form);
    if !issues.is_empty() {
        let (vi, en) = issues_message(&issues);
        return Err(Error::invalid("form", vi, en));
    }
    let mut tx = db.begin().await?;
    let (_, _, rs_status) = lock_rule_set(&mut tx, stored.row.rule_set_id).await?;
    if rs_status == Status::Frozen.code() {
        return Err(refuse_frozen_rule_set());
    }
    let done = sqlx::query("UPDATE score_forms SET status = 'published', published_at = $1, updated_at = $1 WHERE id = $2 AND status = 'draft'")
        .bind(db::now())
        .bind(form_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(refuse_changed("Phiếu này", "form"));
    }
    audit::record(&mut tx, actor, "form.publish", "score_form", Some(&form_id.to_string()), Some(form_json(&stored.row)), Some(json!({"rule_set_id": stored.row.rule_set_id, "code": stored.row.code, "version": stored.row.version, "status": "published"}))).await?;
    tx.commit().await?;
    Ok(())
}

/// Imports a form (from TOML or XLSX) into a rule set as a new draft version. The form must
/// be valid on its own; nothing is stored otherwise. A form code the rule set does not have
/// yet needs a draft rule-set version.
pub async fn import_form(db: &Db, user: &CurrentUser, actor: &Actor, rule_set_id: i64, mut form: ScoreForm) -> Result<i64> {
    require_some_editor(user)?;
    let rs_row = row(db, rule_set_id).await?;
    require_edit(user, &rs_row.programme)?;
    let issues = form.validate();
    if !issues.is_empty() {
        let (vi, en) = issues_message(&issues);
        return Err(Error::invalid("file", vi.replace("chưa ban hành được", "chưa nhập được"), en.replace("cannot be published", "cannot be imported")));
    }
    let mut tx = db.begin().await?;
    let (_, _, status) = lock_rule_set(&mut tx, rule_set_id).await?;
    if status == Status::Frozen.code() {
        return Err(refuse_frozen_rule_set());
    }
    let existing = sqlx::query("SELECT id, status FROM score_forms WHERE rule_set_id = $1 AND code = $2 ORDER BY version DESC")
        .bind(rule_set_id)
        .bind(&form.code)
        .fetch_all(&mut *tx)
        .await?;
    if existing.is_empty() && status != Status::Draft.code() {
        return Err(Error::conflict(
            format!("Bộ quy tắc chưa có phiếu mã {}. Phiếu mới chỉ nhập vào bản nháp của bộ quy tắc: hãy tạo phiên bản mới của bộ quy tắc trước, hoặc sửa mã phiếu trong tệp.", form.code),
            format!("The rule set has no form {}. New forms go only into a draft rule-set version: create one first, or correct the form code in the file.", form.code),
        ));
    }
    let based_on: Option<i64> = existing.first().map(|r| r.try_get("id")).transpose()?;
    // A draft of the same form is replaced by the import, so there is one draft per form.
    for r in &existing {
        if r.try_get::<String, _>("status")? == Status::Draft.code() {
            let id: i64 = r.try_get("id")?;
            let before = form_text_tx(&mut tx, id).await?;
            form.version = u32::try_from(sqlx::query("SELECT version FROM score_forms WHERE id = $1").bind(id).fetch_one(&mut *tx).await?.try_get::<i64, _>("version")?).map_err(|e| Error::Internal(e.to_string()))?;
            let text = form.to_toml().map_err(|e| Error::Internal(e.to_string()))?;
            sqlx::query("UPDATE score_forms SET toml = $1, name_vi = $2, official = $3, updated_at = $4 WHERE id = $5")
                .bind(&text)
                .bind(&form.name_vi)
                .bind(i64::from(form.official))
                .bind(db::now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit::record(&mut tx, actor, "form.import", "score_form", Some(&id.to_string()), Some(json!({"toml": before})), Some(json!({"toml": text}))).await?;
            tx.commit().await?;
            return Ok(id);
        }
    }
    form.version = u32::try_from(next_form_version(&mut tx, &form.code).await?).map_err(|e| Error::Internal(e.to_string()))?;
    let id = insert_form(&mut tx, rule_set_id, &form, Status::Draft, based_on, Some(user.id)).await?;
    audit::record(&mut tx, actor, "form.import", "score_form", Some(&id.to_string()), None, Some(json!({"rule_set_id": rule_set_id, "code": form.code, "version": form.version, "status": "draft"}))).await?;
    tx.commit().await?;
    Ok(id)
}

async fn form_text_tx(tx: &mut Tx, id: i64) -> Result<String> {
    Ok(sqlx::query("SELECT toml FROM score_forms WHERE id = $1").bind(id).fetch_one(&mut **tx).await?.try_get("toml")?)
}

/// A draft new version of a rule set, with copies of its current forms (published, unchanged)
/// to edit or add to. If a draft version of that code exists already, it is returned.
pub async fn new_rule_set_version(db: &Db, user: &CurrentUser, actor: &Actor, rule_set_id: i64) -> Result<i64> {
    require_some_editor(user)?;
    let mut rs = get_by_id(db, rule_set_id).await?;
    require_edit(user, rs.programme.code())?;
    let mut tx = db.begin().await?;
    if let Some(r) = sqlx::query("SELECT id FROM rule_sets WHERE code = $1 AND status = 'draft'")
        .bind(&rs.code)
        .fetch_optional(&mut *tx)
        .await?
    {
        return Ok(r.try_get("id")?);
    }
    let max: i64 = sqlx::query("SELECT MAX(version) AS v FROM rule_sets WHERE code = $1")
        .bind(&rs.code)
        .fetch_one(&mut *tx)
        .await?
        .try_get::<Option<i64>, _>("v")?
        .unwrap_or(0);
    rs.version = u32::try_from(max + 1).map_err(|e| Error::Internal(e.to_string()))?;
    let id = insert_rule_set(&mut tx, &rs, Status::Draft, Some(rule_set_id), Some(user.id)).await?;
    for f in &rs.forms {
        insert_form(&mut tx, id, f, Status::Published, None, Some(user.id)).await?;
    }
    audit::record(&mut tx, actor, "rule_set.new_version", "rule_set", Some(&id.to_string()), Some(json!({"id": rule_set_id})), Some(json!({"code": rs.code, "version": rs.version, "status": "draft", "forms": rs.forms.len()}))).await?;
    tx.commit().await?;
    Ok(id)
}

/// Publishes a draft rule-set version after checking the whole rule set with its current
/// forms; every problem is named.
pub async fn publish_rule_set(db: &Db, user: &CurrentUser, actor: &Actor, rule_set_id: i64) -> Result<()> {
    require_some_editor(user)?;
    let rs = get_by_id(db, rule_set_id).await?;
    require_edit(user, rs.programme.code())?;
    let issues = rs.validate();
    if !issues.is_empty() {
        let vi = issues.iter().map(Issue::message_vi).collect::<Vec<_>>().join("; ");
        let en = issues.iter().map(Issue::message_en).collect::<Vec<_>>().join("; ");
        return Err(Error::invalid("rule_set", format!("Bộ quy tắc còn {} lỗi: {vi}. Hãy sửa rồi ban hành lại.", issues.len()), format!("The rule set has {} problem(s): {en}. Fix them and publish again.", issues.len())));
    }
    let mut tx = db.begin().await?;
    let done = sqlx::query("UPDATE rule_sets SET status = 'published', published_at = $1 WHERE id = $2 AND status = 'draft'")
        .bind(db::now())
        .bind(rule_set_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(refuse_changed("Bộ quy tắc này", "rule set"));
    }
    audit::record(&mut tx, actor, "rule_set.publish", "rule_set", Some(&rule_set_id.to_string()), Some(json!({"status": "draft"})), Some(json!({"code": rs.code, "version": rs.version, "status": "published"}))).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::auth::Grant;
    use domain::access::Role;

    async fn fresh() -> (Db, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("binhchon-rules-{}", rand::random::<u64>()));
        let db = Db::connect(&format!("sqlite://{}", dir.join("t.db").display())).await.expect("sqlite");
        (db, dir)
    }

    fn user(id: i64, role: Role) -> CurrentUser {
        CurrentUser {
            id,
            full_name: "Người thử".into(),
            email: None,
            phone: None,
            must_change_password: false,
            lang: "vi".into(),
            grants: vec![Grant { role, unit_id: None, unit_path: None, unit_name: None }],
            producer_ids: Vec::new(),
        }
    }

    /// An account row for `user(id, …)`, so that `created_by` points at a real user.
    async fn account(db: &Db, id: i64) {
        sqlx::query(
            "INSERT INTO users (id, full_name, password_hash, created_at, updated_at, search_key) \
             VALUES ($1, 'Người thử', '-', $2, $2, 'nguoi thu')",
        )
        .bind(id)
        .bind(db::now())
        .execute(db.pool())
        .await
        .unwrap();
    }

    async fn count(db: &Db, table: &str) -> i64 {
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}")).fetch_one(db.pool()).await.unwrap().try_get("n").unwrap()
    }

    #[tokio::test]
    async fn a_broken_file_is_refused_by_name_and_nothing_is_loaded() {
        let (db, dir) = fresh().await;
        let good = domain::catalogue::RULE_SET_FILES[0];
        let broken_text = good.1.replacen("max = 40", "max = 45", 1);
        let files = [good, ("hong.toml", broken_text.as_str())];
        let err = load_files(&db, &files, &domain::catalogue::form_file, &Actor::system("test")).await.unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("hong.toml") && msg.contains("phần A"), "{msg}");
        assert_eq!(count(&db, "rule_sets").await, 0);
        assert_eq!(count(&db, "score_forms").await, 0);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn shipped_rule_sets_load_once_and_a_used_one_is_frozen() {
        let (db, dir) = fresh().await;
        assert_eq!(seed_shipped(&db).await.unwrap(), domain::catalogue::RULE_SET_FILES.len());
        assert_eq!(seed_shipped(&db).await.unwrap(), 0, "idempotent");
        let (id, rs) = latest_published(&db, "ocop-qd148-2023").await.unwrap();
        assert_eq!(rs, domain::catalogue::shipped_rule_set("ocop-qd148-2023").unwrap().unwrap());
        assert!(list(&db).await.unwrap().iter().any(|r| r.id == id && r.illustrative));

        account(&db, 1).await;
        account(&db, 2).await;
        let office = user(1, Role::OcopOffice);
        let actor = Actor::system("test");
        let form_id = current_forms(&forms_of(&db, id).await.unwrap())[0].id;
        let mut tx = db.begin().await.unwrap();
        mark_used(&mut tx, &actor, id).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(form(&db, form_id).await.unwrap().row.status, "frozen");
        let err = new_form_version(&db, &office, &actor, form_id).await.unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err}");
        // A new rule-set version is where the edit goes.
        let draft = new_rule_set_version(&db, &office, &actor, id).await.unwrap();
        let draft_form = current_forms(&forms_of(&db, draft).await.unwrap())[0].id;
        let v2 = new_form_version(&db, &office, &actor, draft_form).await.unwrap();
        assert_eq!(form(&db, v2).await.unwrap().row.status, "draft");
        // The SPCNNTTB office may not touch an OCOP rule set.
        let other = user(2, Role::SpcnnttbOffice);
        assert!(matches!(new_form_version(&db, &other, &actor, draft_form).await, Err(Error::Forbidden)));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn rounds_are_offered_published_versions_and_only_frozen_ones_are_cached() {
        let (db, dir) = fresh().await;
        seed_shipped(&db).await.unwrap();
        account(&db, 1).await;
        let office = user(1, Role::OcopOffice);
        let actor = Actor::system("test");
        let (v1, _) = latest_published(&db, "ocop-qd148-2023").await.unwrap();
        let draft = new_rule_set_version(&db, &office, &actor, v1).await.unwrap();
        let offered = published_of(&db, Programme::Ocop).await.unwrap();
        assert!(offered.iter().any(|(id, _)| *id == v1));
        assert!(offered.iter().all(|(id, rs)| *id != draft && rs.programme == Programme::Ocop));
        assert!(offered.windows(2).all(|w| w[0].1.effective_from >= w[1].1.effective_from), "newest first");
        // Published but unused: read afresh each time (a form may still be published into it).
        let (a, b) = (get_cached(&db, v1).await.unwrap(), get_cached(&db, v1).await.unwrap());
        assert!(!Arc::ptr_eq(&a, &b));
        let mut tx = db.begin().await.unwrap();
        mark_used(&mut tx, &actor, v1).await.unwrap();
        tx.commit().await.unwrap();
        let (c, d) = (get_cached(&db, v1).await.unwrap(), get_cached(&db, v1).await.unwrap());
        assert!(Arc::ptr_eq(&c, &d), "a frozen version is parsed once");
        assert_eq!(*c, get_by_id(&db, v1).await.unwrap());
        assert!(matches!(get_cached(&db, 987_654).await, Err(Error::NotFound)));
        let _ = std::fs::remove_dir_all(dir);
    }
}
