//! Rounds (đợt đánh giá, phân hạng / đợt bình chọn): created and moved through their phases by
//! the programme's office for its unit. A round fixes the rule set (one published version stored
//! in the database, frozen from then on), the level and unit, the year, the registration and
//! scoring windows, and the dossier checklist (from the rule set, editable per round).

use std::sync::Arc;

use chrono::NaiveDate;
use domain::{
    access::{AdminLevel, Programme},
    ruleset::{ChecklistItem, ItemKind, RuleSet},
    workflow::round::{self as wf, RoundAction, RoundState},
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::{
    audit,
    auth::{CurrentUser, RequestMeta},
    db::{self, Db},
    error::{Error, Result},
    rules, rulesets, units, validate,
};

/// Today in Vietnam (UTC+7): registration windows are calendar days there.
pub fn today_vn() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive()
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Round {
    pub id: i64,
    pub programme: Programme,
    /// The stored rule-set version the round scores with (`rule_sets.id`).
    pub rule_set_id: i64,
    pub rule_set_code: String,
    pub rule_set_version: i64,
    pub rule_set_name: String,
    pub name: String,
    pub level: AdminLevel,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub year: i64,
    pub state: RoundState,
    pub registration_opens: NaiveDate,
    pub registration_closes: NaiveDate,
    pub scoring_opens: Option<NaiveDate>,
    pub scoring_closes: Option<NaiveDate>,
    pub checklist: Vec<ChecklistItem>,
    /// The rule set has the commune check dossiers first (QĐ 1489/2025, TT 38/2025).
    pub commune_precheck: bool,
}

impl Round {
    /// Producers may file now: the office opened registration and today is inside the window.
    pub fn filing_open(&self) -> bool {
        let today = today_vn();
        self.state.accepts_registrations() && today >= self.registration_opens && today <= self.registration_closes
    }

    pub fn checklist_item(&self, code: &str) -> Option<&ChecklistItem> {
        self.checklist.iter().find(|i| i.code == code)
    }
}

/// The rule set a round scores with, its forms included. Scoring, results and dossiers go
/// through here so that the round's own (frozen) version is what applies, whatever versions
/// the office publishes later.
pub async fn rule_set_of(db: &Db, round: &Round) -> Result<Arc<RuleSet>> {
    rulesets::get_cached(db, round.rule_set_id).await
}

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| Error::Internal(format!("bad date {s}")))
}

const COLS: &str = "r.*, u.name AS unit_name, u.kind AS unit_kind, u.path AS unit_path";

/// A round from its row. The rule set's name and whether the commune checks dossiers first
/// come from the round's stored version, parsed once per process (see [`rulesets::get_cached`]).
async fn from_row(db: &Db, r: &sqlx::any::AnyRow) -> Result<Round> {
    let id: i64 = r.try_get("id")?;
    let programme: String = r.try_get("programme")?;
    let level: String = r.try_get("level")?;
    let state: String = r.try_get("state")?;
    let code: String = r.try_get("rule_set_code")?;
    let version: i64 = r.try_get("rule_set_version")?;
    let rule_set_id: i64 = r
        .try_get::<Option<i64>, _>("rule_set_id")?
        .ok_or_else(|| Error::Internal(format!("round {id}: rule set {code}@{version} is not stored")))?;
    let rs = rulesets::get_cached(db, rule_set_id).await?;
    let checklist: Vec<ChecklistItem> = serde_json::from_str(&r.try_get::<String, _>("checklist_json")?)
        .map_err(|e| Error::Internal(format!("checklist: {e}")))?;
    let opt_date = |c: &str| -> Result<Option<NaiveDate>> { r.try_get::<Option<String>, _>(c)?.as_deref().map(date).transpose() };
    Ok(Round {
        id,
        programme: Programme::from_code(&programme).ok_or_else(|| Error::Internal(format!("programme {programme}")))?,
        rule_set_id,
        rule_set_name: rs.name_vi.clone(),
        commune_precheck: rs.commune_precheck(),
        rule_set_code: code,
        rule_set_version: version,
        name: r.try_get("name")?,
        level: AdminLevel::from_code(&level).ok_or_else(|| Error::Internal(format!("level {level}")))?,
        unit_id: r.try_get("unit_id")?,
        unit_name: format!("{} {}", r.try_get::<String, _>("unit_kind")?, r.try_get::<String, _>("unit_name")?),
        unit_path: r.try_get("unit_path")?,
        year: r.try_get("year")?,
        state: RoundState::from_code(&state).ok_or_else(|| Error::Internal(format!("round state {state}")))?,
        registration_opens: date(&r.try_get::<String, _>("registration_opens")?)?,
        registration_closes: date(&r.try_get::<String, _>("registration_closes")?)?,
        scoring_opens: opt_date("scoring_opens")?,
        scoring_closes: opt_date("scoring_closes")?,
        checklist,
    })
}

