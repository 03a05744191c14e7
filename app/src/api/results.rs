//! Results made official: the recognition decision (drafted by the office from a finalised round,
//! edited until signed, then signed with its number, date and signatory), the certificates it
//! issues, the revocation decision for expired certificates, the producer's certificates with
//! re-evaluation, and the public record (published results, the catalogue, verification). The
//! public endpoints need no log-in and return only what a signed decision made official.

use chrono::NaiveDate;
use domain::{
    access::{AdminLevel, Programme},
    Points,
};
use leptos::server;
use serde::{Deserialize, Serialize};

use crate::{api::admin::Page, errors::AppError};
#[cfg(feature = "ssr")]
use crate::ctx;

// ---- wire types (the same shape as backend::results) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionItemView {
    pub id: i64,
    pub dossier_id: Option<i64>,
    pub certificate_id: Option<i64>,
    pub product_name: String,
    pub producer_name: String,
    pub commune_name: String,
    pub mean: Option<Points>,
    pub stars: Option<i64>,
    pub title_vi: Option<String>,
    pub title_en: Option<String>,
    pub included: bool,
    pub rank: Option<i64>,
    pub reason: Option<String>,
    pub certificate_number: Option<String>,
    pub valid_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionView {
    pub id: i64,
    /// "recognition" or "revocation".
    pub kind: String,
    pub programme: Programme,
    pub unit_id: i64,
    pub unit_name: String,
    pub round_id: Option<i64>,
    pub round_name: Option<String>,
    /// "draft" or "signed".
    pub state: String,
    pub title: String,
    pub decision_no: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub signatory: Option<String>,
    pub version: i64,
    pub council_choice: bool,
    pub items: Vec<DecisionItemView>,
}

/// One row of the council's ranked choice, in the order the office put it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceView {
    pub item_id: i64,
    pub included: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    pub id: i64,
    pub number: String,
    pub code: String,
    pub programme: Programme,
    pub level: AdminLevel,
    pub unit_name: String,
    pub product_id: i64,
    pub product_name: String,
    pub producer_id: i64,
    pub producer_name: String,
    pub producer_address: Option<String>,
    pub producer_phone: Option<String>,
    pub producer_email: Option<String>,
    pub commune_id: i64,
    pub commune_name: String,
    pub stars: Option<i64>,
    pub title_vi: Option<String>,
    pub title_en: Option<String>,
    pub mean: Option<Points>,
    pub issued_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub notice_on: Option<NaiveDate>,
    pub reevaluation_from: Option<NaiveDate>,
    pub decision_no: String,
    pub decision_date: NaiveDate,
    pub signatory: String,
    pub revoked_on: Option<NaiveDate>,
    pub revocation_no: Option<String>,
    /// not_yet_valid, valid, expiring_soon, expired, revoked.
    pub status: String,
    pub days_left: Option<i64>,
    pub photo_id: Option<i64>,
}

impl CertificateView {
    pub fn status_label(&self) -> (&'static str, &'static str) {
        status_label(&self.status)
    }
}

