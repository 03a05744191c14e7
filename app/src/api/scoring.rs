//! Councils and scoring: the office sets up councils and assigns dossiers; judges declare
//! conflicts and score with autosave; the secretary keeps the board; the chair asks for
//! re-scores and overrides conflicts; the minutes print the results. Every check is made by the
//! service layer (`backend::councils`, `backend::scoring`) on every call.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::{
    access::{AdminLevel, Programme},
    aggregate::{Aggregate, QuorumCheck},
    council::{Entitlement, MemberRole, Relationship, ScoreView},
    form::ScoreForm,
    rating::ProductResult,
    ruleset::RuleSet,
    sheet::Answers,
    workflow::{round::RoundState, sheet::SheetState},
    Points,
};
use leptos::server;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;
#[cfg(feature = "ssr")]
use crate::ctx;

// ---- wire types (the same shape as the service layer's) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Council {
    pub id: i64,
    pub round_id: i64,
    pub name: String,
    pub decision_no: String,
    pub decision_date: NaiveDate,
}

/// A council on its round's page, with its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilSummary {
    pub council: Council,
    pub members: i64,
    pub products: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    pub council_id: i64,
    pub user_id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: MemberRole,
    pub position: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// A member's entitlement for one product (the conflict grid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridCell {
    pub member_id: i64,
    pub dossier_id: i64,
    pub entitlement: Entitlement,
    /// Why the office excluded the member from the product (set while excluded).
    pub excluded_reason: Option<String>,
    /// Why the chair let the conflicted member score it (set while overridden).
    pub override_reason: Option<String>,
}