/// A round, without a permission check (every caller checks what it does with it).
pub async fn load(db: &Db, id: i64) -> Result<Round> {
    let r = sqlx::query(&format!("SELECT {COLS} FROM rounds r JOIN admin_units u ON u.id = r.unit_id WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?;
    from_row(db, &r).await
}

/// Dossiers filed (submitted or further) in a round.
pub async fn filed_count(db: &Db, id: i64) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM dossiers WHERE round_id = $1 AND state <> 'draft'")
        .bind(id)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?)
}

/// The programme's office over the round's unit runs it.
pub fn may_manage(user: &CurrentUser, round: &Round) -> bool {
    user.covers(rules::office_role(round.programme), &round.unit_path)
}

/// Rounds the caller's offices run, newest first.
pub async fn list_managed(db: &Db, user: &CurrentUser) -> Result<Vec<Round>> {
    let rows = sqlx::query(&format!("SELECT {COLS} FROM rounds r JOIN admin_units u ON u.id = r.unit_id ORDER BY r.year DESC, r.id DESC"))
        .fetch_all(db.pool())
        .await?;
    let mut out = Vec::new();
    for r in &rows {
        let round = from_row(db, r).await?;
        if may_manage(user, &round) {
            out.push(round);
        }
    }
    Ok(out)
}

/// Rounds a producer in `commune_path` can file in now or soon: registration open, for a unit
/// that contains the producer's commune.
pub async fn list_open_for(db: &Db, commune_path: &str) -> Result<Vec<Round>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLS} FROM rounds r JOIN admin_units u ON u.id = r.unit_id WHERE r.state = $1 ORDER BY r.registration_closes, r.id"
    ))
    .bind(RoundState::RegistrationOpen.code())
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let round = from_row(db, r).await?;
        if commune_path.starts_with(&round.unit_path) && round.registration_closes >= today_vn() {
            out.push(round);
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Default)]
pub struct RoundInput {
    pub programme: String,
    /// A published rule-set version of the programme (`rule_sets.id`), from the picker.
    pub rule_set_id: Option<i64>,
    pub name: String,
    pub unit_id: Option<i64>,
    pub year: Option<i64>,
    pub registration_opens: String,
    pub registration_closes: String,
    pub scoring_opens: String,
    pub scoring_closes: String,
}

fn parse_date(field: &str, label_vi: &str, label_en: &str, s: &str, required: bool) -> Result<Option<NaiveDate>> {
    let s = s.trim();
    if s.is_empty() {
        if required {
            return Err(Error::invalid(field, format!("Hãy nhập {label_vi}."), format!("Enter the {label_en}.")));
        }
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| {
        Error::invalid(field, format!("{label_vi}: ngày không hợp lệ, ví dụ 2026-03-31."), format!("{label_en}: not a valid date, e.g. 2026-03-31."))
    })
}

