//! Score sheets (phiếu chấm) and the council's board: autosave with version numbers, submit,
//! re-scoring, paper sheets, reminders, comments, and the results computed by `domain` when the
//! round is finalised.
//!
//! Every function checks the round's phase and the caller's place in the council itself; the
//! screens only mirror these checks. What a person sees of other members' numbers follows
//! `domain::council::score_view`: before deliberation a member who scores sees only their own.

use std::collections::{BTreeMap, HashMap};

use domain::{
    access::Role,
    aggregate::{self, Aggregate, QuorumCheck},
    council::{score_view, Entitlement, MemberRole, ScoreView, Viewer},
    form::ScoreForm,
    rating::{self, ProductResult},
    ruleset::RuleSet,
    sheet::{self, Answers, SheetScore},
    workflow::{
        round::RoundState,
        sheet::{self as wf, SheetAction, SheetContext, SheetState},
    },
    Points,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::{
    audit::{self, Actor},
    auth::{CurrentUser, RequestMeta},
    councils::{self, Assigned, CouncilFull, Member, Standing},
    db::{self, Db, Tx},
    error::{Error, Result},
    notify::{self, Notice},
    rounds::{self, Round},
    rules, validate,
};

/// A criterion's note may hold a short paragraph; a sheet's notes stay small.
const NOTE_MAX: usize = 2000;

fn form_of<'a>(rs: &'a RuleSet, group_code: &str) -> Result<&'a ScoreForm> {
    rs.form_for(group_code).ok_or_else(|| {
        Error::conflict(
            "Bộ quy tắc của đợt chưa có phiếu chấm cho nhóm sản phẩm này. Hãy báo văn phòng.",
            "The round's rule set has no score form for this product group. Tell the office.",
        )
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Sheet {
    /// 0 when the sheet does not exist yet (nothing saved, scoring not open).
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
    /// Entered by the secretary from a paper sheet.
    pub on_paper: bool,
    /// Why the chair asked for a re-score (while the sheet is reopened).
    pub rescore_reason: Option<String>,
    pub saved_at: Option<String>,
    pub submitted_at: Option<String>,
}

const SHEET_COLS: &str = "s.id, s.dossier_id, s.member_id, s.form_code, s.state, s.version, s.answers_json, s.notes_json, \
     s.total_hundredths, s.answered, s.on_paper, s.rescore_reason, s.saved_at, s.submitted_at";

fn sheet_from_row(r: &sqlx::any::AnyRow) -> Result<Sheet> {
    let state: String = r.try_get("state")?;
    let answers: String = r.try_get("answers_json")?;
    let notes: String = r.try_get("notes_json")?;
    Ok(Sheet {
        id: r.try_get("id")?,
        dossier_id: r.try_get("dossier_id")?,
        member_id: r.try_get("member_id")?,
        form_code: r.try_get("form_code")?,
        state: SheetState::from_code(&state).ok_or_else(|| Error::Internal(format!("sheet state {state}")))?,
        version: r.try_get("version")?,
        answers: serde_json::from_str(&answers).map_err(|e| Error::Internal(format!("sheet answers: {e}")))?,
        notes: serde_json::from_str(&notes).map_err(|e| Error::Internal(format!("sheet notes: {e}")))?,
        total: Points::from_hundredths(r.try_get("total_hundredths")?),
        answered: r.try_get("answered")?,
        on_paper: r.try_get::<i64, _>("on_paper")? != 0,
        rescore_reason: r.try_get("rescore_reason")?,
        saved_at: r.try_get("saved_at")?,
        submitted_at: r.try_get("submitted_at")?,
    })
}

fn empty_sheet(dossier_id: i64, member_id: i64, form_code: &str) -> Sheet {
    Sheet {
        id: 0,
        dossier_id,
        member_id,
        form_code: form_code.to_string(),
        state: SheetState::NotStarted,
        version: 0,
        answers: Answers::new(),
        notes: BTreeMap::new(),
        total: Points::ZERO,
        answered: 0,
        on_paper: false,
        rescore_reason: None,
        saved_at: None,
        submitted_at: None,
    }
}

async fn sheets_of_council(db: &Db, council_id: i64) -> Result<HashMap<(i64, i64), Sheet>> {
    let rows = sqlx::query(&format!(
        "SELECT {SHEET_COLS} FROM score_sheets s JOIN council_members m ON m.id = s.member_id WHERE m.council_id = $1"
    ))
    .bind(council_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = HashMap::new();
    for r in &rows {
        let s = sheet_from_row(r)?;
        out.insert((s.member_id, s.dossier_id), s);
    }
    Ok(out)
}

/// The caller's place for one product: their membership, the council and the product.
struct Seat {
    council: CouncilFull,
    member: Member,
    product: Assigned,
    entitlement: Entitlement,
}

/// The member `member_user` of the council that scores `dossier_id`.
async fn seat(db: &Db, member_user: i64, dossier_id: i64) -> Result<Seat> {
    let council_id = councils::council_of_dossier(db, dossier_id).await?.ok_or(Error::NotFound)?;
    let council = councils::load(db, council_id).await?;
    let member = council.members.iter().find(|m| m.user_id == member_user).cloned().ok_or(Error::NotFound)?;
    let product = councils::assigned_product(db, council_id, dossier_id).await?;
    let entitlement = councils::entitlement_of(db, &member, &product).await?;
    Ok(Seat { council, member, product, entitlement })
}

fn not_entitled(e: &Entitlement) -> Error {
    match e {
        Entitlement::Conflicted { .. } => Error::conflict(
            "Bạn có xung đột lợi ích với chủ thể của sản phẩm này nên không chấm sản phẩm này (trừ khi Chủ tịch hội đồng quyết định khác).",
            "You have a conflict of interest with this product's producer, so you do not score it (unless the chair decides otherwise).",
        ),
        Entitlement::Excluded => Error::conflict(
            "Văn phòng đã loại bạn khỏi việc chấm sản phẩm này.",
            "The office excluded you from scoring this product.",
        ),
        _ => Error::conflict(
            "Vai trò của bạn trong hội đồng không chấm điểm.",
            "Your role in the council does not score.",
        ),
    }
}

fn phase_error(e: domain::workflow::TransitionError) -> Error {
    Error::conflict(format!("Không thực hiện được: {e}."), format!("Not possible: {}.", e.message_en()))
}

/// One product on a judge's list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
    /// Reconciliation: the members' totals differ by more than the limit (no numbers shown).
    pub flagged: bool,
    /// The chair asked this member to score again.
    pub rescore_reason: Option<String>,
}

/// The products on the councils the caller sits on, with the state of their own sheet.
pub async fn my_products(db: &Db, user: &CurrentUser) -> Result<Vec<MyProduct>> {
    let mut out = Vec::new();
    for (c, _) in councils::mine(db, user).await? {
        let council = councils::load(db, c.id).await?;
        let Some(me) = council.member_of(user).cloned() else { continue };
        let view = score_view(council.round.state, Viewer::Member(me.role));
        let products = councils::products(db, &council).await?;
        let grid = councils::entitlements_for(db, &council, &products).await?;
        let sheets = sheets_of_council(db, c.id).await?;
        let flags = if view >= ScoreView::OwnAndFlags {
            spread_flags(db, &council, &products, &grid, &sheets).await?
        } else {
            HashMap::new()
        };
        for p in products {
            let mine = sheets.get(&(me.id, p.dossier_id));
            out.push(MyProduct {
                council_id: c.id,
                council_name: c.name.clone(),
                round_id: council.round.id,
                round_name: council.round.name.clone(),
                round_state: council.round.state,
                my_role: me.role,
                dossier_id: p.dossier_id,
                product_name: p.product_name.clone(),
                producer_name: p.producer_name.clone(),
                group_code: p.group_code.clone(),
                entitlement: grid.get(&(me.id, p.dossier_id)).cloned().unwrap_or(Entitlement::NotAScoringRole),
                sheet_state: mine.map(|s| s.state).unwrap_or(SheetState::NotStarted),
                saved_at: mine.and_then(|s| s.saved_at.clone()),
                flagged: flags.get(&p.dossier_id).is_some_and(|a| a.spread_exceeded),
                rescore_reason: mine.filter(|s| s.state == SheetState::Reopened).and_then(|s| s.rescore_reason.clone()),
            });
        }
    }
    Ok(out)
}

/// Aggregates per product from the sheets that count (submitted or locked, of entitled members).
async fn spread_flags(
    db: &Db,
    council: &CouncilFull,
    products: &[Assigned],
    grid: &HashMap<(i64, i64), Entitlement>,
    sheets: &HashMap<(i64, i64), Sheet>,
) -> Result<HashMap<i64, Aggregate<i64>>> {
    let rs = rounds::rule_set_of(db, &council.round).await?;
    let mut out = HashMap::new();
    for p in products {
        let totals = counted(council, p.dossier_id, grid, sheets).into_iter().map(|s| (s.member_id, s.total)).collect::<Vec<_>>();
        if let Some(a) = aggregate::aggregate(&totals, &rs.aggregation) {
            out.insert(p.dossier_id, a);
        }
    }
    Ok(out)
}

/// The sheets that count for a product: submitted or locked, by members entitled to score it.
fn counted<'a>(
    council: &CouncilFull,
    dossier_id: i64,
    grid: &HashMap<(i64, i64), Entitlement>,
    sheets: &'a HashMap<(i64, i64), Sheet>,
) -> Vec<&'a Sheet> {
    council
        .scorers()
        .filter(|m| grid.get(&(m.id, dossier_id)).is_some_and(Entitlement::scores))
        .filter_map(|m| sheets.get(&(m.id, dossier_id)))
        .filter(|s| s.state.counts())
        .collect()
}