/// The council's page: its decision, members, products and the conflict grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouncilPage {
    pub council: Council,
    pub round_id: i64,
    pub round_name: String,
    pub round_state: RoundState,
    pub programme: Programme,
    pub members: Vec<Member>,
    pub products: Vec<Assigned>,
    /// Accepted dossiers of the round not given to any council yet (office only).
    pub unassigned: Vec<Assigned>,
    pub grid: Vec<GridCell>,
    /// The caller is the round's office.
    pub office: bool,
    pub my_role: Option<MemberRole>,
    /// Members and assignments may still change.
    pub composition_open: bool,
    /// Leaf groups of the round's rule set: (code, name).
    pub groups: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub id: i64,
    pub dossier_id: i64,
    pub member_id: i64,
    pub form_code: String,
    pub state: SheetState,
    pub version: i64,
    pub answers: Answers,
    pub notes: BTreeMap<String, String>,
    pub total: Points,
    pub answered: i64,
    pub on_paper: bool,
    pub rescore_reason: Option<String>,
    pub saved_at: Option<String>,
    pub submitted_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub sheet_id: i64,
    pub version: i64,
    pub state: SheetState,
    pub saved_at: String,
    pub total: Points,
    pub answered: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyProduct {
    pub council_id: i64,
    pub council_name: String,
    pub round_id: i64,
    pub round_name: String,
    pub round_state: RoundState,
    pub my_role: MemberRole,
    pub dossier_id: i64,
    pub product_name: String,
    pub producer_name: String,
    pub group_code: String,
    pub entitlement: Entitlement,
    pub sheet_state: SheetState,
    pub saved_at: Option<String>,
    pub flagged: bool,
    pub rescore_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentLink {
    pub id: i64,
    pub item_code: String,
    pub item_name: String,
    pub file_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoLink {
    pub id: i64,
    pub view: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Workspace {
    pub council_id: i64,
    pub council_name: String,
    pub round_name: String,
    pub round_state: RoundState,
    pub programme: Programme,
    pub my_role: MemberRole,
    pub entitlement: Entitlement,
    pub dossier_id: i64,
    pub product_id: i64,
    pub product_name: String,
    pub producer_name: String,
    pub group_code: String,
    pub rule_set: RuleSet,
    pub form: ScoreForm,
    pub sheet: Sheet,
    pub editable: bool,
    pub flagged: bool,
    pub documents: Vec<DocumentLink>,
    pub photos: Vec<PhotoLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub member_id: i64,
    pub sheet_id: Option<i64>,
    pub state: SheetState,
    pub entitlement: Entitlement,
    pub total: Option<Points>,
    pub on_paper: bool,
    pub outlier: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub author: String,
    pub body: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardRow {
    pub dossier_id: i64,
    pub product_name: String,
    pub producer_name: String,
    pub group_code: String,
    pub cells: Vec<Cell>,
    pub stats: Option<Aggregate<i64>>,
    pub quorum: QuorumCheck,
    pub flagged: bool,
    pub finalise_note: Option<String>,
    pub blockers_vi: Vec<String>,
    pub blockers_en: Vec<String>,
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub council: Council,
    pub round_id: i64,
    pub round_name: String,
    pub round_state: RoundState,
    pub members: Vec<Member>,
    pub view: ScoreView,
    pub office: bool,
    pub my_role: Option<MemberRole>,
    pub spread_limit: Points,
    pub rows: Vec<BoardRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetVersion {
    pub version: i64,
    pub event: String,
    pub state: SheetState,
    pub total: Points,
    pub actor_label: String,
    pub note: Option<String>,
    pub at: String,
}

/// One member's sheet opened from the board (or for paper entry).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SheetDetail {
    pub sheet: Sheet,
    pub form: ScoreForm,
    pub rule_set: Option<RuleSet>,
    pub member_name: String,
    pub history: Vec<SheetVersion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredResult {
    pub dossier_id: i64,
    pub council_id: i64,
    pub sheets: i64,
    pub mean: Points,
    pub stars: Option<u8>,
    pub outcome: String,
    pub result: ProductResult<i64>,
    pub finalised_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinutesRow {
    pub dossier_id: i64,
    pub product_name: String,
    pub producer_name: String,
    pub group_code: String,
    pub totals: Vec<(i64, Option<Points>)>,
    pub result: StoredResult,
    pub finalise_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Minutes {
    pub council: Council,
    pub round_name: String,
    pub round_level: AdminLevel,
    pub programme: Programme,
    pub rule_set_name: String,
    pub members: Vec<Member>,
    pub rows: Vec<MinutesRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declaration {
    pub id: i64,
    pub producer_id: i64,
    pub producer_name: String,
    pub relationship: Relationship,
    pub note: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerChoice {
    pub producer_id: i64,
    pub name: String,
    pub commune: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declarations {
    pub mine: Vec<Declaration>,
    pub producers: Vec<ProducerChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedMember {
    pub member_id: i64,
    pub temporary_password: Option<String>,
}

// ---- councils ----

/// The councils of a round (the office: all; a member: theirs).
#[server(endpoint = "councils_of_round")]
pub async fn councils_of_round(round_id: i64) -> Result<Vec<CouncilSummary>, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::councils::of_round(&state.db, &user, round_id).await?)
}

#[server(endpoint = "council_create")]
pub async fn create_council(round_id: i64, name: String, decision_no: String, decision_date: String) -> Result<i64, AppError> {
    let (user, meta, state) = ctx::caller()?;
    let input = backend::councils::CouncilInput { name, decision_no, decision_date };
    Ok(backend::councils::create(&state.db, &user, &meta, round_id, &input).await?)
}

#[server(endpoint = "council_update")]
pub async fn update_council(id: i64, name: String, decision_no: String, decision_date: String) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    let input = backend::councils::CouncilInput { name, decision_no, decision_date };
    Ok(backend::councils::update(&state.db, &user, &meta, id, &input).await?)
}

#[server(endpoint = "council_get")]
pub async fn get_council(id: i64) -> Result<CouncilPage, AppError> {
    use backend::councils::{self as c, Standing};
    let (user, _, state) = ctx::caller()?;
    let (full, standing) = c::visible(&state.db, &user, id).await?;
    let office = standing == Standing::Office;
    let products = c::products(&state.db, &full).await?;
    let unassigned = if office {
        c::round_products(&state.db, full.round.id).await?.into_iter().filter(|a| a.council_id.is_none()).collect()
    } else {
        Vec::new()
    };
    // The conflict grid is for those who decide on it: the office, the chair and the secretary.
    let sees_grid = office || matches!(standing, Standing::Member(r) if r.keeps_board());
    let grid = if sees_grid {
        let g = c::entitlements_for(&state.db, &full, &products).await?;
        let mut reasons = c::grid_reasons(&state.db, full.council.id).await?;
        let mut cells: Vec<GridCell> = g
            .into_iter()
            .map(|((member_id, dossier_id), entitlement)| GridCell {
                member_id,
                dossier_id,
                entitlement,
                excluded_reason: reasons.excluded.remove(&(member_id, dossier_id)),
                override_reason: reasons.overridden.remove(&(member_id, dossier_id)),
            })
            .collect();
        cells.sort_by_key(|c| (c.dossier_id, c.member_id));
        cells
    } else {
        Vec::new()
    };
    let rs = backend::rounds::rule_set_of(&state.db, &full.round).await?;
    let groups = backend::rules::group_options(&rs).into_iter().map(|(code, vi, _)| (code, vi)).collect();
    Ok(CouncilPage {
        council: ctx::wire(&full.council)?,
        round_id: full.round.id,
        round_name: full.round.name.clone(),
        round_state: full.round.state,
        programme: full.round.programme,
        members: ctx::wire(&full.members)?,
        products: ctx::wire(products)?,
        unassigned: ctx::wire(unassigned)?,
        grid,
        office,
        my_role: match standing {
            Standing::Member(r) => Some(r),
            Standing::Office => None,
        },
        composition_open: matches!(full.round.state, RoundState::Draft | RoundState::RegistrationOpen | RoundState::RegistrationClosed),
        groups,
    })
}

#[server(endpoint = "council_member_add")]
pub async fn add_member(council_id: i64, login: String, full_name: String, role: String, position: String) -> Result<AddedMember, AppError> {
    let (user, meta, state) = ctx::caller()?;
    let input = backend::councils::MemberInput { login, full_name, role, position };
    ctx::wire(backend::councils::add_member(&state.db, &user, &meta, council_id, &input).await?)
}

#[server(endpoint = "council_member_remove")]
pub async fn remove_member(member_id: i64) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::councils::remove_member(&state.db, &user, &meta, member_id).await?)
}

/// `mode`: "all" (every unassigned accepted dossier), "group" (with `group_code`), or "list"
/// (with `dossier_ids`).
#[server(endpoint = "council_assign", input = server_fn::codec::Json)]
pub async fn assign(council_id: i64, mode: String, group_code: Option<String>, dossier_ids: Option<Vec<i64>>) -> Result<usize, AppError> {
    use backend::councils::Selection;
    let (user, meta, state) = ctx::caller()?;
    let selection = match mode.as_str() {
        "all" => Selection::AllUnassigned,
        "group" => Selection::Group(group_code.unwrap_or_default()),
        "list" => Selection::Dossiers(dossier_ids.unwrap_or_default()),
        _ => return Err(backend::Error::invalid("mode", "Hãy chọn cách phân công.", "Choose how to assign.").into()),
    };
    Ok(backend::councils::assign(&state.db, &user, &meta, council_id, &selection).await?)
}

#[server(endpoint = "council_unassign")]
pub async fn unassign(council_id: i64, dossier_id: i64) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::councils::unassign(&state.db, &user, &meta, council_id, dossier_id).await?)
}

#[server(endpoint = "council_exclude")]
pub async fn set_excluded(member_id: i64, dossier_id: i64, excluded: bool, reason: String) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::councils::set_excluded(&state.db, &user, &meta, member_id, dossier_id, excluded, &reason).await?)
}

#[server(endpoint = "conflict_override")]
pub async fn set_override(member_id: i64, dossier_id: i64, allow: bool, reason: String) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::councils::set_override(&state.db, &user, &meta, member_id, dossier_id, allow, &reason).await?)
}

