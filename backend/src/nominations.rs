//! Nomination to the next level (đề nghị cấp trên): the products of a finalised round whose
//! outcome sends them up (OCOP: to the province for 4★, to the centre as potential 5★;
//! SPCNNTTB: district winners to the provincial selection).
//!
//! The round's office prepares the package — the official letter (tờ trình / công văn đề nghị),
//! the council minutes, the summary list (danh sách trích ngang) and each product's dossier and
//! result — and may leave a product out only with a recorded reason. Then either:
//!
//! * **in the same system**: the package is sent to a round of the next level whose unit contains
//!   the round's unit and which is open for registration. That round's office finds it in its
//!   inbox, reads the dossiers and minutes, and accepts each product into its round (a new
//!   dossier linked to the original, with the same stored files) or returns it with a reason;
//! * **as a file**: a ZIP (see [`PACKAGE_FORMAT`]) that another binhchon instance's office
//!   imports into its round, entry by entry checked, with a report of what was accepted and
//!   refused and why.
//!
//! Every step is audited and notifies the other side.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    io::{Cursor, Read, Write},
    path::Path,
};

use chrono::NaiveDate;
use domain::{
    access::{AdminLevel, Programme},
    rating::OutcomeKind,
    workflow::{dossier::DossierState, round::RoundState},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{
    audit::{self, Actor},
    auth::{CurrentUser, RequestMeta},
    councils,
    db::{self, Db, Tx},
    error::{Error, Result},
    exports::{self, RoundExport},
    files,
    notify::{self, Notice},
    rounds::{self, Round},
    rules, scoring, units, validate,
};

/// What `manifest.json` says the package is; a package of any other format or version is refused.
pub const PACKAGE_FORMAT: &str = "binhchon-nomination";
pub const PACKAGE_VERSION: u32 = 1;
/// At most this many entries in a package.
const MAX_ENTRIES: usize = 5000;

// ---------------------------------------------------------------------------------------------
// States

/// The package: a draft while the office prepares it, sent once it went to the next level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageState {
    Draft,
    Sent,
}

impl PackageState {
    fn code(self) -> &'static str {
        match self {
            PackageState::Draft => "draft",
            PackageState::Sent => "sent",
        }
    }
    fn from_code(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(PackageState::Draft),
            "sent" => Some(PackageState::Sent),
            _ => None,
        }
    }
}

/// One product of the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// In the draft package.
    Included,
    /// Left out by the office, with a reason.
    Excluded,
    /// Sent, waiting for the next level.
    Pending,
    /// Taken into the next level's round.
    Accepted,
    /// Sent back by the next level, with a reason.
    Returned,
}

impl ItemState {
    fn code(self) -> &'static str {
        match self {
            ItemState::Included => "included",
            ItemState::Excluded => "excluded",
            ItemState::Pending => "pending",
            ItemState::Accepted => "accepted",
            ItemState::Returned => "returned",
        }
    }
    fn from_code(s: &str) -> Option<Self> {
        [ItemState::Included, ItemState::Excluded, ItemState::Pending, ItemState::Accepted, ItemState::Returned]
            .into_iter()
            .find(|i| i.code() == s)
    }
}

// ---------------------------------------------------------------------------------------------
// What the pages show

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Document {
    /// `dossier_files.id`: downloads at `/files/documents/{id}`.
    pub id: i64,
    pub item_code: String,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    pub mime: String,
}

/// A forwarded product with its district result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Item {
    /// `nomination_items.id`, once the package is stored.
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
    /// Mean in hundredths of a point.
    pub mean_hundredths: i64,
    pub stars: Option<u8>,
    pub outcome: OutcomeKind,
    pub forward_to: AdminLevel,
    pub potential_five_star: bool,
    pub state: ItemState,
    /// Why the office left it out, or why the next level returned it.
    pub reason: Option<String>,
    /// The next level's dossier, once accepted.
    pub target_dossier_id: Option<i64>,
    pub documents: Vec<Document>,
}

/// The letter's particulars, entered by the office from the signed paper.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Letter {
    pub number: Option<String>,
    pub date: Option<NaiveDate>,
    pub signatory: Option<String>,
    pub signatory_title: Option<String>,
    /// Kính gửi: who the letter goes to (default: the next level's office).
    pub recipient: Option<String>,
}

/// A round the package may be sent to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TargetOption {
    pub id: i64,
    pub name: String,
    pub unit_name: String,
    pub year: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Package {
    pub round_id: i64,
    pub round_name: String,
    pub programme: Programme,
    pub level: AdminLevel,
    pub unit_name: String,
    pub year: i64,
    pub round_state: RoundState,
    /// Stored yet? (A package is stored on its first change.)
    pub stored: bool,
    pub state: PackageState,
    pub letter: Letter,
    pub target_round_id: Option<i64>,
    pub target_round_name: Option<String>,
    pub sent_at: Option<String>,
    /// The councils whose minutes go with the package.
    pub council_ids: Vec<i64>,
    pub items: Vec<Item>,
    /// Open rounds of the next level this package may go to.
    pub targets: Vec<TargetOption>,
}

/// A product in the next level's inbox.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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

// ---------------------------------------------------------------------------------------------
// Loading

fn finalised(state: RoundState) -> bool {
    matches!(state, RoundState::Finalised | RoundState::Published | RoundState::Archived)
}

fn not_finalised() -> Error {
    Error::conflict(
        "Chỉ lập hồ sơ đề nghị cấp trên khi kết quả của đợt đã được chốt. Hãy chốt kết quả ở trang đợt trước.",
        "A nomination can be prepared once the round's results are final. Finalise them on the round's page first.",
    )
}

/// The caller's own round (its office), finalised.
async fn own_round(db: &Db, user: &CurrentUser, round_id: i64) -> Result<Round> {
    let round = rounds::load(db, round_id).await?;
    if !rounds::may_manage(user, &round) {
        return Err(Error::NotFound);
    }
    if !finalised(round.state) {
        return Err(not_finalised());
    }
    Ok(round)
}

async fn documents(db: &Db, dossier_id: i64) -> Result<Vec<Document>> {
    let rows = sqlx::query(
        "SELECT f.id, f.item_code, f.file_name, s.sha256, s.size_bytes, s.mime FROM dossier_files f \
         JOIN stored_files s ON s.id = f.file_id WHERE f.dossier_id = $1 ORDER BY f.item_code, f.id",
    )
    .bind(dossier_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Document {
                id: r.try_get("id")?,
                item_code: r.try_get("item_code")?,
                file_name: r.try_get("file_name")?,
                sha256: r.try_get("sha256")?,
                size: r.try_get("size_bytes")?,
                mime: r.try_get("mime")?,
            })
        })
        .collect()
}

/// The forwarded products of a finalised round, from its stored results, with the state and
/// reason stored for them (if the package is stored).
async fn forwarded(db: &Db, round_id: i64, stored: &HashMap<i64, (i64, ItemState, Option<String>, Option<i64>)>) -> Result<Vec<Item>> {
    let results = scoring::results_of_round(db, round_id).await?;
    let mut out = Vec::new();
    for (dossier_id, r) in &results {
        let Some(fw) = r.result.outcome.forward else { continue };
        let row = sqlx::query(
            "SELECT d.product_id, d.producer_id, d.group_code, p.name AS product_name, pr.name AS producer_name, pr.tax_code, \
             u.kind AS commune_kind, u.name AS commune_name FROM dossiers d JOIN products p ON p.id = d.product_id \
             JOIN producers pr ON pr.id = d.producer_id JOIN admin_units u ON u.id = pr.commune_id WHERE d.id = $1",
        )
        .bind(dossier_id)
        .fetch_one(db.pool())
        .await?;
        let (id, state, reason, target) = match stored.get(dossier_id) {
            Some((id, s, reason, target)) => (Some(*id), *s, reason.clone(), *target),
            None => (None, ItemState::Included, None, None),
        };
        out.push(Item {
            id,
            dossier_id: *dossier_id,
            product_id: row.try_get("product_id")?,
            product_name: row.try_get("product_name")?,
            producer_id: row.try_get("producer_id")?,
            producer_name: row.try_get("producer_name")?,
            tax_code: row.try_get("tax_code")?,
            commune_name: format!("{} {}", row.try_get::<String, _>("commune_kind")?, row.try_get::<String, _>("commune_name")?),
            group_code: row.try_get("group_code")?,
            council_id: r.council_id,
            mean_hundredths: r.mean.hundredths(),
            stars: r.stars,
            outcome: r.result.outcome.kind,
            forward_to: fw.to,
            potential_five_star: fw.potential_five_star,
            state,
            reason,
            target_dossier_id: target,
            documents: documents(db, *dossier_id).await?,
        });
    }
    // Highest mean first, as in the summary list.
    out.sort_by(|a, b| b.mean_hundredths.cmp(&a.mean_hundredths).then_with(|| a.product_name.cmp(&b.product_name)));
    Ok(out)
}

struct Stored {
    id: i64,
    state: PackageState,
    letter: Letter,
    target_round_id: Option<i64>,
    sent_at: Option<String>,
}

fn letter_from_row(r: &sqlx::any::AnyRow) -> Result<Letter> {
    Ok(Letter {
        number: r.try_get("letter_no")?,
        date: r.try_get::<Option<String>, _>("letter_date")?.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
        signatory: r.try_get("signatory")?,
        signatory_title: r.try_get("signatory_title")?,
        recipient: r.try_get("recipient")?,
    })
}

