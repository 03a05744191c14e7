//! Nomination to the next level: the district office's package (letter, exclusions, sending)
//! and the next level's inbox (accept or return each product). The ZIP download and import are
//! plain HTTP routes (`/files/rounds/{id}/nomination.zip`, `/files/rounds/{id}/nominations/import`).
//! Every check is made by `backend::nominations` on every call.

use chrono::NaiveDate;
use domain::{
    access::{AdminLevel, Programme},
    rating::OutcomeKind,
    workflow::round::RoundState,
};
use leptos::server;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;
#[cfg(feature = "ssr")]
use crate::ctx;

// ---- wire types (the same shape as the service layer's) ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageState {
    Draft,
    Sent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Included,
    Excluded,
    Pending,
    Accepted,
    Returned,
}

impl ItemState {
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            ItemState::Included => ("Trong hồ sơ đề nghị", "In the nomination"),
            ItemState::Excluded => ("Không đề nghị", "Left out"),
            ItemState::Pending => ("Chờ cấp trên xem xét", "Awaiting the next level"),
            ItemState::Accepted => ("Cấp trên đã tiếp nhận", "Accepted by the next level"),
            ItemState::Returned => ("Cấp trên trả lại", "Returned by the next level"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: i64,
    pub item_code: String,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    pub mime: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: Option<i64>,
    pub dossier_id: i64,
    pub product_id: i64,
    pub product_name: String,
    pub producer_id: i64,
    pub producer_name: String,
    pub tax_code: Option<String>,
    pub commune_name: String,
    pub group_code: String,
    pub council_id: i64,
    pub mean_hundredths: i64,
    pub stars: Option<u8>,
    pub outcome: OutcomeKind,
    pub forward_to: AdminLevel,
    pub potential_five_star: bool,
    pub state: ItemState,
    pub reason: Option<String>,
    pub target_dossier_id: Option<i64>,
    pub documents: Vec<Document>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub number: Option<String>,
    pub date: Option<NaiveDate>,
    pub signatory: Option<String>,
    pub signatory_title: Option<String>,
    pub recipient: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetOption {
    pub id: i64,
    pub name: String,
    pub unit_name: String,
    pub year: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Package {
    pub round_id: i64,
    pub round_name: String,
    pub programme: Programme,
    pub level: AdminLevel,
    pub unit_name: String,
    pub year: i64,
    pub round_state: RoundState,
    pub stored: bool,
    pub state: PackageState,
    pub letter: Letter,
    pub target_round_id: Option<i64>,
    pub target_round_name: Option<String>,
    pub sent_at: Option<String>,
    pub council_ids: Vec<i64>,
    pub items: Vec<Item>,
    pub targets: Vec<TargetOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxEntry {
    pub item: Item,
    pub nomination_id: i64,
    pub source_round_id: i64,
    pub source_round_name: String,
    pub source_unit_name: String,
    pub letter: Letter,
    pub sent_at: Option<String>,
    pub target_round_id: i64,
    pub target_round_name: String,
}

/// Points from hundredths, Vietnamese style ("74" or "62,66").
pub fn points_vi(h: i64) -> String {
    if h % 100 == 0 { format!("{}", h / 100) } else { format!("{},{:02}", h / 100, h % 100) }
}

// ---- server functions ----

#[server(endpoint = "nomination_package")]
pub async fn nomination_package(round_id: i64) -> Result<Package, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::nominations::package(&state.db, &user, round_id).await?)
}

/// The printable letter (tờ trình), drafted from the data, as an HTML document.
#[server(endpoint = "nomination_letter")]
pub async fn nomination_letter(round_id: i64) -> Result<String, AppError> {
    let (user, _, state) = ctx::caller()?;
    Ok(backend::nominations::letter(&state.db, &user, round_id).await?)
}

#[server(endpoint = "nomination_letter_save")]
pub async fn nomination_letter_save(
    round_id: i64,
    number: String,
    date: String,
    signatory: String,
    signatory_title: String,
    recipient: String,
) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    let input = backend::nominations::LetterInput { number, date, signatory, signatory_title, recipient };
    Ok(backend::nominations::save_letter(&state.db, &user, &meta, round_id, &input).await?)
}

/// Leaves a product out of the package (a reason is required).
#[server(endpoint = "nomination_exclude")]
pub async fn nomination_exclude(round_id: i64, dossier_id: i64, reason: String) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::nominations::set_included(&state.db, &user, &meta, round_id, dossier_id, false, &reason).await?)
}

#[server(endpoint = "nomination_include")]
pub async fn nomination_include(round_id: i64, dossier_id: i64) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::nominations::set_included(&state.db, &user, &meta, round_id, dossier_id, true, "").await?)
}

#[server(endpoint = "nomination_send")]
pub async fn nomination_send(round_id: i64, target_round_id: i64) -> Result<usize, AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::nominations::send(&state.db, &user, &meta, round_id, target_round_id).await?)
}

#[server(endpoint = "nomination_inbox")]
pub async fn nomination_inbox() -> Result<Vec<InboxEntry>, AppError> {
    let (user, _, state) = ctx::caller()?;
    if !user.has_role(domain::access::Role::OcopOffice) && !user.has_role(domain::access::Role::SpcnnttbOffice) {
        return Err(AppError::Forbidden);
    }
    ctx::wire(backend::nominations::inbox(&state.db, &user).await?)
}

/// Takes a nominated product into the caller's round; returns the new dossier's id.
#[server(endpoint = "nomination_accept")]
pub async fn nomination_accept(item_id: i64, group_code: Option<String>) -> Result<i64, AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::nominations::accept(&state.db, &user, &meta, item_id, group_code.as_deref().unwrap_or("")).await?)
}

#[server(endpoint = "nomination_return")]
pub async fn nomination_return(item_id: i64, reason: String) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::nominations::return_item(&state.db, &user, &meta, item_id, &reason).await?)
}