#[server(endpoint = "conflicts_mine")]
pub async fn my_declarations() -> Result<Declarations, AppError> {
    let (user, _, state) = ctx::caller()?;
    if !user.has_role(domain::access::Role::Judge) {
        return Err(AppError::Forbidden);
    }
    Ok(Declarations {
        mine: ctx::wire(backend::councils::declarations(&state.db, user.id).await?)?,
        producers: ctx::wire(backend::councils::declarable_producers(&state.db, &user).await?)?,
    })
}

#[server(endpoint = "conflict_declare")]
pub async fn declare_conflict(producer_id: i64, relationship: String, note: String) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::councils::declare(&state.db, &user, &meta, producer_id, &relationship, &note).await?)
}

#[server(endpoint = "conflict_withdraw")]
pub async fn withdraw_conflict(id: i64) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::councils::withdraw_declaration(&state.db, &user, &meta, id).await?)
}

// ---- scoring ----

#[server(endpoint = "judge_products")]
pub async fn my_products() -> Result<Vec<MyProduct>, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::scoring::my_products(&state.db, &user).await?)
}

#[server(endpoint = "sheet_workspace")]
pub async fn get_workspace(dossier_id: i64) -> Result<Workspace, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::scoring::workspace(&state.db, &user, dossier_id).await?)
}