fn stored_from_row(r: &sqlx::any::AnyRow) -> Result<Stored> {
    let state: String = r.try_get("state")?;
    Ok(Stored {
        id: r.try_get("id")?,
        state: PackageState::from_code(&state).ok_or_else(|| Error::Internal(format!("nomination state {state}")))?,
        letter: letter_from_row(r)?,
        target_round_id: r.try_get("target_round_id")?,
        sent_at: r.try_get("sent_at")?,
    })
}

async fn stored_package(db: &Db, round_id: i64) -> Result<Option<Stored>> {
    let row = sqlx::query("SELECT * FROM nominations WHERE source_round_id = $1").bind(round_id).fetch_optional(db.pool()).await?;
    row.as_ref().map(stored_from_row).transpose()
}

async fn stored_items(db: &Db, nomination_id: i64) -> Result<HashMap<i64, (i64, ItemState, Option<String>, Option<i64>)>> {
    let rows = sqlx::query("SELECT id, dossier_id, state, reason, target_dossier_id FROM nomination_items WHERE nomination_id = $1")
        .bind(nomination_id)
        .fetch_all(db.pool())
        .await?;
    let mut out = HashMap::new();
    for r in rows {
        let state: String = r.try_get("state")?;
        out.insert(
            r.try_get::<i64, _>("dossier_id")?,
            (
                r.try_get::<i64, _>("id")?,
                ItemState::from_code(&state).ok_or_else(|| Error::Internal(format!("item state {state}")))?,
                r.try_get::<Option<String>, _>("reason")?,
                r.try_get::<Option<i64>, _>("target_dossier_id")?,
            ),
        );
    }
    Ok(out)
}

