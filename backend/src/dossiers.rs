//! Dossiers (hồ sơ đăng ký): one product in one round. The producer fills the checklist with
//! documents, declares and submits; the commune confirms where the rule set asks for it; the
//! office requests supplements, accepts or rejects. Every step follows
//! `domain::workflow::dossier`, is audited, appears on the dossier's timeline and notifies the
//! people concerned.

use std::path::Path;

use chrono::NaiveDate;
use domain::{
    access::Role,
    ruleset::{ChecklistItem, ItemKind},
    workflow::dossier::{self as wf, DossierAction, DossierContext, DossierState, RegistrationType},
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::{
    audit::{self, Actor},
    auth::{CurrentUser, RequestMeta},
    db::{self, Db, Tx},
    error::{Error, Result},
    files::{self, Received},
    notify::{self, Notice},
    producers, products,
    rounds::{self, today_vn, Round},
    rules, validate,
};

/// The facts that decide who may see and act on a dossier.
#[derive(Debug, Clone)]
pub struct DossierRef {
    pub id: i64,
    pub round: Round,
    pub product_id: i64,
    pub producer_id: i64,
    pub commune_path: String,
    pub state: DossierState,
    pub version: i64,
    /// Members (and support team) of the council that scores the dossier: they read it.
    pub council_readers: Vec<i64>,
}

pub async fn dossier_ref(db: &Db, id: i64) -> Result<DossierRef> {
    let r = sqlx::query(
        "SELECT d.id, d.round_id, d.product_id, d.producer_id, d.state, d.version, u.path FROM dossiers d \
         JOIN producers p ON p.id = d.producer_id JOIN admin_units u ON u.id = p.commune_id WHERE d.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(Error::NotFound)?;
    let state: String = r.try_get("state")?;
    Ok(DossierRef {
        id,
        round: rounds::load(db, r.try_get("round_id")?).await?,
        product_id: r.try_get("product_id")?,
        producer_id: r.try_get("producer_id")?,
        commune_path: r.try_get("path")?,
        state: DossierState::from_code(&state).ok_or_else(|| Error::Internal(format!("dossier state {state}")))?,
        version: r.try_get("version")?,
        council_readers: crate::councils::dossier_readers(db, id).await?,
    })
}

/// The role the caller acts in on this dossier, if any: its producer, the round's office, or
/// the producer's commune (only where the rule set has the commune check dossiers).
pub fn acting_role(user: &CurrentUser, d: &DossierRef) -> Option<Role> {
    if user.has_role(Role::Producer) && user.producer_ids.contains(&d.producer_id) {
        Some(Role::Producer)
    } else if rounds::may_manage(user, &d.round) {
        Some(rules::office_role(d.round.programme))
    } else if d.round.commune_precheck && d.state != DossierState::Draft && user.covers(Role::CommuneOfficer, &d.commune_path) {
        Some(Role::CommuneOfficer)
    } else if d.council_readers.contains(&user.id) {
        Some(Role::Judge)
    } else {
        None
    }
}

/// A dossier the caller may not see does not exist for them (ids cannot be probed).
pub async fn visible(db: &Db, user: &CurrentUser, id: i64) -> Result<(DossierRef, Role)> {
    let d = dossier_ref(db, id).await?;
    match acting_role(user, &d) {
        Some(role) => Ok((d, role)),
        None => Err(Error::NotFound),
    }
}

fn context(d: &DossierRef) -> DossierContext {
    DossierContext { programme: d.round.programme, commune_precheck: d.round.commune_precheck, round: d.round.state }
}

fn stale() -> Error {
    Error::conflict(
        "Hồ sơ đã được thay đổi ở nơi khác (một thẻ khác hoặc người khác) sau khi bạn mở trang. Hãy tải lại trang để xem bản mới nhất rồi làm lại.",
        "The dossier was changed elsewhere (another tab or person) after you opened this page. Reload the page to see the latest version, then try again.",
    )
}

fn check_version(d: &DossierRef, version: i64) -> Result<()> {
    if d.version != version {
        return Err(stale());
    }
    Ok(())
}

/// Raises the version of a dossier that still has `version`; refuses when someone got there first.
async fn bump(tx: &mut Tx, id: i64, version: i64) -> Result<()> {
    let n = sqlx::query("UPDATE dossiers SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3")
        .bind(db::now())
        .bind(id)
        .bind(version)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n != 1 {
        return Err(stale());
    }
    Ok(())
}

async fn event(tx: &mut Tx, id: i64, actor: &Actor, action: &str, from: Option<DossierState>, to: Option<DossierState>, note: Option<&str>) -> Result<()> {
    sqlx::query(
        "INSERT INTO dossier_events (dossier_id, at, actor_label, action, state_from, state_to, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(db::now())
    .bind(&actor.label)
    .bind(action)
    .bind(from.map(|s| s.code()))
    .bind(to.map(|s| s.code()))
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn registration_type(s: &str) -> Result<RegistrationType> {
    RegistrationType::from_code(s.trim()).ok_or_else(|| {
        Error::invalid("registration_type", "Hãy chọn hình thức đăng ký.", "Choose the kind of registration.")
    })
}

fn previous_certificate(t: RegistrationType, s: &str) -> Result<Option<String>> {
    let v = validate::optional_text("previous_certificate", "số giấy chứng nhận", "certificate number", s, 80)?;
    if t != RegistrationType::First && v.is_none() {
        return Err(Error::invalid(
            "previous_certificate",
            "Nâng hạng hoặc đánh giá lại: hãy ghi số giấy chứng nhận (hoặc quyết định công nhận) đang có của sản phẩm.",
            "For an upgrade or re-evaluation, enter the number of the product's current certificate (or recognition decision).",
        ));
    }
    Ok(if t == RegistrationType::First { None } else { v })
}

#[derive(Debug, Clone, Default)]
pub struct NewDossier {
    pub round_id: i64,
    pub product_id: i64,
    pub registration_type: String,
    pub previous_certificate: String,
    /// The product group in the round's rule set; empty: the product's own, when the rule set has it.
    pub group_code: String,
    /// A re-evaluation started from a certificate (`results::start_reevaluation`) names it.
    pub certificate_id: Option<i64>,
}

/// A producer starts a dossier for one of its products in a round that is open for filing.
pub async fn create(db: &Db, user: &CurrentUser, meta: &RequestMeta, input: &NewDossier) -> Result<i64> {
    let producer_id = producers::own_producer(user)?;
    let round = rounds::load(db, input.round_id).await.map_err(|e| match e {
        Error::NotFound => Error::invalid("round_id", "Hãy chọn đợt đang nhận hồ sơ.", "Choose a round that is open."),
        e => e,
    })?;
    let profile = producers::load(db, producer_id).await?;
    if !profile.commune_path.starts_with(&round.unit_path) {
        return Err(Error::invalid("round_id", "Đợt này không nhận hồ sơ từ địa bàn của bạn.", "This round does not take dossiers from your area."));
    }
    if !round.filing_open() {
        return Err(Error::conflict(
            format!("Đợt «{}» không còn nhận hồ sơ (hạn nộp: {}). Hãy liên hệ văn phòng nếu cần.", round.name, domain::text::date_vi(round.registration_closes)),
            format!("The round \"{}\" is not taking dossiers (deadline: {}). Contact the office if needed.", round.name, round.registration_closes),
        ));
    }
    let product = products::editable(db, user, input.product_id).await.map_err(|_| {
        Error::invalid("product_id", "Hãy chọn một sản phẩm của bạn.", "Choose one of your products.")
    })?;
    if product.programme != round.programme {
        return Err(Error::invalid(
            "product_id",
            "Sản phẩm này thuộc chương trình khác với đợt đã chọn.",
            "This product belongs to another programme than the round.",
        ));
    }
    let rt = registration_type(&input.registration_type)?;
    let prev = previous_certificate(rt, &input.previous_certificate)?;
    let rs = rounds::rule_set_of(db, &round).await?;
    let own_group: Option<String> = sqlx::query("SELECT group_code FROM products WHERE id = $1")
        .bind(product.id)
        .fetch_one(db.pool())
        .await?
        .try_get("group_code")?;
    let group = match input.group_code.trim() {
        "" => own_group.unwrap_or_default(),
        g => g.to_string(),
    };
    let group = rules::check_group(&rs, "group_code", &group)?;

    let now = db::now();
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO dossiers (round_id, product_id, producer_id, state, group_code, registration_type, previous_certificate, \
         version, created_at, updated_at, certificate_id) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, $9) RETURNING id",
    )
    .bind(round.id)
    .bind(product.id)
    .bind(producer_id)
    .bind(DossierState::Draft.code())
    .bind(&group)
    .bind(rt.code())
    .bind(&prev)
    .bind(&now)
    .bind(input.certificate_id)
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(r) => r.try_get("id")?,
        Err(e) => {
            let e = Error::from(e);
            if e.is_unique_violation() {
                return Err(Error::conflict(
                    "Sản phẩm này đã có hồ sơ trong đợt này. Hãy mở hồ sơ đó trong mục «Hồ sơ của tôi».",
                    "This product already has a dossier in this round. Open it under \"My dossiers\".",
                ));
            }
            return Err(e);
        }
    };
    audit::record(
        &mut tx,
        &actor,
        "dossier.create",
        "dossier",
        Some(&id.to_string()),
        None,
        Some(json!({"round_id": round.id, "product_id": product.id, "group_code": group, "registration_type": rt.code(), "previous_certificate": prev, "certificate_id": input.certificate_id})),
    )
    .await?;
    event(&mut tx, id, &actor, "create", None, Some(DossierState::Draft), None).await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Default)]