/// Autosave: the whole sheet and the version it was based on.
#[server(endpoint = "sheet_save", input = server_fn::codec::Json)]
pub async fn save_sheet(sheet_id: i64, version: i64, answers: Answers, notes: BTreeMap<String, String>) -> Result<Saved, AppError> {
    let (user, meta, state) = ctx::caller()?;
    let input = backend::scoring::SaveInput { sheet_id, version, answers, notes };
    ctx::wire(backend::scoring::save(&state.db, &user, &meta, &input, false).await?)
}

#[server(endpoint = "sheet_submit", input = server_fn::codec::Json)]
pub async fn submit_sheet(sheet_id: i64, version: i64, answers: Answers, notes: BTreeMap<String, String>) -> Result<Saved, AppError> {
    let (user, meta, state) = ctx::caller()?;
    let input = backend::scoring::SaveInput { sheet_id, version, answers, notes };
    ctx::wire(backend::scoring::save(&state.db, &user, &meta, &input, true).await?)
}

/// The stored copy of the caller's own sheet (to compare after a refused stale save).
#[server(endpoint = "sheet_own")]
pub async fn own_sheet(sheet_id: i64) -> Result<Sheet, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::scoring::own_sheet(&state.db, &user, sheet_id).await?)
}

#[server(endpoint = "council_board")]
pub async fn get_board(council_id: i64) -> Result<Board, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::scoring::board(&state.db, &user, council_id).await?)
}

#[server(endpoint = "board_sheet")]
pub async fn board_sheet(sheet_id: i64) -> Result<SheetDetail, AppError> {
    let (user, _, state) = ctx::caller()?;
    let (sheet, form, member_name) = backend::scoring::board_sheet(&state.db, &user, sheet_id).await?;
    let history = backend::scoring::sheet_history(&state.db, &user, sheet_id).await?;
    Ok(SheetDetail { sheet: ctx::wire(sheet)?, form, rule_set: None, member_name, history: ctx::wire(history)? })
}

#[server(endpoint = "paper_sheet")]
pub async fn paper_sheet(member_id: i64, dossier_id: i64) -> Result<SheetDetail, AppError> {
    let (user, _, state) = ctx::caller()?;
    let (sheet, form, rule_set) = backend::scoring::paper_sheet(&state.db, &user, member_id, dossier_id).await?;
    Ok(SheetDetail { sheet: ctx::wire(sheet)?, form, rule_set: Some(rule_set), member_name: String::new(), history: Vec::new() })
}

#[server(endpoint = "paper_save", input = server_fn::codec::Json)]
#[allow(clippy::too_many_arguments)]
pub async fn paper_save(
    member_id: i64,
    dossier_id: i64,
    version: i64,
    answers: Answers,
    notes: BTreeMap<String, String>,
    submit: bool,
) -> Result<Saved, AppError> {
    let (user, meta, state) = ctx::caller()?;
    ctx::wire(backend::scoring::paper_entry(&state.db, &user, &meta, member_id, dossier_id, version, &answers, &notes, submit).await?)
}

#[server(endpoint = "rescore_request", input = server_fn::codec::Json)]
pub async fn request_rescore(dossier_id: i64, member_ids: Vec<i64>, reason: String) -> Result<usize, AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::scoring::request_rescore(&state.db, &user, &meta, dossier_id, &member_ids, &reason).await?)
}

#[server(endpoint = "finalise_note")]
pub async fn set_finalise_note(dossier_id: i64, note: String) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::councils::set_finalise_note(&state.db, &user, &meta, dossier_id, &note).await?)
}

#[server(endpoint = "council_remind")]
pub async fn remind(council_id: i64) -> Result<usize, AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::scoring::remind(&state.db, &user, &meta, council_id).await?)
}

#[server(endpoint = "council_comment")]
pub async fn add_comment(dossier_id: i64, body: String) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::scoring::comment(&state.db, &user, &meta, dossier_id, &body).await?)
}

#[server(endpoint = "council_minutes")]
pub async fn get_minutes(council_id: i64) -> Result<Minutes, AppError> {
    let (user, _, state) = ctx::caller()?;
    // The next level's office reads the minutes that came with a nomination to its round.
    let m = match backend::scoring::minutes(&state.db, &user, council_id).await {
        Err(backend::Error::NotFound) => backend::nominations::received_minutes(&state.db, &user, council_id).await?,
        other => other?,
    };
    ctx::wire(m)
}