/// Rounds of the next level a package of `round` may go to: same programme, a unit that contains
/// the round's unit, open for registration, at the level the products are forwarded to.
async fn targets(db: &Db, round: &Round, to: &[AdminLevel]) -> Result<Vec<Round>> {
    let ids: Vec<i64> = sqlx::query("SELECT id FROM rounds WHERE programme = $1 AND state = $2 AND id <> $3 ORDER BY year DESC, id DESC")
        .bind(round.programme.code())
        .bind(RoundState::RegistrationOpen.code())
        .bind(round.id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<std::result::Result<_, _>>()?;
    let mut out = Vec::new();
    for id in ids {
        let t = rounds::load(db, id).await?;
        if t.unit_id != round.unit_id && round.unit_path.starts_with(&t.unit_path) && to.contains(&t.level) {
            out.push(t);
        }
    }
    Ok(out)
}

/// The package of a finalised round as its office sees it (read only: nothing is stored until
/// the office changes something).
pub async fn package(db: &Db, user: &CurrentUser, round_id: i64) -> Result<Package> {
    let round = own_round(db, user, round_id).await?;
    package_of(db, &round).await
}

async fn package_of(db: &Db, round: &Round) -> Result<Package> {
    let stored = stored_package(db, round.id).await?;
    let states = match &stored {
        Some(s) => stored_items(db, s.id).await?,
        None => HashMap::new(),
    };
    let items = forwarded(db, round.id, &states).await?;
    let mut levels: Vec<AdminLevel> = items.iter().map(|i| i.forward_to).collect();
    levels.dedup();
    let targets = targets(db, round, &levels)
        .await?
        .into_iter()
        .map(|t| TargetOption { id: t.id, name: t.name, unit_name: t.unit_name, year: t.year })
        .collect();
    let mut council_ids: Vec<i64> = items.iter().map(|i| i.council_id).collect();
    council_ids.sort_unstable();
    council_ids.dedup();
    let target_round_name = match stored.as_ref().and_then(|s| s.target_round_id) {
        Some(t) => Some(rounds::load(db, t).await?.name),
        None => None,
    };
    Ok(Package {
        round_id: round.id,
        round_name: round.name.clone(),
        programme: round.programme,
        level: round.level,
        unit_name: round.unit_name.clone(),
        year: round.year,
        round_state: round.state,
        stored: stored.is_some(),
        state: stored.as_ref().map_or(PackageState::Draft, |s| s.state),
        letter: stored.as_ref().map(|s| s.letter.clone()).unwrap_or_default(),
        target_round_id: stored.as_ref().and_then(|s| s.target_round_id),
        target_round_name,
        sent_at: stored.as_ref().and_then(|s| s.sent_at.clone()),
        council_ids,
        items,
        targets,
    })
}

// ---------------------------------------------------------------------------------------------
// Preparing

/// Stores the package (with every forwarded product included) if it is not stored yet, and
/// returns its id; refuses once it was sent.
async fn ensure_draft(db: &Db, tx: &mut Tx, user: &CurrentUser, actor: &Actor, round: &Round) -> Result<i64> {
    let existing = sqlx::query("SELECT id, state FROM nominations WHERE source_round_id = $1").bind(round.id).fetch_optional(&mut **tx).await?;
    if let Some(r) = existing {
        if r.try_get::<String, _>("state")? != PackageState::Draft.code() {
            return Err(already_sent());
        }
        return Ok(r.try_get("id")?);
    }
    let now = db::now();
    let id: i64 = sqlx::query(
        "INSERT INTO nominations (source_round_id, state, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(round.id)
    .bind(PackageState::Draft.code())
    .bind(user.id)
    .bind(&now)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    let items = forwarded(db, round.id, &HashMap::new()).await?;
    for i in &items {
        sqlx::query("INSERT INTO nomination_items (nomination_id, dossier_id, product_id, state) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(i.dossier_id)
            .bind(i.product_id)
            .bind(ItemState::Included.code())
            .execute(&mut **tx)
            .await?;
    }
    audit::record(
        tx,
        actor,
        "nomination.prepare",
        "nomination",
        Some(&id.to_string()),
        None,
        Some(json!({"round_id": round.id, "dossiers": items.iter().map(|i| i.dossier_id).collect::<Vec<_>>()})),
    )
    .await?;
    Ok(id)
}

fn already_sent() -> Error {
    Error::conflict(
        "Hồ sơ đề nghị này đã được gửi lên cấp trên; không sửa được nữa.",
        "This nomination has already been sent to the next level; it can no longer change.",
    )
}

#[derive(Debug, Clone, Default)]
pub struct LetterInput {
    pub number: String,
    pub date: String,
    pub signatory: String,
    pub signatory_title: String,
    pub recipient: String,
}

/// The office enters the letter's number, date and signatory (from the signed paper).
pub async fn save_letter(db: &Db, user: &CurrentUser, meta: &RequestMeta, round_id: i64, input: &LetterInput) -> Result<()> {
    let round = own_round(db, user, round_id).await?;
    let number = validate::optional_text("number", "số văn bản", "letter number", &input.number, 60)?;
    let date = match input.date.trim() {
        "" => None,
        d => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            Error::invalid("date", "Ngày văn bản không hợp lệ, ví dụ 2026-03-31.", "The letter's date is not valid, e.g. 2026-03-31.")
        })?),
    };
    let signatory = validate::optional_text("signatory", "người ký", "signatory", &input.signatory, 120)?;
    let title = validate::optional_text("signatory_title", "chức vụ người ký", "signatory's title", &input.signatory_title, 160)?;
    let recipient = validate::optional_text("recipient", "nơi nhận", "recipient", &input.recipient, 300)?;
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    let id = ensure_draft(db, &mut tx, user, &actor, &round).await?;
    let before = sqlx::query("SELECT * FROM nominations WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
    let before = letter_from_row(&before)?;
    sqlx::query(
        "UPDATE nominations SET letter_no = $1, letter_date = $2, signatory = $3, signatory_title = $4, recipient = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(&number)
    .bind(date.map(|d| d.to_string()))
    .bind(&signatory)
    .bind(&title)
    .bind(&recipient)
    .bind(db::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let after = Letter { number, date, signatory, signatory_title: title, recipient };
    audit::record(&mut tx, &actor, "nomination.letter", "nomination", Some(&id.to_string()), serde_json::to_value(before).ok(), serde_json::to_value(after).ok()).await?;
    tx.commit().await?;
    Ok(())
}

/// The office leaves a forwarded product out of the package (a reason is required), or puts it
/// back (`reason` empty and `include` true).
pub async fn set_included(db: &Db, user: &CurrentUser, meta: &RequestMeta, round_id: i64, dossier_id: i64, include: bool, reason: &str) -> Result<()> {
    let round = own_round(db, user, round_id).await?;
    let reason = if include {
        None
    } else {
        Some(validate::text("reason", "lý do không đề nghị sản phẩm", "reason for leaving the product out", reason, 1000)?)
    };
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    let id = ensure_draft(db, &mut tx, user, &actor, &round).await?;
    let state = if include { ItemState::Included } else { ItemState::Excluded };
    let n = sqlx::query("UPDATE nomination_items SET state = $1, reason = $2 WHERE nomination_id = $3 AND dossier_id = $4")
        .bind(state.code())
        .bind(&reason)
        .bind(id)
        .bind(dossier_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n != 1 {
        return Err(Error::NotFound);
    }
    audit::record(
        &mut tx,
        &actor,
        if include { "nomination.include" } else { "nomination.exclude" },
        "nomination",
        Some(&id.to_string()),
        None,
        Some(json!({"dossier_id": dossier_id, "reason": reason})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Sending in the same system

/// Sends the package to `target_round_id`, a round of the next level in this system.
pub async fn send(db: &Db, user: &CurrentUser, meta: &RequestMeta, round_id: i64, target_round_id: i64) -> Result<usize> {
    let round = own_round(db, user, round_id).await?;
    let wrong_target = || {
        Error::invalid(
            "target_round_id",
            "Hãy chọn một đợt của cấp trên (cùng chương trình, thuộc tỉnh của bạn) đang nhận hồ sơ.",
            "Choose a round of the next level (same programme, your province) that is open for registration.",
        )
    };
    let target = rounds::load(db, target_round_id).await.map_err(|e| match e {
        Error::NotFound => wrong_target(),
        e => e,
    })?;
    let pkg = package_of(db, &round).await?;
    if pkg.state == PackageState::Sent {
        return Err(already_sent());
    }
    if target.programme != round.programme || target.id == round.id || target.unit_id == round.unit_id {
        return Err(wrong_target());
    }
    if !round.unit_path.starts_with(&target.unit_path) {
        return Err(Error::invalid(
            "target_round_id",
            format!("Đợt «{}» thuộc {}, không phải cấp trên của {}. Hãy chọn đợt của tỉnh mình.", target.name, target.unit_name, round.unit_name),
            format!("The round \"{}\" belongs to {}, which is not above {}. Choose a round of your own province.", target.name, target.unit_name, round.unit_name),
        ));
    }
    if !target.state.accepts_registrations() {
        return Err(Error::conflict(
            format!("Đợt «{}» hiện không nhận hồ sơ. Hãy liên hệ văn phòng cấp trên.", target.name),
            format!("The round \"{}\" is not taking dossiers now. Contact the next level's office.", target.name),
        ));
    }
    let included: Vec<&Item> = pkg.items.iter().filter(|i| i.state == ItemState::Included).collect();
    if included.is_empty() {
        return Err(Error::conflict("Không có sản phẩm nào trong hồ sơ đề nghị.", "The nomination has no product in it."));
    }
    if let Some(i) = included.iter().find(|i| i.forward_to != target.level) {
        return Err(Error::invalid(
            "target_round_id",
            format!("«{}» được đề nghị lên cấp {}, còn đợt đã chọn là cấp {}.", i.product_name, i.forward_to.name_vi().to_lowercase(), target.level.name_vi().to_lowercase()),
            format!("\"{}\" goes to the {} level; the chosen round is at the {} level.", i.product_name, i.forward_to.name_en().to_lowercase(), target.level.name_en().to_lowercase()),
        ));
    }
    let l = &pkg.letter;
    if l.number.is_none() || l.date.is_none() || l.signatory.is_none() {
        return Err(Error::invalid(
            "letter",
            "Hãy nhập số, ngày và người ký của tờ trình (theo văn bản đã ký) trước khi gửi.",
            "Enter the letter's number, date and signatory (from the signed paper) before sending.",
        ));
    }
    // A product goes to a round once, whichever package carried it, and never where it is filed already.
    for i in &included {
        let twice = sqlx::query(
            "SELECT COUNT(*) AS n FROM nomination_items i JOIN nominations n ON n.id = i.nomination_id \
             WHERE n.target_round_id = $1 AND i.product_id = $2 AND i.state IN ('pending', 'accepted')",
        )
        .bind(target.id)
        .bind(i.product_id)
        .fetch_one(db.pool())
        .await?
        .try_get::<i64, _>("n")?;
        let filed = sqlx::query("SELECT COUNT(*) AS n FROM dossiers WHERE round_id = $1 AND product_id = $2")
            .bind(target.id)
            .bind(i.product_id)
            .fetch_one(db.pool())
            .await?
            .try_get::<i64, _>("n")?;
        if twice > 0 || filed > 0 {
            return Err(Error::conflict(
                format!("«{}» đã được đề nghị hoặc đã có hồ sơ trong đợt «{}». Hãy để sản phẩm này ra ngoài (ghi lý do) rồi gửi lại.", i.product_name, target.name),
                format!("\"{}\" was already nominated to, or has a dossier in, \"{}\". Leave it out (with a reason) and send again.", i.product_name, target.name),
            ));
        }
    }
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    let id = ensure_draft(db, &mut tx, user, &actor, &round).await?;
    let now = db::now();
    let n = sqlx::query("UPDATE nominations SET state = $1, target_round_id = $2, sent_at = $3, sent_by = $4, updated_at = $3 WHERE id = $5 AND state = $6")
        .bind(PackageState::Sent.code())
        .bind(target.id)
        .bind(&now)
        .bind(user.id)
        .bind(id)
        .bind(PackageState::Draft.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n != 1 {
        return Err(already_sent());
    }
    sqlx::query("UPDATE nomination_items SET state = $1 WHERE nomination_id = $2 AND state = $3")
        .bind(ItemState::Pending.code())
        .bind(id)
        .bind(ItemState::Included.code())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &actor,
        "nomination.send",
        "nomination",
        Some(&id.to_string()),
        None,
        Some(json!({"round_id": round.id, "target_round_id": target.id, "letter_no": l.number, "dossiers": included.iter().map(|i| i.dossier_id).collect::<Vec<_>>()})),
    )
    .await?;
    let names = included.iter().map(|i| format!("«{}»", i.product_name)).collect::<Vec<_>>().join(", ");
    notify::to_staff(
        &mut tx,
        rules::office_role(target.programme),
        &target.unit_path,
        &Notice {
            kind: "nomination.received".into(),
            title_vi: format!("{} đề nghị {} sản phẩm", round.unit_name, included.len()),
            title_en: format!("{} nominates {} product(s)", round.unit_name, included.len()),
            body_vi: format!("Văn bản số {} ({}) đề nghị đưa vào đợt «{}»: {names}. Hãy xem hồ sơ và tiếp nhận hoặc trả lại từng sản phẩm.", l.number.clone().unwrap_or_default(), round.name, target.name),
            body_en: format!("Letter no. {} ({}) nominates for \"{}\": {names}. Review the dossiers and accept or return each product.", l.number.clone().unwrap_or_default(), round.name, target.name),
            link: Some("/office/nominations".into()),
        },
    )
    .await?;
    for i in &included {
        notify::to_producer(
            &mut tx,
            i.producer_id,
            &Notice {
                kind: "nomination.sent".into(),
                title_vi: format!("«{}» được đề nghị lên cấp trên", i.product_name),
                title_en: format!("\"{}\" nominated to the next level", i.product_name),
                body_vi: format!("{} đã gửi hồ sơ sản phẩm «{}» lên đợt «{}».", round.unit_name, i.product_name, target.name),
                body_en: format!("{} sent the dossier of \"{}\" to the round \"{}\".", round.unit_name, i.product_name, target.name),
                link: Some(format!("/dossiers/{}", i.dossier_id)),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(included.len())
}

// ---------------------------------------------------------------------------------------------
// The next level's inbox

/// Items sent to rounds the caller's office runs, newest first.
pub async fn inbox(db: &Db, user: &CurrentUser) -> Result<Vec<InboxEntry>> {
    let rows = sqlx::query("SELECT * FROM nominations WHERE state = $1 ORDER BY sent_at DESC, id DESC")
        .bind(PackageState::Sent.code())
        .fetch_all(db.pool())
        .await?;
    let mut out = Vec::new();
    for r in &rows {
        let s = stored_from_row(r)?;
        let Some(target_id) = s.target_round_id else { continue };
        let target = rounds::load(db, target_id).await?;
        if !rounds::may_manage(user, &target) {
            continue;
        }
        let source_id: i64 = r.try_get("source_round_id")?;
        let source = rounds::load(db, source_id).await?;
        let states = stored_items(db, s.id).await?;
        for item in forwarded(db, source.id, &states).await? {
            if !matches!(item.state, ItemState::Pending | ItemState::Accepted | ItemState::Returned) {
                continue;
            }
            out.push(InboxEntry {
                item,
                nomination_id: s.id,
                source_round_id: source.id,
                source_round_name: source.name.clone(),
                source_unit_name: source.unit_name.clone(),
                letter: s.letter.clone(),
                sent_at: s.sent_at.clone(),
                target_round_id: target.id,
                target_round_name: target.name.clone(),
            });
        }
    }
    Ok(out)
}

struct Received {
    item_id: i64,
    nomination_id: i64,
    dossier_id: i64,
    product_id: i64,
    state: ItemState,
    target: Round,
    source: Round,
    sent_by: Option<i64>,
}

/// A sent item whose target round the caller's office runs.
async fn received_item(db: &Db, user: &CurrentUser, item_id: i64) -> Result<Received> {
    let r = sqlx::query(
        "SELECT i.id, i.nomination_id, i.dossier_id, i.product_id, i.state, n.source_round_id, n.target_round_id, n.sent_by \
         FROM nomination_items i JOIN nominations n ON n.id = i.nomination_id WHERE i.id = $1 AND n.state = $2",
    )
    .bind(item_id)
    .bind(PackageState::Sent.code())
    .fetch_optional(db.pool())
    .await?
    .ok_or(Error::NotFound)?;
    let target_id: Option<i64> = r.try_get("target_round_id")?;
    let target = rounds::load(db, target_id.ok_or(Error::NotFound)?).await?;
    if !rounds::may_manage(user, &target) {
        return Err(Error::NotFound);
    }
    let state: String = r.try_get("state")?;
    Ok(Received {
        item_id,
        nomination_id: r.try_get("nomination_id")?,
        dossier_id: r.try_get("dossier_id")?,
        product_id: r.try_get("product_id")?,
        state: ItemState::from_code(&state).ok_or_else(|| Error::Internal(format!("item state {state}")))?,
        source: rounds::load(db, r.try_get("source_round_id")?).await?,
        target,
        sent_by: r.try_get("sent_by")?,
    })
}

fn decided() -> Error {
    Error::conflict(
        "Sản phẩm này đã được tiếp nhận hoặc trả lại. Hãy tải lại trang.",
        "This product has already been accepted or returned. Reload the page.",
    )
}

/// The dossier's first state in the next level's round: ready for its office to check (the
/// commune's check, where the rule set asks for one, was the district's business).
fn intake_state(target: &Round) -> DossierState {
    if target.commune_precheck { DossierState::CommuneConfirmed } else { DossierState::Submitted }
}

/// The next level's office takes a nominated product into its round: a dossier in that round,
/// linked to the original, with the same stored files (shared by hash, not copied). `group_code`
/// overrides the product group when the round's rule set names groups differently.
pub async fn accept(db: &Db, user: &CurrentUser, meta: &RequestMeta, item_id: i64, group_code: &str) -> Result<i64> {
    let it = received_item(db, user, item_id).await?;
    if it.state != ItemState::Pending {
        return Err(decided());
    }
    if !matches!(it.target.state, RoundState::RegistrationOpen | RoundState::RegistrationClosed) {
        return Err(Error::conflict(
            format!("Đợt «{}» đã qua bước tiếp nhận hồ sơ.", it.target.name),
            format!("The round \"{}\" is past the dossier intake.", it.target.name),
        ));
    }
    let src = sqlx::query("SELECT producer_id, group_code, registration_type, previous_certificate, self_assessment FROM dossiers WHERE id = $1")
        .bind(it.dossier_id)
        .fetch_one(db.pool())
        .await?;
    let rs = rounds::rule_set_of(db, &it.target).await?;
    let group = match group_code.trim() {
        "" => src.try_get::<String, _>("group_code")?,
        g => g.to_string(),
    };
    let group = rules::check_group(&rs, "group_code", &group)?;
    let producer_id: i64 = src.try_get("producer_id")?;
    let product_name: String = sqlx::query("SELECT name FROM products WHERE id = $1").bind(it.product_id).fetch_one(db.pool()).await?.try_get("name")?;
    let state = intake_state(&it.target);
    let now = db::now();
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO dossiers (round_id, product_id, producer_id, state, group_code, registration_type, previous_certificate, \
         self_assessment, submitted_at, nominated_from, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $9, $9) RETURNING id",
    )
    .bind(it.target.id)
    .bind(it.product_id)
    .bind(producer_id)
    .bind(state.code())
    .bind(&group)
    .bind(src.try_get::<String, _>("registration_type")?)
    .bind(src.try_get::<Option<String>, _>("previous_certificate")?)
    .bind(src.try_get::<Option<String>, _>("self_assessment")?)
    .bind(&now)
    .bind(it.dossier_id)
    .fetch_one(&mut *tx)
    .await;
    let new_id: i64 = match inserted {
        Ok(r) => r.try_get("id")?,
        Err(e) => {
            let e = Error::from(e);
            if e.is_unique_violation() {
                return Err(Error::conflict(
                    format!("«{product_name}» đã có hồ sơ trong đợt «{}». Hãy trả lại đề nghị này và ghi lý do.", it.target.name),
                    format!("\"{product_name}\" already has a dossier in \"{}\". Return this nomination with a reason.", it.target.name),
                ));
            }
            return Err(e);
        }
    };
    let copied = sqlx::query(
        "INSERT INTO dossier_files (dossier_id, item_code, file_id, file_name, created_at, created_by) \
         SELECT $1, item_code, file_id, file_name, $2, $3 FROM dossier_files WHERE dossier_id = $4",
    )
    .bind(new_id)
    .bind(&now)
    .bind(user.id)
    .bind(it.dossier_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let n = sqlx::query("UPDATE nomination_items SET state = $1, target_dossier_id = $2, decided_by = $3, decided_at = $4 WHERE id = $5 AND state = $6")
        .bind(ItemState::Accepted.code())
        .bind(new_id)
        .bind(user.id)
        .bind(&now)
        .bind(it.item_id)
        .bind(ItemState::Pending.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n != 1 {
        return Err(decided());
    }
    sqlx::query(
        "INSERT INTO dossier_events (dossier_id, at, actor_label, action, state_from, state_to, note) VALUES ($1, $2, $3, 'nominated', NULL, $4, $5)",
    )
    .bind(new_id)
    .bind(&now)
    .bind(&actor.label)
    .bind(state.code())
    .bind(format!("Tiếp nhận từ đề nghị của {} (đợt «{}»)", it.source.unit_name, it.source.name))
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &actor,
        "dossier.create",
        "dossier",
        Some(&new_id.to_string()),
        None,
        Some(json!({"round_id": it.target.id, "product_id": it.product_id, "group_code": group, "nominated_from": it.dossier_id, "files": copied})),
    )
    .await?;
    audit::record(
        &mut tx,
        &actor,
        "nomination.accept",
        "nomination",
        Some(&it.nomination_id.to_string()),
        Some(json!({"item": it.item_id, "state": "pending"})),
        Some(json!({"item": it.item_id, "state": "accepted", "dossier_id": new_id})),
    )
    .await?;
    let notice = |to_producer: bool| Notice {
        kind: "nomination.accepted".into(),
        title_vi: format!("Cấp trên tiếp nhận «{product_name}»"),
        title_en: format!("\"{product_name}\" accepted by the next level"),
        body_vi: format!("{} đã tiếp nhận sản phẩm «{product_name}» vào đợt «{}».", it.target.unit_name, it.target.name),
        body_en: format!("{} took \"{product_name}\" into the round \"{}\".", it.target.unit_name, it.target.name),
        link: Some(if to_producer { format!("/dossiers/{new_id}") } else { format!("/office/rounds/{}/nomination", it.source.id) }),
    };
    if let Some(by) = it.sent_by {
        notify::to_users(&mut tx, &[by], &notice(false)).await?;
    }
    notify::to_producer(&mut tx, producer_id, &notice(true)).await?;
    tx.commit().await?;
    Ok(new_id)
}

/// The next level's office sends a nominated product back, with a reason.
pub async fn return_item(db: &Db, user: &CurrentUser, meta: &RequestMeta, item_id: i64, reason: &str) -> Result<()> {
    let it = received_item(db, user, item_id).await?;
    let reason = validate::text("reason", "lý do trả lại", "reason for returning", reason, 1000)?;
    if it.state != ItemState::Pending {
        return Err(decided());
    }
    let now = db::now();
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    let n = sqlx::query("UPDATE nomination_items SET state = $1, reason = $2, decided_by = $3, decided_at = $4 WHERE id = $5 AND state = $6")
        .bind(ItemState::Returned.code())
        .bind(&reason)
        .bind(user.id)
        .bind(&now)
        .bind(it.item_id)
        .bind(ItemState::Pending.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n != 1 {
        return Err(decided());
    }
    audit::record(
        &mut tx,
        &actor,
        "nomination.return",
        "nomination",
        Some(&it.nomination_id.to_string()),
        Some(json!({"item": it.item_id, "state": "pending"})),
        Some(json!({"item": it.item_id, "state": "returned", "reason": reason})),
    )
    .await?;
    let r = sqlx::query("SELECT p.name, d.producer_id FROM dossiers d JOIN products p ON p.id = d.product_id WHERE d.id = $1")
        .bind(it.dossier_id)
        .fetch_one(&mut *tx)
        .await?;
    let product_name: String = r.try_get("name")?;
    let notice = |link: String| Notice {
        kind: "nomination.returned".into(),
        title_vi: format!("Cấp trên trả lại «{product_name}»"),
        title_en: format!("\"{product_name}\" returned by the next level"),
        body_vi: format!("{} trả lại đề nghị sản phẩm «{product_name}». Lý do: {reason}", it.target.unit_name),
        body_en: format!("{} returned the nomination of \"{product_name}\". Reason: {reason}", it.target.unit_name),
        link: Some(link),
    };
    if let Some(by) = it.sent_by {
        notify::to_users(&mut tx, &[by], &notice(format!("/office/rounds/{}/nomination", it.source.id))).await?;
    }
    notify::to_producer(&mut tx, r.try_get("producer_id")?, &notice(format!("/dossiers/{}", it.dossier_id))).await?;
    tx.commit().await?;
    Ok(())
}

/// A district dossier's document for the office of the round it was nominated to (read only;
/// nobody else gains anything from a nomination).
pub async fn received_document(db: &Db, user: &CurrentUser, file_row_id: i64) -> Result<(i64, String)> {
    let r = sqlx::query("SELECT dossier_id, file_id, file_name FROM dossier_files WHERE id = $1")
        .bind(file_row_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?;
    let dossier_id: i64 = r.try_get("dossier_id")?;
    let targets = sqlx::query(
        "SELECT n.target_round_id FROM nomination_items i JOIN nominations n ON n.id = i.nomination_id \
         WHERE i.dossier_id = $1 AND n.state = $2 AND i.state IN ('pending', 'accepted', 'returned')",
    )
    .bind(dossier_id)
    .bind(PackageState::Sent.code())
    .fetch_all(db.pool())
    .await?;
    for t in targets {
        let Some(id) = t.try_get::<Option<i64>, _>("target_round_id")? else { continue };
        if rounds::may_manage(user, &rounds::load(db, id).await?) {
            return Ok((r.try_get("file_id")?, r.try_get("file_name")?));
        }
    }
    Err(Error::NotFound)
}

/// The minutes of a council whose round sent a nomination to a round the caller's office runs.
pub async fn received_minutes(db: &Db, user: &CurrentUser, council_id: i64) -> Result<scoring::Minutes> {
    let c = councils::load(db, council_id).await?;
    let Some(s) = stored_package(db, c.round.id).await? else { return Err(Error::NotFound) };
    let Some(target) = s.target_round_id.filter(|_| s.state == PackageState::Sent) else { return Err(Error::NotFound) };
    if !rounds::may_manage(user, &rounds::load(db, target).await?) {
        return Err(Error::NotFound);
    }
    scoring::minutes_of(db, &c).await
}

// ---------------------------------------------------------------------------------------------
// Printable documents (HTML): the letter and the minutes, for the page and the ZIP.

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn points(h: i64) -> String {
    if h % 100 == 0 { format!("{}", h / 100) } else { format!("{},{:02}", h / 100, h % 100) }
}

fn date_vi(d: Option<NaiveDate>) -> String {
    d.map(domain::text::date_vi).unwrap_or_else(|| "……".into())
}

fn forward_text(i: &Item) -> String {
    if i.potential_five_star {
        format!("Đề nghị cấp {} đánh giá, công nhận sản phẩm tiềm năng 5 sao", i.forward_to.name_vi().to_lowercase())
    } else {
        format!("Đề nghị cấp {} đánh giá, công nhận", i.forward_to.name_vi().to_lowercase())
    }
}

const PRINT_CSS: &str = "body{font-family:'Times New Roman',serif;font-size:13pt;max-width:190mm;margin:10mm auto;line-height:1.4}\
    h1{font-size:14pt;text-align:center}.center{text-align:center}table{border-collapse:collapse;width:100%}\
    td,th{border:1px solid #000;padding:2pt 4pt;vertical-align:top}.sign{margin-top:12mm;margin-left:55%;text-align:center}";

/// The official letter (tờ trình / công văn đề nghị) drafted from the data.
pub fn letter_html(pkg: &Package) -> String {
    let l = &pkg.letter;
    let included: Vec<&Item> = pkg.items.iter().filter(|i| matches!(i.state, ItemState::Included | ItemState::Pending | ItemState::Accepted | ItemState::Returned)).collect();
    let to = included.first().map(|i| i.forward_to).unwrap_or(AdminLevel::Province);
    let recipient = l.recipient.clone().unwrap_or_else(|| format!("Cơ quan thường trực {} cấp {}", pkg.programme.name_vi(), to.name_vi().to_lowercase()));
    let mut rows = String::new();
    for (n, i) in included.iter().enumerate() {
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            n + 1,
            esc(&i.product_name),
            esc(&i.producer_name),
            esc(&i.commune_name),
            points(i.mean_hundredths),
            i.stars.map(|s| format!("{s}★")).unwrap_or_default(),
            esc(&forward_text(i)),
        ));
    }
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Tờ trình đề nghị — {round}</title><style>{PRINT_CSS}</style></head><body>\
         <p class=\"center\"><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong><br><strong>Độc lập - Tự do - Hạnh phúc</strong></p>\
         <p>{unit}<br>Số: {number}</p><p style=\"text-align:right\"><em>Ngày {date}</em></p>\
         <h1>TỜ TRÌNH<br>Đề nghị đánh giá, công nhận sản phẩm cấp {to}</h1>\
         <p class=\"center\">Kính gửi: {recipient}</p>\
         <p>Căn cứ kết quả đánh giá của Hội đồng (biên bản kèm theo) trong đợt «{round}» năm {year}, {unit} đề nghị cấp {to} \
         xem xét, đánh giá {n} sản phẩm sau:</p>\
         <table><thead><tr><th>STT</th><th>Sản phẩm</th><th>Chủ thể</th><th>Địa chỉ</th><th>Điểm</th><th>Hạng sao</th><th>Đề nghị</th></tr></thead><tbody>{rows}</tbody></table>\
         <p>Hồ sơ kèm theo: biên bản họp hội đồng, danh sách trích ngang, hồ sơ của từng sản phẩm.</p>\
         <div class=\"sign\"><p><strong>{title}</strong></p><p><em>(Ký, đóng dấu)</em></p><p style=\"margin-top:20mm\"><strong>{signatory}</strong></p></div>\
         </body></html>",
        round = esc(&pkg.round_name),
        unit = esc(&pkg.unit_name),
        number = esc(l.number.as_deref().unwrap_or("……")),
        date = date_vi(l.date),
        to = to.name_vi().to_lowercase(),
        recipient = esc(&recipient),
        year = pkg.year,
        n = included.len(),
        title = esc(l.signatory_title.as_deref().unwrap_or("")),
        signatory = esc(l.signatory.as_deref().unwrap_or("")),
    )
}

/// The council minutes as a standalone HTML page (what the minutes page prints).
pub fn minutes_html(m: &scoring::Minutes) -> String {
    let scorers: Vec<&councils::Member> = m.members.iter().filter(|x| x.role.scores()).collect();
    let head: String = scorers.iter().map(|x| format!("<th>{}</th>", esc(&x.full_name))).collect();
    let mut rows = String::new();
    for (i, r) in m.rows.iter().enumerate() {
        let totals: String = r.totals.iter().map(|(_, t)| format!("<td>{}</td>", t.map(|t| points(t.hundredths())).unwrap_or_else(|| "—".into()))).collect();
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}<br><small>{}</small></td>{totals}<td><strong>{}</strong></td><td>{}</td><td>{}</td></tr>",
            i + 1,
            esc(&r.product_name),
            esc(&r.producer_name),
            points(r.result.mean.hundredths()),
            r.result.stars.filter(|s| *s > 0).map(|s| format!("{s}★")).unwrap_or_else(|| "—".into()),
            r.result.result.outcome.kind.label_vi(),
        ));
    }
    let members: String = m
        .members
        .iter()
        .map(|x| format!("<li>{} — {}{}</li>", esc(&x.full_name), x.role.label_vi(), x.position.as_deref().map(|p| format!(", {}", esc(p))).unwrap_or_default()))
        .collect();
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Biên bản — {name}</title><style>{PRINT_CSS}</style></head><body>\
         <p class=\"center\"><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong><br><strong>Độc lập - Tự do - Hạnh phúc</strong></p>\
         <h1>BIÊN BẢN HỌP HỘI ĐỒNG</h1><p class=\"center\"><strong>{name}</strong></p>\
         <p>Thành lập theo Quyết định số {no} ngày {date}.</p><p>Đợt: {round}. Bộ tiêu chí: {rs}.</p>\
         <h2>Thành phần hội đồng</h2><ol>{members}</ol><h2>Kết quả chấm điểm</h2>\
         <table><thead><tr><th>STT</th><th>Sản phẩm / chủ thể</th>{head}<th>Điểm trung bình</th><th>Hạng sao</th><th>Kết quả</th></tr></thead><tbody>{rows}</tbody></table>\
         </body></html>",
        name = esc(&m.council.name),
        no = esc(&m.council.decision_no),
        date = domain::text::date_vi(m.council.decision_date),
        round = esc(&m.round_name),
        rs = esc(&m.rule_set_name),
    )
}

/// The letter of the caller's round, for the printable page.
pub async fn letter(db: &Db, user: &CurrentUser, round_id: i64) -> Result<String> {
    Ok(letter_html(&package(db, user, round_id).await?))
}

// ---------------------------------------------------------------------------------------------
// The ZIP package

/// One file of the package, as the manifest lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestRound {
    pub id: i64,
    pub name: String,
    pub programme: String,
    pub level: String,
    pub unit_code: String,
    pub unit_name: String,
    pub year: i64,
    pub rule_set: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestProducer {
    pub name: String,
    pub producer_type: String,
    pub tax_code: Option<String>,
    pub registration_no: Option<String>,
    pub representative: Option<String>,
    pub representative_title: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub commune_code: String,
    pub commune_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestDocument {
    pub path: String,
    pub item_code: String,
    pub file_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestProduct {
    pub folder: String,
    pub name: String,
    pub group_code: String,
    pub description: String,
    pub raw_materials: String,
    pub packaging: String,
    pub registration_type: String,
    pub previous_certificate: Option<String>,
    pub producer: ManifestProducer,
    pub mean_hundredths: i64,
    pub stars: Option<u8>,
    pub outcome: String,
    pub forward_to: String,
    pub potential_five_star: bool,
    /// `{folder}/ket-qua.json`: the full result as the council's finalisation stored it.
    pub result_path: String,
    pub documents: Vec<ManifestDocument>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// The instance that made the package (its public address, or "binhchon").
    pub source_instance: String,
    pub generated_at: String,
    pub round: ManifestRound,
    pub letter: Letter,
    pub products: Vec<ManifestProduct>,
    /// Every file of the package but the manifest itself.
    pub files: Vec<ManifestFile>,
}

/// A folder or file name: ASCII letters, digits and dashes, from the Vietnamese name.
fn slug(s: &str) -> String {
    let key = domain::text::search_key(s);
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').chars().take(50).collect::<String>();
    if out.is_empty() { "tep".into() } else { out }
}

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn zip_err(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("zip: {e}"))
}

/// The package of the caller's finalised round as a ZIP, with its file name.
pub async fn package_zip(db: &Db, data_dir: &Path, public_url: Option<&str>, user: &CurrentUser, round_id: i64) -> Result<(String, Vec<u8>)> {
    let round = own_round(db, user, round_id).await?;
    let pkg = package_of(db, &round).await?;
    let items: Vec<&Item> = pkg.items.iter().filter(|i| i.state != ItemState::Excluded).collect();
    if items.is_empty() {
        return Err(Error::conflict(
            "Không có sản phẩm nào được đề nghị cấp trên trong đợt này.",
            "No product of this round is nominated to the next level.",
        ));
    }
    let unit = units::get(db, round.unit_id).await?.ok_or(Error::NotFound)?;
    // (path, bytes) of every file but the manifest.
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    let (_, xlsx) = exports::round_export(db, user, round.id, RoundExport::Nominations).await?;
    entries.push(("danh-sach-trich-ngang.xlsx".into(), xlsx));
    entries.push(("to-trinh.html".into(), letter_html(&pkg).into_bytes()));
    for council_id in &pkg.council_ids {
        let c = councils::load(db, *council_id).await?;
        let m = scoring::minutes_of(db, &c).await?;
        entries.push((format!("bien-ban/hoi-dong-{council_id}.html"), minutes_html(&m).into_bytes()));
    }
    let results = scoring::results_of_round(db, round.id).await?;
    let mut products = Vec::new();
    for (n, i) in items.iter().enumerate() {
        let folder = format!("san-pham/{:02}-{}", n + 1, slug(&i.product_name));
        let d = sqlx::query(
            "SELECT d.registration_type, d.previous_certificate, p.description, p.raw_materials, p.packaging FROM dossiers d \
             JOIN products p ON p.id = d.product_id WHERE d.id = $1",
        )
        .bind(i.dossier_id)
        .fetch_one(db.pool())
        .await?;
        let profile = crate::producers::load(db, i.producer_id).await?;
        let commune = units::get(db, profile.commune_id).await?.ok_or(Error::NotFound)?;
        let result = results.get(&i.dossier_id).ok_or(Error::NotFound)?;
        let result_path = format!("{folder}/ket-qua.json");
        entries.push((result_path.clone(), serde_json::to_vec_pretty(result).map_err(|e| Error::Internal(e.to_string()))?));
        let mut docs = Vec::new();
        let mut used = HashSet::new();
        for doc in &i.documents {
            let bytes = tokio::fs::read(files::blob_path(data_dir, &doc.sha256)).await?;
            let (stem, ext) = match doc.file_name.rsplit_once('.') {
                Some((s, e)) if !e.is_empty() && e.len() <= 5 => (s.to_string(), format!(".{}", slug(e))),
                _ => (doc.file_name.clone(), String::new()),
            };
            let mut name = format!("{}{ext}", slug(&stem));
            let mut k = 2;
            while !used.insert(format!("{}/{name}", doc.item_code)) {
                name = format!("{}-{k}{ext}", slug(&stem));
                k += 1;
            }
            let path = format!("{folder}/tai-lieu/{}/{name}", slug(&doc.item_code));
            docs.push(ManifestDocument { path: path.clone(), item_code: doc.item_code.clone(), file_name: doc.file_name.clone() });
            entries.push((path, bytes));
        }
        products.push(ManifestProduct {
            folder,
            name: i.product_name.clone(),
            group_code: i.group_code.clone(),
            description: d.try_get("description")?,
            raw_materials: d.try_get("raw_materials")?,
            packaging: d.try_get("packaging")?,
            registration_type: d.try_get("registration_type")?,
            previous_certificate: d.try_get("previous_certificate")?,
            producer: ManifestProducer {
                name: profile.name.clone(),
                producer_type: profile.producer_type.code().to_string(),
                tax_code: profile.tax_code.clone(),
                registration_no: profile.registration_no.clone(),
                representative: profile.representative.clone(),
                representative_title: profile.representative_title.clone(),
                address: profile.address.clone(),
                phone: profile.phone.clone(),
                email: profile.email.clone(),
                commune_code: commune.code.clone(),
                commune_name: profile.commune_name.clone(),
            },
            mean_hundredths: i.mean_hundredths,
            stars: i.stars,
            outcome: i.outcome.code().to_string(),
            forward_to: i.forward_to.code().to_string(),
            potential_five_star: i.potential_five_star,
            result_path,
            documents: docs,
        });
    }
    let manifest = Manifest {
        format: PACKAGE_FORMAT.into(),
        format_version: PACKAGE_VERSION,
        source_instance: public_url.unwrap_or("binhchon").to_string(),
        generated_at: db::now(),
        round: ManifestRound {
            id: round.id,
            name: round.name.clone(),
            programme: round.programme.code().into(),
            level: round.level.code().into(),
            unit_code: unit.code.clone(),
            unit_name: round.unit_name.clone(),
            year: round.year,
            rule_set: format!("{}@{}", round.rule_set_code, round.rule_set_version),
        },
        letter: pkg.letter.clone(),
        products,
        files: entries.iter().map(|(p, b)| ManifestFile { path: p.clone(), sha256: sha_hex(b), size: b.len() as u64 }).collect(),
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Internal(e.to_string()))?;
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.start_file("manifest.json", opts).map_err(zip_err)?;
        w.write_all(&manifest_bytes)?;
        for (path, b) in &entries {
            w.start_file(path.as_str(), opts).map_err(zip_err)?;
            w.write_all(b)?;
        }
        Ok(w.finish().map_err(zip_err)?.into_inner())
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))??;
    Ok((format!("de-nghi-cap-tren-dot-{}.zip", round.id), bytes))
}

// ---------------------------------------------------------------------------------------------
// Importing a ZIP from another instance

/// One product of an import report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReportLine {
    pub product: String,
    pub producer: String,
    /// The dossier created in the round (accepted lines).
    pub dossier_id: Option<i64>,
    /// Created, or matched by tax code (accepted lines).
    pub producer_created: Option<bool>,
    pub reason_vi: Option<String>,
    pub reason_en: Option<String>,
}

/// What the office sees after an upload: whether anything was imported, the problems that
/// refused the whole package, and each product accepted or refused with the reason.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: bool,
    pub source_instance: Option<String>,
    pub source_round: Option<String>,
    pub package_sha256: String,
    pub files_checked: usize,
    /// Problems with the package itself (paths, checksums, size, manifest): nothing is imported.
    pub errors_vi: Vec<String>,
    pub errors_en: Vec<String>,
    pub accepted: Vec<ReportLine>,
    pub refused: Vec<ReportLine>,
}

impl ImportReport {
    fn error(&mut self, vi: impl Into<String>, en: impl Into<String>) {
        self.errors_vi.push(vi.into());
        self.errors_en.push(en.into());
    }
}

/// Whether an entry name is a safe relative path: no `..`, no absolute path or drive, no
/// backslash, no empty or `.` component, no control characters.
pub fn safe_path(name: &str) -> bool {
    if name.is_empty() || name.len() > 400 || name.starts_with('/') || name.contains('\\') || name.contains(':') {
        return false;
    }
    if name.chars().any(|c| c.is_control()) {
        return false;
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    trimmed.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

/// The entries of a package, read and checked one by one: names, count, and the total of the
/// bytes actually unpacked (not what the headers claim) against `max_total`.
fn read_entries(bytes: &[u8], max_total: u64, report: &mut ImportReport) -> Option<BTreeMap<String, Vec<u8>>> {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            report.error(format!("Tệp không phải gói ZIP hợp lệ ({e})."), format!("The file is not a valid ZIP package ({e})."));
            return None;
        }
    };
    if archive.len() > MAX_ENTRIES {
        report.error(format!("Gói có quá nhiều tệp (tối đa {MAX_ENTRIES})."), format!("The package has too many entries (at most {MAX_ENTRIES})."));
        return None;
    }
    let mut out = BTreeMap::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut f = match archive.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                report.error(format!("Không đọc được tệp thứ {} trong gói ({e}).", i + 1), format!("Entry {} cannot be read ({e}).", i + 1));
                return None;
            }
        };
        let name = match f.name() {
            Ok(n) => n.to_string(),
            Err(e) => {
                report.error(format!("Tên tệp thứ {} trong gói không đọc được ({e}).", i + 1), format!("The name of entry {} cannot be read ({e}).", i + 1));
                return None;
            }
        };
        if !safe_path(&name) || f.enclosed_name().is_none() {
            report.error(
                format!("Đường dẫn không an toàn trong gói: «{name}» (không được có «..», đường dẫn tuyệt đối hay ổ đĩa)."),
                format!("Unsafe path in the package: \"{name}\" (no \"..\", absolute path or drive allowed)."),
            );
            return None;
        }
        if f.is_dir() {
            continue;
        }
        let budget = max_total.saturating_sub(total);
        let mut buf = Vec::new();
        let read = (&mut f).take(budget.saturating_add(1)).read_to_end(&mut buf);
        if let Err(e) = read {
            report.error(format!("Tệp «{name}» trong gói bị hỏng ({e})."), format!("\"{name}\" in the package is damaged ({e})."));
            return None;
        }
        total += buf.len() as u64;
        if total > max_total {
            let mb = max_total / (1024 * 1024);
            report.error(
                format!("Gói giải nén ra quá {mb} MB: bị từ chối (có thể là «bom zip»)."),
                format!("The package unpacks to more than {mb} MB: refused (possibly a zip bomb)."),
            );
            return None;
        }
        if out.insert(name.clone(), buf).is_some() {
            report.error(format!("Tệp «{name}» xuất hiện hai lần trong gói."), format!("\"{name}\" appears twice in the package."));
            return None;
        }
    }
    Some(out)
}