pub fn status_label(code: &str) -> (&'static str, &'static str) {
    match code {
        "valid" => ("Còn hiệu lực", "Valid"),
        "expiring_soon" => ("Sắp hết hiệu lực", "Expiring soon"),
        "expired" => ("Hết hiệu lực", "Expired"),
        "revoked" => ("Đã bị thu hồi", "Revoked"),
        _ => ("Chưa có hiệu lực", "Not yet valid"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnCertificateView {
    pub certificate: CertificateView,
    pub reevaluation_open: bool,
    pub reevaluation_dossier_id: Option<i64>,
    pub rounds: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedRoundView {
    pub id: i64,
    pub name: String,
    pub programme: Programme,
    pub level: AdminLevel,
    pub unit_name: String,
    pub year: i64,
    pub decision_no: String,
    pub decision_date: NaiveDate,
    pub recognised: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedRowView {
    pub product_name: String,
    pub producer_name: String,
    pub commune_name: String,
    pub mean: Points,
    pub stars: Option<i64>,
    pub title_vi: Option<String>,
    pub title_en: Option<String>,
    pub recognised: bool,
    pub rank: Option<i64>,
    pub certificate_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundResults {
    pub round: PublishedRoundView,
    pub rows: Vec<PublishedRowView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintableCertificate {
    pub certificate: CertificateView,
    /// The public verification page's full address, which the QR code carries.
    pub verify_url: String,
    /// The QR code as an SVG image (generated on the server).
    pub qr_svg: String,
}

pub const CATALOGUE_PER_PAGE: i64 = 12;

// ---- office: recognition and revocation decisions ----

/// The recognition decision of a round, if one was drafted.
#[server(endpoint = "decision_of_round")]
pub async fn decision_of_round(round_id: i64) -> Result<Option<DecisionView>, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::results::of_round(&state.db, &user, round_id).await?)
}

/// The office drafts the recognition decision of a finalised round (or opens the existing draft).
#[server(endpoint = "decision_draft")]
pub async fn draft_decision(round_id: i64) -> Result<i64, AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::results::draft_recognition(&state.db, &user, &meta, round_id).await?)
}

#[server(endpoint = "decision_get")]
pub async fn get_decision(id: i64) -> Result<DecisionView, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::results::get(&state.db, &user, id).await?)
}

#[server(endpoint = "decisions_list")]
pub async fn list_decisions() -> Result<Vec<DecisionView>, AppError> {
    let (user, _, state) = ctx::caller()?;
    if !user.has_role(domain::access::Role::OcopOffice) && !user.has_role(domain::access::Role::SpcnnttbOffice) {
        return Err(AppError::Forbidden);
    }
    ctx::wire(backend::results::list_managed(&state.db, &user).await?)
}

/// The draft's title and, under a council decision, the ranked choice (order, left out, reason).
#[server(endpoint = "decision_update", input = server_fn::codec::Json)]
pub async fn update_decision(id: i64, version: i64, title: String, choice: Vec<ChoiceView>) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    let choice: Vec<backend::results::ChoiceInput> =
        choice.into_iter().map(|c| backend::results::ChoiceInput { item_id: c.item_id, included: c.included, reason: c.reason }).collect();
    Ok(backend::results::update_recognition(&state.db, &user, &meta, id, version, &title, &choice).await?)
}

/// Staff enter the signed decision: number, date (YYYY-MM-DD) and signatory.
#[server(endpoint = "decision_sign")]
pub async fn sign_decision(id: i64, version: i64, decision_no: String, decision_date: String, signatory: String) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    let input = backend::results::SignInput { version, decision_no, decision_date, signatory };
    Ok(backend::results::sign(&state.db, &user, &meta, id, &input).await?)
}

/// Expired certificates of the caller's offices that were not re-evaluated.
#[server(endpoint = "revocation_candidates")]
pub async fn revocation_candidates() -> Result<Vec<CertificateView>, AppError> {
    let (user, _, state) = ctx::caller()?;
    if !user.has_role(domain::access::Role::OcopOffice) && !user.has_role(domain::access::Role::SpcnnttbOffice) {
        return Err(AppError::Forbidden);
    }
    ctx::wire(backend::results::revocation_candidates(&state.db, &user).await?)
}

#[server(endpoint = "revocation_draft", input = server_fn::codec::Json)]
pub async fn draft_revocation(certificate_ids: Vec<i64>) -> Result<i64, AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::results::draft_revocation(&state.db, &user, &meta, &certificate_ids).await?)
}

#[server(endpoint = "revocation_update", input = server_fn::codec::Json)]
pub async fn update_revocation(id: i64, version: i64, title: String, certificate_ids: Vec<i64>) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::results::update_revocation(&state.db, &user, &meta, id, version, &title, &certificate_ids).await?)
}

// ---- office: certified products from an earlier list (XLSX) ----

/// A row of an import that went in (`backend::cert_imports::ImportedRow`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedRowView {
    pub row: u32,
    pub number: String,
    pub product: String,
    pub producer: String,
}

/// A row that did not, with its column and what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedRowView {
    pub row: u32,
    pub column: String,
    pub message_vi: String,
    pub message_en: String,
}

/// The row-by-row report of an import of certified products.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertImportReport {
    pub id: i64,
    pub file_name: String,
    pub total_rows: u32,
    pub imported: Vec<ImportedRowView>,
    pub refused: Vec<RefusedRowView>,
    pub new_producers: u32,
    pub new_products: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertImportSummary {
    pub id: i64,
    pub programme: Programme,
    pub file_name: String,
    pub total_rows: i64,
    pub imported: i64,
    pub refused: i64,
    pub created_by: String,
    pub created_at: String,
}

/// The programmes the caller's office may import for, and its earlier imports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertImportsView {
    pub programmes: Vec<Programme>,
    pub imports: Vec<CertImportSummary>,
}

