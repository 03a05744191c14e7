//! Rounds (đợt): the office's list, creation, phase changes and checklist; the rounds open to a
//! producer.

use chrono::NaiveDate;
use domain::{
    access::{AdminLevel, Programme},
    ruleset::ChecklistItem,
    workflow::round::{RoundAction, RoundState},
};
use leptos::server;
use serde::{Deserialize, Serialize};

use crate::{api::admin::UnitRow, errors::AppError};
#[cfg(feature = "ssr")]
use crate::ctx;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundView {
    pub id: i64,
    pub programme: Programme,
    pub rule_set_id: i64,
    pub rule_set_code: String,
    pub rule_set_version: i64,
    pub rule_set_name: String,
    pub name: String,
    pub level: AdminLevel,
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i64,
    pub state: RoundState,
    pub registration_opens: NaiveDate,
    pub registration_closes: NaiveDate,
    pub scoring_opens: Option<NaiveDate>,
    pub scoring_closes: Option<NaiveDate>,
    pub checklist: Vec<ChecklistItem>,
    pub commune_precheck: bool,
}

/// A round with what the caller may do with it and whether producers can file today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundDetail {
    pub round: RoundView,
    pub actions: Vec<RoundAction>,
    pub filing_open: bool,
    pub dossier_count: i64,
}

/// A published rule-set version the office may create a round with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSetOption {
    /// `rule_sets.id` of the version.
    pub id: i64,
    pub programme: Programme,
    pub code: String,
    pub version: i64,
    pub name_vi: String,
    pub name_en: String,
    /// The documents it rests on, e.g. "148/QĐ-TTg (24/02/2023)".
    pub legal_summary: String,
    pub effective_from: NaiveDate,
    /// The version in force today for its programme: the picker's default.
    pub current: bool,
    /// Levels at which a council scores under this rule set.
    pub levels: Vec<AdminLevel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundChoices {
    pub programmes: Vec<Programme>,
    pub rule_sets: Vec<RuleSetOption>,
    pub units: Vec<UnitRow>,
    /// This year in Vietnam, the form's default: the browser's WebAssembly has no clock of its own
    /// (std's time panics there), so the server says.
    pub year: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistEditView {
    pub code: String,
    pub name_vi: String,
    pub required: bool,
    pub kind: String,
    pub min_count: u32,
}

#[cfg(feature = "ssr")]
async fn detail(state: &backend::AppState, user: &backend::auth::CurrentUser, r: backend::rounds::Round) -> Result<RoundDetail, AppError> {
    let manage = backend::rounds::may_manage(user, &r);
    let role = backend::rules::office_role(r.programme);
    let actions = if manage { domain::workflow::round::allowed_actions(r.state, role, r.programme) } else { Vec::new() };
    let n = backend::rounds::filed_count(&state.db, r.id).await?;
    Ok(RoundDetail { filing_open: r.filing_open(), actions, dossier_count: n, round: ctx::wire(r)? })
}

/// The rounds the caller's office runs.
#[server(endpoint = "rounds_managed")]
pub async fn managed_rounds() -> Result<Vec<RoundDetail>, AppError> {
    let (user, _, state) = ctx::caller()?;
    if !user.has_role(domain::access::Role::OcopOffice) && !user.has_role(domain::access::Role::SpcnnttbOffice) {
        return Err(AppError::Forbidden);
    }
    let mut out = Vec::new();
    for r in backend::rounds::list_managed(&state.db, &user).await? {
        out.push(detail(&state, &user, r).await?);
    }
    Ok(out)
}

/// Rounds the caller's producer can file in now.
#[server(endpoint = "rounds_open")]
pub async fn open_rounds() -> Result<Vec<RoundDetail>, AppError> {
    let (user, _, state) = ctx::caller()?;
    let profile = backend::producers::own_profile(&state.db, &user).await?;
    let mut out = Vec::new();
    for r in backend::rounds::list_open_for(&state.db, &profile.commune_path).await? {
        out.push(detail(&state, &user, r).await?);
    }
    Ok(out)
}

#[server(endpoint = "round_get")]
pub async fn get_round(id: i64) -> Result<RoundDetail, AppError> {
    let (user, _, state) = ctx::caller()?;
    let r = backend::rounds::load(&state.db, id).await?;
    if !backend::rounds::may_manage(&user, &r) {
        return Err(AppError::NotFound);
    }
    detail(&state, &user, r).await
}

/// What the new-round form offers the caller: its programmes, the published rule-set versions of
/// each (newest in force first; drafts never), its units.
#[server(endpoint = "round_options")]
pub async fn round_options() -> Result<RoundChoices, AppError> {
    let (user, _, state) = ctx::caller()?;
    let programmes: Vec<Programme> = Programme::ALL.into_iter().filter(|p| user.has_role(backend::rules::office_role(*p))).collect();
    if programmes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut rule_sets = Vec::new();
    for p in &programmes {
        let current = backend::rules::current(&state.db, *p).await.ok().map(|(id, _)| id);
        for (id, rs) in backend::rules::available(&state.db, *p).await? {
            rule_sets.push(RuleSetOption {
                id,
                programme: *p,
                code: rs.code.clone(),
                version: i64::from(rs.version),
                legal_summary: backend::rulesets::legal_summary(&rs),
                effective_from: rs.effective_from,
                current: current == Some(id),
                levels: rs.levels.iter().filter(|l| l.evaluates).map(|l| l.level).collect(),
                name_vi: rs.name_vi,
                name_en: rs.name_en,
            });
        }
    }
    let units = backend::units::all(&state.db)
        .await?
        .into_iter()
        .filter(|u| u.level != AdminLevel::Commune && programmes.iter().any(|p| user.covers(backend::rules::office_role(*p), &u.path)))
        .map(|u| UnitRow { depth: u.path.matches('/').count().saturating_sub(2), id: u.id, name: u.full_name(), level: u.level })
        .collect();
    Ok(RoundChoices { programmes, rule_sets, units, year: chrono::Datelike::year(&backend::rounds::today_vn()) })
}

#[allow(clippy::too_many_arguments)]
#[server(endpoint = "round_create")]
pub async fn create_round(
    programme: String,
    rule_set_id: Option<i64>,
    name: String,
    unit_id: Option<i64>,
    year: Option<i64>,
    registration_opens: String,
    registration_closes: String,
    scoring_opens: String,
    scoring_closes: String,
) -> Result<i64, AppError> {
    let (user, meta, state) = ctx::caller()?;
    let input = backend::rounds::RoundInput {
        programme,
        rule_set_id,
        name,
        unit_id,
        year,
        registration_opens,
        registration_closes,
        scoring_opens,
        scoring_closes,
    };
    Ok(backend::rounds::create(&state.db, &user, &meta, &input).await?)
}

#[server(endpoint = "round_act")]
pub async fn round_act(id: i64, action: String) -> Result<RoundState, AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::rounds::act(&state.db, &user, &meta, id, &action).await?)
}

#[server(endpoint = "round_checklist", input = server_fn::codec::Json)]
pub async fn set_checklist(id: i64, items: Vec<ChecklistEditView>) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    let items: Vec<backend::rounds::ChecklistEdit> = items
        .into_iter()
        .map(|i| backend::rounds::ChecklistEdit { code: i.code, name_vi: i.name_vi, required: i.required, kind: i.kind, min_count: i.min_count })
        .collect();
    Ok(backend::rounds::set_checklist(&state.db, &user, &meta, id, &items).await?)
}