/// Checks the manifest and every file against it. `None` (with errors in the report) when the
/// package cannot be trusted.
fn check_package(entries: &BTreeMap<String, Vec<u8>>, report: &mut ImportReport) -> Option<Manifest> {
    let Some(raw) = entries.get("manifest.json") else {
        report.error("Gói không có tệp manifest.json.", "The package has no manifest.json.");
        return None;
    };
    let manifest: Manifest = match serde_json::from_slice(raw) {
        Ok(m) => m,
        Err(e) => {
            report.error(format!("manifest.json không đọc được ({e})."), format!("manifest.json cannot be read ({e})."));
            return None;
        }
    };
    report.source_instance = Some(manifest.source_instance.clone());
    report.source_round = Some(format!("{} — {}", manifest.round.name, manifest.round.unit_name));
    if manifest.format != PACKAGE_FORMAT || manifest.format_version != PACKAGE_VERSION {
        report.error(
            format!("Định dạng gói «{} {}» không được hỗ trợ (cần {PACKAGE_FORMAT} {PACKAGE_VERSION}).", manifest.format, manifest.format_version),
            format!("Package format \"{} {}\" is not supported (needs {PACKAGE_FORMAT} {PACKAGE_VERSION}).", manifest.format, manifest.format_version),
        );
        return None;
    }
    let mut listed = HashSet::new();
    for f in &manifest.files {
        if !safe_path(&f.path) {
            report.error(format!("manifest.json ghi đường dẫn không an toàn «{}».", f.path), format!("manifest.json lists an unsafe path \"{}\".", f.path));
            continue;
        }
        listed.insert(f.path.as_str());
        match entries.get(&f.path) {
            None => report.error(format!("Thiếu tệp «{}» mà manifest.json liệt kê.", f.path), format!("\"{}\", listed in manifest.json, is missing.", f.path)),
            Some(b) if b.len() as u64 != f.size || sha_hex(b) != f.sha256.to_lowercase() => report.error(
                format!("Tệp «{}» không khớp mã kiểm tra SHA-256 hoặc dung lượng trong manifest.json: tệp đã bị thay đổi hoặc hỏng.", f.path),
                format!("\"{}\" does not match its SHA-256 checksum or size in manifest.json: it was changed or damaged.", f.path),
            ),
            Some(_) => report.files_checked += 1,
        }
    }
    for name in entries.keys() {
        if name != "manifest.json" && !listed.contains(name.as_str()) {
            report.error(format!("Tệp «{name}» không có trong manifest.json."), format!("\"{name}\" is not listed in manifest.json."));
        }
    }
    for p in &manifest.products {
        for path in p.documents.iter().map(|d| &d.path).chain(std::iter::once(&p.result_path)) {
            if !listed.contains(path.as_str()) {
                report.error(
                    format!("Sản phẩm «{}»: tệp «{path}» không có trong danh sách tệp của manifest.json.", p.name),
                    format!("Product \"{}\": \"{path}\" is not in manifest.json's file list.", p.name),
                );
            }
        }
    }
    if manifest.products.is_empty() {
        report.error("Gói không có sản phẩm nào.", "The package has no product.");
    }
    report.errors_vi.is_empty().then_some(manifest)
}