/// The chosen rule-set version if it is published and of `programme`; otherwise a field error,
/// the same for an unknown id and a draft so that a forged id learns nothing.
async fn chosen_rule_set(db: &Db, programme: Programme, id: Option<i64>) -> Result<(i64, RuleSet)> {
    let unknown = || Error::invalid("rule_set_id", "Hãy chọn một phiên bản bộ tiêu chí đã ban hành trong danh sách.", "Choose a published rule-set version from the list.");
    let id = id.ok_or_else(unknown)?;
    let row = sqlx::query("SELECT programme, status FROM rule_sets WHERE id = $1").bind(id).fetch_optional(db.pool()).await?.ok_or_else(unknown)?;
    if row.try_get::<String, _>("status")? == rulesets::Status::Draft.code() {
        return Err(unknown());
    }
    if row.try_get::<String, _>("programme")? != programme.code() {
        return Err(Error::invalid("rule_set_id", "Bộ tiêu chí này không thuộc chương trình đã chọn.", "That rule set is not of the chosen programme."));
    }
    Ok((id, rulesets::get_by_id(db, id).await?))
}

/// Creates a round in the draft state with a published rule-set version of its programme. Only
/// the programme's office, for a unit it covers, at a level where the rule set has a council that
/// scores. The round copies the version's code, number and dossier checklist, and the version is
/// frozen in the same transaction: from then on a change to it is a new version.
pub async fn create(db: &Db, user: &CurrentUser, meta: &RequestMeta, input: &RoundInput) -> Result<i64> {
    let programme = Programme::from_code(input.programme.trim())
        .ok_or_else(|| Error::invalid("programme", "Hãy chọn chương trình.", "Choose the programme."))?;
    let role = rules::office_role(programme);
    if !user.has_role(role) {
        return Err(Error::Forbidden);
    }
    let (rule_set_id, rs) = chosen_rule_set(db, programme, input.rule_set_id).await?;
    let (code, version) = (rs.code.clone(), i64::from(rs.version));
    let name = validate::text("name", "tên đợt", "round name", &input.name, 200)?;
    let unit = match input.unit_id {
        Some(id) => units::get(db, id).await?,
        None => None,
    }
    .ok_or_else(|| Error::invalid("unit_id", "Hãy chọn đơn vị tổ chức đợt.", "Choose the unit that runs the round."))?;
    if !user.covers(role, &unit.path) {
        return Err(Error::invalid(
            "unit_id",
            "Bạn chỉ tạo được đợt cho đơn vị mình phụ trách.",
            "You can only create rounds for the unit you work for.",
        ));
    }
    let evaluates = rs.level(unit.level).is_some_and(|l| l.evaluates);
    if !evaluates {
        return Err(Error::invalid(
            "unit_id",
            format!("Theo «{}», cấp {} không tổ chức hội đồng chấm điểm. Hãy chọn bộ tiêu chí hoặc đơn vị khác.", rs.name_vi, unit.level.name_vi().to_lowercase()),
            format!("Under \"{}\", the {} level has no scoring council. Choose another rule set or unit.", rs.name_en, unit.level.name_en().to_lowercase()),
        ));
    }
    let year = input
        .year
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| Error::invalid("year", "Hãy nhập năm của đợt, ví dụ 2026.", "Enter the round's year, e.g. 2026."))?;
    let opens = parse_date("registration_opens", "ngày bắt đầu nhận hồ sơ", "registration start", &input.registration_opens, true)?.unwrap_or_default();
    let closes = parse_date("registration_closes", "hạn nộp hồ sơ", "registration deadline", &input.registration_closes, true)?.unwrap_or_default();
    if closes < opens {
        return Err(Error::invalid("registration_closes", "Hạn nộp hồ sơ phải sau ngày bắt đầu nhận.", "The deadline must be after the start."));
    }
    let s_opens = parse_date("scoring_opens", "ngày bắt đầu chấm", "scoring start", &input.scoring_opens, false)?;
    let s_closes = parse_date("scoring_closes", "ngày kết thúc chấm", "scoring end", &input.scoring_closes, false)?;
    if s_opens.is_some_and(|s| s < closes) {
        return Err(Error::invalid("scoring_opens", "Chấm điểm bắt đầu sau khi hết hạn nhận hồ sơ.", "Scoring starts after registration closes."));
    }
    if let (Some(a), Some(b)) = (s_opens, s_closes) {
        if b < a {
            return Err(Error::invalid("scoring_closes", "Ngày kết thúc chấm phải sau ngày bắt đầu.", "Scoring must end after it starts."));
        }
    }
    let checklist = serde_json::to_string(&rs.dossier_checklist).map_err(|e| Error::Internal(e.to_string()))?;
    let now = db::now();
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO rounds (programme, rule_set_id, rule_set_code, rule_set_version, name, level, unit_id, year, state, \
         registration_opens, registration_closes, scoring_opens, scoring_closes, checklist_json, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
    )
    .bind(programme.code())
    .bind(rule_set_id)
    .bind(&code)
    .bind(version)
    .bind(&name)
    .bind(unit.level.code())
    .bind(unit.id)
    .bind(year)
    .bind(RoundState::Draft.code())
    .bind(opens.to_string())
    .bind(closes.to_string())
    .bind(s_opens.map(|d| d.to_string()))
    .bind(s_closes.map(|d| d.to_string()))
    .bind(&checklist)
    .bind(user.id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    audit::record(
        &mut tx,
        &actor,
        "round.create",
        "round",
        Some(&id.to_string()),
        None,
        Some(json!({"programme": programme.code(), "rule_set_id": rule_set_id, "rule_set": format!("{code}@{version}"), "name": name,
                    "unit_id": unit.id, "year": year, "registration": [opens, closes], "scoring": [s_opens, s_closes]})),
    )
    .await?;
    // The round now depends on this version and its current forms: they never change again.
    rulesets::mark_used(&mut tx, &actor, rule_set_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Links rounds whose rule set was not stored when migration 0009 ran, and freezes every rule
/// set a round uses (rounds made before creation froze them). Run at start-up after the shipped
/// rule sets are loaded; each freeze is audited, and a second run changes nothing.
pub async fn link_rule_sets(db: &Db) -> Result<usize> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE rounds SET rule_set_id = (SELECT s.id FROM rule_sets s WHERE s.code = rounds.rule_set_code \
         AND s.version = rounds.rule_set_version) WHERE rule_set_id IS NULL",
    )
    .execute(&mut *tx)
    .await?;
    let ids: Vec<i64> = sqlx::query(
        "SELECT DISTINCT s.id FROM rule_sets s JOIN rounds r ON r.rule_set_id = s.id WHERE s.status = 'published' ORDER BY s.id",
    )
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| r.try_get("id"))
    .collect::<std::result::Result<_, _>>()?;
    let actor = audit::Actor::system("liên kết đợt với bộ quy tắc");
    for id in &ids {
        rulesets::mark_used(&mut tx, &actor, *id).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

/// Moves a round to its next phase (open or close registration, open scoring…).
pub async fn act(db: &Db, user: &CurrentUser, meta: &RequestMeta, id: i64, action: &str) -> Result<RoundState> {
    let round = load(db, id).await?;
    if !may_manage(user, &round) {
        return Err(Error::NotFound);
    }
    let action = RoundAction::from_code(action)
        .ok_or_else(|| Error::invalid("action", "Thao tác không hợp lệ.", "Unknown action."))?;
    let role = rules::office_role(round.programme);
    let to = wf::transition(round.state, action, role, round.programme).map_err(|e| Error::conflict(e.to_string(), e.message_en()))?;
    if action == RoundAction::Publish {
        // Results become official only with the signed recognition decision (results::sign),
        // which publishes the round in the same transaction as the certificates.
        return Err(Error::conflict(
            "Kết quả được công bố khi quyết định công nhận đã ký được nhập (số, ngày, người ký). Hãy lập và ký quyết định công nhận.",
            "Results are published when the signed recognition decision is entered (number, date, signatory). Draft and sign the recognition decision.",
        ));
    }
    if action == RoundAction::OpenScoring {
        crate::scoring::check_ready_to_score(db, &round).await?;
    }
    let mut tx = db.begin().await?;
    // The state in the WHERE clause makes two clicks (or two tabs) apply the step once.
    let n = sqlx::query("UPDATE rounds SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
        .bind(to.code())
        .bind(db::now())
        .bind(id)
        .bind(round.state.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n != 1 {
        return Err(Error::conflict("Đợt vừa được người khác chuyển bước. Hãy tải lại trang.", "Someone else just changed this round. Reload the page."));
    }
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    if to == RoundState::Finalised {
        // Results are computed and sheets locked in the same transaction as the step.
        crate::scoring::finalise_round(db, &mut tx, &round, &actor).await?;
    }
    audit::record(
        &mut tx,
        &actor,
        &format!("round.{}", action.code()),
        "round",
        Some(&id.to_string()),
        Some(json!({"state": round.state.code()})),
        Some(json!({"state": to.code()})),
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

#[derive(Debug, Clone, Default)]
pub struct ChecklistEdit {
    pub code: String,
    pub name_vi: String,
    pub required: bool,
    pub kind: String,
    pub min_count: u32,
}

/// The office adapts the round's checklist: what is required, extra items, removed optional items.
/// Only before scoring; items from the rule set keep their legal basis.
pub async fn set_checklist(db: &Db, user: &CurrentUser, meta: &RequestMeta, id: i64, items: &[ChecklistEdit]) -> Result<()> {
    let round = load(db, id).await?;
    if !may_manage(user, &round) {
        return Err(Error::NotFound);
    }
    if !matches!(round.state, RoundState::Draft | RoundState::RegistrationOpen) {
        return Err(Error::conflict(
            "Chỉ sửa được danh mục hồ sơ khi đợt đang soạn hoặc đang nhận hồ sơ.",
            "The checklist can only change while the round is a draft or open for registration.",
        ));
    }
    if items.is_empty() || items.len() > 60 {
        return Err(Error::invalid("checklist", "Danh mục hồ sơ cần từ 1 đến 60 thành phần.", "The checklist needs 1 to 60 items."));
    }
    let mut out: Vec<ChecklistItem> = Vec::new();
    for (i, e) in items.iter().enumerate() {
        let field = format!("item_{i}");
        let name = validate::text(&field, "tên thành phần hồ sơ", "item name", &e.name_vi, 300)?;
        let kind = match e.kind.as_str() {
            "document" => ItemKind::Document,
            "photo" => ItemKind::Photo,
            "sample" => ItemKind::Sample,
            _ => return Err(Error::invalid(&field, "Loại thành phần không hợp lệ.", "Unknown item kind.")),
        };
        let existing = round.checklist.iter().find(|c| c.code == e.code && !e.code.is_empty());
        let code = match existing {
            Some(c) => c.code.clone(),
            None => format!("them-{}", i + 1),
        };
        if out.iter().any(|c| c.code == code) {
            return Err(Error::invalid(&field, "Thành phần hồ sơ bị lặp.", "An item appears twice."));
        }
        let mut item = existing.cloned().unwrap_or_else(|| ChecklistItem {
            code: code.clone(),
            name_vi: name.clone(),
            name_en: None,
            required: e.required,
            kind,
            min_count: 1,
            accepted_types: Vec::new(),
            note_vi: None,
            basis: domain::ruleset::Basis {
                source: "dot".into(),
                status: domain::ruleset::SourceStatus::Inferred,
                note: Some("Văn phòng bổ sung cho đợt này".into()),
            },
        });
        item.name_vi = name;
        item.required = e.required;
        item.kind = kind;
        item.min_count = e.min_count.clamp(1, 20);
        out.push(item);
    }
    let json = serde_json::to_string(&out).map_err(|e| Error::Internal(e.to_string()))?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE rounds SET checklist_json = $1, updated_at = $2 WHERE id = $3")
        .bind(&json)
        .bind(db::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "round.checklist",
        "round",
        Some(&id.to_string()),
        serde_json::to_value(&round.checklist).ok(),
        serde_json::to_value(&out).ok(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
