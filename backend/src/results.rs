//! Results made official (issue 6): the recognition decision (quyết định công nhận) drafted from a
//! finalised round and signed by the authority; the certificates (giấy chứng nhận) it issues; the
//! public record (published results, the catalogue of certified products, verification by code
//! or QR); the expiry notice; and the revocation decision (quyết định thu hồi) for expired
//! certificates that were not re-evaluated.
//!
//! Nothing is official before a decision is signed: a draft is seen only by the office, the round
//! stays "finalised", no certificate exists. Signing is one transaction: the decision's number,
//! date and signatory, the certificates, the round's move to "published", the notices and the
//! audit rows commit together. A signed decision never changes.

use chrono::{Datelike, NaiveDate};
use domain::{
    access::{AdminLevel, Programme},
    certificate::{CertificateStatus, CertificateTerm},
    ruleset::RecognitionMode,
    workflow::round::RoundState,
    Points,
};
use rand::Rng;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::{
    audit::{self, Actor},
    auth::{CurrentUser, RequestMeta},
    db::{self, Db, Tx},
    error::{Error, Result},
    notify::{self, Notice},
    rounds::{self, today_vn},
    rules, scoring, validate,
};

// ---------------------------------------------------------------------------------------------
// Types

/// Quyết định công nhận / quyết định thu hồi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Recognition,
    Revocation,
    /// A decision signed before binhchon, recorded by an import of certified products
    /// (`cert_imports`): already signed, lists nothing here.
    Imported,
}

impl DecisionKind {
    pub fn code(self) -> &'static str {
        match self {
            DecisionKind::Recognition => "recognition",
            DecisionKind::Revocation => "revocation",
            DecisionKind::Imported => "imported",
        }
    }

    fn from_code(s: &str) -> Result<Self> {
        match s {
            "recognition" => Ok(DecisionKind::Recognition),
            "revocation" => Ok(DecisionKind::Revocation),
            "imported" => Ok(DecisionKind::Imported),
            _ => Err(Error::Internal(format!("decision kind {s}"))),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub id: i64,
    pub kind: DecisionKind,
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
    /// SPCNNTTB: the council chooses among the eligible products, in a ranked list, and may
    /// leave some out with a reason. OCOP: every recognised product is listed.
    pub council_choice: bool,
    pub items: Vec<DecisionItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecisionItem {
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
    /// Place among the included products (1 = first), `None` when left out.
    pub rank: Option<i64>,
    pub reason: Option<String>,
    /// Revocation: the certificate's number and last valid day.
    pub certificate_number: Option<String>,
    pub valid_until: Option<NaiveDate>,
}

/// The state of a certificate for the public: the dates' status, or revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicStatus {
    NotYetValid,
    Valid,
    ExpiringSoon,
    Expired,
    Revoked,
}

impl PublicStatus {
    fn of(term: &CertificateTerm, revoked: bool, today: NaiveDate) -> PublicStatus {
        if revoked {
            return PublicStatus::Revoked;
        }
        match term.status_on(today) {
            CertificateStatus::NotYetValid => PublicStatus::NotYetValid,
            CertificateStatus::Valid => PublicStatus::Valid,
            CertificateStatus::ExpiringSoon => PublicStatus::ExpiringSoon,
            CertificateStatus::Expired => PublicStatus::Expired,
        }
    }
}

/// One certificate with everything the public, the producer and the office are shown.
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
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
    /// The council's mean; none for a certificate imported from an earlier list.
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
    pub status: PublicStatus,
    pub days_left: Option<i64>,
    pub photo_id: Option<i64>,
}

impl Certificate {
    fn term(&self) -> CertificateTerm {
        CertificateTerm {
            issued_on: self.issued_on,
            valid_until: self.valid_until,
            notice_on: self.notice_on,
            reevaluation_from: self.reevaluation_from,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| Error::Internal(format!("bad date {s}")))
}

fn opt_date(r: &sqlx::any::AnyRow, col: &str) -> Result<Option<NaiveDate>> {
    r.try_get::<Option<String>, _>(col)?.as_deref().map(date).transpose()
}

fn programme_of(code: &str) -> Result<Programme> {
    Programme::from_code(code).ok_or_else(|| Error::Internal(format!("programme {code}")))
}

fn may_manage(user: &CurrentUser, programme: Programme, unit_path: &str) -> bool {
    user.covers(rules::office_role(programme), unit_path)
}

/// A readable, unique number: `OCOP-BS-2026-0001` (programme, the issuing unit's initials, the
/// decision's year, a sequence per programme and year).
fn certificate_number(programme: Programme, unit_name: &str, year: i32, seq: i64) -> String {
    let prefix = match programme {
        Programme::Ocop => "OCOP",
        Programme::Spcnnttb => "CNNT",
    };
    let initials: String = domain::text::search_key(unit_name)
        .split(' ')
        .filter_map(|w| w.chars().next())
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let initials = if initials.is_empty() { "X".to_string() } else { initials };
    format!("{prefix}-{initials}-{year}-{seq:04}")
}

const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A public verification code: 12 characters without look-alikes (0/O, 1/I), in groups of four.
pub(crate) fn new_code() -> String {
    let mut rng = rand::thread_rng();
    let raw: String = (0..12).map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char).collect();
    format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12])
}

/// What a person typed or a QR carried, in the stored form (upper case, groups of four).
pub fn normalise_code(input: &str) -> Option<String> {
    let raw: String = input.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect();
    (raw.len() == 12).then(|| format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12]))
}

/// The QR code of a link, as an SVG image.
pub fn qr_svg(link: &str) -> Result<String> {
    use qrcode::{render::svg, EcLevel, QrCode};
    let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M).map_err(|e| Error::Internal(format!("qr: {e}")))?;
    Ok(code.render::<svg::Color>().min_dimensions(160, 160).quiet_zone(true).build())
}

// ---------------------------------------------------------------------------------------------
// Decisions: load

const DECISION_COLS: &str = "d.*, u.name AS unit_name, u.kind AS unit_kind, u.path AS unit_path, r.name AS round_name";

struct DecisionRow {
    decision: Decision,
    unit_path: String,
}