#[server(endpoint = "certificate_imports")]
pub async fn certificate_imports() -> Result<CertImportsView, AppError> {
    let (user, _, state) = ctx::caller()?;
    let programmes: Vec<Programme> = [Programme::Ocop, Programme::Spcnnttb].into_iter().filter(|p| user.has_role(backend::rules::office_role(*p))).collect();
    if programmes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut imports = Vec::new();
    for p in &programmes {
        imports.extend(ctx::wire::<_, Vec<CertImportSummary>>(backend::cert_imports::list(&state.db, &user, *p).await?)?);
    }
    imports.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(CertImportsView { programmes, imports })
}

#[server(endpoint = "certificate_import_report")]
pub async fn certificate_import_report(id: i64) -> Result<CertImportReport, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::cert_imports::report(&state.db, &user, id).await?)
}

// ---- producer ----

#[server(endpoint = "certificates_mine")]
pub async fn my_certificates() -> Result<Vec<OwnCertificateView>, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::results::mine(&state.db, &user).await?)
}

/// "Đánh giá lại": starts a re-evaluation dossier for the certificate in an open round.
#[server(endpoint = "certificate_reevaluate")]
pub async fn reevaluate_certificate(certificate_id: i64, round_id: i64) -> Result<i64, AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::results::start_reevaluation(&state.db, &user, &meta, certificate_id, round_id).await?)
}

// ---- public (no log-in) ----

#[server(endpoint = "public_rounds")]
pub async fn public_rounds() -> Result<Vec<PublishedRoundView>, AppError> {
    let state = ctx::state()?;
    ctx::wire(backend::results::published_rounds(&state.db).await?)
}

#[server(endpoint = "public_results")]
pub async fn public_results(round_id: i64) -> Result<RoundResults, AppError> {
    let state = ctx::state()?;
    let (round, rows) = backend::results::published_results(&state.db, round_id).await?;
    Ok(RoundResults { round: ctx::wire(round)?, rows: ctx::wire(rows)? })
}

/// The catalogue of certified products: `q` ignores diacritics; filters by programme
/// (`ocop`/`spcnnttb`), stars and commune; 12 a page.
#[server(endpoint = "public_catalogue")]
pub async fn public_catalogue(
    q: Option<String>,
    programme: Option<String>,
    stars: Option<i64>,
    commune_id: Option<i64>,
    page: Option<i64>,
) -> Result<Page<CertificateView>, AppError> {
    let state = ctx::state()?;
    let q = q.unwrap_or_default();
    if q.chars().count() > 200 {
        return Err(AppError::Invalid { field: "q".into(), vi: "Từ khóa tìm kiếm quá dài (tối đa 200 ký tự).".into(), en: "The search is too long (200 characters at most).".into() });
    }
    let query = backend::results::CatalogueQuery {
        q,
        programme: programme.as_deref().filter(|p| !p.is_empty()).and_then(Programme::from_code),
        stars,
        commune_id,
        page: page.unwrap_or(1).clamp(1, 100_000),
        per_page: CATALOGUE_PER_PAGE,
    };
    let (items, total) = backend::results::catalogue(&state.db, &query).await?;
    Ok(Page { items: ctx::wire(items)?, total, page: query.page, per_page: CATALOGUE_PER_PAGE })
}

/// Communes with a product in the catalogue (the filter's choices).
#[server(endpoint = "public_communes")]
pub async fn public_communes() -> Result<Vec<(i64, String)>, AppError> {
    let state = ctx::state()?;
    Ok(backend::results::catalogue_communes(&state.db).await?)
}

/// Verification of a certificate by its code (typed, or from the QR).
#[server(endpoint = "certificate_verify")]
pub async fn verify_certificate(code: String) -> Result<CertificateView, AppError> {
    let state = ctx::state()?;
    ctx::wire(backend::results::verify(&state.db, &code).await?)
}

/// The printable certificate with its QR code.
#[server(endpoint = "certificate_print")]
pub async fn print_certificate(code: String) -> Result<PrintableCertificate, AppError> {
    let state = ctx::state()?;
    let c = backend::results::verify(&state.db, &code).await?;
    let verify_url = format!("{}/verify/{}", ctx::public_origin(), c.code);
    let qr_svg = backend::results::qr_svg(&verify_url)?;
    Ok(PrintableCertificate { certificate: ctx::wire(c)?, verify_url, qr_svg })
}