/// A stored file of the dossier, for the viewer beside the form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DocumentLink {
    pub id: i64,
    pub item_code: String,
    pub item_name: String,
    pub file_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PhotoLink {
    pub id: i64,
    pub view: String,
}

/// Everything the judge's screen needs for one product.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Workspace {
    pub council_id: i64,
    pub council_name: String,
    pub round_name: String,
    pub round_state: RoundState,
    pub programme: domain::access::Programme,
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
    /// Save and submit are possible now.
    pub editable: bool,
    pub flagged: bool,
    pub documents: Vec<DocumentLink>,
    pub photos: Vec<PhotoLink>,
}

/// Opens the caller's own sheet for a product (creating it once scoring is open).
pub async fn workspace(db: &Db, user: &CurrentUser, dossier_id: i64) -> Result<Workspace> {
    let seat = seat(db, user.id, dossier_id).await?;
    if !seat.member.role.scores() {
        return Err(not_entitled(&Entitlement::NotAScoringRole));
    }
    if !seat.entitlement.scores() {
        return Err(not_entitled(&seat.entitlement));
    }
    let round = &seat.council.round;
    let rs = rounds::rule_set_of(db, round).await?;
    let form = form_of(&rs, &seat.product.group_code)?.clone();
    let mut sheet = load_sheet(db, seat.member.id, dossier_id).await?;
    if sheet.is_none() && round.state.accepts_scores() {
        create_sheet(db, seat.member.id, dossier_id, &form.code).await?;
        sheet = load_sheet(db, seat.member.id, dossier_id).await?;
    }
    let sheet = sheet.unwrap_or_else(|| empty_sheet(dossier_id, seat.member.id, &form.code));
    let ctx = SheetContext { programme: round.programme, round: round.state };
    let editable = sheet.id != 0 && wf::transition(sheet.state, SheetAction::Save, Role::Judge, ctx).is_ok();
    let view = score_view(round.state, Viewer::Member(seat.member.role));
    let flagged = if view >= ScoreView::OwnAndFlags {
        let products = vec![seat.product.clone()];
        let grid = councils::entitlements_for(db, &seat.council, &products).await?;
        let sheets = sheets_of_council(db, seat.council.council.id).await?;
        spread_flags(db, &seat.council, &products, &grid, &sheets).await?.get(&dossier_id).is_some_and(|a| a.spread_exceeded)
    } else {
        false
    };
    let (documents, photos) = documents_of(db, round, dossier_id, seat.product.product_id).await?;
    Ok(Workspace {
        council_id: seat.council.council.id,
        council_name: seat.council.council.name.clone(),
        round_name: round.name.clone(),
        round_state: round.state,
        programme: round.programme,
        my_role: seat.member.role,
        entitlement: seat.entitlement.clone(),
        dossier_id,
        product_id: seat.product.product_id,
        product_name: seat.product.product_name.clone(),
        producer_name: seat.product.producer_name.clone(),
        group_code: seat.product.group_code.clone(),
        rule_set: (*rs).clone(),
        form,
        sheet,
        editable,
        flagged,
        documents,
        photos,
    })
}

async fn documents_of(db: &Db, round: &Round, dossier_id: i64, product_id: i64) -> Result<(Vec<DocumentLink>, Vec<PhotoLink>)> {
    let docs = sqlx::query("SELECT id, item_code, file_name FROM dossier_files WHERE dossier_id = $1 ORDER BY item_code, id")
        .bind(dossier_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            let item_code: String = r.try_get("item_code")?;
            let item_name = round.checklist_item(&item_code).map(|i| i.name_vi.clone()).unwrap_or_else(|| item_code.clone());
            Ok(DocumentLink { id: r.try_get("id")?, item_code, item_name, file_name: r.try_get("file_name")? })
        })
        .collect::<Result<Vec<_>>>()?;
    let photos = sqlx::query("SELECT id, view FROM product_photos WHERE product_id = $1 ORDER BY id")
        .bind(product_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok(PhotoLink { id: r.try_get("id")?, view: r.try_get("view")? }))
        .collect::<Result<Vec<_>>>()?;
    Ok((docs, photos))
}