/// A product that passed the checks, ready to be written.
struct Plan<'a> {
    product: &'a ManifestProduct,
    commune_id: i64,
    producer_id: Option<i64>,
    product_id: Option<i64>,
    group: String,
    /// (item code, file name, received) per document.
    documents: Vec<(String, String, files::Received)>,
}

fn refuse(report: &mut ImportReport, p: &ManifestProduct, vi: String, en: String) {
    report.refused.push(ReportLine {
        product: p.name.clone(),
        producer: p.producer.name.clone(),
        dossier_id: None,
        producer_created: None,
        reason_vi: Some(vi),
        reason_en: Some(en),
    });
}

/// Imports a package from another instance into the caller's round. Integrity problems refuse
/// the whole package; a product that cannot go into the round is refused on its own, with the
/// reason. What is accepted is written in one transaction, so nothing is ever half-imported.
pub async fn import_zip(db: &Db, data_dir: &Path, max_package_bytes: u64, user: &CurrentUser, meta: &RequestMeta, round_id: i64, bytes: &[u8]) -> Result<ImportReport> {
    let round = rounds::load(db, round_id).await?;
    if !rounds::may_manage(user, &round) {
        return Err(Error::NotFound);
    }
    if !round.state.accepts_registrations() {
        return Err(Error::conflict(
            "Chỉ nhập hồ sơ đề nghị vào đợt đang nhận hồ sơ. Hãy mở nhận hồ sơ cho đợt trước.",
            "Nominations can only be imported into a round that is open for registration. Open registration first.",
        ));
    }
    let mut report = ImportReport { package_sha256: sha_hex(bytes), ..Default::default() };
    if bytes.len() as u64 > max_package_bytes {
        let mb = max_package_bytes / (1024 * 1024);
        report.error(format!("Gói lớn hơn {mb} MB."), format!("The package is larger than {mb} MB."));
        return finish_refused(db, user, meta, &round, report).await;
    }
    let max_total = max_package_bytes.saturating_mul(4);
    let owned = bytes.to_vec();
    let (entries, mut report) = tokio::task::spawn_blocking(move || {
        let entries = read_entries(&owned, max_total, &mut report);
        (entries, report)
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?;
    let Some(entries) = entries else { return finish_refused(db, user, meta, &round, report).await };
    let Some(manifest) = check_package(&entries, &mut report) else { return finish_refused(db, user, meta, &round, report).await };
    if manifest.round.programme != round.programme.code() {
        report.error(
            format!("Gói thuộc chương trình «{}», khác với đợt «{}».", manifest.round.programme, round.name),
            format!("The package is for programme \"{}\", not that of \"{}\".", manifest.round.programme, round.name),
        );
        return finish_refused(db, user, meta, &round, report).await;
    }

    // Each product on its own: where it comes from, who makes it, whether the round can take it.
    let rs = rounds::rule_set_of(db, &round).await?;
    let mut plans: Vec<Plan> = Vec::new();
    let mut seen_products = HashSet::new();
    for p in &manifest.products {
        if p.forward_to != round.level.code() {
            refuse(&mut report, p, format!("Sản phẩm được đề nghị lên cấp «{}», không phải cấp của đợt này.", p.forward_to), format!("The product goes to the \"{}\" level, not this round's.", p.forward_to));
            continue;
        }
        let commune = units::by_code(db, &p.producer.commune_code).await?;
        let Some(commune) = commune.filter(|c| c.path.starts_with(&round.unit_path)) else {
            refuse(
                &mut report,
                p,
                format!("Xã «{}» ({}) không thuộc địa bàn của đợt này.", p.producer.commune_name, p.producer.commune_code),
                format!("The commune \"{}\" ({}) is not within this round's area.", p.producer.commune_name, p.producer.commune_code),
            );
            continue;
        };
        let group = match rules::check_group(&rs, "group_code", &p.group_code) {
            Ok(g) => g,
            Err(_) => {
                refuse(
                    &mut report,
                    p,
                    format!("Nhóm sản phẩm «{}» không có trong bộ tiêu chí «{}» của đợt.", p.group_code, rs.name_vi),
                    format!("The product group \"{}\" is not in the round's rule set \"{}\".", p.group_code, rs.name_en),
                );
                continue;
            }
        };
        let tax = p.producer.tax_code.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let producer_id: Option<i64> = match tax {
            Some(t) => sqlx::query("SELECT id FROM producers WHERE tax_code = $1 ORDER BY id LIMIT 1")
                .bind(t)
                .fetch_optional(db.pool())
                .await?
                .map(|r| r.try_get("id"))
                .transpose()?,
            None => None,
        };
        let product_id: Option<i64> = match producer_id {
            Some(pid) => sqlx::query("SELECT id FROM products WHERE producer_id = $1 AND programme = $2 AND name = $3 ORDER BY id LIMIT 1")
                .bind(pid)
                .bind(round.programme.code())
                .bind(&p.name)
                .fetch_optional(db.pool())
                .await?
                .map(|r| r.try_get("id"))
                .transpose()?,
            None => None,
        };
        if let Some(pid) = product_id {
            let filed: i64 = sqlx::query("SELECT COUNT(*) AS n FROM dossiers WHERE round_id = $1 AND product_id = $2")
                .bind(round.id)
                .bind(pid)
                .fetch_one(db.pool())
                .await?
                .try_get("n")?;
            if filed > 0 {
                refuse(&mut report, p, "Sản phẩm này đã có hồ sơ trong đợt.".into(), "This product already has a dossier in the round.".into());
                continue;
            }
        }
        let key = (p.producer.tax_code.clone(), p.name.clone());
        if !seen_products.insert(key) {
            refuse(&mut report, p, "Sản phẩm xuất hiện hai lần trong gói.".into(), "The product appears twice in the package.".into());
            continue;
        }
        if domain::access::ProducerType::from_code(&p.producer.producer_type).is_none() {
            refuse(&mut report, p, format!("Loại hình chủ thể «{}» không hợp lệ.", p.producer.producer_type), format!("Unknown producer type \"{}\".", p.producer.producer_type));
            continue;
        }
        // Documents: a type binhchon accepts, then into the content store (invisible until a row points at it).
        let mut documents = Vec::new();
        let mut bad = None;
        for d in &p.documents {
            let Some(b) = entries.get(&d.path) else { continue };
            let mut inc = files::Incoming::start(data_dir, u64::MAX).await?;
            inc.write(b).await?;
            match inc.finish(data_dir, &[]).await {
                Ok(r) => documents.push((d.item_code.clone(), files::clean_name(&d.file_name), r)),
                Err(_) => {
                    bad = Some(d.file_name.clone());
                    break;
                }
            }
        }
        if let Some(name) = bad {
            refuse(
                &mut report,
                p,
                format!("Tài liệu «{name}» không phải PDF, JPEG, PNG hay WebP."),
                format!("The document \"{name}\" is not a PDF, JPEG, PNG or WebP."),
            );
            continue;
        }
        plans.push(Plan { product: p, commune_id: commune.id, producer_id, product_id, group, documents });
    }

    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    let now = db::now();
    let state = intake_state(&round);
    let mut created_producers: HashMap<String, i64> = HashMap::new();
    for plan in &plans {
        let p = plan.product;
        let pr = &p.producer;
        let tax = pr.tax_code.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
        let (producer_id, created) = match (plan.producer_id, tax.as_ref().and_then(|t| created_producers.get(t))) {
            (Some(id), _) => (id, false),
            (None, Some(id)) => (*id, true),
            (None, None) => {
                let id: i64 = sqlx::query(
                    "INSERT INTO producers (name, producer_type, commune_id, registration_no, tax_code, representative, representative_title, \
                     address, phone, email, created_at, updated_at, search_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING id",
                )
                .bind(&pr.name)
                .bind(&pr.producer_type)
                .bind(plan.commune_id)
                .bind(&pr.registration_no)
                .bind(&tax)
                .bind(&pr.representative)
                .bind(&pr.representative_title)
                .bind(&pr.address)
                .bind(&pr.phone)
                .bind(&pr.email)
                .bind(&now)
                .bind(domain::text::search_key(&pr.name))
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
                audit::record(&mut tx, &actor, "producer.import", "producer", Some(&id.to_string()), None, serde_json::to_value(pr).ok()).await?;
                if let Some(t) = &tax {
                    created_producers.insert(t.clone(), id);
                }
                (id, true)
            }
        };
        let product_id = match plan.product_id {
            Some(id) => id,
            None => {
                let id: i64 = sqlx::query(
                    "INSERT INTO products (producer_id, programme, name, group_code, description, raw_materials, packaging, is_set, \
                     created_at, updated_at, search_key) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8, $9) RETURNING id",
                )
                .bind(producer_id)
                .bind(round.programme.code())
                .bind(&p.name)
                .bind(&plan.group)
                .bind(&p.description)
                .bind(&p.raw_materials)
                .bind(&p.packaging)
                .bind(&now)
                .bind(domain::text::search_key(&p.name))
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
                audit::record(&mut tx, &actor, "product.import", "product", Some(&id.to_string()), None, Some(json!({"name": p.name, "producer_id": producer_id}))).await?;
                id
            }
        };
        let dossier_id: i64 = sqlx::query(
            "INSERT INTO dossiers (round_id, product_id, producer_id, state, group_code, registration_type, previous_certificate, \
             submitted_at, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $8, $8) RETURNING id",
        )
        .bind(round.id)
        .bind(product_id)
        .bind(producer_id)
        .bind(state.code())
        .bind(&plan.group)
        .bind(domain::workflow::dossier::RegistrationType::from_code(&p.registration_type).map_or("first", |t| t.code()))
        .bind(&p.previous_certificate)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for (item, name, received) in &plan.documents {
            let file_id = files::record(&mut tx, data_dir, received).await?;
            sqlx::query("INSERT INTO dossier_files (dossier_id, item_code, file_id, file_name, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(dossier_id)
                .bind(item)
                .bind(file_id)
                .bind(name)
                .bind(&now)
                .bind(user.id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO dossier_events (dossier_id, at, actor_label, action, state_from, state_to, note) VALUES ($1, $2, $3, 'nominated', NULL, $4, $5)",
        )
        .bind(dossier_id)
        .bind(&now)
        .bind(&actor.label)
        .bind(state.code())
        .bind(format!("Nhập từ gói đề nghị của {} ({})", manifest.round.unit_name, manifest.source_instance))
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            &actor,
            "dossier.import",
            "dossier",
            Some(&dossier_id.to_string()),
            None,
            Some(json!({"round_id": round.id, "product_id": product_id, "producer_id": producer_id, "source": manifest.source_instance,
                        "source_round": manifest.round.name, "mean": p.mean_hundredths, "stars": p.stars, "files": plan.documents.len()})),
        )
        .await?;
        report.accepted.push(ReportLine {
            product: p.name.clone(),
            producer: pr.name.clone(),
            dossier_id: Some(dossier_id),
            producer_created: Some(created),
            reason_vi: None,
            reason_en: None,
        });
    }
    report.imported = !report.accepted.is_empty();
    record_import(&mut tx, user, &actor, &round, &report).await?;
    tx.commit().await?;
    Ok(report)
}

async fn record_import(tx: &mut Tx, user: &CurrentUser, actor: &Actor, round: &Round, report: &ImportReport) -> Result<()> {
    let json = serde_json::to_string(report).map_err(|e| Error::Internal(e.to_string()))?;
    let id: i64 = sqlx::query(
        "INSERT INTO nomination_imports (round_id, package_sha256, source_instance, source_round, accepted, refused, report_json, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(round.id)
    .bind(&report.package_sha256)
    .bind(report.source_instance.clone().unwrap_or_default())
    .bind(report.source_round.clone().unwrap_or_default())
    .bind(report.accepted.len() as i64)
    .bind((report.refused.len() + usize::from(!report.errors_vi.is_empty())) as i64)
    .bind(&json)
    .bind(user.id)
    .bind(db::now())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    audit::record(
        tx,
        actor,
        "nomination.import",
        "round",
        Some(&round.id.to_string()),
        None,
        Some(json!({"import": id, "sha256": report.package_sha256, "imported": report.imported, "accepted": report.accepted.len(),
                    "refused": report.refused.len(), "errors": report.errors_vi})),
    )
    .await
}

/// A refused package: only the attempt and its report are recorded.
async fn finish_refused(db: &Db, user: &CurrentUser, meta: &RequestMeta, round: &Round, mut report: ImportReport) -> Result<ImportReport> {
    report.imported = false;
    report.accepted.clear();
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    record_import(&mut tx, user, &actor, round, &report).await?;
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_safe() {
        for ok in ["manifest.json", "san-pham/01-gao/tai-lieu/a/b.pdf", "bien-ban/"] {
            assert!(safe_path(ok), "{ok}");
        }
        for bad in ["../x", "a/../../x", "/etc/passwd", "C:/x", "a\\b", "a//b", "./a", "", "a/\u{0}b"] {
            assert!(!safe_path(bad), "{bad}");
        }
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Gạo hữu cơ Bình Chánh"), "gao-huu-co-binh-chanh");
        assert_eq!(slug("Đ/../x"), "d-x");
        assert_eq!(slug("  "), "tep");
    }

    fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (n, b) in entries {
            w.start_file(*n, opts).unwrap();
            w.write_all(b).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_bomb_is_refused_by_what_it_unpacks_to() {
        let bomb = zip_of(&[("a.bin", vec![0u8; 3 * 1024 * 1024])]);
        assert!(bomb.len() < 64 * 1024, "compresses well: {}", bomb.len());
        let mut report = ImportReport::default();
        assert!(read_entries(&bomb, 1024 * 1024, &mut report).is_none());
        assert!(report.errors_en[0].contains("zip bomb"), "{report:?}");
        let mut report = ImportReport::default();
        assert!(read_entries(&bomb, 4 * 1024 * 1024, &mut report).is_some());
    }

    #[test]
    fn a_traversal_path_is_refused() {
        let z = zip_of(&[("manifest.json", b"{}".to_vec()), ("../evil.txt", b"x".to_vec())]);
        let mut report = ImportReport::default();
        assert!(read_entries(&z, 1 << 20, &mut report).is_none());
        assert!(report.errors_en[0].contains("Unsafe path"), "{report:?}");
    }
}
