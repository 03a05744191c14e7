//! Loads the data files in `seeds/`: administrative units always, the demo data set on request.
//! Each file is loaded in one transaction and remembered by its SHA-256, so a restart does
//! nothing and a half-loaded file never stays in the database.

use domain::access::{AdminLevel, ProducerType, Role};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::HashMap;

use crate::{
    accounts::{self, NewUser},
    audit::{self, Actor},
    auth,
    db::{self, Db, Tx},
    error::{Error, Result},
    units::{self, NewUnit},
};

pub const UNITS_FILE: (&str, &str) = ("units-quang-ngai.toml", include_str!("../../seeds/units-quang-ngai.toml"));
pub const DEMO_FILE: (&str, &str) = ("demo.toml", include_str!("../../seeds/demo.toml"));

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    #[allow(dead_code)]
    source: String,
    unit: Vec<UnitRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitRow {
    code: String,
    name: String,
    kind: String,
    level: String,
    parent: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoFile {
    pub password: String,
    pub account: Vec<DemoAccount>,
    #[serde(default)]
    producer: Vec<DemoProducer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoAccount {
    pub full_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: String,
    pub unit: Option<String>,
    pub producer: Option<String>,
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoProducer {
    key: String,
    name: String,
    producer_type: String,
    commune: String,
}

fn sha256(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// True when this exact file content was loaded before.
async fn already_loaded(db: &Db, name: &str, hash: &str) -> Result<bool> {
    Ok(sqlx::query("SELECT sha256 FROM seed_runs WHERE name = $1")
        .bind(name)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.try_get::<String, _>("sha256"))
        .transpose()?
        .is_some_and(|h| h == hash))
}

async fn mark_loaded(tx: &mut Tx, name: &str, hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM seed_runs WHERE name = $1").bind(name).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO seed_runs (name, sha256, loaded_at) VALUES ($1, $2, $3)")
        .bind(name)
        .bind(hash)
        .bind(db::now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn load_units(db: &Db) -> Result<bool> {
    let (name, text) = UNITS_FILE;
    let hash = sha256(text);
    if already_loaded(db, name, &hash).await? {
        return Ok(false);
    }
    let file: UnitsFile = toml::from_str(text).map_err(|e| Error::Seed(format!("{name}: {e}")))?;
    let mut tx = db.begin().await?;
    for u in &file.unit {
        let level = AdminLevel::from_code(&u.level)
            .ok_or_else(|| Error::Seed(format!("{name}: cấp «{}» của «{}» không hợp lệ", u.level, u.code)))?;
        units::upsert(
            &mut tx,
            &NewUnit {
                code: &u.code,
                name: &u.name,
                kind: &u.kind,
                level,
                parent_code: u.parent.as_deref(),
                valid_from: u.valid_from.as_deref(),
                valid_to: u.valid_to.as_deref(),
            },
        )
        .await?;
    }
    audit::record(&mut tx, &Actor::system("nạp dữ liệu"), "seed.load", "seed", Some(name), None, Some(json!({"sha256": hash, "units": file.unit.len()}))).await?;
    mark_loaded(&mut tx, name, &hash).await?;
    tx.commit().await?;
    Ok(true)
}

pub fn demo_file() -> Result<DemoFile> {
    toml::from_str(DEMO_FILE.1).map_err(|e| Error::Seed(format!("{}: {e}", DEMO_FILE.0)))
}

/// Loads the demo accounts and producers. Accounts that already exist (same e-mail) are left as they are.
pub async fn load_demo(db: &Db) -> Result<bool> {
    let (name, text) = DEMO_FILE;
    let hash = sha256(text);
    if already_loaded(db, name, &hash).await? {
        return Ok(false);
    }
    let file = demo_file()?;
    let password_hash = auth::hash_password(&file.password).await?;
    let actor = Actor::system("dữ liệu mẫu");
    let mut tx = db.begin().await?;
    let unit_id = |code: &str| {
        let code = code.to_string();
        async move {
            units::by_code(db, &code)
                .await?
                .map(|u| u.id)
                .ok_or_else(|| Error::Seed(format!("{name}: đơn vị «{code}» chưa có")))
        }
    };
    let mut producers: HashMap<String, (i64, i64)> = HashMap::new();
    for p in &file.producer {
        let existing = sqlx::query("SELECT id, commune_id FROM producers WHERE name = $1")
            .bind(&p.name)
            .fetch_optional(&mut *tx)
            .await?;
        let (id, commune) = match existing {
            Some(r) => (r.try_get("id")?, r.try_get("commune_id")?),
            None => {
                let commune = unit_id(&p.commune).await?;
                let t = ProducerType::from_code(&p.producer_type)
                    .ok_or_else(|| Error::Seed(format!("{name}: loại hình «{}» không hợp lệ", p.producer_type)))?;
                let id = accounts::insert_producer(&mut tx, &p.name, t, commune).await?;
                audit::record(&mut tx, &actor, "producer.create", "producer", Some(&id.to_string()), None, Some(json!({"name": p.name}))).await?;
                (id, commune)
            }
        };
        producers.insert(p.key.clone(), (id, commune));
    }
    for a in &file.account {
        let exists = sqlx::query("SELECT id FROM users WHERE email = $1").bind(&a.email).fetch_optional(&mut *tx).await?;
        if exists.is_some() {
            continue;
        }
        let role = Role::from_code(&a.role).ok_or_else(|| Error::Seed(format!("{name}: vai trò «{}» không hợp lệ", a.role)))?;
        let user_id = accounts::insert_user(
            &mut tx,
            &NewUser { full_name: &a.full_name, email: Some(&a.email), phone: a.phone.as_deref(), password_hash: &password_hash, must_change_password: false },
        )
        .await?;
        let unit = match (&a.unit, &a.producer) {
            (Some(code), _) => Some(unit_id(code).await?),
            (None, Some(key)) => {
                let (pid, commune) = *producers
                    .get(key)
                    .ok_or_else(|| Error::Seed(format!("{name}: chủ thể «{key}» chưa khai báo")))?;
                accounts::add_member(&mut tx, pid, user_id, true).await?;
                Some(commune)
            }
            (None, None) => None,
        };
        accounts::insert_grant(&mut tx, user_id, role, unit, None).await?;
        audit::record(&mut tx, &actor, "user.create", "user", Some(&user_id.to_string()), None, Some(json!({"email": a.email, "role": a.role}))).await?;
    }
    mark_loaded(&mut tx, name, &hash).await?;
    tx.commit().await?;
    Ok(true)
}

/// A one-page PDF, so demo dossiers carry a real document that opens in any viewer.
fn demo_pdf(title: &str) -> Vec<u8> {
    let text: String = title.chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ').collect();
    let content = format!("BT /F1 18 Tf 60 760 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    out
}

/// A plain photo-like picture (a coloured product shape on a light background) as PNG.
fn demo_photo(rgb: [u8; 3], variant: u32) -> Vec<u8> {
    let (w, h) = (480u32, 360u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (cx, cy) = (w as i64 / 2, h as i64 / 2 + variant as i64 * 10);
        let (dx, dy) = (x as i64 - cx, y as i64 - cy);
        let inside = match variant {
            0 => dx.abs() < 90 && dy.abs() < 130,
            1 => dx.abs() < 50 && dy.abs() < 130,
            _ => dx * dx + dy * dy < 110 * 110,
        };
        if inside { image::Rgb(rgb) } else { image::Rgb([240, 238, 228]) }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("PNG encodes in memory");
    out.into_inner()
}

async fn store_bytes(data_dir: &std::path::Path, bytes: &[u8], accepted: &[String]) -> Result<crate::files::Received> {
    let mut inc = crate::files::Incoming::start(data_dir, u64::MAX).await?;
    inc.write(bytes).await?;
    inc.finish(data_dir, accepted).await
}

async fn demo_user(db: &Db, email: &str) -> Result<auth::CurrentUser> {
    let id: i64 = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| Error::Seed(format!("demo account {email} missing")))?
        .try_get("id")?;
    auth::load_user(db, id).await?.ok_or_else(|| Error::Seed(format!("demo account {email} inactive")))
}

/// The demo's programme data, made through the same services people use: the producer's
/// profile, three products with photos, an open round of each kind (one at the province under
/// the 2025 rules, where the commune confirms first), and submitted dossiers.
pub async fn load_demo_programmes(db: &Db, data_dir: &std::path::Path) -> Result<bool> {
    const NAME: &str = "demo-programmes";
    const VERSION: &str = "1";
    if already_loaded(db, NAME, VERSION).await? {
        return Ok(false);
    }
    let meta = auth::RequestMeta::default();
    let producer = demo_user(db, "chuthe@demo.binhchon.vn").await?;
    let ocop = demo_user(db, "ocop@demo.binhchon.vn").await?;
    let ocop_province = demo_user(db, "ocop.tinh@demo.binhchon.vn").await?;
    let spcnnttb = demo_user(db, "spcnnttb@demo.binhchon.vn").await?;
    let profile = crate::producers::own_profile(db, &producer).await?;
    crate::producers::update_profile(
        db,
        &producer,
        &meta,
        &crate::producers::ProfileInput {
            name: profile.name.clone(),
            producer_type: profile.producer_type.code().into(),
            registration_no: "4300123456".into(),
            tax_code: "4300123456".into(),
            representative: "Ngô Thị Thu".into(),
            representative_title: "Giám đốc".into(),
            address: "Thôn Mỹ Long".into(),
            commune_id: Some(profile.commune_id),
            phone: "0912000001".into(),
            email: "chuthe@demo.binhchon.vn".into(),
        },
    )
    .await?;

    let product = |programme: &str, name: &str, group: &str, description: &str, raw: &str, packaging: &str| crate::products::ProductInput {
        programme: programme.into(),
        name: name.into(),
        group_code: group.into(),
        description: description.into(),
        raw_materials: raw.into(),
        packaging: packaging.into(),
        items: Vec::new(),
    };
    let rice = crate::products::create(db, &producer, &meta, &product(
        "ocop", "Gạo hữu cơ Bình Chánh (demo)", "I.2.a",
        "Gạo trắng hạt dài, canh tác hữu cơ, không dùng thuốc bảo vệ thực vật hóa học. Hạn sử dụng 12 tháng.",
        "Lúa giống ST25 trồng tại cánh đồng thôn Mỹ Long, xã Bình Chánh.",
        "Túi PE hút chân không 2 kg và 5 kg, nhãn ghi đủ thông tin theo Nghị định 43/2017/NĐ-CP.",
    )).await?;
    let fish_sauce = crate::products::create(db, &producer, &meta, &product(
        "ocop", "Nước mắm cá cơm truyền thống (demo)", "I.3.d",
        "Nước mắm ủ chượp 12 tháng trong thùng gỗ, độ đạm 30°N.",
        "Cá cơm than đánh bắt vùng biển Bình Sơn, muối hạt Sa Huỳnh.",
        "Chai thủy tinh 500 ml, nhãn in mã QR truy xuất nguồn gốc.",
    )).await?;
    let hat = crate::products::create(db, &producer, &meta, &product(
        "spcnnttb", "Nón lá Bình Chánh (demo)", "1",
        "Nón lá bài thơ chằm tay 16 vòng, vành tre, lá buông phơi sương.",
        "Lá buông, tre, cước từ các hộ trong xã.",
        "Hộp giấy tái chế, tem nhãn của hợp tác xã.",
    )).await?;
    let photos = [([196, 160, 90], rice), ([150, 70, 30], fish_sauce), ([210, 190, 120], hat)];
    for (colour, id) in photos {
        for (variant, view) in ["front", "side", "top"].into_iter().enumerate() {
            let received = store_bytes(data_dir, &demo_photo(colour, variant as u32), &[]).await?;
            crate::products::add_photo(db, data_dir, &producer, &meta, id, view, &format!("{view}.png"), &received).await?;
        }
    }

    let today = crate::rounds::today_vn();
    // Each demo round uses the newest published version of its rule set, as an office would.
    let window = |round: &str, unit_code: &str, programme: &str, rule_set: &str| {
        let round = round.to_string();
        let unit_code = unit_code.to_string();
        let programme = programme.to_string();
        let rule_set = rule_set.to_string();
        async move {
            let unit = units::by_code(db, &unit_code).await?.ok_or_else(|| Error::Seed(format!("unit {unit_code} missing")))?;
            let (rule_set_id, _) = crate::rulesets::latest_published(db, &rule_set).await?;
            Ok::<_, Error>(crate::rounds::RoundInput {
                programme,
                rule_set_id: Some(rule_set_id),
                name: round,
                unit_id: Some(unit.id),
                year: Some(i64::from(chrono::Datelike::year(&today))),
                registration_opens: (today - chrono::Duration::days(7)).to_string(),
                registration_closes: (today + chrono::Duration::days(30)).to_string(),
                scoring_opens: (today + chrono::Duration::days(40)).to_string(),
                scoring_closes: (today + chrono::Duration::days(50)).to_string(),
            })
        }
    };
    let ocop_round = crate::rounds::create(db, &ocop, &meta, &window("Đánh giá, phân hạng sản phẩm OCOP huyện Bình Sơn (demo)", "quang-ngai/binh-son", "ocop", "ocop-qd148-2023").await?).await?;
    let province_round = crate::rounds::create(db, &ocop_province, &meta, &window("Đánh giá, phân hạng sản phẩm OCOP tỉnh Quảng Ngãi (demo)", "quang-ngai", "ocop", "ocop-qd148-qd1489-2025").await?).await?;
    let spcnnttb_round = crate::rounds::create(db, &spcnnttb, &meta, &window("Bình chọn sản phẩm CNNT tiêu biểu huyện Bình Sơn (demo)", "quang-ngai/binh-son", "spcnnttb", "spcnnttb-tt26-2014-tt14-2018").await?).await?;
    crate::rounds::act(db, &ocop, &meta, ocop_round, "open_registration").await?;
    crate::rounds::act(db, &ocop_province, &meta, province_round, "open_registration").await?;
    crate::rounds::act(db, &spcnnttb, &meta, spcnnttb_round, "open_registration").await?;

    // A dossier with every required document, submitted; and a draft to continue.
    let file_dossier = |round_id: i64, product_id: i64, submit: bool| {
        let producer = producer.clone();
        let meta = meta.clone();
        async move {
            let id = crate::dossiers::create(
                db,
                &producer,
                &meta,
                &crate::dossiers::NewDossier { round_id, product_id, registration_type: "first".into(), ..Default::default() },
            )
            .await?;
            let d = crate::dossiers::load(db, &producer, id).await?;
            for item in d.items.iter().filter(|i| i.item.required && !i.satisfied && i.item.kind == domain::ruleset::ItemKind::Document) {
                let pdf = demo_pdf(&format!("binhchon demo {}", item.item.code));
                let received = store_bytes(data_dir, &pdf, &[]).await?;
                crate::dossiers::add_file(db, data_dir, u64::MAX, &producer, &meta, id, &item.item.code, &format!("{}.pdf", item.item.code), &received).await?;
            }
            if submit {
                let version = crate::dossiers::dossier_ref(db, id).await?.version;
                crate::dossiers::act(
                    db,
                    &producer,
                    &meta,
                    id,
                    &crate::dossiers::ActionInput { action: "submit".into(), version, declaration: true, ..Default::default() },
                )
                .await?;
            }
            Ok::<_, Error>(id)
        }
    };
    file_dossier(spcnnttb_round, hat, true).await?;
    file_dossier(province_round, fish_sauce, true).await?;
    file_dossier(ocop_round, rice, false).await?;

    let mut tx = db.begin().await?;
    mark_loaded(&mut tx, NAME, VERSION).await?;
    tx.commit().await?;
    Ok(true)
}

/// A round in the scoring phase, so the judges' screens can be tried after `make run`: two
/// accepted dossiers, a council (chair, vice-chair, member, secretary) and scoring open. Made
/// through the same services as everything else.
pub async fn load_demo_scoring(db: &Db, data_dir: &std::path::Path) -> Result<bool> {
    const NAME: &str = "demo-scoring";
    const VERSION: &str = "1";
    if already_loaded(db, NAME, VERSION).await? {
        return Ok(false);
    }
    let meta = auth::RequestMeta::default();
    let producer = demo_user(db, "chuthe@demo.binhchon.vn").await?;
    let ocop = demo_user(db, "ocop@demo.binhchon.vn").await?;
    let products = crate::products::list_own(db, &producer).await?;
    let find = |name: &str| {
        products.iter().find(|p| p.name.starts_with(name)).map(|p| p.id).ok_or_else(|| Error::Seed(format!("demo product {name} missing")))
    };
    let (rice, fish_sauce) = (find("Gạo hữu cơ")?, find("Nước mắm")?);
    let today = crate::rounds::today_vn();
    let unit = units::by_code(db, "quang-ngai/binh-son").await?.ok_or_else(|| Error::Seed("unit quang-ngai/binh-son missing".into()))?;
    let (rule_set_id, _) = crate::rulesets::latest_published(db, "ocop-qd148-2023").await?;
    let round = crate::rounds::create(
        db,
        &ocop,
        &meta,
        &crate::rounds::RoundInput {
            programme: "ocop".into(),
            rule_set_id: Some(rule_set_id),
            name: "Đánh giá, phân hạng sản phẩm OCOP huyện Bình Sơn — đợt chấm điểm (demo)".into(),
            unit_id: Some(unit.id),
            year: Some(i64::from(chrono::Datelike::year(&today))),
            registration_opens: (today - chrono::Duration::days(30)).to_string(),
            registration_closes: today.to_string(),
            scoring_opens: today.to_string(),
            scoring_closes: (today + chrono::Duration::days(14)).to_string(),
        },
    )
    .await?;
    crate::rounds::act(db, &ocop, &meta, round, "open_registration").await?;
    for product_id in [rice, fish_sauce] {
        let id = crate::dossiers::create(
            db,
            &producer,
            &meta,
            &crate::dossiers::NewDossier { round_id: round, product_id, registration_type: "first".into(), ..Default::default() },
        )
        .await?;
        let d = crate::dossiers::load(db, &producer, id).await?;
        for item in d.items.iter().filter(|i| i.item.required && !i.satisfied && i.item.kind == domain::ruleset::ItemKind::Document) {
            let received = store_bytes(data_dir, &demo_pdf(&format!("binhchon demo {}", item.item.code)), &[]).await?;
            crate::dossiers::add_file(db, data_dir, u64::MAX, &producer, &meta, id, &item.item.code, &format!("{}.pdf", item.item.code), &received).await?;
        }
        for (who, action) in [(&producer, "submit"), (&ocop, "accept")] {
            let version = crate::dossiers::dossier_ref(db, id).await?.version;
            let input = crate::dossiers::ActionInput { action: action.into(), version, declaration: true, ..Default::default() };
            crate::dossiers::act(db, who, &meta, id, &input).await?;
        }
    }
    crate::rounds::act(db, &ocop, &meta, round, "close_registration").await?;
    let council = crate::councils::create(
        db,
        &ocop,
        &meta,
        round,
        &crate::councils::CouncilInput {
            name: "Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Bình Sơn (demo)".into(),
            decision_no: "125/QĐ-UBND".into(),
            decision_date: (today - chrono::Duration::days(3)).to_string(),
        },
    )
    .await?;
    for (login, role, position) in [
        ("giamkhao1@demo.binhchon.vn", "chair", "Phó Chủ tịch UBND huyện"),
        ("giamkhao2@demo.binhchon.vn", "vice_chair", "Trưởng phòng Nông nghiệp và PTNT"),
        ("giamkhao3@demo.binhchon.vn", "member", "Chuyên viên Phòng Y tế"),
        ("thuky@demo.binhchon.vn", "secretary", "Chuyên viên Phòng Nông nghiệp và PTNT"),
    ] {
        let input = crate::councils::MemberInput { login: login.into(), role: role.into(), position: position.into(), ..Default::default() };
        crate::councils::add_member(db, &ocop, &meta, council, &input).await?;
    }
    crate::councils::assign(db, &ocop, &meta, council, &crate::councils::Selection::AllUnassigned).await?;
    crate::rounds::act(db, &ocop, &meta, round, "open_scoring").await?;
    let mut tx = db.begin().await?;
    mark_loaded(&mut tx, NAME, VERSION).await?;
    tx.commit().await?;
    Ok(true)
}

/// Answers worth exactly `total` points on an options-only form: every criterion at its best
/// option, then criteria without a mandatory minimum lowered first (the demo's sheets).
fn demo_answers(form: &domain::form::ScoreForm, total: i64) -> domain::sheet::Answers {
    use domain::{form::Scale, sheet::{Answer, Answers}};
    let mut cs: Vec<(String, Vec<i64>, bool)> = Vec::new();
    for part in &form.parts {
        for group in &part.groups {
            for c in &group.criteria {
                if let Scale::Options(options) = &c.scale {
                    cs.push((c.code.clone(), options.iter().map(|o| o.points.hundredths()).collect(), !c.mandatory.is_empty()));
                }
            }
        }
    }
    let mut chosen: Vec<usize> = cs.iter().map(|(_, p, _)| (0..p.len()).max_by_key(|i| p[*i]).unwrap_or(0)).collect();
    let mut deficit = cs.iter().zip(&chosen).map(|((_, p, _), i)| p[*i]).sum::<i64>() - total * 100;
    for mandatory in [false, true] {
        for (at, (_, points, m)) in cs.iter().enumerate() {
            if *m != mandatory || deficit <= 0 {
                continue;
            }
            let current = points[chosen[at]];
            if let Some((i, p)) = points.iter().enumerate().filter(|(_, p)| current - **p <= deficit).min_by_key(|(_, p)| **p) {
                deficit -= current - p;
                chosen[at] = i;
            }
        }
    }
    let mut answers = Answers::new();
    for ((code, _, _), i) in cs.iter().zip(chosen) {
        answers.set(code.clone(), Answer::Option(i));
    }
    answers
}

/// A round of two years ago, scored, finalised and recognised by a signed decision, so the public
/// site (results, catalogue, verification) shows something after `make run`. It belongs to the
/// second demo producer (Cơ sở nước mắm Bình Thuận, `nuocmam@demo.binhchon.vn`) and its own
/// council of three demo judges, so the other demo rounds and their accounts are untouched.
pub async fn load_demo_results(db: &Db, data_dir: &std::path::Path) -> Result<bool> {
    const NAME: &str = "demo-results";
    const VERSION: &str = "1";
    if already_loaded(db, NAME, VERSION).await? {
        return Ok(false);
    }
    let meta = auth::RequestMeta::default();
    let producer = demo_user(db, "nuocmam@demo.binhchon.vn").await?;
    let ocop = demo_user(db, "ocop@demo.binhchon.vn").await?;
    let profile = crate::producers::own_profile(db, &producer).await?;
    crate::producers::update_profile(
        db,
        &producer,
        &meta,
        &crate::producers::ProfileInput {
            name: profile.name.clone(),
            producer_type: profile.producer_type.code().into(),
            registration_no: "34A8005678".into(),
            tax_code: String::new(),
            representative: "Trần Văn Lộc".into(),
            representative_title: "Chủ hộ kinh doanh".into(),
            address: "Thôn Thanh Thủy".into(),
            commune_id: Some(profile.commune_id),
            phone: "0912000002".into(),
            email: "nuocmam@demo.binhchon.vn".into(),
        },
    )
    .await?;
    let product = |name: &str, description: &str, raw: &str, packaging: &str| crate::products::ProductInput {
        programme: "ocop".into(),
        name: name.into(),
        group_code: "I.3.d".into(),
        description: description.into(),
        raw_materials: raw.into(),
        packaging: packaging.into(),
        items: Vec::new(),
    };
    let mut ids = Vec::new();
    for (p, colour) in [
        (
            product(
                "Nước mắm nhĩ Bình Thuận (demo)",
                "Nước mắm nhĩ cốt đầu, ủ chượp 18 tháng trong thùng gỗ bời lời, độ đạm 40°N.",
                "Cá cơm than vùng biển Bình Sơn, muối Sa Huỳnh.",
                "Chai thủy tinh 250 ml và 500 ml, hộp giấy, nhãn theo Nghị định 43/2017/NĐ-CP.",
            ),
            [120, 60, 25],
        ),
        (
            product(
                "Mắm ruốc Bình Thuận (demo)",
                "Mắm ruốc lên men tự nhiên 6 tháng, đóng hũ.",
                "Ruốc biển Bình Sơn, muối hạt.",
                "Hũ thủy tinh 200 g, nắp thiếc, tem truy xuất nguồn gốc.",
            ),
            [170, 90, 110],
        ),
    ] {
        let id = crate::products::create(db, &producer, &meta, &p).await?;
        for (variant, view) in ["front", "side", "top"].into_iter().enumerate() {
            let received = store_bytes(data_dir, &demo_photo(colour, variant as u32), &[]).await?;
            crate::products::add_photo(db, data_dir, &producer, &meta, id, view, &format!("{view}.png"), &received).await?;
        }
        ids.push(id);
    }

    let today = crate::rounds::today_vn();
    let year = chrono::Datelike::year(&today) - 2;
    let unit = units::by_code(db, "quang-ngai/binh-son").await?.ok_or_else(|| Error::Seed("unit quang-ngai/binh-son missing".into()))?;
    let (rule_set_id, _) = crate::rulesets::latest_published(db, "ocop-qd148-2023").await?;
    // Filing needs today inside the window; the round is named and dated for its year.
    let round = crate::rounds::create(
        db,
        &ocop,
        &meta,
        &crate::rounds::RoundInput {
            programme: "ocop".into(),
            rule_set_id: Some(rule_set_id),
            name: format!("Đánh giá, phân hạng sản phẩm OCOP huyện Bình Sơn năm {year} (demo)"),
            unit_id: Some(unit.id),
            year: Some(i64::from(year)),
            registration_opens: (today - chrono::Duration::days(1)).to_string(),
            registration_closes: today.to_string(),
            scoring_opens: today.to_string(),
            scoring_closes: today.to_string(),
        },
    )
    .await?;
    crate::rounds::act(db, &ocop, &meta, round, "open_registration").await?;
    let mut dossiers = Vec::new();
    for product_id in &ids {
        let id = crate::dossiers::create(
            db,
            &producer,
            &meta,
            &crate::dossiers::NewDossier { round_id: round, product_id: *product_id, registration_type: "first".into(), ..Default::default() },
        )
        .await?;
        let d = crate::dossiers::load(db, &producer, id).await?;
        for item in d.items.iter().filter(|i| i.item.required && !i.satisfied && i.item.kind == domain::ruleset::ItemKind::Document) {
            let received = store_bytes(data_dir, &demo_pdf(&format!("binhchon demo {}", item.item.code)), &[]).await?;
            crate::dossiers::add_file(db, data_dir, u64::MAX, &producer, &meta, id, &item.item.code, &format!("{}.pdf", item.item.code), &received).await?;
        }
        for (who, action) in [(&producer, "submit"), (&ocop, "accept")] {
            let version = crate::dossiers::dossier_ref(db, id).await?.version;
            let input = crate::dossiers::ActionInput { action: action.into(), version, declaration: true, ..Default::default() };
            crate::dossiers::act(db, who, &meta, id, &input).await?;
        }
        dossiers.push(id);
    }
    crate::rounds::act(db, &ocop, &meta, round, "close_registration").await?;
    let council = crate::councils::create(
        db,
        &ocop,
        &meta,
        round,
        &crate::councils::CouncilInput {
            name: format!("Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Bình Sơn năm {year} (demo)"),
            decision_no: format!("58/QĐ-UBND năm {year}"),
            decision_date: (today - chrono::Duration::days(1)).to_string(),
        },
    )
    .await?;
    let judges = [
        ("hoidong.a@demo.binhchon.vn", "Lê Văn Bình (demo)", "chair"),
        ("hoidong.b@demo.binhchon.vn", "Phạm Thị Cúc (demo)", "vice_chair"),
        ("hoidong.c@demo.binhchon.vn", "Võ Minh Đức (demo)", "member"),
    ];
    for (login, full_name, role) in judges {
        let input = crate::councils::MemberInput { login: login.into(), full_name: full_name.into(), role: role.into(), position: String::new() };
        crate::councils::add_member(db, &ocop, &meta, council, &input).await?;
    }
    crate::councils::assign(db, &ocop, &meta, council, &crate::councils::Selection::AllUnassigned).await?;
    crate::rounds::act(db, &ocop, &meta, round, "open_scoring").await?;
    // Nước mắm nhĩ 64, 66, 68 (mean 66.00); mắm ruốc 55, 57, 59 (mean 57.00): both 3★.
    for ((login, _, _), totals) in judges.iter().zip([[64, 55], [66, 57], [68, 59]]) {
        let judge = demo_user(db, login).await?;
        for (dossier, total) in dossiers.iter().zip(totals) {
            let ws = crate::scoring::workspace(db, &judge, *dossier).await?;
            let input = crate::scoring::SaveInput { sheet_id: ws.sheet.id, version: ws.sheet.version, answers: demo_answers(&ws.form, total), notes: Default::default() };
            crate::scoring::save(db, &judge, &meta, &input, true).await?;
        }
    }
    crate::rounds::act(db, &ocop, &meta, round, "start_deliberation").await?;
    crate::rounds::act(db, &ocop, &meta, round, "finalise").await?;
    let decision = crate::results::draft_recognition(db, &ocop, &meta, round).await?;
    let version = crate::results::get(db, &ocop, decision).await?.version;
    let signed_on = chrono::NaiveDate::from_ymd_opt(year, 12, 15).ok_or_else(|| Error::Seed("date".into()))?;
    crate::results::sign(
        db,
        &ocop,
        &meta,
        decision,
        &crate::results::SignInput {
            version,
            decision_no: format!("215/QĐ-UBND năm {year}"),
            decision_date: signed_on.to_string(),
            signatory: "Nguyễn Văn An, Chủ tịch UBND huyện (demo)".into(),
        },
    )
    .await?;
    let mut tx = db.begin().await?;
    mark_loaded(&mut tx, NAME, VERSION).await?;
    tx.commit().await?;
    Ok(true)
}