async fn load_sheet(db: &Db, member_id: i64, dossier_id: i64) -> Result<Option<Sheet>> {
    sqlx::query(&format!("SELECT {SHEET_COLS} FROM score_sheets s WHERE s.member_id = $1 AND s.dossier_id = $2"))
        .bind(member_id)
        .bind(dossier_id)
        .fetch_optional(db.pool())
        .await?
        .as_ref()
        .map(sheet_from_row)
        .transpose()
}

async fn create_sheet(db: &Db, member_id: i64, dossier_id: i64, form_code: &str) -> Result<()> {
    // Two tabs opening at once create it once.
    sqlx::query(
        "INSERT INTO score_sheets (dossier_id, member_id, form_code, state, version, answers_json, notes_json, total_hundredths, answered) \
         VALUES ($1, $2, $3, $4, 0, '{}', '{}', 0, 0) ON CONFLICT (dossier_id, member_id) DO NOTHING",
    )
    .bind(dossier_id)
    .bind(member_id)
    .bind(form_code)
    .bind(SheetState::NotStarted.code())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A sheet by id with the facts that decide who may write it.
struct SheetFacts {
    sheet: Sheet,
    member_user: i64,
}

async fn sheet_facts(db: &Db, sheet_id: i64) -> Result<SheetFacts> {
    let r = sqlx::query(&format!(
        "SELECT {SHEET_COLS}, m.user_id AS member_user FROM score_sheets s JOIN council_members m ON m.id = s.member_id WHERE s.id = $1"
    ))
    .bind(sheet_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(Error::NotFound)?;
    Ok(SheetFacts { sheet: sheet_from_row(&r)?, member_user: r.try_get("member_user")? })
}

/// What a save sends: the whole sheet as the judge sees it, and the version it was based on.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct SaveInput {
    pub sheet_id: i64,
    pub version: i64,
    pub answers: Answers,
    pub notes: BTreeMap<String, String>,
}

/// What the server acknowledged.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Saved {
    pub sheet_id: i64,
    pub version: i64,
    pub state: SheetState,
    pub saved_at: String,
    pub total: Points,
    pub answered: i64,
}

fn stale() -> Error {
    Error::conflict(
        "Phiếu này vừa được lưu từ một thẻ hoặc thiết bị khác, nên bản trên trang này đã cũ và không được ghi đè. Những gì bạn vừa nhập vẫn được giữ trên trang: hãy chọn «Tải bản mới nhất» để xem bản đã lưu, hoặc «Giữ bản của tôi» để lưu bản trên trang này.",
        "This sheet was just saved from another tab or device, so the copy on this page is out of date and was not written. What you entered is kept on this page: choose \"Load the latest\" to see the saved copy, or \"Keep mine\" to save this page's copy.",
    )
}

fn check_notes(form: &ScoreForm, notes: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (code, text) in notes {
        if form.find_criterion(code).is_none() {
            return Err(Error::invalid("notes", "Ghi chú gắn với một tiêu chí không có trong phiếu.", "A note belongs to a criterion that is not on the form."));
        }
        let t = text.trim();
        if t.chars().count() > NOTE_MAX {
            return Err(Error::invalid(
                "notes",
                format!("Ghi chú của tiêu chí {code} quá dài (tối đa {NOTE_MAX} ký tự)."),
                format!("The note on criterion {code} is too long (at most {NOTE_MAX} characters)."),
            ));
        }
        if !t.is_empty() {
            out.insert(code.clone(), t.to_string());
        }
    }
    Ok(out)
}

fn score_answers(form: &ScoreForm, answers: &Answers) -> Result<SheetScore> {
    sheet::score(form, answers).map_err(|e| Error::invalid("answers", format!("Phiếu chấm không hợp lệ: {e}."), format!("The sheet is not valid: {}.", e.message_en())))
}

fn unanswered_error(form: &ScoreForm, s: &SheetScore) -> Error {
    let names: Vec<String> = s
        .unanswered
        .iter()
        .take(8)
        .map(|c| form.find_criterion(c).map(|(_, cr)| format!("{} {}", cr.code, cr.name_vi)).unwrap_or_else(|| c.clone()))
        .collect();
    let more = if s.unanswered.len() > 8 { format!(" (và {} tiêu chí khác)", s.unanswered.len() - 8) } else { String::new() };
    Error::invalid(
        "answers",
        format!("Còn {} tiêu chí chưa chấm: {}{more}. Hãy chấm đủ rồi nộp phiếu.", s.unanswered.len(), names.join("; ")),
        format!("{} criteria are not scored yet: {}. Score them all, then submit.", s.unanswered.len(), s.unanswered.join(", ")),
    )
}

/// Who writes a sheet: its member, or the secretary (or office) entering a paper sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writer {
    Member,
    Paper,
}

/// Saves (autosave) or submits the caller's own sheet. The write carries the version it was
/// based on; an older version — a second tab, a device that was offline — is refused with
/// [`stale`] and changes nothing.
pub async fn save(db: &Db, user: &CurrentUser, meta: &RequestMeta, input: &SaveInput, submit: bool) -> Result<Saved> {
    let f = sheet_facts(db, input.sheet_id).await?;
    if f.member_user != user.id {
        // Another member's sheet does not exist for the caller.
        return Err(Error::NotFound);
    }
    write(db, user, meta, f.sheet, input, submit, Writer::Member).await
}