async fn load_decision(db: &Db, id: i64) -> Result<DecisionRow> {
    let r = sqlx::query(&format!(
        "SELECT {DECISION_COLS} FROM decisions d JOIN admin_units u ON u.id = d.unit_id LEFT JOIN rounds r ON r.id = d.round_id WHERE d.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(Error::NotFound)?;
    let programme = programme_of(&r.try_get::<String, _>("programme")?)?;
    let kind = DecisionKind::from_code(&r.try_get::<String, _>("kind")?)?;
    let round_id: Option<i64> = r.try_get("round_id")?;
    let council_choice = match (kind, round_id) {
        (DecisionKind::Recognition, Some(rid)) => {
            let round = rounds::load(db, rid).await?;
            rounds::rule_set_of(db, &round).await?.recognition.mode == RecognitionMode::CouncilDecision
        }
        _ => false,
    };
    let decision = Decision {
        id,
        kind,
        programme,
        unit_id: r.try_get("unit_id")?,
        unit_name: format!("{} {}", r.try_get::<String, _>("unit_kind")?, r.try_get::<String, _>("unit_name")?),
        round_id,
        round_name: r.try_get("round_name")?,
        state: r.try_get("state")?,
        title: r.try_get("title")?,
        decision_no: r.try_get("decision_no")?,
        decision_date: opt_date(&r, "decision_date")?,
        signatory: r.try_get("signatory")?,
        version: r.try_get("version")?,
        council_choice,
        items: items_of(db, id).await?,
    };
    Ok(DecisionRow { decision, unit_path: r.try_get("unit_path")? })
}

async fn items_of(db: &Db, decision_id: i64) -> Result<Vec<DecisionItem>> {
    let rows = sqlx::query(
        "SELECT i.*, COALESCE(p1.name, p2.name) AS product_name, COALESCE(pr1.name, pr2.name) AS producer_name, \
         COALESCE(u1.name, u2.name) AS commune_name, COALESCE(u1.kind, u2.kind) AS commune_kind, \
         res.mean_hundredths AS mean_hundredths, c.number AS certificate_number, c.valid_until AS valid_until, \
         c.mean_hundredths AS cert_mean, c.stars AS cert_stars, c.title_vi AS cert_title_vi, c.title_en AS cert_title_en \
         FROM decision_items i \
         LEFT JOIN dossiers d ON d.id = i.dossier_id \
         LEFT JOIN product_results res ON res.dossier_id = i.dossier_id \
         LEFT JOIN products p1 ON p1.id = d.product_id \
         LEFT JOIN producers pr1 ON pr1.id = d.producer_id \
         LEFT JOIN admin_units u1 ON u1.id = pr1.commune_id \
         LEFT JOIN certificates c ON c.id = i.certificate_id \
         LEFT JOIN products p2 ON p2.id = c.product_id \
         LEFT JOIN producers pr2 ON pr2.id = c.producer_id \
         LEFT JOIN admin_units u2 ON u2.id = pr2.commune_id \
         WHERE i.decision_id = $1 ORDER BY i.position, i.id",
    )
    .bind(decision_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    let mut rank = 0;
    for r in rows {
        let included = r.try_get::<i64, _>("included")? == 1;
        if included {
            rank += 1;
        }
        let certificate_id: Option<i64> = r.try_get("certificate_id")?;
        let mean = r
            .try_get::<Option<i64>, _>("mean_hundredths")?
            .or(r.try_get::<Option<i64>, _>("cert_mean")?)
            .map(Points::from_hundredths);
        out.push(DecisionItem {
            id: r.try_get("id")?,
            dossier_id: r.try_get("dossier_id")?,
            certificate_id,
            product_name: r.try_get::<Option<String>, _>("product_name")?.unwrap_or_default(),
            producer_name: r.try_get::<Option<String>, _>("producer_name")?.unwrap_or_default(),
            commune_name: format!(
                "{} {}",
                r.try_get::<Option<String>, _>("commune_kind")?.unwrap_or_default(),
                r.try_get::<Option<String>, _>("commune_name")?.unwrap_or_default()
            )
            .trim()
            .to_string(),
            mean,
            stars: r.try_get::<Option<i64>, _>("stars")?.or(r.try_get::<Option<i64>, _>("cert_stars")?),
            title_vi: r.try_get::<Option<String>, _>("title_vi")?.or(r.try_get::<Option<String>, _>("cert_title_vi")?),
            title_en: r.try_get::<Option<String>, _>("title_en")?.or(r.try_get::<Option<String>, _>("cert_title_en")?),
            included,
            rank: included.then_some(rank),
            reason: r.try_get("reason")?,
            certificate_number: r.try_get("certificate_number")?,
            valid_until: opt_date(&r, "valid_until")?,
        });
    }
    Ok(out)
}

/// A decision for the office that runs its programme over its unit; anyone else: not found.
pub async fn get(db: &Db, user: &CurrentUser, id: i64) -> Result<Decision> {
    let d = load_decision(db, id).await?;
    if !may_manage(user, d.decision.programme, &d.unit_path) {
        return Err(Error::NotFound);
    }
    Ok(d.decision)
}

/// The decisions of the caller's offices, newest first.
pub async fn list_managed(db: &Db, user: &CurrentUser) -> Result<Vec<Decision>> {
    let ids: Vec<(i64, String, String)> = sqlx::query(
        "SELECT d.id, d.programme, u.path FROM decisions d JOIN admin_units u ON u.id = d.unit_id WHERE d.kind <> 'imported' ORDER BY d.id DESC",
    )
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("programme")?, r.try_get("path")?)))
    .collect::<std::result::Result<_, sqlx::Error>>()?;
    let mut out = Vec::new();
    for (id, programme, path) in ids {
        if may_manage(user, programme_of(&programme)?, &path) {
            out.push(load_decision(db, id).await?.decision);
        }
    }
    Ok(out)
}