pub struct DetailsInput {
    pub version: i64,
    pub registration_type: String,
    pub previous_certificate: String,
    pub group_code: String,
    /// Tự đánh giá: the producer's own reading of the round's form, optional.
    pub self_assessment: String,
}

/// The producer changes the registration details while the dossier is a draft or returned.
pub async fn update_details(db: &Db, user: &CurrentUser, meta: &RequestMeta, id: i64, input: &DetailsInput) -> Result<()> {
    let (d, role) = visible(db, user, id).await?;
    if role != Role::Producer {
        return Err(Error::Forbidden);
    }
    check_version(&d, input.version)?;
    if !matches!(d.state, DossierState::Draft | DossierState::ReturnedByCommune) {
        return Err(Error::conflict(
            "Hồ sơ đã nộp: chỉ sửa được những thành phần văn phòng yêu cầu bổ sung.",
            "The dossier has been submitted: only the items the office asks for can change.",
        ));
    }
    let rt = registration_type(&input.registration_type)?;
    let prev = previous_certificate(rt, &input.previous_certificate)?;
    let group = rules::check_group(&*rounds::rule_set_of(db, &d.round).await?, "group_code", &input.group_code)?;
    let self_assessment = validate::optional_text("self_assessment", "phần tự đánh giá", "self-assessment", &input.self_assessment, 8000)?;
    let before = sqlx::query("SELECT registration_type, previous_certificate, group_code, self_assessment FROM dossiers WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?;
    let before = json!({
        "registration_type": before.try_get::<String, _>("registration_type")?,
        "previous_certificate": before.try_get::<Option<String>, _>("previous_certificate")?,
        "group_code": before.try_get::<String, _>("group_code")?,
        "self_assessment": before.try_get::<Option<String>, _>("self_assessment")?,
    });
    let mut tx = db.begin().await?;
    bump(&mut tx, id, d.version).await?;
    sqlx::query("UPDATE dossiers SET registration_type = $1, previous_certificate = $2, group_code = $3, self_assessment = $4 WHERE id = $5")
        .bind(rt.code())
        .bind(&prev)
        .bind(&group)
        .bind(&self_assessment)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "dossier.update",
        "dossier",
        Some(&id.to_string()),
        Some(before),
        Some(json!({"registration_type": rt.code(), "previous_certificate": prev, "group_code": group, "self_assessment": self_assessment})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn supplement_items(db: &Db, id: i64) -> Result<Vec<String>> {
    let raw: Option<String> = sqlx::query("SELECT supplement_items FROM dossiers WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?
        .try_get("supplement_items")?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_default())
}

/// Which checklist items the producer may change now: all in a draft or returned dossier; only
/// the requested ones while a supplement is asked for (and before its deadline); none otherwise.
async fn changeable_item<'a>(db: &Db, d: &'a DossierRef, item_code: &str) -> Result<&'a ChecklistItem> {
    let item = d
        .round
        .checklist_item(item_code)
        .ok_or_else(|| Error::invalid("item", "Thành phần hồ sơ không có trong danh mục của đợt.", "That item is not in the round's checklist."))?;
    if item.kind == ItemKind::Sample {
        return Err(Error::invalid(
            "item",
            "Mẫu sản phẩm được nộp trực tiếp tại văn phòng, không tải lên.",
            "Product samples are handed in at the office, not uploaded.",
        ));
    }
    match d.state {
        DossierState::Draft | DossierState::ReturnedByCommune => Ok(item),
        DossierState::SupplementRequested => {
            if !supplement_items(db, d.id).await?.iter().any(|c| c == item_code) {
                return Err(Error::conflict(
                    "Văn phòng chỉ yêu cầu bổ sung một số thành phần; thành phần này không sửa được.",
                    "The office asked for some items only; this one cannot change.",
                ));
            }
            check_supplement_deadline(db, d.id).await?;
            Ok(item)
        }
        _ => Err(Error::conflict(
            "Hồ sơ đã nộp nên không sửa được tài liệu. Nếu cần sửa, hãy liên hệ văn phòng.",
            "The dossier has been submitted, so its documents cannot change. Contact the office if something must change.",
        )),
    }
}

async fn check_supplement_deadline(db: &Db, id: i64) -> Result<()> {
    let deadline: Option<String> = sqlx::query("SELECT supplement_deadline FROM dossiers WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?
        .try_get("supplement_deadline")?;
    if let Some(d) = deadline.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()) {
        if today_vn() > d {
            return Err(Error::conflict(
                format!("Đã quá hạn bổ sung ({}). Hãy liên hệ văn phòng để được gia hạn.", domain::text::date_vi(d)),
                format!("The supplement deadline ({d}) has passed. Contact the office for more time."),
            ));
        }
    }
    Ok(())
}

/// The types accepted for an item: what the rule set lists, else every type binhchon takes.
pub fn accepted_types(item: &ChecklistItem) -> Vec<String> {
    item.accepted_types.clone()
}

/// Checks that the producer may add a file to `item_code` now, before the upload is read.
pub async fn check_upload(db: &Db, user: &CurrentUser, id: i64, item_code: &str) -> Result<(DossierRef, Vec<String>)> {
    let (d, role) = visible(db, user, id).await?;
    if role != Role::Producer {
        return Err(Error::Forbidden);
    }
    let item = changeable_item(db, &d, item_code).await?;
    let types = accepted_types(item);
    Ok((d, types))
}

async fn total_bytes(db: &Db, id: i64) -> Result<i64> {
    Ok(sqlx::query(
        "SELECT CAST(COALESCE(SUM(s.size_bytes), 0) AS BIGINT) AS n FROM dossier_files f JOIN stored_files s ON s.id = f.file_id WHERE f.dossier_id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?)
}

/// Records a received file as one of the item's documents.
#[allow(clippy::too_many_arguments)]
pub async fn add_file(
    db: &Db,
    data_dir: &Path,
    max_dossier_bytes: u64,
    user: &CurrentUser,
    meta: &RequestMeta,
    id: i64,
    item_code: &str,
    file_name: &str,
    received: &Received,
) -> Result<i64> {
    let (d, _) = check_upload(db, user, id, item_code).await?;
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM dossier_files WHERE dossier_id = $1 AND item_code = $2")
        .bind(id)
        .bind(item_code)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    if count >= 20 {
        return Err(Error::invalid("file", "Mỗi thành phần có tối đa 20 tệp. Hãy gộp các trang vào một tệp PDF.", "An item has at most 20 files. Combine pages into one PDF."));
    }
    if (total_bytes(db, id).await? as u64).saturating_add(received.size) > max_dossier_bytes {
        let mb = max_dossier_bytes / (1024 * 1024);
        return Err(Error::invalid(
            "file",
            format!("Tổng dung lượng hồ sơ vượt {mb} MB. Hãy nén tệp PDF hoặc chụp ảnh với độ phân giải thấp hơn."),
            format!("The dossier would exceed {mb} MB in total. Compress the PDFs or use lower-resolution photos."),
        ));
    }
    let name = files::clean_name(file_name);
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    bump(&mut tx, id, d.version).await?;
    let file_id = files::record(&mut tx, data_dir, received).await?;
    let row_id: i64 = sqlx::query(
        "INSERT INTO dossier_files (dossier_id, item_code, file_id, file_name, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(item_code)
    .bind(file_id)
    .bind(&name)
    .bind(db::now())
    .bind(user.id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    audit::record(
        &mut tx,
        &actor,
        "dossier.file_add",
        "dossier",
        Some(&id.to_string()),
        None,
        Some(json!({"file": row_id, "item": item_code, "name": name, "sha256": received.sha256, "size": received.size, "mime": received.mime})),
    )
    .await?;
    // Counted by the supplement check; not shown on the timeline.
    event(&mut tx, id, &actor, "file_change", None, None, Some(&name)).await?;
    tx.commit().await?;
    Ok(row_id)
}

pub async fn remove_file(db: &Db, user: &CurrentUser, meta: &RequestMeta, file_row_id: i64, version: i64) -> Result<()> {
    let r = sqlx::query("SELECT dossier_id, item_code, file_name FROM dossier_files WHERE id = $1")
        .bind(file_row_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?;
    let id: i64 = r.try_get("dossier_id")?;
    let item_code: String = r.try_get("item_code")?;
    let (d, role) = visible(db, user, id).await?;
    if role != Role::Producer {
        return Err(Error::Forbidden);
    }
    check_version(&d, version)?;
    changeable_item(db, &d, &item_code).await?;
    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    bump(&mut tx, id, d.version).await?;
    sqlx::query("DELETE FROM dossier_files WHERE id = $1").bind(file_row_id).execute(&mut *tx).await?;
    event(&mut tx, id, &actor, "file_change", None, None, None).await?;
    audit::record(
        &mut tx,
        &actor,
        "dossier.file_remove",
        "dossier",
        Some(&id.to_string()),
        Some(json!({"file": file_row_id, "item": item_code, "name": r.try_get::<String, _>("file_name")?})),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The stored file behind a dossier document, for a caller who may see the dossier.
pub async fn file_for_download(db: &Db, user: &CurrentUser, file_row_id: i64) -> Result<(i64, String)> {
    let r = sqlx::query("SELECT dossier_id, file_id, file_name FROM dossier_files WHERE id = $1")
        .bind(file_row_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?;
    visible(db, user, r.try_get("dossier_id")?).await?;
    Ok((r.try_get("file_id")?, r.try_get("file_name")?))
}

/// What the caller sends with an action.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    pub action: String,
    pub version: i64,
    /// Lý do: required to return, to request a supplement and to reject.
    pub reason: String,
    /// Checklist items a supplement request asks for.
    pub items: Vec<String>,
    /// Hạn bổ sung, `YYYY-MM-DD`.
    pub deadline: String,
    /// The producer's declaration (cam kết) that the dossier is true, required to submit.
    pub declaration: bool,
}

/// Performs a workflow action on a dossier and returns its new state.
pub async fn act(db: &Db, user: &CurrentUser, meta: &RequestMeta, id: i64, input: &ActionInput) -> Result<DossierState> {
    let (d, role) = visible(db, user, id).await?;
    let action = DossierAction::from_code(input.action.trim())
        .ok_or_else(|| Error::invalid("action", "Thao tác không hợp lệ.", "Unknown action."))?;
    check_version(&d, input.version)?;
    let to = wf::transition(d.state, action, role, context(&d)).map_err(|e| Error::conflict(
        format!("{}.", validate::capitalise(&e.to_string())),
        format!("{}.", validate::capitalise(&e.message_en())),
    ))?;
    let reason = validate::optional_text("reason", "lý do", "reason", &input.reason, 2000)?;
    let needs_reason = matches!(action, DossierAction::CommuneReturn | DossierAction::RequestSupplement | DossierAction::Reject);
    if needs_reason && reason.is_none() {
        return Err(Error::invalid("reason", "Hãy ghi lý do để chủ thể biết cần làm gì.", "Give the reason, so the producer knows what to do."));
    }
    let detail = load(db, user, id).await?;
    let mut supplement: Option<(Vec<String>, NaiveDate)> = None;
    match action {
        DossierAction::Submit => {
            if !input.declaration {
                return Err(Error::invalid(
                    "declaration",
                    "Hãy đánh dấu ô cam kết: nội dung hồ sơ là đúng sự thật.",
                    "Tick the declaration that the dossier is true.",
                ));
            }
            let missing = producers::load(db, d.producer_id).await?.missing_for_filing();
            if !missing.is_empty() {
                let vi: Vec<&str> = missing.iter().map(|m| m.0).collect();
                let en: Vec<&str> = missing.iter().map(|m| m.1).collect();
                return Err(Error::invalid(
                    "profile",
                    format!("Hồ sơ chủ thể còn thiếu: {}. Hãy bổ sung ở trang «Hồ sơ chủ thể» rồi nộp lại.", vi.join(", ")),
                    format!("Your producer profile lacks: {}. Complete it on the \"Producer profile\" page, then submit.", en.join(", ")),
                ));
            }
            if let Some(item) = detail.items.iter().find(|i| i.item.required && !i.satisfied) {
                return Err(Error::invalid(
                    &format!("item-{}", item.item.code),
                    format!("Còn thiếu «{}» (cần ít nhất {}). Hãy tải lên rồi nộp lại.", item.item.name_vi, item.item.min_count),
                    format!("Missing \"{}\" (at least {} needed). Upload it, then submit.", item.item.name_en.clone().unwrap_or_else(|| item.item.name_vi.clone()), item.item.min_count),
                ));
            }
        }
        DossierAction::RequestSupplement => {
            let mut items = Vec::new();
            for code in &input.items {
                if d.round.checklist_item(code).is_none() {
                    return Err(Error::invalid("items", "Thành phần hồ sơ không có trong danh mục của đợt.", "That item is not in the round's checklist."));
                }
                if !items.contains(code) {
                    items.push(code.clone());
                }
            }
            if items.is_empty() {
                return Err(Error::invalid("items", "Hãy chọn ít nhất một thành phần cần bổ sung.", "Choose at least one item to supplement."));
            }
            let deadline = NaiveDate::parse_from_str(input.deadline.trim(), "%Y-%m-%d")
                .ok()
                .filter(|d| *d >= today_vn())
                .ok_or_else(|| Error::invalid("deadline", "Hãy chọn hạn bổ sung, từ hôm nay trở đi.", "Choose a deadline from today on."))?;
            supplement = Some((items, deadline));
        }
        DossierAction::Supplement => {
            check_supplement_deadline(db, id).await?;
            let asked = supplement_items(db, id).await?;
            let changed: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM dossier_events WHERE dossier_id = $1 AND action = 'file_change' \
                 AND id > (SELECT COALESCE(MAX(id), 0) FROM dossier_events WHERE dossier_id = $1 AND action = $2)",
            )
            .bind(id)
            .bind(DossierAction::RequestSupplement.code())
            .fetch_one(db.pool())
            .await?
            .try_get("n")?;
            if changed == 0 {
                return Err(Error::invalid(
                    "items",
                    "Bạn chưa thay đổi tài liệu nào được yêu cầu bổ sung. Hãy tải lên tài liệu mới rồi gửi.",
                    "You have not changed any of the requested documents yet. Upload the new documents, then send.",
                ));
            }
            if let Some(item) = detail.items.iter().find(|i| asked.contains(&i.item.code) && i.item.required && !i.satisfied) {
                return Err(Error::invalid(
                    &format!("item-{}", item.item.code),
                    format!("Còn thiếu «{}». Hãy tải lên rồi gửi.", item.item.name_vi),
                    format!("Missing \"{}\". Upload it, then send.", item.item.name_en.clone().unwrap_or_else(|| item.item.name_vi.clone())),
                ));
            }
        }
        _ => {}
    }

    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let mut tx = db.begin().await?;
    bump(&mut tx, id, d.version).await?;
    let n = sqlx::query("UPDATE dossiers SET state = $1 WHERE id = $2 AND state = $3")
        .bind(to.code())
        .bind(id)
        .bind(d.state.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n != 1 {
        return Err(stale());
    }
    match action {
        DossierAction::Submit => {
            sqlx::query("UPDATE dossiers SET submitted_at = $1, declaration_at = $1 WHERE id = $2")
                .bind(db::now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        DossierAction::RequestSupplement => {
            let (items, deadline) = supplement.clone().expect("checked above");
            sqlx::query("UPDATE dossiers SET supplement_items = $1, supplement_reason = $2, supplement_deadline = $3 WHERE id = $4")
                .bind(serde_json::to_string(&items).unwrap_or_default())
                .bind(&reason)
                .bind(deadline.to_string())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        DossierAction::Reject | DossierAction::CommuneReturn => {
            sqlx::query("UPDATE dossiers SET decision_reason = $1 WHERE id = $2").bind(&reason).bind(id).execute(&mut *tx).await?;
        }
        _ => {}
    }
    let note = match &supplement {
        Some((items, deadline)) => {
            let names: Vec<String> = items.iter().filter_map(|c| d.round.checklist_item(c)).map(|i| i.name_vi.clone()).collect();
            Some(format!("{} — Cần bổ sung: {}. Hạn: {}.", reason.clone().unwrap_or_default(), names.join("; "), domain::text::date_vi(*deadline)))
        }
        None => reason.clone(),
    };
    event(&mut tx, id, &actor, action.code(), Some(d.state), Some(to), note.as_deref()).await?;
    audit::record(
        &mut tx,
        &actor,
        &format!("dossier.{}", action.code()),
        "dossier",
        Some(&id.to_string()),
        Some(json!({"state": d.state.code(), "version": d.version})),
        Some(json!({"state": to.code(), "reason": reason, "supplement": supplement.as_ref().map(|(i, dl)| json!({"items": i, "deadline": dl}))})),
    )
    .await?;
    notify_action(&mut tx, &d, &detail.product_name, action, to, note.as_deref()).await?;
    tx.commit().await?;
    Ok(to)
}

async fn notify_action(tx: &mut Tx, d: &DossierRef, product: &str, action: DossierAction, to: DossierState, note: Option<&str>) -> Result<()> {
    let link = Some(format!("/dossiers/{}", d.id));
    let n = Notice {
        kind: format!("dossier.{}", action.code()),
        title_vi: format!("Hồ sơ «{product}»: {}", to.label_vi().to_lowercase()),
        title_en: format!("Dossier \"{product}\": {}", to.label_en().to_lowercase()),
        body_vi: format!("Đợt: {}. {}", d.round.name, note.unwrap_or("")),
        body_en: format!("Round: {}. {}", d.round.name, note.unwrap_or("")),
        link,
    };
    match action {
        DossierAction::Submit | DossierAction::Supplement => {
            if d.round.commune_precheck && action == DossierAction::Submit {
                notify::to_staff(tx, Role::CommuneOfficer, &d.commune_path, &n).await?;
            } else {
                notify::to_staff(tx, rules::office_role(d.round.programme), &d.round.unit_path, &n).await?;
            }
        }
        DossierAction::CommuneConfirm => {
            notify::to_staff(tx, rules::office_role(d.round.programme), &d.round.unit_path, &n).await?;
            notify::to_producer(tx, d.producer_id, &n).await?;
        }
        DossierAction::Withdraw => {}
        _ => notify::to_producer(tx, d.producer_id, &n).await?,
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileRow {
    pub id: i64,
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub has_thumb: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ItemStatus {
    pub item: ChecklistItem,
    pub files: Vec<FileRow>,
    /// Photos items also count the product's own photos.
    pub product_photos: Vec<products::Photo>,
    pub satisfied: bool,
    /// The producer may add or remove files of this item now.
    pub changeable: bool,
    pub requested: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Event {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub state_to: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Dossier {
    pub id: i64,
    pub version: i64,
    pub state: DossierState,
    pub round: Round,
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
    pub items: Vec<ItemStatus>,
    pub events: Vec<Event>,
    /// What the caller may do now.
    pub actions: Vec<DossierAction>,
    /// The role the caller acts in.
    pub role: Role,
    pub total_bytes: i64,
}

pub async fn load(db: &Db, user: &CurrentUser, id: i64) -> Result<Dossier> {
    let (d, role) = visible(db, user, id).await?;
    let r = sqlx::query(
        "SELECT d.*, p.name AS product_name, pr.name AS producer_name, u.kind AS commune_kind, u.name AS commune_name \
         FROM dossiers d JOIN products p ON p.id = d.product_id JOIN producers pr ON pr.id = d.producer_id \
         JOIN admin_units u ON u.id = pr.commune_id WHERE d.id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    let rs = rounds::rule_set_of(db, &d.round).await?;
    let group_code: String = r.try_get("group_code")?;
    let group_name = rules::group_options(&rs).into_iter().find(|g| g.0 == group_code).map(|g| g.1).unwrap_or_else(|| group_code.clone());
    let supplement_items: Vec<String> = r
        .try_get::<Option<String>, _>("supplement_items")?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let files = sqlx::query(
        "SELECT f.id, f.item_code, f.file_name, s.mime, s.size_bytes, s.has_thumb FROM dossier_files f \
         JOIN stored_files s ON s.id = f.file_id WHERE f.dossier_id = $1 ORDER BY f.id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let photos = sqlx::query("SELECT id, view, file_name FROM product_photos WHERE product_id = $1 ORDER BY id")
        .bind(d.product_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok(products::Photo { id: r.try_get("id")?, view: r.try_get("view")?, file_name: r.try_get("file_name")? }))
        .collect::<Result<Vec<_>>>()?;
    let producer_may_change = role == Role::Producer
        && match d.state {
            DossierState::Draft | DossierState::ReturnedByCommune => true,
            DossierState::SupplementRequested => check_supplement_deadline(db, id).await.is_ok(),
            _ => false,
        };
    let mut items = Vec::new();
    let mut total = 0i64;
    for item in &d.round.checklist {
        let mut list = Vec::new();
        for f in files.iter().filter(|f| f.try_get::<String, _>("item_code").ok().as_deref() == Some(item.code.as_str())) {
            let size: i64 = f.try_get("size_bytes")?;
            total += size;
            list.push(FileRow {
                id: f.try_get("id")?,
                name: f.try_get("file_name")?,
                mime: f.try_get("mime")?,
                size,
                has_thumb: f.try_get::<i64, _>("has_thumb")? == 1,
            });
        }
        let product_photos = if item.kind == ItemKind::Photo { photos.clone() } else { Vec::new() };
        let count = list.len() + product_photos.len();
        let requested = supplement_items.contains(&item.code);
        let changeable = producer_may_change
            && item.kind != ItemKind::Sample
            && (d.state != DossierState::SupplementRequested || requested);
        items.push(ItemStatus {
            satisfied: item.kind == ItemKind::Sample || count >= item.min_count as usize,
            item: item.clone(),
            files: list,
            product_photos,
            changeable,
            requested,
        });
    }
    let events = sqlx::query("SELECT at, actor_label, action, state_to, note FROM dossier_events WHERE dossier_id = $1 AND action <> 'file_change' ORDER BY id")
        .bind(id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|e| {
            Ok(Event {
                at: e.try_get("at")?,
                actor: e.try_get("actor_label")?,
                action: e.try_get("action")?,
                state_to: e.try_get("state_to")?,
                note: e.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let rt: String = r.try_get("registration_type")?;
    Ok(Dossier {
        id,
        version: d.version,
        state: d.state,
        product_id: d.product_id,
        product_name: r.try_get("product_name")?,
        producer_id: d.producer_id,
        producer_name: r.try_get("producer_name")?,
        commune_name: format!("{} {}", r.try_get::<String, _>("commune_kind")?, r.try_get::<String, _>("commune_name")?),
        group_code,
        group_name,
        registration_type: RegistrationType::from_code(&rt).unwrap_or(RegistrationType::First),
        previous_certificate: r.try_get("previous_certificate")?,
        self_assessment: r.try_get("self_assessment")?,
        declaration_at: r.try_get("declaration_at")?,
        supplement_items,
        supplement_reason: r.try_get("supplement_reason")?,
        supplement_deadline: r.try_get("supplement_deadline")?,
        decision_reason: r.try_get("decision_reason")?,
        submitted_at: r.try_get("submitted_at")?,
        items,
        events,
        actions: wf::allowed_actions(d.state, role, context(&d)),
        role,
        total_bytes: total,
        round: d.round,
    })
}

/// One line of a dossier list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
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

const ROW_SQL: &str = "SELECT d.id, d.round_id, r.name AS round_name, p.name AS product_name, pr.name AS producer_name, \
    pr.commune_id, u.kind AS commune_kind, u.name AS commune_name, u.path AS commune_path, d.group_code, d.registration_type, d.state, \
    d.submitted_at, d.supplement_deadline, r.registration_closes \
    FROM dossiers d JOIN rounds r ON r.id = d.round_id JOIN products p ON p.id = d.product_id \
    JOIN producers pr ON pr.id = d.producer_id JOIN admin_units u ON u.id = pr.commune_id";

fn row(r: &sqlx::any::AnyRow) -> Result<DossierRow> {
    Ok(DossierRow {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        round_name: r.try_get("round_name")?,
        product_name: r.try_get("product_name")?,
        producer_name: r.try_get("producer_name")?,
        commune_id: r.try_get("commune_id")?,
        commune_name: format!("{} {}", r.try_get::<String, _>("commune_kind")?, r.try_get::<String, _>("commune_name")?),
        group_code: r.try_get("group_code")?,
        registration_type: r.try_get("registration_type")?,
        state: r.try_get("state")?,
        submitted_at: r.try_get("submitted_at")?,
        supplement_deadline: r.try_get("supplement_deadline")?,
        registration_closes: r.try_get("registration_closes")?,
    })
}

/// The caller's producer's dossiers, newest first.
pub async fn list_own(db: &Db, user: &CurrentUser) -> Result<Vec<DossierRow>> {
    let producer_id = producers::own_producer(user)?;
    sqlx::query(&format!("{ROW_SQL} WHERE d.producer_id = $1 ORDER BY d.id DESC"))
        .bind(producer_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(row)
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct IntakeFilter {
    pub round_id: Option<i64>,
    pub state: Option<String>,
    pub commune_id: Option<i64>,
    pub group_code: Option<String>,
    pub registration_type: Option<String>,
}

/// The office's intake list: dossiers (not drafts) of the rounds it runs, filtered, with the
/// number of dossiers in each state before the state filter.
pub async fn intake(db: &Db, user: &CurrentUser, f: &IntakeFilter) -> Result<(Vec<DossierRow>, Vec<(String, i64)>)> {
    let rounds: Vec<i64> = rounds::list_managed(db, user).await?.into_iter().map(|r| r.id).collect();
    if rounds.is_empty() && !user.has_role(Role::OcopOffice) && !user.has_role(Role::SpcnnttbOffice) {
        return Err(Error::Forbidden);
    }
    let wanted: Vec<i64> = match f.round_id {
        Some(id) if rounds.contains(&id) => vec![id],
        Some(_) => return Err(Error::NotFound),
        None => rounds,
    };
    if wanted.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let ids = wanted.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let all = sqlx::query(&format!("{ROW_SQL} WHERE d.round_id IN ({ids}) AND d.state <> 'draft' ORDER BY d.submitted_at, d.id"))
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(row)
        .collect::<Result<Vec<_>>>()?;
    let base: Vec<DossierRow> = all
        .into_iter()
        .filter(|d| f.commune_id.is_none_or(|c| d.commune_id == c))
        .filter(|d| f.group_code.as_deref().is_none_or(|g| d.group_code == g || d.group_code.starts_with(&format!("{g}."))))
        .filter(|d| f.registration_type.as_deref().is_none_or(|t| d.registration_type == t))
        .collect();
    let mut counts: Vec<(String, i64)> = Vec::new();
    for d in &base {
        match counts.iter_mut().find(|(s, _)| *s == d.state) {
            Some(c) => c.1 += 1,
            None => counts.push((d.state.clone(), 1)),
        }
    }
    let rows = base.into_iter().filter(|d| f.state.as_deref().is_none_or(|s| d.state == s)).collect();
    Ok((rows, counts))
}

/// The commune officer's list: submitted dossiers from the communes they cover, in rounds whose
/// rule set has the commune check them.
pub async fn commune_queue(db: &Db, user: &CurrentUser) -> Result<Vec<DossierRow>> {
    if !user.has_role(Role::CommuneOfficer) {
        return Err(Error::Forbidden);
    }
    let rows = sqlx::query(&format!("{ROW_SQL} WHERE d.state <> 'draft' ORDER BY d.submitted_at, d.id")).fetch_all(db.pool()).await?;
    let mut out = Vec::new();
    let mut precheck: std::collections::HashMap<i64, bool> = std::collections::HashMap::new();
    for r in &rows {
        let path: String = r.try_get("commune_path")?;
        if !user.covers(Role::CommuneOfficer, &path) {
            continue;
        }
        let round_id: i64 = r.try_get("round_id")?;
        let pre = match precheck.get(&round_id) {
            Some(p) => *p,
            None => {
                let p = rounds::load(db, round_id).await?.commune_precheck;
                precheck.insert(round_id, p);
                p
            }
        };
        if pre {
            out.push(row(r)?);
        }
    }
    Ok(out)
}