async fn write(db: &Db, user: &CurrentUser, meta: &RequestMeta, current: Sheet, input: &SaveInput, submit: bool, writer: Writer) -> Result<Saved> {
    let seat_user = match writer {
        Writer::Member => user.id,
        Writer::Paper => member_user(db, current.member_id).await?,
    };
    let seat = seat(db, seat_user, current.dossier_id).await?;
    if !seat.entitlement.scores() {
        return Err(not_entitled(&seat.entitlement));
    }
    let round = &seat.council.round;
    let ctx = SheetContext { programme: round.programme, round: round.state };
    let action = if submit { SheetAction::Submit } else { SheetAction::Save };
    let to = wf::transition(current.state, action, Role::Judge, ctx).map_err(phase_error)?;
    if current.version != input.version {
        return Err(stale());
    }
    let rs = rounds::rule_set_of(db, round).await?;
    let form = rs.form(&current.form_code).ok_or_else(|| Error::Internal(format!("form {}", current.form_code)))?;
    let score = score_answers(form, &input.answers)?;
    if submit && !score.is_complete() {
        return Err(unanswered_error(form, &score));
    }
    let notes = check_notes(form, &input.notes)?;
    let answers_json = serde_json::to_string(&input.answers).map_err(|e| Error::Internal(e.to_string()))?;
    let notes_json = serde_json::to_string(&notes).map_err(|e| Error::Internal(e.to_string()))?;
    let answered = i64::try_from(input.answers.len()).unwrap_or(i64::MAX);
    let now = db::now();
    let version = input.version + 1;
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE score_sheets SET state = $1, version = $2, answers_json = $3, notes_json = $4, total_hundredths = $5, \
         answered = $6, saved_at = $7, submitted_at = CASE WHEN $8 = 1 THEN $7 ELSE submitted_at END, \
         rescore_reason = CASE WHEN $8 = 1 THEN NULL ELSE rescore_reason END, \
         on_paper = $9, entered_by = $10 WHERE id = $11 AND version = $12",
    )
    .bind(to.code())
    .bind(version)
    .bind(&answers_json)
    .bind(&notes_json)
    .bind(score.total.hundredths())
    .bind(answered)
    .bind(&now)
    .bind(i64::from(submit))
    .bind(i64::from(writer == Writer::Paper || current.on_paper))
    .bind((writer == Writer::Paper).then_some(user.id))
    .bind(current.id)
    .bind(input.version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n != 1 {
        return Err(stale());
    }
    let what = match (writer, submit) {
        (Writer::Member, false) => "sheet.save",
        (Writer::Member, true) => "sheet.submit",
        (Writer::Paper, false) => "sheet.paper_save",
        (Writer::Paper, true) => "sheet.paper_submit",
    };
    audit::record(
        &mut tx,
        &actor,
        what,
        "score_sheet",
        Some(&current.id.to_string()),
        Some(json!({"version": current.version, "state": current.state.code(), "total": current.total.hundredths()})),
        Some(json!({"version": version, "state": to.code(), "total": score.total.hundredths(), "answers": input.answers, "notes": notes})),
    )
    .await?;
    if submit {
        history(&mut tx, current.id, version, what, to, &answers_json, &notes_json, score.total, &actor, None).await?;
    }
    tx.commit().await?;
    Ok(Saved { sheet_id: current.id, version, state: to, saved_at: now, total: score.total, answered })
}

