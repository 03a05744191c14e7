//! Dossiers (hồ sơ): the producer files, the commune confirms, the office takes them in.

use domain::{
    access::Role,
    ruleset::ChecklistItem,
    workflow::dossier::{DossierAction, DossierState, RegistrationType},
};
use leptos::server;
use serde::{Deserialize, Serialize};

use crate::{
    api::{
        products::{GroupOption, PhotoView},
        rounds::RoundView,
    },
    errors::AppError,
};
#[cfg(feature = "ssr")]
use crate::ctx;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileView {
    pub id: i64,
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub has_thumb: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    pub item: ChecklistItem,
    pub files: Vec<FileView>,
    pub product_photos: Vec<PhotoView>,
    pub satisfied: bool,
    pub changeable: bool,
    pub requested: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub state_to: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierView {
    pub id: i64,
    pub version: i64,
    pub state: DossierState,
    pub round: RoundView,
    pub product_id: i64,
    pub product_name: String,
    pub producer_id: i64,
    pub producer_name: String,
    pub commune_name: String,
    pub group_code: String,
    pub group_name: String,
    pub registration_type: RegistrationType,
    pub previous_certificate: Option<String>,
    pub self_assessment: Option<String>,
    pub declaration_at: Option<String>,
    pub supplement_items: Vec<String>,
    pub supplement_reason: Option<String>,
    pub supplement_deadline: Option<String>,
    pub decision_reason: Option<String>,
    pub submitted_at: Option<String>,
    pub items: Vec<ItemView>,
    pub events: Vec<EventView>,
    pub actions: Vec<DossierAction>,
    pub role: Role,
    pub total_bytes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierRow {
    pub id: i64,
    pub round_id: i64,
    pub round_name: String,
    pub product_name: String,
    pub producer_name: String,
    pub commune_id: i64,
    pub commune_name: String,
    pub group_code: String,
    pub registration_type: String,
    pub state: String,
    pub submitted_at: Option<String>,
    pub supplement_deadline: Option<String>,
    pub registration_closes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeList {
    pub rows: Vec<DossierRow>,
    /// Dossiers per state before the state filter.
    pub counts: Vec<(String, i64)>,
}

#[server(endpoint = "dossiers_mine")]
pub async fn my_dossiers() -> Result<Vec<DossierRow>, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::dossiers::list_own(&state.db, &user).await?)
}

#[server(endpoint = "dossier_create")]
pub async fn create_dossier(
    round_id: i64,
    product_id: i64,
    registration_type: String,
    previous_certificate: String,
    group_code: String,
) -> Result<i64, AppError> {
    let (user, meta, state) = ctx::caller()?;
    let input = backend::dossiers::NewDossier { round_id, product_id, registration_type, previous_certificate, group_code, certificate_id: None };
    Ok(backend::dossiers::create(&state.db, &user, &meta, &input).await?)
}

/// A dossier with the product groups of its round's rule set (it is classified by them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierPageData {
    pub dossier: DossierView,
    pub groups: Vec<GroupOption>,
}

#[server(endpoint = "dossier_get")]
pub async fn get_dossier(id: i64) -> Result<DossierPageData, AppError> {
    let (user, _, state) = ctx::caller()?;
    let d = backend::dossiers::load(&state.db, &user, id).await?;
    let groups = crate::api::products::groups_of(&*backend::rounds::rule_set_of(&state.db, &d.round).await?);
    Ok(DossierPageData { dossier: ctx::wire(d)?, groups })
}

#[server(endpoint = "dossier_update")]
pub async fn update_dossier(
    id: i64,
    version: i64,
    registration_type: String,
    previous_certificate: String,
    group_code: String,
    self_assessment: String,
) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    let input = backend::dossiers::DetailsInput { version, registration_type, previous_certificate, group_code, self_assessment };
    Ok(backend::dossiers::update_details(&state.db, &user, &meta, id, &input).await?)
}

#[server(endpoint = "dossier_act", input = server_fn::codec::Json)]
#[allow(clippy::too_many_arguments)]
pub async fn dossier_act(
    id: i64,
    version: i64,
    action: String,
    reason: Option<String>,
    items: Option<Vec<String>>,
    deadline: Option<String>,
    declaration: Option<bool>,
) -> Result<DossierState, AppError> {
    let (user, meta, state) = ctx::caller()?;
    let input = backend::dossiers::ActionInput {
        action,
        version,
        reason: reason.unwrap_or_default(),
        items: items.unwrap_or_default(),
        deadline: deadline.unwrap_or_default(),
        declaration: declaration.unwrap_or(false),
    };
    Ok(backend::dossiers::act(&state.db, &user, &meta, id, &input).await?)
}

#[server(endpoint = "dossier_file_remove")]
pub async fn remove_file(file_id: i64, version: i64) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::dossiers::remove_file(&state.db, &user, &meta, file_id, version).await?)
}

#[server(endpoint = "dossiers_intake")]
pub async fn intake(
    round_id: Option<i64>,
    state_filter: Option<String>,
    commune_id: Option<i64>,
    group_code: Option<String>,
    registration_type: Option<String>,
) -> Result<IntakeList, AppError> {
    let (user, _, state) = ctx::caller()?;
    let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    let f = backend::dossiers::IntakeFilter {
        round_id,
        state: nonempty(state_filter),
        commune_id,
        group_code: nonempty(group_code),
        registration_type: nonempty(registration_type),
    };
    let (rows, counts) = backend::dossiers::intake(&state.db, &user, &f).await?;
    Ok(IntakeList { rows: ctx::wire(rows)?, counts })
}

#[server(endpoint = "dossiers_commune")]
pub async fn commune_dossiers() -> Result<Vec<DossierRow>, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::dossiers::commune_queue(&state.db, &user).await?)
}

/// What the printable registration form and product description need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintData {
    pub dossier: DossierView,
    pub profile: crate::api::producer::ProfileView,
    pub product: crate::api::products::ProductView,
}

#[server(endpoint = "dossier_print")]
pub async fn dossier_print(id: i64) -> Result<PrintData, AppError> {
    let (user, _, state) = ctx::caller()?;
    let d = backend::dossiers::load(&state.db, &user, id).await?;
    let profile = backend::producers::load(&state.db, d.producer_id).await?;
    let product = backend::products::get(&state.db, &user, d.product_id).await?;
    Ok(PrintData { dossier: ctx::wire(d)?, profile: ctx::wire(profile)?, product: ctx::wire(product)? })
}