/// The recognition decision of a round, if one was drafted (for the round's page).
pub async fn of_round(db: &Db, user: &CurrentUser, round_id: i64) -> Result<Option<Decision>> {
    let round = rounds::load(db, round_id).await?;
    if !rounds::may_manage(user, &round) {
        return Err(Error::NotFound);
    }
    let id: Option<i64> = sqlx::query("SELECT id FROM decisions WHERE round_id = $1 AND kind = 'recognition'")
        .bind(round_id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?;
    match id {
        Some(id) => Ok(Some(load_decision(db, id).await?.decision)),
        None => Ok(None),
    }
}

// ---------------------------------------------------------------------------------------------
// Recognition: draft, edit

/// The office drafts the recognition decision of a finalised round: every product the round's
/// rule set recognises at the round's level (OCOP: with the stars the level certifies) or, under
/// a council decision (SPCNNTTB), every eligible product ranked by mean, to be chosen from.
/// A second call returns the draft that exists.
pub async fn draft_recognition(db: &Db, user: &CurrentUser, meta: &RequestMeta, round_id: i64) -> Result<i64> {
    let round = rounds::load(db, round_id).await?;
    if !rounds::may_manage(user, &round) {
        return Err(Error::NotFound);
    }
    if let Some(existing) = sqlx::query("SELECT id FROM decisions WHERE round_id = $1 AND kind = 'recognition'")
        .bind(round_id)
        .fetch_optional(db.pool())
        .await?
    {
        return Ok(existing.try_get("id")?);
    }
    if round.state != RoundState::Finalised {
        return Err(Error::conflict(
            format!("Chỉ lập quyết định công nhận khi đợt đã chốt kết quả (đợt đang ở giai đoạn «{}»).", round.state.label_vi()),
            format!("A recognition decision is drafted once the round's results are final (the round is \"{}\").", round.state.label_en()),
        ));
    }
    let rs = rounds::rule_set_of(db, &round).await?;
    let level = rs.level(round.level);
    let (title_vi, title_en) = (level.and_then(|l| l.recognises_title_vi.clone()), level.and_then(|l| l.recognises_title_en.clone()));
    let results = scoring::results_of_round(db, round.id).await?;
    let council_choice = rs.recognition.mode == RecognitionMode::CouncilDecision;
    // (dossier, mean, stars, product name) of the products that may be recognised.
    let mut rows: Vec<(i64, i64, Option<i64>, String)> = Vec::new();
    for r in results.values() {
        let o = &r.result.outcome;
        let stars = if council_choice {
            if o.eligible != Some(true) {
                continue;
            }
            None
        } else {
            match o.recognised_stars {
                Some(s) => Some(i64::from(s)),
                None => continue,
            }
        };
        let name: String = sqlx::query("SELECT p.name FROM dossiers d JOIN products p ON p.id = d.product_id WHERE d.id = $1")
            .bind(r.dossier_id)
            .fetch_one(db.pool())
            .await?
            .try_get("name")?;
        rows.push((r.dossier_id, r.mean.hundredths(), stars, name));
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.3.cmp(&b.3)));
    let title = match round.programme {
        Programme::Ocop => format!("Quyết định công nhận kết quả đánh giá, phân hạng và cấp Giấy chứng nhận sản phẩm OCOP — {}", round.name),
        Programme::Spcnnttb => format!("Quyết định công nhận và cấp Giấy chứng nhận sản phẩm công nghiệp nông thôn tiêu biểu — {}", round.name),
    };
    let now = db::now();
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO decisions (kind, programme, unit_id, round_id, state, title, version, created_by, created_at, updated_at) \
         VALUES ('recognition', $1, $2, $3, 'draft', $4, 1, $5, $6, $6) RETURNING id",
    )
    .bind(round.programme.code())
    .bind(round.unit_id)
    .bind(round.id)
    .bind(&title)
    .bind(user.id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(r) => r.try_get("id")?,
        Err(e) => {
            let e = Error::from(e);
            if e.is_unique_violation() {
                return Err(Error::conflict("Đợt này vừa được lập quyết định. Hãy tải lại trang.", "A decision was just drafted for this round. Reload the page."));
            }
            return Err(e);
        }
    };
    for (pos, (dossier_id, _, stars, _)) in rows.iter().enumerate() {
        sqlx::query(
            "INSERT INTO decision_items (decision_id, dossier_id, position, included, stars, title_vi, title_en) VALUES ($1, $2, $3, 1, $4, $5, $6)",
        )
        .bind(id)
        .bind(dossier_id)
        .bind(pos as i64 + 1)
        .bind(stars)
        .bind(council_choice.then(|| title_vi.clone()).flatten())
        .bind(council_choice.then(|| title_en.clone()).flatten())
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        &actor,
        "decision.draft",
        "decision",
        Some(&id.to_string()),
        None,
        Some(json!({"kind": "recognition", "round_id": round.id, "title": title, "dossiers": rows.iter().map(|r| r.0).collect::<Vec<_>>()})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One row of the council's choice as the office submits it, in the decision's order.
#[derive(Debug, Clone)]
pub struct ChoiceInput {
    pub item_id: i64,
    pub included: bool,
    pub reason: String,
}

fn check_draft(d: &Decision, version: i64) -> Result<()> {
    if d.state != "draft" {
        return Err(Error::conflict(
            "Quyết định đã ký không thể sửa. Nếu cần, hãy lập quyết định mới.",
            "A signed decision cannot be changed. Draft a new decision if needed.",
        ));
    }
    if d.version != version {
        return Err(Error::conflict(
            "Dự thảo vừa được người khác sửa. Hãy tải lại trang để xem bản mới nhất.",
            "Someone else just changed this draft. Reload the page to see the latest version.",
        ));
    }
    Ok(())
}

async fn bump(tx: &mut Tx, id: i64, version: i64, title: &str) -> Result<()> {
    let n = sqlx::query("UPDATE decisions SET title = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4 AND state = 'draft'")
        .bind(title)
        .bind(db::now())
        .bind(id)
        .bind(version)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n != 1 {
        return Err(Error::conflict("Dự thảo vừa được người khác sửa. Hãy tải lại trang.", "Someone else just changed this draft. Reload the page."));
    }
    Ok(())
}

fn items_json(items: &[DecisionItem]) -> serde_json::Value {
    json!(items
        .iter()
        .map(|i| json!({"item": i.id, "dossier_id": i.dossier_id, "certificate_id": i.certificate_id, "included": i.included, "rank": i.rank, "reason": i.reason}))
        .collect::<Vec<_>>())
}

/// Edits a recognition draft: its title and, under a council decision (SPCNNTTB), the ranked
/// choice — the order of the products and which are left out, each with its reason.
pub async fn update_recognition(db: &Db, user: &CurrentUser, meta: &RequestMeta, id: i64, version: i64, title: &str, choice: &[ChoiceInput]) -> Result<()> {
    let d = get(db, user, id).await?;
    if d.kind != DecisionKind::Recognition {
        return Err(Error::NotFound);
    }
    check_draft(&d, version)?;
    let title = validate::text("title", "Trích yếu", "Title", title, 500)?;
    let mut given: Vec<i64> = choice.iter().map(|c| c.item_id).collect();
    given.sort_unstable();
    let mut existing: Vec<i64> = d.items.iter().map(|i| i.id).collect();
    existing.sort_unstable();
    if given != existing {
        return Err(Error::invalid(
            "choice",
            "Danh sách sản phẩm không khớp với dự thảo. Hãy tải lại trang.",
            "The list of products does not match the draft. Reload the page.",
        ));
    }
    let mut reasons = Vec::new();
    for c in choice {
        if c.included {
            reasons.push(None);
            continue;
        }
        if !d.council_choice {
            return Err(Error::invalid(
                "choice",
                "Với OCOP, mọi sản phẩm đạt hạng sao được công nhận đều có trong quyết định.",
                "Under OCOP every product rated for recognition is in the decision.",
            ));
        }
        let name = d.items.iter().find(|i| i.id == c.item_id).map(|i| i.product_name.clone()).unwrap_or_default();
        let reason = validate::text(
            "choice",
            &format!("Lý do không công nhận «{name}»"),
            &format!("Why \"{name}\" is left out"),
            &c.reason,
            1000,
        )?;
        reasons.push(Some(reason));
    }
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    bump(&mut tx, id, version, &title).await?;
    for (pos, (c, reason)) in choice.iter().zip(&reasons).enumerate() {
        sqlx::query("UPDATE decision_items SET position = $1, included = $2, reason = $3 WHERE id = $4 AND decision_id = $5")
            .bind(pos as i64 + 1)
            .bind(i64::from(c.included))
            .bind(reason.as_deref())
            .bind(c.item_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let after: Vec<serde_json::Value> = choice
        .iter()
        .zip(&reasons)
        .map(|(c, r)| json!({"item": c.item_id, "included": c.included, "reason": r}))
        .collect();
    audit::record(
        &mut tx,
        &actor,
        "decision.update",
        "decision",
        Some(&id.to_string()),
        Some(json!({"title": d.title, "items": items_json(&d.items)})),
        Some(json!({"title": title, "items": after})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Signing

#[derive(Debug, Clone, Default)]
pub struct SignInput {
    pub version: i64,
    pub decision_no: String,
    pub decision_date: String,
    pub signatory: String,
}

/// Staff enter the signed decision's number, date and signatory. A recognition decision then
/// issues the certificates and publishes the round's results; a revocation decision revokes its
/// certificates. Everything in one transaction; the decision never changes again.
pub async fn sign(db: &Db, user: &CurrentUser, meta: &RequestMeta, id: i64, input: &SignInput) -> Result<()> {
    let row = load_decision(db, id).await?;
    let d = &row.decision;
    if !may_manage(user, d.programme, &row.unit_path) {
        return Err(Error::NotFound);
    }
    check_draft(d, input.version)?;
    let number = validate::text("decision_no", "Số quyết định", "Decision number", &input.decision_no, 60)?;
    let signatory = validate::text("signatory", "Người ký", "Signatory", &input.signatory, 200)?;
    let signed_on = NaiveDate::parse_from_str(input.decision_date.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid("decision_date", "Hãy nhập ngày ký quyết định (ngày/tháng/năm).", "Enter the date the decision was signed."))?;
    if signed_on > today_vn() {
        return Err(Error::invalid("decision_date", "Ngày ký không thể sau hôm nay. Hãy nhập ngày ghi trên quyết định đã ký.", "The signing date cannot be in the future. Enter the date on the signed decision."));
    }
    if signed_on.year() < 2000 {
        return Err(Error::invalid("decision_date", "Ngày ký không hợp lệ.", "The signing date is not valid."));
    }
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE decisions SET state = 'signed', decision_no = $1, decision_date = $2, signatory = $3, signed_at = $4, signed_by = $5, \
         version = version + 1, updated_at = $4 WHERE id = $6 AND version = $7 AND state = 'draft'",
    )
    .bind(&number)
    .bind(signed_on.format("%Y-%m-%d").to_string())
    .bind(&signatory)
    .bind(db::now())
    .bind(user.id)
    .bind(id)
    .bind(input.version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n != 1 {
        return Err(Error::conflict("Dự thảo vừa được người khác sửa hoặc ký. Hãy tải lại trang.", "Someone else just changed or signed this draft. Reload the page."));
    }
    let issued = match d.kind {
        DecisionKind::Recognition => sign_recognition(db, &mut tx, &actor, d, &number, signed_on).await?,
        DecisionKind::Revocation => sign_revocation(&mut tx, &actor, d, &number, signed_on).await?,
        DecisionKind::Imported => return Err(Error::conflict("Quyết định này đã ký trước khi dùng hệ thống.", "This decision was signed before the system was used.")),
    };
    audit::record(
        &mut tx,
        &actor,
        "decision.sign",
        "decision",
        Some(&id.to_string()),
        Some(json!({"state": "draft"})),
        Some(json!({"state": "signed", "decision_no": number, "decision_date": signed_on, "signatory": signatory, "certificates": issued})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn sign_recognition(db: &Db, tx: &mut Tx, actor: &Actor, d: &Decision, number: &str, signed_on: NaiveDate) -> Result<Vec<String>> {
    let round_id = d.round_id.ok_or_else(|| Error::Internal("recognition without round".into()))?;
    let round = rounds::load(db, round_id).await?;
    if round.state != RoundState::Finalised {
        return Err(Error::conflict("Đợt không còn ở giai đoạn đã chốt kết quả.", "The round is no longer finalised."));
    }
    let rs = rounds::rule_set_of(db, &round).await?;
    let term = CertificateTerm::new(signed_on, &rs.certificate);
    let year = signed_on.year();
    let mut issued = Vec::new();
    let mut certified: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    for item in d.items.iter().filter(|i| i.included) {
        let Some(dossier_id) = item.dossier_id else { continue };
        let r = sqlx::query(
            "SELECT d.product_id, d.producer_id, res.mean_hundredths, p.name AS product_name, pr.name AS producer_name, \
             u.kind AS commune_kind, u.name AS commune_name FROM dossiers d JOIN product_results res ON res.dossier_id = d.id \
             JOIN products p ON p.id = d.product_id JOIN producers pr ON pr.id = d.producer_id \
             JOIN admin_units u ON u.id = pr.commune_id WHERE d.id = $1",
        )
        .bind(dossier_id)
        .fetch_one(&mut **tx)
        .await?;
        let seq: i64 = sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM certificates WHERE programme = $1 AND year = $2")
            .bind(round.programme.code())
            .bind(i64::from(year))
            .fetch_one(&mut **tx)
            .await?
            .try_get("n")?;
        let unit_name: String = sqlx::query("SELECT name FROM admin_units WHERE id = $1").bind(round.unit_id).fetch_one(&mut **tx).await?.try_get("name")?;
        let cert_no = certificate_number(round.programme, &unit_name, year, seq);
        let code = new_code();
        let product_name: String = r.try_get("product_name")?;
        let producer_name: String = r.try_get("producer_name")?;
        let commune = format!("{} {}", r.try_get::<String, _>("commune_kind")?, r.try_get::<String, _>("commune_name")?);
        let search_key = domain::text::search_key(&format!("{product_name} {producer_name} {commune}"));
        let fmt = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let cert_id: i64 = sqlx::query(
            "INSERT INTO certificates (number, code, programme, year, seq, level, unit_id, decision_id, round_id, dossier_id, product_id, \
             producer_id, stars, title_vi, title_en, mean_hundredths, issued_on, valid_until, notice_on, reevaluation_from, search_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id",
        )
        .bind(&cert_no)
        .bind(&code)
        .bind(round.programme.code())
        .bind(i64::from(year))
        .bind(seq)
        .bind(round.level.code())
        .bind(round.unit_id)
        .bind(d.id)
        .bind(round.id)
        .bind(dossier_id)
        .bind(r.try_get::<i64, _>("product_id")?)
        .bind(r.try_get::<i64, _>("producer_id")?)
        .bind(item.stars)
        .bind(item.title_vi.as_deref())
        .bind(item.title_en.as_deref())
        .bind(r.try_get::<i64, _>("mean_hundredths")?)
        .bind(signed_on.format("%Y-%m-%d").to_string())
        .bind(fmt(term.valid_until))
        .bind(fmt(term.notice_on))
        .bind(fmt(term.reevaluation_from))
        .bind(&search_key)
        .bind(db::now())
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
        audit::record(
            tx,
            actor,
            "certificate.issue",
            "certificate",
            Some(&cert_id.to_string()),
            None,
            Some(json!({"number": cert_no, "dossier_id": dossier_id, "decision_id": d.id, "decision_no": number, "stars": item.stars, "title": item.title_vi, "issued_on": signed_on, "valid_until": term.valid_until})),
        )
        .await?;
        certified.insert(dossier_id, cert_no.clone());
        issued.push(cert_no);
    }
    // The round's results become official.
    let n = sqlx::query("UPDATE rounds SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
        .bind(RoundState::Published.code())
        .bind(db::now())
        .bind(round.id)
        .bind(RoundState::Finalised.code())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n != 1 {
        return Err(Error::conflict("Đợt vừa được người khác chuyển bước. Hãy tải lại trang.", "Someone else just changed this round. Reload the page."));
    }
    audit::record(
        tx,
        actor,
        "round.publish",
        "round",
        Some(&round.id.to_string()),
        Some(json!({"state": RoundState::Finalised.code()})),
        Some(json!({"state": RoundState::Published.code(), "decision_id": d.id, "decision_no": number})),
    )
    .await?;
    // Every producer of the round hears the official result.
    let producers = sqlx::query("SELECT d.id, d.producer_id, p.name FROM product_results r JOIN dossiers d ON d.id = r.dossier_id JOIN products p ON p.id = d.product_id WHERE r.round_id = $1")
        .bind(round.id)
        .fetch_all(&mut **tx)
        .await?;
    let date_vi = domain::text::date_vi(signed_on);
    for p in producers {
        let dossier_id: i64 = p.try_get("id")?;
        let name: String = p.try_get("name")?;
        let notice = match certified.get(&dossier_id) {
            Some(cert) => Notice {
                kind: "result.recognised".into(),
                title_vi: format!("Sản phẩm «{name}» được công nhận"),
                title_en: format!("\"{name}\" is recognised"),
                body_vi: format!("Quyết định số {number} ngày {date_vi} công nhận sản phẩm «{name}». Giấy chứng nhận số {cert}; xem và in tại mục «Giấy chứng nhận»."),
                body_en: format!("Decision {number} of {signed_on} recognises \"{name}\". Certificate {cert}; see and print it under \"Certificates\"."),
                link: Some("/producer/certificates".into()),
            },
            None => Notice {
                kind: "result.published".into(),
                title_vi: format!("Kết quả của sản phẩm «{name}» đã được công bố"),
                title_en: format!("The result of \"{name}\" is published"),
                body_vi: format!("Quyết định số {number} ngày {date_vi} đã công bố kết quả đợt «{}». Sản phẩm «{name}» không có trong danh sách được công nhận.", round.name),
                body_en: format!("Decision {number} of {signed_on} published the results of \"{}\". \"{name}\" is not among the recognised products.", round.name),
                link: Some(format!("/dossiers/{dossier_id}")),
            },
        };
        notify::to_producer(tx, p.try_get("producer_id")?, &notice).await?;
    }
    Ok(issued)
}

async fn sign_revocation(tx: &mut Tx, actor: &Actor, d: &Decision, number: &str, signed_on: NaiveDate) -> Result<Vec<String>> {
    if !d.items.iter().any(|i| i.included) {
        return Err(Error::conflict("Quyết định thu hồi chưa có giấy chứng nhận nào.", "The revocation decision lists no certificate."));
    }
    let mut revoked = Vec::new();
    for item in d.items.iter().filter(|i| i.included) {
        let Some(cert_id) = item.certificate_id else { continue };
        let r = sqlx::query("SELECT number, valid_until, producer_id, revoked_by FROM certificates WHERE id = $1").bind(cert_id).fetch_one(&mut **tx).await?;
        let cert_no: String = r.try_get("number")?;
        if r.try_get::<Option<i64>, _>("revoked_by")?.is_some() {
            return Err(Error::conflict(format!("Giấy chứng nhận {cert_no} đã bị thu hồi."), format!("Certificate {cert_no} is already revoked.")));
        }
        let valid_until = opt_date(&r, "valid_until")?;
        if valid_until.is_none_or(|v| v >= signed_on) {
            return Err(Error::invalid(
                "decision_date",
                format!("Giấy chứng nhận {cert_no} còn hiệu lực vào ngày ký; chỉ thu hồi giấy đã hết hạn."),
                format!("Certificate {cert_no} is still valid on the signing date; only expired certificates are revoked."),
            ));
        }
        sqlx::query("UPDATE certificates SET revoked_by = $1, revoked_on = $2 WHERE id = $3 AND revoked_by IS NULL")
            .bind(d.id)
            .bind(signed_on.format("%Y-%m-%d").to_string())
            .bind(cert_id)
            .execute(&mut **tx)
            .await?;
        audit::record(
            tx,
            actor,
            "certificate.revoke",
            "certificate",
            Some(&cert_id.to_string()),
            Some(json!({"revoked": false})),
            Some(json!({"revoked": true, "decision_id": d.id, "decision_no": number, "revoked_on": signed_on})),
        )
        .await?;
        let name = &item.product_name;
        notify::to_producer(
            tx,
            r.try_get("producer_id")?,
            &Notice {
                kind: "certificate.revoked".into(),
                title_vi: format!("Giấy chứng nhận {cert_no} bị thu hồi"),
                title_en: format!("Certificate {cert_no} revoked"),
                body_vi: format!("Quyết định số {number} ngày {} thu hồi giấy chứng nhận {cert_no} của sản phẩm «{name}» (hết hạn, không đánh giá lại). Sản phẩm có thể đăng ký đánh giá ở đợt sau.", domain::text::date_vi(signed_on)),
                body_en: format!("Decision {number} of {signed_on} revokes certificate {cert_no} of \"{name}\" (expired, not re-evaluated). The product may be entered in a later round."),
                link: Some("/producer/certificates".into()),
            },
        )
        .await?;
        revoked.push(cert_no);
    }
    Ok(revoked)
}

// ---------------------------------------------------------------------------------------------
// Certificates: load

const CERT_COLS: &str = "c.*, p.name AS product_name, pr.name AS producer_name, pr.address AS producer_address, pr.phone AS producer_phone, \
    pr.email AS producer_email, pr.commune_id AS commune_id, cu.kind AS commune_kind, cu.name AS commune_name, \
    iu.kind AS unit_kind, iu.name AS unit_name, iu.path AS unit_path, dd.decision_no AS decision_no, dd.decision_date AS decision_date, \
    dd.signatory AS signatory, rv.decision_no AS revocation_no, \
    (SELECT MIN(ph.id) FROM product_photos ph WHERE ph.product_id = c.product_id AND ph.view = 'front') AS front_photo, \
    (SELECT MIN(ph.id) FROM product_photos ph WHERE ph.product_id = c.product_id) AS any_photo";

const CERT_FROM: &str = "FROM certificates c JOIN products p ON p.id = c.product_id JOIN producers pr ON pr.id = c.producer_id \
    JOIN admin_units cu ON cu.id = pr.commune_id JOIN admin_units iu ON iu.id = c.unit_id \
    JOIN decisions dd ON dd.id = c.decision_id LEFT JOIN decisions rv ON rv.id = c.revoked_by";

fn cert_from_row(r: &sqlx::any::AnyRow, today: NaiveDate) -> Result<(Certificate, String)> {
    let level: String = r.try_get("level")?;
    let mut c = Certificate {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        code: r.try_get("code")?,
        programme: programme_of(&r.try_get::<String, _>("programme")?)?,
        level: AdminLevel::from_code(&level).ok_or_else(|| Error::Internal(format!("level {level}")))?,
        unit_name: format!("{} {}", r.try_get::<String, _>("unit_kind")?, r.try_get::<String, _>("unit_name")?),
        product_id: r.try_get("product_id")?,
        product_name: r.try_get("product_name")?,
        producer_id: r.try_get("producer_id")?,
        producer_name: r.try_get("producer_name")?,
        producer_address: r.try_get("producer_address")?,
        producer_phone: r.try_get("producer_phone")?,
        producer_email: r.try_get("producer_email")?,
        commune_id: r.try_get("commune_id")?,
        commune_name: format!("{} {}", r.try_get::<String, _>("commune_kind")?, r.try_get::<String, _>("commune_name")?),
        stars: r.try_get("stars")?,
        title_vi: r.try_get("title_vi")?,
        title_en: r.try_get("title_en")?,
        mean: r.try_get::<Option<i64>, _>("mean_hundredths")?.map(Points::from_hundredths),
        issued_on: date(&r.try_get::<String, _>("issued_on")?)?,
        valid_until: opt_date(r, "valid_until")?,
        notice_on: opt_date(r, "notice_on")?,
        reevaluation_from: opt_date(r, "reevaluation_from")?,
        decision_no: r.try_get::<Option<String>, _>("decision_no")?.unwrap_or_default(),
        decision_date: date(&r.try_get::<Option<String>, _>("decision_date")?.unwrap_or_default())?,
        signatory: r.try_get::<Option<String>, _>("signatory")?.unwrap_or_default(),
        revoked_on: opt_date(r, "revoked_on")?,
        revocation_no: r.try_get("revocation_no")?,
        status: PublicStatus::Valid,
        days_left: None,
        photo_id: r.try_get::<Option<i64>, _>("front_photo")?.or(r.try_get::<Option<i64>, _>("any_photo")?),
    };
    let term = c.term();
    c.status = PublicStatus::of(&term, c.revoked_on.is_some(), today);
    c.days_left = term.days_left(today);
    Ok((c, r.try_get("unit_path")?))
}

/// The public verification of a code (typed, or from the QR): the certificate and its state
/// today. A code that matches nothing is "not found", with what to check.
pub async fn verify(db: &Db, code: &str) -> Result<Certificate> {
    let not_found = || Error::invalid("code", "Không tìm thấy giấy chứng nhận với mã này. Hãy kiểm tra lại mã in trên giấy (12 ký tự).", "No certificate has this code. Check the 12-character code printed on the certificate.");
    let code = normalise_code(code).ok_or_else(not_found)?;
    let r = sqlx::query(&format!("SELECT {CERT_COLS} {CERT_FROM} WHERE c.code = $1"))
        .bind(&code)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(not_found)?;
    Ok(cert_from_row(&r, today_vn())?.0)
}

/// The photo of a certified product, for the public catalogue: only while the product holds a
/// certificate that is not revoked.
pub async fn public_photo(db: &Db, photo_id: i64) -> Result<(i64, String)> {
    let r = sqlx::query(
        "SELECT ph.file_id, ph.file_name FROM product_photos ph WHERE ph.id = $1 AND EXISTS \
         (SELECT 1 FROM certificates c WHERE c.product_id = ph.product_id AND c.revoked_by IS NULL)",
    )
    .bind(photo_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(Error::NotFound)?;
    Ok((r.try_get("file_id")?, r.try_get("file_name")?))
}

#[derive(Debug, Clone, Default)]
pub struct CatalogueQuery {
    pub q: String,
    pub programme: Option<Programme>,
    pub stars: Option<i64>,
    pub commune_id: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

/// The catalogue of certified products: certificates in force today (not revoked, not expired),
/// searched without diacritics ("nuoc mam" finds "Nước mắm"), filtered, newest first.
pub async fn catalogue(db: &Db, query: &CatalogueQuery) -> Result<(Vec<Certificate>, i64)> {
    catalogue_up_to(db, query, 50).await
}

/// The whole catalogue under a query, for the CSV download.
pub async fn catalogue_all(db: &Db, query: &CatalogueQuery) -> Result<Vec<Certificate>> {
    const ALL: i64 = 100_000;
    Ok(catalogue_up_to(db, &CatalogueQuery { page: 1, per_page: ALL, ..query.clone() }, ALL).await?.0)
}

async fn catalogue_up_to(db: &Db, query: &CatalogueQuery, max_per_page: i64) -> Result<(Vec<Certificate>, i64)> {
    let today = today_vn().format("%Y-%m-%d").to_string();
    let mut conds = vec!["c.revoked_by IS NULL".to_string(), "(c.valid_until IS NULL OR c.valid_until >= $1)".to_string(), "c.issued_on <= $1".to_string()];
    let mut args: Vec<String> = vec![today];
    let mut push = |cond: &str, value: String| {
        args.push(value);
        conds.push(cond.replace('?', &format!("${}", args.len())));
    };
    for word in domain::text::search_key(&query.q).split(' ').filter(|w| !w.is_empty()).take(8) {
        let word: String = word.chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect();
        if !word.is_empty() {
            push("c.search_key LIKE ?", format!("%{word}%"));
        }
    }
    if let Some(p) = query.programme {
        push("c.programme = ?", p.code().to_string());
    }
    if let Some(s) = query.stars {
        push("CAST(c.stars AS TEXT) = ?", s.to_string());
    }
    if let Some(cid) = query.commune_id {
        push("CAST(pr.commune_id AS TEXT) = ?", cid.to_string());
    }
    let where_sql = conds.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) {CERT_FROM} WHERE {where_sql}");
    let mut q = sqlx::query_scalar::<_, i64>(&count_sql);
    for a in &args {
        q = q.bind(a);
    }
    let total = q.fetch_one(db.pool()).await?;
    let per_page = query.per_page.clamp(1, max_per_page);
    let page = query.page.max(1);
    let list_sql = format!(
        "SELECT {CERT_COLS} {CERT_FROM} WHERE {where_sql} ORDER BY c.issued_on DESC, c.id DESC LIMIT {per_page} OFFSET {}",
        (page - 1) * per_page
    );
    let mut q = sqlx::query(&list_sql);
    for a in &args {
        q = q.bind(a);
    }
    let today = today_vn();
    let rows = q.fetch_all(db.pool()).await?;
    let items = rows.iter().map(|r| Ok(cert_from_row(r, today)?.0)).collect::<Result<Vec<_>>>()?;
    Ok((items, total))
}

/// Communes that have a product in the catalogue (the filter's choices): id and name.
pub async fn catalogue_communes(db: &Db) -> Result<Vec<(i64, String)>> {
    let today = today_vn().format("%Y-%m-%d").to_string();
    let rows = sqlx::query(
        "SELECT DISTINCT u.id, u.kind, u.name FROM certificates c JOIN producers pr ON pr.id = c.producer_id \
         JOIN admin_units u ON u.id = pr.commune_id WHERE c.revoked_by IS NULL AND (c.valid_until IS NULL OR c.valid_until >= $1) \
         ORDER BY u.name",
    )
    .bind(today)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, format!("{} {}", r.try_get::<String, _>("kind")?, r.try_get::<String, _>("name")?))))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Published results

#[derive(Debug, Clone, Serialize)]
pub struct PublishedRound {
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

/// One product of a published round: what the public may see (never a judge's own score).
#[derive(Debug, Clone, Serialize)]
pub struct PublishedRow {
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

async fn published_round_rows(db: &Db) -> Result<Vec<sqlx::any::AnyRow>> {
    Ok(sqlx::query(
        "SELECT r.id, r.name, r.programme, r.level, r.year, u.kind AS unit_kind, u.name AS unit_name, d.decision_no, d.decision_date, d.id AS decision_id \
         FROM rounds r JOIN admin_units u ON u.id = r.unit_id JOIN decisions d ON d.round_id = r.id AND d.kind = 'recognition' AND d.state = 'signed' \
         WHERE r.state IN ('published', 'archived') ORDER BY d.decision_date DESC, r.id DESC",
    )
    .fetch_all(db.pool())
    .await?)
}

fn published_round(r: &sqlx::any::AnyRow, recognised: i64) -> Result<PublishedRound> {
    let level: String = r.try_get("level")?;
    Ok(PublishedRound {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        programme: programme_of(&r.try_get::<String, _>("programme")?)?,
        level: AdminLevel::from_code(&level).ok_or_else(|| Error::Internal(format!("level {level}")))?,
        unit_name: format!("{} {}", r.try_get::<String, _>("unit_kind")?, r.try_get::<String, _>("unit_name")?),
        year: r.try_get("year")?,
        decision_no: r.try_get::<Option<String>, _>("decision_no")?.unwrap_or_default(),
        decision_date: date(&r.try_get::<Option<String>, _>("decision_date")?.unwrap_or_default())?,
        recognised,
    })
}

/// Rounds whose results are official: published, with a signed recognition decision.
pub async fn published_rounds(db: &Db) -> Result<Vec<PublishedRound>> {
    let mut out = Vec::new();
    for r in published_round_rows(db).await? {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM certificates WHERE decision_id = $1")
            .bind(r.try_get::<i64, _>("decision_id")?)
            .fetch_one(db.pool())
            .await?;
        out.push(published_round(&r, n)?);
    }
    Ok(out)
}

/// The official results of one published round; any other round does not exist for the public.
pub async fn published_results(db: &Db, round_id: i64) -> Result<(PublishedRound, Vec<PublishedRow>)> {
    let rows = published_round_rows(db).await?;
    let r = rows.iter().find(|r| r.try_get::<i64, _>("id").is_ok_and(|id| id == round_id)).ok_or(Error::NotFound)?;
    let decision_id: i64 = r.try_get("decision_id")?;
    let items = items_of(db, decision_id).await?;
    let results = sqlx::query(
        "SELECT res.dossier_id, res.mean_hundredths, res.stars, p.name AS product_name, pr.name AS producer_name, u.kind AS commune_kind, \
         u.name AS commune_name, c.code AS code, c.stars AS cert_stars, c.revoked_by AS revoked_by FROM product_results res \
         JOIN dossiers d ON d.id = res.dossier_id JOIN products p ON p.id = d.product_id JOIN producers pr ON pr.id = d.producer_id \
         JOIN admin_units u ON u.id = pr.commune_id LEFT JOIN certificates c ON c.dossier_id = res.dossier_id \
         WHERE res.round_id = $1 ORDER BY res.mean_hundredths DESC, p.name",
    )
    .bind(round_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    let mut recognised = 0;
    for x in results {
        let dossier_id: i64 = x.try_get("dossier_id")?;
        let item = items.iter().find(|i| i.dossier_id == Some(dossier_id) && i.included);
        let code: Option<String> = x.try_get("code")?;
        if code.is_some() {
            recognised += 1;
        }
        out.push(PublishedRow {
            product_name: x.try_get("product_name")?,
            producer_name: x.try_get("producer_name")?,
            commune_name: format!("{} {}", x.try_get::<String, _>("commune_kind")?, x.try_get::<String, _>("commune_name")?),
            mean: Points::from_hundredths(x.try_get("mean_hundredths")?),
            stars: x.try_get::<Option<i64>, _>("cert_stars")?.or(x.try_get::<Option<i64>, _>("stars")?),
            title_vi: item.and_then(|i| i.title_vi.clone()),
            title_en: item.and_then(|i| i.title_en.clone()),
            recognised: item.is_some(),
            rank: item.and_then(|i| i.rank),
            certificate_code: code,
        });
    }
    // Recognised products first, in the decision's order, then the others by mean.
    out.sort_by_key(|r| (!r.recognised, r.rank.unwrap_or(i64::MAX)));
    Ok((published_round(r, recognised)?, out))
}

// ---------------------------------------------------------------------------------------------
// Producer: certificates and re-evaluation

/// A producer's certificate with what they can do about it.
#[derive(Debug, Clone, Serialize)]
pub struct OwnCertificate {
    pub certificate: Certificate,
    /// Today is inside the re-evaluation window (`reevaluation_from` … `valid_until`).
    pub reevaluation_open: bool,
    /// The re-evaluation dossier already started for it.
    pub reevaluation_dossier_id: Option<i64>,
    /// Rounds open now in which the re-evaluation can be filed: id and name.
    pub rounds: Vec<(i64, String)>,
}

pub async fn mine(db: &Db, user: &CurrentUser) -> Result<Vec<OwnCertificate>> {
    let producer_id = crate::producers::own_producer(user)?;
    let profile = crate::producers::load(db, producer_id).await?;
    let today = today_vn();
    let rows = sqlx::query(&format!("SELECT {CERT_COLS} {CERT_FROM} WHERE c.producer_id = $1 ORDER BY c.issued_on DESC, c.id DESC"))
        .bind(producer_id)
        .fetch_all(db.pool())
        .await?;
    let open = rounds::list_open_for(db, &profile.commune_path).await?;
    let mut out = Vec::new();
    for r in rows {
        let (c, _) = cert_from_row(&r, today)?;
        let dossier: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM dossiers WHERE certificate_id = $1 AND state NOT IN ('withdrawn', 'rejected')")
            .bind(c.id)
            .fetch_one(db.pool())
            .await?;
        let reevaluation_open = c.revoked_on.is_none() && c.term().reevaluation_open_on(today);
        let rounds = open.iter().filter(|r| r.programme == c.programme && r.filing_open()).map(|r| (r.id, r.name.clone())).collect();
        out.push(OwnCertificate { certificate: c, reevaluation_open, reevaluation_dossier_id: dossier, rounds });
    }
    Ok(out)
}

/// "Đánh giá lại": the producer starts a re-evaluation dossier for a certificate in its last
/// months, in an open round of the same programme, linked to the certificate.
pub async fn start_reevaluation(db: &Db, user: &CurrentUser, meta: &RequestMeta, certificate_id: i64, round_id: i64) -> Result<i64> {
    let own = mine(db, user).await?;
    let c = own.into_iter().find(|c| c.certificate.id == certificate_id).ok_or(Error::NotFound)?;
    if !c.reevaluation_open {
        return Err(Error::conflict(
            match c.certificate.reevaluation_from {
                Some(from) => format!("Chỉ đăng ký đánh giá lại từ ngày {} đến hết hạn giấy chứng nhận.", domain::text::date_vi(from)),
                None => "Giấy chứng nhận này không có thời hạn, không cần đánh giá lại.".to_string(),
            },
            "Re-evaluation is possible only in the certificate's last months of validity.",
        ));
    }
    if let Some(d) = c.reevaluation_dossier_id {
        return Err(Error::conflict(
            format!("Giấy chứng nhận này đã có hồ sơ đánh giá lại (hồ sơ số {d}). Hãy mở hồ sơ đó."),
            format!("This certificate already has a re-evaluation dossier (no. {d}). Open it."),
        ));
    }
    crate::dossiers::create(
        db,
        user,
        meta,
        &crate::dossiers::NewDossier {
            round_id,
            product_id: c.certificate.product_id,
            registration_type: "reevaluation".into(),
            previous_certificate: c.certificate.number.clone(),
            group_code: String::new(),
            certificate_id: Some(certificate_id),
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Office: expired certificates and revocation

/// Expired certificates (not revoked, no re-evaluation under way) of the caller's offices: what
/// a revocation decision may list.
pub async fn revocation_candidates(db: &Db, user: &CurrentUser) -> Result<Vec<Certificate>> {
    let today = today_vn();
    let rows = sqlx::query(&format!(
        "SELECT {CERT_COLS} {CERT_FROM} WHERE c.revoked_by IS NULL AND c.valid_until IS NOT NULL AND c.valid_until < $1 \
         AND NOT EXISTS (SELECT 1 FROM dossiers x WHERE x.certificate_id = c.id AND x.state NOT IN ('draft', 'withdrawn', 'rejected')) \
         ORDER BY c.valid_until, c.id"
    ))
    .bind(today.format("%Y-%m-%d").to_string())
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let (c, path) = cert_from_row(&r, today)?;
        if may_manage(user, c.programme, &path) {
            out.push(c);
        }
    }
    Ok(out)
}

async fn check_candidates(db: &Db, user: &CurrentUser, ids: &[i64]) -> Result<Vec<Certificate>> {
    if ids.is_empty() {
        return Err(Error::invalid("certificate_ids", "Hãy chọn ít nhất một giấy chứng nhận hết hạn.", "Choose at least one expired certificate."));
    }
    let candidates = revocation_candidates(db, user).await?;
    let mut chosen = Vec::new();
    for id in ids {
        let c = candidates.iter().find(|c| c.id == *id).ok_or_else(|| {
            Error::invalid("certificate_ids", "Chỉ chọn được giấy chứng nhận đã hết hạn, chưa thu hồi, không đang đánh giá lại, do đơn vị bạn cấp.", "Only expired certificates of your office, not revoked and not being re-evaluated, can be chosen.")
        })?;
        if !chosen.iter().any(|x: &Certificate| x.id == c.id) {
            chosen.push(c.clone());
        }
    }
    let first = &chosen[0];
    if chosen.iter().any(|c| c.programme != first.programme || c.unit_name != first.unit_name) {
        return Err(Error::invalid("certificate_ids", "Một quyết định thu hồi chỉ gồm giấy chứng nhận của một chương trình, do một đơn vị cấp.", "One revocation decision covers one programme and one issuing unit."));
    }
    Ok(chosen)
}

/// The office drafts a revocation decision for expired certificates it issued.
pub async fn draft_revocation(db: &Db, user: &CurrentUser, meta: &RequestMeta, certificate_ids: &[i64]) -> Result<i64> {
    let chosen = check_candidates(db, user, certificate_ids).await?;
    let first = &chosen[0];
    let unit_id: i64 = sqlx::query_scalar("SELECT unit_id FROM certificates WHERE id = $1").bind(first.id).fetch_one(db.pool()).await?;
    let title = match first.programme {
        Programme::Ocop => "Quyết định thu hồi Giấy chứng nhận sản phẩm OCOP hết hiệu lực".to_string(),
        Programme::Spcnnttb => "Quyết định thu hồi Giấy chứng nhận sản phẩm công nghiệp nông thôn tiêu biểu hết hiệu lực".to_string(),
    };
    let now = db::now();
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO decisions (kind, programme, unit_id, state, title, version, created_by, created_at, updated_at) \
         VALUES ('revocation', $1, $2, 'draft', $3, 1, $4, $5, $5) RETURNING id",
    )
    .bind(first.programme.code())
    .bind(unit_id)
    .bind(&title)
    .bind(user.id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    insert_revocation_items(&mut tx, id, &chosen).await?;
    audit::record(
        &mut tx,
        &actor,
        "decision.draft",
        "decision",
        Some(&id.to_string()),
        None,
        Some(json!({"kind": "revocation", "title": title, "certificates": chosen.iter().map(|c| &c.number).collect::<Vec<_>>()})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_revocation_items(tx: &mut Tx, id: i64, chosen: &[Certificate]) -> Result<()> {
    for (pos, c) in chosen.iter().enumerate() {
        sqlx::query("INSERT INTO decision_items (decision_id, certificate_id, position, included) VALUES ($1, $2, $3, 1)")
            .bind(id)
            .bind(c.id)
            .bind(pos as i64 + 1)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Edits a revocation draft: its title and the certificates it lists.
pub async fn update_revocation(db: &Db, user: &CurrentUser, meta: &RequestMeta, id: i64, version: i64, title: &str, certificate_ids: &[i64]) -> Result<()> {
    let d = get(db, user, id).await?;
    if d.kind != DecisionKind::Revocation {
        return Err(Error::NotFound);
    }
    check_draft(&d, version)?;
    let title = validate::text("title", "Trích yếu", "Title", title, 500)?;
    let chosen = check_candidates(db, user, certificate_ids).await?;
    if chosen[0].programme != d.programme {
        return Err(Error::invalid("certificate_ids", "Giấy chứng nhận thuộc chương trình khác.", "A certificate belongs to another programme."));
    }
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    bump(&mut tx, id, version, &title).await?;
    sqlx::query("DELETE FROM decision_items WHERE decision_id = $1").bind(id).execute(&mut *tx).await?;
    insert_revocation_items(&mut tx, id, &chosen).await?;
    audit::record(
        &mut tx,
        &actor,
        "decision.update",
        "decision",
        Some(&id.to_string()),
        Some(json!({"title": d.title, "items": items_json(&d.items)})),
        Some(json!({"title": title, "certificates": chosen.iter().map(|c| &c.number).collect::<Vec<_>>()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Expiry notices (the background job)

/// Notifies the holder and the issuing office of every certificate whose notice date (the rule
/// set's days before expiry) has come, once per certificate: the row is marked in the same
/// transaction, and only the server that marks it sends the notice. Returns how many were sent.
pub async fn send_expiry_notices(db: &Db, today: NaiveDate) -> Result<usize> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM certificates WHERE notice_sent_at IS NULL AND revoked_by IS NULL AND notice_on IS NOT NULL AND notice_on <= $1 ORDER BY id",
    )
    .bind(today.format("%Y-%m-%d").to_string())
    .fetch_all(db.pool())
    .await?;
    let actor = Actor::system("thông báo giấy chứng nhận sắp hết hạn");
    let mut sent = 0;
    for id in due {
        let r = sqlx::query(&format!("SELECT {CERT_COLS} {CERT_FROM} WHERE c.id = $1")).bind(id).fetch_one(db.pool()).await?;
        let (c, unit_path) = cert_from_row(&r, today)?;
        let mut tx = db.begin().await?;
        let n = sqlx::query("UPDATE certificates SET notice_sent_at = $1 WHERE id = $2 AND notice_sent_at IS NULL")
            .bind(db::now())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n != 1 {
            continue;
        }
        let until = c.valid_until.map(domain::text::date_vi).unwrap_or_default();
        let until_en = c.valid_until.map(|d| d.to_string()).unwrap_or_default();
        let expired = c.status == PublicStatus::Expired;
        let (state_vi, state_en) = if expired { ("đã hết hạn ngày", "expired on") } else { ("hết hạn ngày", "expires on") };
        let notice = Notice {
            kind: "certificate.expiring".into(),
            title_vi: format!("Giấy chứng nhận {} {state_vi} {until}", c.number),
            title_en: format!("Certificate {} {state_en} {until_en}", c.number),
            body_vi: format!(
                "Giấy chứng nhận {} của sản phẩm «{}» ({}) {state_vi} {until}. Chủ thể có thể đăng ký đánh giá lại trong một đợt đang mở (mục «Giấy chứng nhận», nút «Đánh giá lại»); giấy hết hạn mà không đánh giá lại sẽ bị thu hồi.",
                c.number, c.product_name, c.producer_name
            ),
            body_en: format!(
                "Certificate {} of \"{}\" ({}) {state_en} {until_en}. The producer may file a re-evaluation in an open round (Certificates, \"Re-evaluate\"); an expired certificate that is not re-evaluated is revoked.",
                c.number, c.product_name, c.producer_name
            ),
            link: Some("/producer/certificates".into()),
        };
        notify::to_producer(&mut tx, c.producer_id, &notice).await?;
        notify::to_staff(&mut tx, rules::office_role(c.programme), &unit_path, &Notice { link: Some("/office/certificates".into()), ..notice.clone() }).await?;
        audit::record(
            &mut tx,
            &actor,
            "certificate.expiry_notice",
            "certificate",
            Some(&id.to_string()),
            None,
            Some(json!({"number": c.number, "valid_until": c.valid_until, "notice_on": c.notice_on})),
        )
        .await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_readable_and_codes_round_trip() {
        assert_eq!(certificate_number(Programme::Ocop, "Bình Sơn", 2026, 7), "OCOP-BS-2026-0007");
        assert_eq!(certificate_number(Programme::Spcnnttb, "Đức Phổ", 2025, 12), "CNNT-DP-2025-0012");
        let code = new_code();
        assert_eq!(code.len(), 14);
        assert_eq!(normalise_code(&code.to_lowercase().replace('-', " ")), Some(code.clone()));
        assert_eq!(normalise_code("abc"), None);
        assert!(!code.contains('0') && !code.contains('O') && !code.contains('1') && !code.contains('I'));
    }

    #[test]
    fn the_qr_code_is_an_svg() {
        let svg = qr_svg("https://binhchon.example.vn/verify/ABCD-EFGH-JKLM").expect("qr");
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}