async fn member_user(db: &Db, member_id: i64) -> Result<i64> {
    Ok(sqlx::query("SELECT user_id FROM council_members WHERE id = $1")
        .bind(member_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?
        .try_get("user_id")?)
}

#[allow(clippy::too_many_arguments)]
async fn history(
    tx: &mut Tx,
    sheet_id: i64,
    version: i64,
    event: &str,
    state: SheetState,
    answers_json: &str,
    notes_json: &str,
    total: Points,
    actor: &Actor,
    note: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sheet_versions (sheet_id, version, event, state, answers_json, notes_json, total_hundredths, actor_label, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(sheet_id)
    .bind(version)
    .bind(event)
    .bind(state.code())
    .bind(answers_json)
    .bind(notes_json)
    .bind(total.hundredths())
    .bind(&actor.label)
    .bind(note)
    .bind(db::now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The latest stored copy of the caller's own sheet (after a stale save, to compare).
pub async fn own_sheet(db: &Db, user: &CurrentUser, sheet_id: i64) -> Result<Sheet> {
    let f = sheet_facts(db, sheet_id).await?;
    if f.member_user != user.id {
        return Err(Error::NotFound);
    }
    Ok(f.sheet)
}

/// One entry of a sheet's history.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SheetVersion {
    pub version: i64,
    pub event: String,
    pub state: SheetState,
    pub total: Points,
    pub actor_label: String,
    pub note: Option<String>,
    pub at: String,
}

/// Every submitted, reopened and locked version of a sheet: for its member, and for whoever may
/// see its numbers in the current phase.
pub async fn sheet_history(db: &Db, user: &CurrentUser, sheet_id: i64) -> Result<Vec<SheetVersion>> {
    let f = sheet_facts(db, sheet_id).await?;
    if f.member_user != user.id {
        let council_id = councils::council_of_dossier(db, f.sheet.dossier_id).await?.ok_or(Error::NotFound)?;
        let (c, standing) = councils::visible(db, user, council_id).await?;
        if viewer_view(&c, standing) < ScoreView::Board {
            return Err(Error::NotFound);
        }
    }
    let rows = sqlx::query("SELECT * FROM sheet_versions WHERE sheet_id = $1 ORDER BY id").bind(sheet_id).fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| {
            let state: String = r.try_get("state")?;
            Ok(SheetVersion {
                version: r.try_get("version")?,
                event: r.try_get("event")?,
                state: SheetState::from_code(&state).unwrap_or(SheetState::Draft),
                total: Points::from_hundredths(r.try_get("total_hundredths")?),
                actor_label: r.try_get("actor_label")?,
                note: r.try_get("note")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

fn viewer_view(c: &CouncilFull, standing: Standing) -> ScoreView {
    let viewer = match standing {
        Standing::Office => Viewer::Office,
        Standing::Member(r) => Viewer::Member(r),
    };
    score_view(c.round.state, viewer)
}

/// One member's cell on the board.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cell {
    pub member_id: i64,
    pub sheet_id: Option<i64>,
    pub state: SheetState,
    pub entitlement: Entitlement,
    /// Only when the viewer may see numbers.
    pub total: Option<Points>,
    pub on_paper: bool,
    /// Farther from the median than half the spread limit, on a flagged product.
    pub outlier: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BoardRow {
    pub dossier_id: i64,
    pub product_name: String,
    pub producer_name: String,
    pub group_code: String,
    pub cells: Vec<Cell>,
    /// Only when the viewer may see numbers.
    pub stats: Option<Aggregate<i64>>,
    pub quorum: QuorumCheck,
    pub flagged: bool,
    pub finalise_note: Option<String>,
    /// What stops the product from being finalised, in words (empty: ready).
    pub blockers_vi: Vec<String>,
    pub blockers_en: Vec<String>,
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Comment {
    pub author: String,
    pub body: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Board {
    pub council: councils::Council,
    pub round_id: i64,
    pub round_name: String,
    pub round_state: RoundState,
    pub members: Vec<Member>,
    pub view: ScoreView,
    /// The caller is the office (may reopen sheets, enter paper sheets, remind).
    pub office: bool,
    pub my_role: Option<MemberRole>,
    pub spread_limit: Points,
    pub rows: Vec<BoardRow>,
}

/// The secretary's board: products × members. Numbers only for those the phase allows
/// (`score_view` ≥ Board: the office and the secretary while scoring; everyone from deliberation).
/// The chair, who scores, keeps the board's statuses, quorum and flags without numbers until then.
pub async fn board(db: &Db, user: &CurrentUser, council_id: i64) -> Result<Board> {
    let (c, standing) = councils::visible(db, user, council_id).await?;
    let view = viewer_view(&c, standing);
    let allowed = match standing {
        Standing::Office => true,
        Standing::Member(r) => r.keeps_board() || view == ScoreView::Everything,
    };
    if !allowed {
        return Err(Error::Forbidden);
    }
    let numbers = view >= ScoreView::Board;
    let flags_visible = numbers || (view >= ScoreView::OwnAndFlags);
    let rs = rounds::rule_set_of(db, &c.round).await?;
    let products = councils::products(db, &c).await?;
    let grid = councils::entitlements_for(db, &c, &products).await?;
    let sheets = sheets_of_council(db, c.council.id).await?;
    let comments = if view == ScoreView::Everything { comments_of(db, c.council.id).await? } else { HashMap::new() };
    let mut rows = Vec::new();
    for p in &products {
        let status = product_status(&c, &rs, p, &grid, &sheets);
        let cells = c
            .members
            .iter()
            .filter(|m| m.role.scores())
            .map(|m| {
                let s = sheets.get(&(m.id, p.dossier_id));
                Cell {
                    member_id: m.id,
                    sheet_id: s.map(|s| s.id),
                    state: s.map(|s| s.state).unwrap_or(SheetState::NotStarted),
                    entitlement: grid.get(&(m.id, p.dossier_id)).cloned().unwrap_or(Entitlement::NotAScoringRole),
                    total: if numbers { s.filter(|s| s.state.counts()).map(|s| s.total) } else { None },
                    on_paper: s.is_some_and(|s| s.on_paper),
                    outlier: flags_visible && status.aggregate.as_ref().is_some_and(|a| a.outliers.contains(&m.id)),
                }
            })
            .collect();
        rows.push(BoardRow {
            dossier_id: p.dossier_id,
            product_name: p.product_name.clone(),
            producer_name: p.producer_name.clone(),
            group_code: p.group_code.clone(),
            cells,
            stats: if numbers { status.aggregate.clone() } else { None },
            quorum: status.quorum,
            flagged: flags_visible && status.aggregate.as_ref().is_some_and(|a| a.spread_exceeded),
            finalise_note: p.finalise_note.clone(),
            blockers_vi: status.blockers.iter().map(|b| b.0.clone()).collect(),
            blockers_en: status.blockers.iter().map(|b| b.1.clone()).collect(),
            comments: comments.get(&p.dossier_id).cloned().unwrap_or_default(),
        });
    }
    Ok(Board {
        council: c.council.clone(),
        round_id: c.round.id,
        round_name: c.round.name.clone(),
        round_state: c.round.state,
        members: c.members.clone(),
        view,
        office: standing == Standing::Office,
        my_role: match standing {
            Standing::Member(r) => Some(r),
            Standing::Office => None,
        },
        spread_limit: rs.aggregation.spread_limit,
        rows,
    })
}

struct ProductStatus {
    aggregate: Option<Aggregate<i64>>,
    quorum: QuorumCheck,
    /// (vi, en) reasons the product cannot be finalised yet.
    blockers: Vec<(String, String)>,
}

/// Quorum, statistics and what blocks finalisation, for one product. The chair counts as present
/// when they submitted; when the chair may not score this product (a conflict, an exclusion), a
/// vice-chair who submitted presides in their place.
fn product_status(
    c: &CouncilFull,
    rs: &RuleSet,
    p: &Assigned,
    grid: &HashMap<(i64, i64), Entitlement>,
    sheets: &HashMap<(i64, i64), Sheet>,
) -> ProductStatus {
    let entitled: Vec<&Member> = c.scorers().filter(|m| grid.get(&(m.id, p.dossier_id)).is_some_and(Entitlement::scores)).collect();
    let counted = counted(c, p.dossier_id, grid, sheets);
    let submitted_by = |m: &Member| counted.iter().any(|s| s.member_id == m.id);
    let chair_present = match c.chair() {
        Some(ch) if entitled.iter().any(|m| m.id == ch.id) => submitted_by(ch),
        _ => entitled.iter().any(|m| m.role == MemberRole::ViceChair && submitted_by(m)),
    };
    let quorum = aggregate::quorum(
        u32::try_from(entitled.len()).unwrap_or(u32::MAX),
        u32::try_from(counted.len()).unwrap_or(u32::MAX),
        chair_present,
        &rs.aggregation,
    );
    let totals: Vec<(i64, Points)> = counted.iter().map(|s| (s.member_id, s.total)).collect();
    let agg = aggregate::aggregate(&totals, &rs.aggregation);
    let mut blockers = Vec::new();
    if agg.is_none() {
        blockers.push(("Chưa có phiếu nào được nộp.".to_string(), "No sheet has been submitted.".to_string()));
    }
    if !quorum.met && p.finalise_note.is_none() {
        blockers.push((
            format!(
                "Chưa đủ số thành viên nộp phiếu: {}/{} (cần {}{}).",
                quorum.submitted,
                quorum.entitled,
                quorum.required,
                if quorum.chair_required && !quorum.chair_present { ", có Chủ tịch hoặc Phó Chủ tịch chủ trì" } else { "" }
            ),
            format!(
                "Not enough members have submitted: {}/{} (needs {}{}).",
                quorum.submitted,
                quorum.entitled,
                quorum.required,
                if quorum.chair_required && !quorum.chair_present { ", with the chair or a presiding vice-chair" } else { "" }
            ),
        ));
    }
    if agg.as_ref().is_some_and(|a| a.spread_exceeded) && p.finalise_note.is_none() {
        blockers.push((
            format!("Điểm của các thành viên chênh lệch quá {} điểm: cần chấm lại hoặc Chủ tịch ghi lý do.", rs.aggregation.spread_limit.format_vi_compact()),
            format!("Members' totals differ by more than {} points: re-score, or the chair records why.", rs.aggregation.spread_limit.format_en_compact()),
        ));
    }
    ProductStatus { aggregate: agg, quorum, blockers }
}

async fn comments_of(db: &Db, council_id: i64) -> Result<HashMap<i64, Vec<Comment>>> {
    let rows = sqlx::query(
        "SELECT c.dossier_id, c.body, c.created_at, u.full_name FROM council_comments c JOIN users u ON u.id = c.user_id \
         JOIN council_dossiers cd ON cd.dossier_id = c.dossier_id WHERE cd.council_id = $1 ORDER BY c.id",
    )
    .bind(council_id)
    .fetch_all(db.pool())
    .await?;
    let mut out: HashMap<i64, Vec<Comment>> = HashMap::new();
    for r in rows {
        out.entry(r.try_get("dossier_id")?).or_default().push(Comment {
            author: r.try_get("full_name")?,
            body: r.try_get("body")?,
            at: r.try_get("created_at")?,
        });
    }
    Ok(out)
}

/// A member's full sheet as the board opens it (numbers only when the phase allows).
pub async fn board_sheet(db: &Db, user: &CurrentUser, sheet_id: i64) -> Result<(Sheet, ScoreForm, String)> {
    let f = sheet_facts(db, sheet_id).await?;
    let council_id = councils::council_of_dossier(db, f.sheet.dossier_id).await?.ok_or(Error::NotFound)?;
    let (c, standing) = councils::visible(db, user, council_id).await?;
    if f.member_user != user.id && viewer_view(&c, standing) < ScoreView::Board {
        return Err(Error::NotFound);
    }
    let rs = rounds::rule_set_of(db, &c.round).await?;
    let form = rs.form(&f.sheet.form_code).cloned().ok_or_else(|| Error::Internal("form".into()))?;
    let name = c.members.iter().find(|m| m.id == f.sheet.member_id).map(|m| m.full_name.clone()).unwrap_or_default();
    Ok((f.sheet, form, name))
}

/// The chair (or the office) asks named members to score a flagged product again: their
/// submitted sheets reopen, keeping the submitted version in the history.
pub async fn request_rescore(db: &Db, user: &CurrentUser, meta: &RequestMeta, dossier_id: i64, member_ids: &[i64], reason: &str) -> Result<usize> {
    let council_id = councils::council_of_dossier(db, dossier_id).await?.ok_or(Error::NotFound)?;
    let (c, standing) = councils::visible(db, user, council_id).await?;
    let allowed = matches!(standing, Standing::Office | Standing::Member(MemberRole::Chair));
    if !allowed {
        return Err(Error::conflict(
            "Chỉ Chủ tịch hội đồng (hoặc văn phòng theo ý kiến Chủ tịch) mới yêu cầu chấm lại.",
            "Only the chair (or the office on the chair's word) may ask for a re-score.",
        ));
    }
    if c.round.state != RoundState::Reconciliation {
        return Err(Error::conflict(
            "Chỉ yêu cầu chấm lại trong bước rà soát chênh lệch.",
            "Re-scoring can be requested only during reconciliation.",
        ));
    }
    let reason = validate::text("reason", "lý do chấm lại", "reason", reason, 1000)?;
    if member_ids.is_empty() {
        return Err(Error::invalid("members", "Hãy chọn thành viên cần chấm lại.", "Choose the members who should re-score."));
    }
    let sheets = sheets_of_council(db, council_id).await?;
    let ctx = SheetContext { programme: c.round.programme, round: c.round.state };
    let office_role = rules::office_role(c.round.programme);
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut reopened = Vec::new();
    let mut tx = db.begin().await?;
    for mid in member_ids {
        let s = sheets.get(&(*mid, dossier_id)).ok_or_else(|| {
            Error::invalid("members", "Thành viên được chọn chưa nộp phiếu cho sản phẩm này.", "A chosen member has not submitted a sheet for this product.")
        })?;
        // The chair decides; the office role is the one the workflow gives this step to.
        let to = wf::transition(s.state, SheetAction::Reopen, office_role, ctx).map_err(phase_error)?;
        let version = s.version + 1;
        let n = sqlx::query("UPDATE score_sheets SET state = $1, version = $2, rescore_reason = $3 WHERE id = $4 AND version = $5")
            .bind(to.code())
            .bind(version)
            .bind(&reason)
            .bind(s.id)
            .bind(s.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n != 1 {
            return Err(stale());
        }
        let answers_json = serde_json::to_string(&s.answers).map_err(|e| Error::Internal(e.to_string()))?;
        let notes_json = serde_json::to_string(&s.notes).map_err(|e| Error::Internal(e.to_string()))?;
        history(&mut tx, s.id, version, "reopen", to, &answers_json, &notes_json, s.total, &actor, Some(&reason)).await?;
        audit::record(
            &mut tx,
            &actor,
            "sheet.reopen",
            "score_sheet",
            Some(&s.id.to_string()),
            Some(json!({"state": s.state.code(), "version": s.version})),
            Some(json!({"state": to.code(), "version": version, "reason": reason})),
        )
        .await?;
        if let Some(m) = c.members.iter().find(|m| m.id == *mid) {
            reopened.push(m.user_id);
        }
    }
    let product = councils::assigned_product(db, c.council.id, dossier_id).await?;
    let n = Notice {
        kind: "sheet.rescore".into(),
        title_vi: format!("Đề nghị chấm lại: {}", product.product_name),
        title_en: format!("Please re-score: {}", product.product_name),
        body_vi: format!("Chủ tịch hội đồng đề nghị bạn chấm lại sản phẩm «{}». Lý do: {reason}", product.product_name),
        body_en: format!("The chair asks you to score \"{}\" again. Reason: {reason}", product.product_name),
        link: Some(format!("/judge/products/{dossier_id}")),
    };
    notify::to_users(&mut tx, &reopened, &n).await?;
    tx.commit().await?;
    Ok(reopened.len())
}

/// The secretary (or the office) enters a member's paper sheet for them: marked as paper and
/// audited under the secretary's name.
pub async fn paper_entry(db: &Db, user: &CurrentUser, meta: &RequestMeta, member_id: i64, dossier_id: i64, version: i64, answers: &Answers, notes: &BTreeMap<String, String>, submit: bool) -> Result<Saved> {
    let council_id = councils::council_of_dossier(db, dossier_id).await?.ok_or(Error::NotFound)?;
    let (c, standing) = councils::visible(db, user, council_id).await?;
    if !matches!(standing, Standing::Office | Standing::Member(MemberRole::Secretary)) {
        return Err(Error::conflict(
            "Chỉ Thư ký hội đồng hoặc văn phòng mới nhập phiếu giấy thay thành viên.",
            "Only the secretary or the office may enter a paper sheet for a member.",
        ));
    }
    let member = c.members.iter().find(|m| m.id == member_id).ok_or(Error::NotFound)?;
    if member.user_id == user.id {
        return Err(Error::conflict("Hãy chấm phiếu của chính bạn ở màn hình chấm điểm.", "Score your own sheet on the scoring screen."));
    }
    let product = councils::assigned_product(db, c.council.id, dossier_id).await?;
    let rs = rounds::rule_set_of(db, &c.round).await?;
    let form = form_of(&rs, &product.group_code)?;
    if load_sheet(db, member_id, dossier_id).await?.is_none() {
        if !c.round.state.accepts_scores() {
            return Err(phase_error(
                wf::transition(SheetState::NotStarted, SheetAction::Save, Role::Judge, SheetContext { programme: c.round.programme, round: c.round.state })
                    .err()
                    .unwrap_or(domain::workflow::TransitionError::RoundPhase { action: SheetAction::Save.label(), round: c.round.state.label() }),
            ));
        }
        create_sheet(db, member_id, dossier_id, &form.code).await?;
    }
    let current = load_sheet(db, member_id, dossier_id).await?.ok_or(Error::NotFound)?;
    let input = SaveInput { sheet_id: current.id, version, answers: answers.clone(), notes: notes.clone() };
    write(db, user, meta, current, &input, submit, Writer::Paper).await
}

/// The current sheet of a member for paper entry (state, version, answers).
pub async fn paper_sheet(db: &Db, user: &CurrentUser, member_id: i64, dossier_id: i64) -> Result<(Sheet, ScoreForm, RuleSet)> {
    let council_id = councils::council_of_dossier(db, dossier_id).await?.ok_or(Error::NotFound)?;
    let (c, standing) = councils::visible(db, user, council_id).await?;
    if !matches!(standing, Standing::Office | Standing::Member(MemberRole::Secretary)) {
        return Err(Error::Forbidden);
    }
    let product = councils::assigned_product(db, c.council.id, dossier_id).await?;
    let rs = rounds::rule_set_of(db, &c.round).await?;
    let form = form_of(&rs, &product.group_code)?.clone();
    if !c.members.iter().any(|m| m.id == member_id && m.role.scores()) {
        return Err(Error::NotFound);
    }
    let sheet = load_sheet(db, member_id, dossier_id).await?.unwrap_or_else(|| empty_sheet(dossier_id, member_id, &form.code));
    Ok((sheet, form, (*rs).clone()))
}

/// Reminds every member who still has a sheet to submit; returns how many were reminded.
pub async fn remind(db: &Db, user: &CurrentUser, meta: &RequestMeta, council_id: i64) -> Result<usize> {
    let (c, standing) = councils::visible(db, user, council_id).await?;
    if !matches!(standing, Standing::Office | Standing::Member(MemberRole::Secretary) | Standing::Member(MemberRole::Chair)) {
        return Err(Error::Forbidden);
    }
    if !c.round.state.accepts_scores() {
        return Err(Error::conflict("Đợt không ở bước chấm điểm.", "The round is not in a scoring phase."));
    }
    let products = councils::products(db, &c).await?;
    let grid = councils::entitlements_for(db, &c, &products).await?;
    let sheets = sheets_of_council(db, council_id).await?;
    let mut pending: BTreeMap<i64, usize> = BTreeMap::new();
    for m in c.scorers() {
        for p in &products {
            let entitled = grid.get(&(m.id, p.dossier_id)).is_some_and(Entitlement::scores);
            let done = sheets.get(&(m.id, p.dossier_id)).is_some_and(|s| s.state.counts());
            if entitled && !done {
                *pending.entry(m.user_id).or_default() += 1;
            }
        }
    }
    let mut tx = db.begin().await?;
    for (user_id, n) in &pending {
        let notice = Notice {
            kind: "sheet.reminder".into(),
            title_vi: format!("Nhắc nộp phiếu chấm: còn {n} sản phẩm"),
            title_en: format!("Reminder: {n} score sheets to submit"),
            body_vi: format!("Bạn còn {n} sản phẩm của «{}» chưa nộp phiếu chấm.", c.council.name),
            body_en: format!("You have {n} products of \"{}\" without a submitted sheet.", c.council.name),
            link: Some("/judge".into()),
        };
        notify::to_users(&mut tx, &[*user_id], &notice).await?;
    }
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "council.remind",
        "council",
        Some(&council_id.to_string()),
        None,
        Some(json!({"members": pending.keys().collect::<Vec<_>>()})),
    )
    .await?;
    tx.commit().await?;
    Ok(pending.len())
}

/// A member (or the secretary) comments on a product while the council deliberates.
pub async fn comment(db: &Db, user: &CurrentUser, meta: &RequestMeta, dossier_id: i64, body: &str) -> Result<()> {
    let council_id = councils::council_of_dossier(db, dossier_id).await?.ok_or(Error::NotFound)?;
    let (c, standing) = councils::visible(db, user, council_id).await?;
    let member = matches!(standing, Standing::Member(r) if r != MemberRole::Support);
    if !member {
        return Err(Error::Forbidden);
    }
    if c.round.state != RoundState::Deliberation {
        return Err(Error::conflict("Chỉ thảo luận khi hội đồng đang ở bước thảo luận.", "Comments are open only during deliberation."));
    }
    let body = validate::text("body", "ý kiến", "comment", body, 2000)?;
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO council_comments (dossier_id, user_id, body, created_at) VALUES ($1, $2, $3, $4)")
        .bind(dossier_id)
        .bind(user.id)
        .bind(&body)
        .bind(db::now())
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, &user.actor(meta.ip.clone(), meta.request_id.clone()), "council.comment", "dossier", Some(&dossier_id.to_string()), None, Some(json!({"body": body})))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Before scoring opens: every accepted dossier is with a council that has a chair and members
/// who score.
pub async fn check_ready_to_score(db: &Db, round: &Round) -> Result<()> {
    let products = councils::round_products(db, round.id).await?;
    if products.is_empty() {
        return Err(Error::conflict("Đợt chưa có hồ sơ nào được tiếp nhận hợp lệ để chấm.", "The round has no accepted dossier to score."));
    }
    let unassigned = products.iter().filter(|p| p.council_id.is_none()).count();
    if unassigned > 0 {
        return Err(Error::conflict(
            format!("Còn {unassigned} hồ sơ hợp lệ chưa phân công cho hội đồng nào. Hãy phân công trước khi mở chấm điểm."),
            format!("{unassigned} accepted dossiers are not assigned to a council. Assign them before opening scoring."),
        ));
    }
    let mut ids: Vec<i64> = products.iter().filter_map(|p| p.council_id).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let c = councils::load(db, id).await?;
        if c.chair().is_none() || c.scorers().count() < 2 {
            return Err(Error::conflict(
                format!("Hội đồng «{}» cần có Chủ tịch và ít nhất hai thành viên chấm điểm.", c.council.name),
                format!("Council \"{}\" needs a chair and at least two members who score.", c.council.name),
            ));
        }
    }
    Ok(())
}

/// A product's result as stored at finalisation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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

/// Finalises every product of the round inside the round's own transaction: checks quorum and
/// spread (or the chair's recorded reason), computes the results with `domain`, stores them and
/// locks the sheets. Any product that cannot be finalised stops the whole step.
pub async fn finalise_round(db: &Db, tx: &mut Tx, round: &Round, actor: &Actor) -> Result<usize> {
    let rs = rounds::rule_set_of(db, round).await?;
    let products = councils::round_products(db, round.id).await?;
    let mut problems_vi = Vec::new();
    let mut problems_en = Vec::new();
    let mut results = Vec::new();
    let mut by_council: BTreeMap<i64, Vec<Assigned>> = BTreeMap::new();
    for p in products.iter().filter(|p| p.council_id.is_some()) {
        by_council.entry(p.council_id.unwrap_or_default()).or_default().push(p.clone());
    }
    for (council_id, products) in &by_council {
        let c = councils::load(db, *council_id).await?;
        let grid = councils::entitlements_for(db, &c, products).await?;
        let sheets = sheets_of_council(db, *council_id).await?;
        for p in products {
            let status = product_status(&c, &rs, p, &grid, &sheets);
            if !status.blockers.is_empty() {
                problems_vi.push(format!("«{}»: {}", p.product_name, status.blockers.iter().map(|b| b.0.as_str()).collect::<Vec<_>>().join(" ")));
                problems_en.push(format!("\"{}\": {}", p.product_name, status.blockers.iter().map(|b| b.1.as_str()).collect::<Vec<_>>().join(" ")));
                continue;
            }
            let form = form_of(&rs, &p.group_code)?;
            let mut scored = Vec::new();
            for s in counted(&c, p.dossier_id, &grid, &sheets) {
                scored.push((s.member_id, score_answers(form, &s.answers)?));
            }
            let result = rating::evaluate(&rs, form, round.level, &scored)
                .map_err(|e| Error::conflict(format!("«{}»: {e}", p.product_name), format!("\"{}\": {e:?}", p.product_name)))?;
            let to_lock: Vec<Sheet> = counted(&c, p.dossier_id, &grid, &sheets).into_iter().cloned().collect();
            results.push((p.clone(), *council_id, result, to_lock));
        }
    }
    if !problems_vi.is_empty() {
        return Err(Error::conflict(
            format!("Chưa chốt được kết quả: {}", problems_vi.join(" · ")),
            format!("Results cannot be finalised yet: {}", problems_en.join(" · ")),
        ));
    }
    let now = db::now();
    let ctx = SheetContext { programme: round.programme, round: RoundState::Finalised };
    let office_role = rules::office_role(round.programme);
    for (p, council_id, result, sheets) in &results {
        let stars = result.outcome.stars;
        sqlx::query(
            "INSERT INTO product_results (dossier_id, round_id, council_id, sheets, mean_hundredths, stars, outcome, result_json, finalised_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(p.dossier_id)
        .bind(round.id)
        .bind(council_id)
        .bind(i64::from(result.aggregate.n))
        .bind(result.aggregate.mean.to_hundredths().hundredths())
        .bind(stars.map(i64::from))
        .bind(result.outcome.kind.code())
        .bind(serde_json::to_string(result).map_err(|e| Error::Internal(e.to_string()))?)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
        for s in sheets {
            let to = wf::transition(s.state, SheetAction::Lock, office_role, ctx).unwrap_or(SheetState::Locked);
            sqlx::query("UPDATE score_sheets SET state = $1, version = version + 1 WHERE id = $2")
                .bind(to.code())
                .bind(s.id)
                .execute(&mut **tx)
                .await?;
            let answers_json = serde_json::to_string(&s.answers).map_err(|e| Error::Internal(e.to_string()))?;
            let notes_json = serde_json::to_string(&s.notes).map_err(|e| Error::Internal(e.to_string()))?;
            history(tx, s.id, s.version + 1, "lock", to, &answers_json, &notes_json, s.total, actor, None).await?;
        }
        audit::record(
            tx,
            actor,
            "result.finalise",
            "dossier",
            Some(&p.dossier_id.to_string()),
            None,
            Some(json!({"mean": result.aggregate.mean.to_hundredths().hundredths(), "stars": stars, "outcome": result.outcome.kind.code(), "sheets": result.aggregate.n})),
        )
        .await?;
    }
    Ok(results.len())
}

/// The results of a finalised round, by council, with each member's total (the minutes).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Minutes {
    pub council: councils::Council,
    pub round_name: String,
    pub round_level: domain::access::AdminLevel,
    pub programme: domain::access::Programme,
    pub rule_set_name: String,
    pub members: Vec<Member>,
    pub rows: Vec<MinutesRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MinutesRow {
    pub dossier_id: i64,
    pub product_name: String,
    pub producer_name: String,
    pub group_code: String,
    /// Each scoring member's total, or `None` when no sheet of theirs counted.
    pub totals: Vec<(i64, Option<Points>)>,
    pub result: StoredResult,
    pub finalise_note: Option<String>,
}

pub async fn minutes(db: &Db, user: &CurrentUser, council_id: i64) -> Result<Minutes> {
    let (c, standing) = councils::visible(db, user, council_id).await?;
    if matches!(standing, Standing::Member(MemberRole::Support)) {
        return Err(Error::Forbidden);
    }
    minutes_of(db, &c).await
}

/// The minutes of a council, for a caller already allowed to read them (its office, its
/// members, or the next level's office that received the round's nomination).
pub async fn minutes_of(db: &Db, c: &councils::CouncilFull) -> Result<Minutes> {
    let council_id = c.council.id;
    if !matches!(c.round.state, RoundState::Finalised | RoundState::Published | RoundState::Archived) {
        return Err(Error::conflict("Biên bản có khi kết quả của đợt đã được chốt.", "The minutes exist once the round's results are final."));
    }
    let products = councils::products(db, c).await?;
    let sheets = sheets_of_council(db, council_id).await?;
    let stored = results_of_round(db, c.round.id).await?;
    let mut rows = Vec::new();
    for p in products {
        let Some(result) = stored.get(&p.dossier_id).cloned() else { continue };
        // Finalisation locked exactly the sheets it counted. A submitted sheet of a member who
        // may not score the product (a conflict, an exclusion) stays submitted and is not printed
        // beside a mean it took no part in.
        let totals = c
            .scorers()
            .map(|m| (m.id, sheets.get(&(m.id, p.dossier_id)).filter(|s| s.state == SheetState::Locked).map(|s| s.total)))
            .collect();
        rows.push(MinutesRow {
            dossier_id: p.dossier_id,
            product_name: p.product_name,
            producer_name: p.producer_name,
            group_code: p.group_code,
            totals,
            result,
            finalise_note: p.finalise_note,
        });
    }
    let rs = rounds::rule_set_of(db, &c.round).await?;
    Ok(Minutes {
        council: c.council.clone(),
        round_name: c.round.name.clone(),
        round_level: c.round.level,
        programme: c.round.programme,
        rule_set_name: rs.name_vi.clone(),
        members: c.members.clone(),
        rows,
    })
}

/// The sheets finalisation counted (locked) in a round, for the exports.
pub async fn locked_sheets_of_round(db: &Db, round_id: i64) -> Result<Vec<Sheet>> {
    let rows = sqlx::query(&format!(
        "SELECT {SHEET_COLS} FROM score_sheets s JOIN council_members m ON m.id = s.member_id \
         JOIN councils c ON c.id = m.council_id WHERE c.round_id = $1 AND s.state = $2"
    ))
    .bind(round_id)
    .bind(SheetState::Locked.code())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(sheet_from_row).collect()
}

pub async fn results_of_round(db: &Db, round_id: i64) -> Result<HashMap<i64, StoredResult>> {
    let rows = sqlx::query("SELECT * FROM product_results WHERE round_id = $1").bind(round_id).fetch_all(db.pool()).await?;
    let mut out = HashMap::new();
    for r in rows {
        let json: String = r.try_get("result_json")?;
        let dossier_id: i64 = r.try_get("dossier_id")?;
        out.insert(
            dossier_id,
            StoredResult {
                dossier_id,
                council_id: r.try_get("council_id")?,
                sheets: r.try_get("sheets")?,
                mean: Points::from_hundredths(r.try_get("mean_hundredths")?),
                stars: r.try_get::<Option<i64>, _>("stars")?.and_then(|s| u8::try_from(s).ok()),
                outcome: r.try_get("outcome")?,
                result: serde_json::from_str(&json).map_err(|e| Error::Internal(format!("result: {e}")))?,
                finalised_at: r.try_get("finalised_at")?,
            },
        );
    }
    Ok(out)
}
