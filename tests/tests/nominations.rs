//! Nomination to the next level (issue 6, item 4), over HTTP on the demo data: the district
//! round being scored is finalised with the rice at 74 points (4★, sent up to the province);
//! the district office prepares the package and sends it to the demo province round, whose office
//! accepts or returns each product; and the same package travels as a ZIP to a second server
//! (a second database), where tampered packages are refused with a report and nothing imported.

use std::io::{Cursor, Read, Write};

use binhchon_tests::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const CHAIR: &str = "giamkhao1@demo.binhchon.vn";
const VICE: &str = "giamkhao2@demo.binhchon.vn";
const MEMBER: &str = "giamkhao3@demo.binhchon.vn";

// ---- scoring the demo round (answers from the support library, as in scoring.rs) ----

async fn score(c: &Client, dossier: i64, total: i64) {
    let ws = c.ok("sheet_workspace", &[("dossier_id", &dossier.to_string())]).await;
    let answers = answers_for(&ws["form"], total, &[]);
    c.ok_json("sheet_submit", json!({"sheet_id": ws["sheet"]["id"], "version": ws["sheet"]["version"], "answers": answers, "notes": {}})).await;
}

/// The demo district round and its two products.
struct Demo {
    round: i64,
    rice: i64,
    fish: i64,
    council: i64,
}

/// Scores the demo round (rice at `rice` points from every member, fish sauce at `fish`) and
/// finalises it. 74 → 4★, sent up to the province; 62 → 3★, recognised by the district.
async fn finalised_demo(server: &TestServer, rice: i64, fish: i64) -> Demo {
    let chair = server.login_as(CHAIR).await;
    let products = chair.ok("judge_products", &[]).await;
    let find = |prefix: &str| {
        products.as_array().unwrap().iter().find(|p| p["product_name"].as_str().unwrap_or("").starts_with(prefix)).unwrap_or_else(|| panic!("{prefix}")).clone()
    };
    let (r, f) = (find("Gạo hữu cơ"), find("Nước mắm"));
    let d = Demo {
        round: r["round_id"].as_i64().unwrap(),
        rice: r["dossier_id"].as_i64().unwrap(),
        fish: f["dossier_id"].as_i64().unwrap(),
        council: r["council_id"].as_i64().unwrap(),
    };
    // Before the results are final there is no nomination.
    let office = server.login_as(OCOP_OFFICE).await;
    let (status, body) = office.call("nomination_package", &[("round_id", &d.round.to_string())]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "an unfinalised round nominates nothing: {body}");
    assert!(body["vi"].as_str().unwrap().contains("chốt"), "{body}");
    assert_eq!(office.get(&format!("/files/rounds/{}/nomination.zip", d.round)).await.status(), 409);
    for login in [CHAIR, VICE, MEMBER] {
        let c = server.login_as(login).await;
        score(&c, d.rice, rice).await;
        score(&c, d.fish, fish).await;
    }
    for action in ["start_deliberation", "finalise"] {
        office.ok("round_act", &[("id", &d.round.to_string()), ("action", action)]).await;
    }
    d
}

async fn province_round(server: &TestServer) -> i64 {
    let province = server.login_as(PROVINCE_OCOP_OFFICE).await;
    let rounds = province.ok("rounds_managed", &[]).await;
    rounds
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["round"]["level"] == "province" && r["round"]["programme"] == "ocop" && r["round"]["state"] == "registration_open")
        .unwrap_or_else(|| panic!("the demo province round: {rounds}"))["round"]["id"]
        .as_i64()
        .unwrap()
}

async fn save_letter(office: &Client, round: i64) {
    office
        .ok(
            "nomination_letter_save",
            &[
                ("round_id", &round.to_string()),
                ("number", "45/TTr-UBND"),
                ("date", "2026-06-15"),
                ("signatory", "Nguyễn Văn Bình"),
                ("signatory_title", "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH"),
                ("recipient", ""),
            ],
        )
        .await;
}

fn item<'a>(pkg: &'a Value, dossier: i64) -> &'a Value {
    pkg["items"].as_array().unwrap().iter().find(|i| i["dossier_id"] == dossier).unwrap_or_else(|| panic!("no item {dossier}: {pkg}"))
}

async fn audit_actions(server: &TestServer, entity_type: &str) -> Vec<String> {
    let admin = server.login_as(ADMIN).await;
    let log = admin.ok("admin_list_audit", &[("entity_type", entity_type)]).await;
    log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap_or("").to_string()).collect()
}

async fn notices(c: &Client) -> Vec<Value> {
    c.ok("notifications_list", &[]).await["items"].as_array().unwrap().clone()
}

/// An OCOP office for another district (Đức Phổ), with a round of its own open for registration.
async fn other_district_office(server: &TestServer) -> (Client, i64) {
    let admin = server.login_as(ADMIN).await;
    let units = admin.ok("admin_units", &[]).await;
    let duc_pho = units.as_array().unwrap().iter().find(|u| u["name"].as_str().unwrap_or("").contains("Đức Phổ")).expect("Đức Phổ")["id"].to_string();
    let created = admin
        .ok("admin_create_user", &[("full_name", "Văn phòng OCOP Đức Phổ"), ("email", "ocop.ducpho@example.vn"), ("phone", ""), ("role", "ocop_office"), ("unit_id", &duc_pho)])
        .await;
    let temp = created["temporary_password"].as_str().unwrap().to_string();
    let c = server.client();
    assert_eq!(c.login("ocop.ducpho@example.vn", &temp).await.0, 200);
    let new = "van phong duc pho moi";
    c.ok("change_password", &[("old_password", &temp), ("new_password", new), ("confirm_password", new)]).await;
    let options = c.ok("round_options", &[]).await;
    let rule_set = options["rule_sets"].as_array().unwrap().iter().find(|r| r["code"] == "ocop-qd148-2023").expect("QĐ 148")["id"].to_string();
    let year = options["year"].to_string();
    let round = c
        .ok(
            "round_create",
            &[
                ("programme", "ocop"),
                ("rule_set_id", &rule_set),
                ("name", "OCOP huyện Đức Phổ"),
                ("unit_id", &duc_pho),
                ("year", &year),
                ("registration_opens", &format!("{year}-01-01")),
                ("registration_closes", &format!("{year}-12-31")),
                ("scoring_opens", ""),
                ("scoring_closes", ""),
            ],
        )
        .await
        .as_i64()
        .unwrap();
    c.ok("round_act", &[("id", &round.to_string()), ("action", "open_registration")]).await;
    (c, round)
}

#[tokio::test]
async fn the_district_sends_its_nomination_and_the_province_accepts_it_into_its_round() {
    let server = TestServer::start().await;
    // Both products at 74: both go up to the province.
    let d = finalised_demo(&server, 74, 74).await;
    let office = server.login_as(OCOP_OFFICE).await;
    let round = d.round.to_string();
    let province_round = province_round(&server).await;

    // Wrong role: the other programme's office, a judge, the producer.
    for login in [SPCNNTTB_OFFICE, CHAIR, PRODUCER] {
        let c = server.login_as(login).await;
        let (status, _) = c.call("nomination_package", &[("round_id", &round)]).await;
        assert!(matches!(status, 403 | 404), "{login}: {status}");
        let (status, _) = c.call("nomination_send", &[("round_id", &round), ("target_round_id", &province_round.to_string())]).await;
        assert!(matches!(status, 403 | 404), "{login}: {status}");
        assert!(matches!(c.get(&format!("/files/rounds/{round}/nomination.zip")).await.status().as_u16(), 403 | 404), "{login}");
    }

    let pkg = office.ok("nomination_package", &[("round_id", &round)]).await;
    assert_eq!((pkg["state"].as_str(), pkg["stored"].as_bool()), (Some("draft"), Some(false)), "{pkg}");
    assert_eq!(pkg["items"].as_array().unwrap().len(), 2, "{pkg}");
    let rice = item(&pkg, d.rice);
    assert_eq!((rice["mean_hundredths"].as_i64(), rice["stars"].as_i64(), rice["forward_to"].as_str()), (Some(7400), Some(4), Some("province")), "{rice}");
    assert_eq!(rice["state"], "included");
    assert!(!rice["documents"].as_array().unwrap().is_empty(), "the dossier's documents go with it: {rice}");
    assert_eq!(pkg["council_ids"], json!([d.council]));
    let targets: Vec<i64> = pkg["targets"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(targets, [province_round], "only the province's open OCOP round: {pkg}");

    // Nothing goes without the letter's number, date and signatory.
    let send = [("round_id", round.clone()), ("target_round_id", province_round.to_string())];
    let send: Vec<(&str, &str)> = send.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = office.call("nomination_send", &send).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("letter")), "{body}");
    save_letter(&office, d.round).await;
    let letter = office.ok("nomination_letter", &[("round_id", &round)]).await;
    let letter = letter.as_str().unwrap();
    assert!(letter.contains("TỜ TRÌNH") && letter.contains("45/TTr-UBND") && letter.contains("Nguyễn Văn Bình"), "{letter}");
    assert!(letter.contains("Gạo hữu cơ") && letter.contains("cấp tỉnh"), "{letter}");

    // Not to a round that is not above the district: the district's own open round, another
    // district's round, the other programme's round.
    let (duc_pho, duc_pho_round) = other_district_office(&server).await;
    let own_open = office.ok("rounds_managed", &[]).await;
    let own_open = own_open.as_array().unwrap().iter().find(|r| r["round"]["state"] == "registration_open" && r["round"]["programme"] == "ocop").unwrap()["round"]["id"].to_string();
    for target in [own_open, duc_pho_round.to_string()] {
        let (status, body) = office.call("nomination_send", &[("round_id", &round), ("target_round_id", &target)]).await;
        assert_eq!((status, body["field"].as_str()), (400, Some("target_round_id")), "{target}: {body}");
    }

    // The fish sauce already has a dossier in the province round (the demo producer filed it):
    // the office must leave it out, and only with a reason.
    let (status, body) = office.call("nomination_send", &send).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    assert!(body["vi"].as_str().unwrap().contains("Nước mắm"), "{body}");
    let fish = d.fish.to_string();
    let (status, body) = office.call("nomination_exclude", &[("round_id", &round), ("dossier_id", &fish), ("reason", "  ")]).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("reason")), "{body}");
    office.ok("nomination_exclude", &[("round_id", &round), ("dossier_id", &fish), ("reason", "Đã có hồ sơ trực tiếp tại đợt cấp tỉnh")]).await;
    let pkg = office.ok("nomination_package", &[("round_id", &round)]).await;
    assert_eq!(item(&pkg, d.fish)["state"], "excluded");
    assert_eq!(item(&pkg, d.fish)["reason"], "Đã có hồ sơ trực tiếp tại đợt cấp tỉnh");

    assert_eq!(office.ok("nomination_send", &send).await, 1);
    let pkg = office.ok("nomination_package", &[("round_id", &round)]).await;
    assert_eq!((pkg["state"].as_str(), pkg["target_round_id"].as_i64()), (Some("sent"), Some(province_round)));
    assert_eq!(item(&pkg, d.rice)["state"], "pending");
    // Once: not twice, and nothing changes after sending.
    let (status, body) = office.call("nomination_send", &send).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let (status, _) = office.call("nomination_include", &[("round_id", &round), ("dossier_id", &fish)]).await;
    assert_eq!(status, 409);

    // The province's inbox: the rice, its district result, its documents and the minutes.
    let province = server.login_as(PROVINCE_OCOP_OFFICE).await;
    let inbox = province.ok("nomination_inbox", &[]).await;
    let entries = inbox.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{inbox}");
    let e = &entries[0];
    assert_eq!((e["item"]["dossier_id"].as_i64(), e["item"]["state"].as_str()), (Some(d.rice), Some("pending")));
    assert_eq!((e["item"]["mean_hundredths"].as_i64(), e["letter"]["number"].as_str()), (Some(7400), Some("45/TTr-UBND")));
    let item_id = e["item"]["id"].as_i64().unwrap().to_string();
    let doc = &e["item"]["documents"][0];
    let doc_path = format!("/files/documents/{}", doc["id"]);
    let res = province.get(&doc_path).await;
    assert_eq!(res.status(), 200, "the province office reads the nominated dossier's documents");
    let bytes = res.bytes().await.unwrap();
    assert_eq!(hex::encode(Sha256::digest(&bytes)), doc["sha256"].as_str().unwrap());
    let minutes = province.ok("council_minutes", &[("council_id", &d.council.to_string())]).await;
    assert_eq!(minutes["rows"].as_array().unwrap().len(), 2, "{minutes}");
    // Nobody else gains anything: another district's office, the other programme's office.
    for c in [&duc_pho, &server.login_as(SPCNNTTB_OFFICE).await] {
        assert_eq!(c.get(&doc_path).await.status(), 404);
        let (status, _) = c.call("council_minutes", &[("council_id", &d.council.to_string())]).await;
        assert_eq!(status, 404);
        let (status, _) = c.call("nomination_accept", &[("item_id", &item_id)]).await;
        assert_eq!(status, 404);
    }
    assert_eq!(duc_pho.ok("nomination_inbox", &[]).await, json!([]));
    // The district office does not accept into the province's round.
    let (status, _) = office.call("nomination_accept", &[("item_id", &item_id)]).await;
    assert_eq!(status, 404);
    assert!(notices(&province).await.iter().any(|n| n["kind"] == "nomination.received"), "the province is told");

    // Accepting creates the province dossier, linked, with the same stored files.
    let new_id = province.ok("nomination_accept", &[("item_id", &item_id)]).await.as_i64().unwrap();
    let (status, body) = province.call("nomination_accept", &[("item_id", &item_id)]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "accepted once: {body}");
    let dossier = province.ok("dossier_get", &[("id", &new_id.to_string())]).await["dossier"].clone();
    assert_eq!(dossier["round"]["id"].as_i64(), Some(province_round));
    assert!(matches!(dossier["state"].as_str(), Some("submitted" | "commune_confirmed")), "ready for the province's check: {}", dossier["state"]);
    assert!(dossier["events"].as_array().unwrap().iter().any(|ev| ev["action"] == "nominated"), "{}", dossier["events"]);
    let district = office.ok("dossier_get", &[("id", &d.rice.to_string())]).await["dossier"].clone();
    let files = |d: &Value| -> Vec<(String, i64)> {
        let mut v: Vec<(String, i64)> = d["items"].as_array().unwrap().iter().flat_map(|i| i["files"].as_array().unwrap().iter().map(|f| (f["name"].as_str().unwrap().to_string(), f["size"].as_i64().unwrap()))).collect();
        v.sort();
        v
    };
    assert_eq!(files(&dossier), files(&district), "the same documents");
    let first = dossier["items"].as_array().unwrap().iter().find_map(|i| i["files"].as_array().unwrap().first().cloned()).unwrap();
    let res = province.get(&format!("/files/documents/{}", first["id"])).await;
    assert_eq!(res.status(), 200);
    let inbox = province.ok("nomination_inbox", &[]).await;
    assert_eq!((inbox[0]["item"]["state"].as_str(), inbox[0]["item"]["target_dossier_id"].as_i64()), (Some("accepted"), Some(new_id)));
    let pkg = office.ok("nomination_package", &[("round_id", &round)]).await;
    assert_eq!(item(&pkg, d.rice)["state"], "accepted");
    assert!(notices(&office).await.iter().any(|n| n["kind"] == "nomination.accepted"), "the district is told");
    let producer = server.login_as(PRODUCER).await;
    assert!(notices(&producer).await.iter().any(|n| n["kind"] == "nomination.accepted"), "the producer is told");

    let log = audit_actions(&server, "nomination").await;
    for action in ["nomination.prepare", "nomination.letter", "nomination.exclude", "nomination.send", "nomination.accept"] {
        assert!(log.iter().any(|a| a == action), "{action} audited: {log:?}");
    }
}

#[tokio::test]
async fn the_province_returns_a_nomination_with_a_reason() {
    let server = TestServer::start().await;
    // The rice goes up; the fish sauce (62) is recognised by the district and stays.
    let d = finalised_demo(&server, 74, 62).await;
    let office = server.login_as(OCOP_OFFICE).await;
    let round = d.round.to_string();
    let pkg = office.ok("nomination_package", &[("round_id", &round)]).await;
    assert_eq!(pkg["items"].as_array().unwrap().len(), 1, "only the product sent up: {pkg}");
    save_letter(&office, d.round).await;
    let province_round = province_round(&server).await;
    office.ok("nomination_send", &[("round_id", &round), ("target_round_id", &province_round.to_string())]).await;

    let province = server.login_as(PROVINCE_OCOP_OFFICE).await;
    let inbox = province.ok("nomination_inbox", &[]).await;
    let item_id = inbox[0]["item"]["id"].as_i64().unwrap().to_string();
    let (status, body) = province.call("nomination_return", &[("item_id", &item_id), ("reason", "")]).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("reason")), "a reason is required: {body}");
    let reason = "Thiếu phiếu kiểm nghiệm còn hiệu lực";
    province.ok("nomination_return", &[("item_id", &item_id), ("reason", reason)]).await;
    let (status, _) = province.call("nomination_accept", &[("item_id", &item_id)]).await;
    assert_eq!(status, 409, "a returned product is not accepted afterwards");
    let pkg = office.ok("nomination_package", &[("round_id", &round)]).await;
    assert_eq!((item(&pkg, d.rice)["state"].as_str(), item(&pkg, d.rice)["reason"].as_str()), (Some("returned"), Some(reason)));
    let told = notices(&office).await;
    assert!(told.iter().any(|n| n["kind"] == "nomination.returned" && n["body_vi"].as_str().unwrap().contains(reason)), "{told:?}");
    // No dossier was created in the province round for the rice.
    let intake = province.ok("dossiers_intake", &[("round_id", &province_round.to_string())]).await;
    assert!(!intake.to_string().contains("Gạo hữu cơ"), "{intake}");
    assert!(audit_actions(&server, "nomination").await.iter().any(|a| a == "nomination.return"));
}

// ---- the package as a file ----

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut a = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP");
    let mut out = Vec::new();
    for i in 0..a.len() {
        let mut f = a.by_index(i).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        out.push((f.name().expect("entry name").to_string(), b));
    }
    out
}

fn rezip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (n, b) in entries {
        w.start_file(n.as_str(), opts).unwrap();
        w.write_all(b).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn sha(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

async fn import(c: &Client, round: i64, bytes: Vec<u8>) -> (u16, Value) {
    let res = c
        .http
        .post(format!("{}/files/rounds/{round}/nominations/import", c.base))
        .header("content-type", "application/zip")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, serde_json::from_str(&res.text().await.unwrap()).unwrap_or(Value::Null))
}

async fn dossier_count(c: &Client, round: i64) -> usize {
    let intake = c.ok("dossiers_intake", &[("round_id", &round.to_string())]).await;
    intake["rows"].as_array().or_else(|| intake.as_array()).map(|a| a.len()).unwrap_or_else(|| panic!("{intake}"))
}

#[tokio::test]
async fn the_package_travels_as_a_zip_to_another_instance_checked_file_by_file() {
    let a = TestServer::start().await;
    // The producer's tax code travels with the package and finds the producer on the other side.
    let producer = a.login_as(PRODUCER).await;
    let profile = producer.ok("producer_profile", &[]).await;
    let update = |p: &Value| {
        let s = |k: &str| p[k].as_str().unwrap_or("").to_string();
        vec![
            ("name", s("name")),
            ("producer_type", s("producer_type")),
            ("registration_no", "4300987654".to_string()),
            ("tax_code", "4300987654".to_string()),
            ("representative", "Ngô Thị Thu".to_string()),
            ("representative_title", "Giám đốc".to_string()),
            ("address", "Thôn 1, xã Bình Chánh".to_string()),
            ("commune_id", p["commune_id"].to_string()),
            ("phone", "0912000001".to_string()),
            ("email", String::new()),
        ]
    };
    let args = update(&profile);
    producer.ok("producer_update", &args.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    let d = finalised_demo(&a, 74, 74).await;
    let office = a.login_as(OCOP_OFFICE).await;
    save_letter(&office, d.round).await;

    let res = office.get(&format!("/files/rounds/{}/nomination.zip", d.round)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let package = res.bytes().await.unwrap().to_vec();
    let entries = unzip(&package);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[0], "manifest.json", "{names:?}");
    for expected in ["danh-sach-trich-ngang.xlsx", "to-trinh.html", &format!("bien-ban/hoi-dong-{}.html", d.council)] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let manifest: Value = serde_json::from_slice(&entries[0].1).unwrap();
    assert_eq!((manifest["format"].as_str(), manifest["format_version"].as_i64()), (Some("binhchon-nomination"), Some(1)));
    assert_eq!(manifest["round"]["unit_code"], "quang-ngai/binh-son");
    assert_eq!(manifest["letter"]["number"], "45/TTr-UBND");
    let products = manifest["products"].as_array().unwrap();
    assert_eq!(products.len(), 2, "{manifest}");
    let rice = products.iter().find(|p| p["name"].as_str().unwrap().starts_with("Gạo hữu cơ")).unwrap();
    assert_eq!((rice["mean_hundredths"].as_i64(), rice["stars"].as_i64(), rice["forward_to"].as_str()), (Some(7400), Some(4), Some("province")));
    assert_eq!(rice["producer"]["tax_code"], "4300987654");
    assert!(!rice["documents"].as_array().unwrap().is_empty());
    assert!(names.iter().any(|n| n.starts_with(rice["folder"].as_str().unwrap()) && n.ends_with("ket-qua.json")), "{names:?}");
    // Every file is listed with its checksum and size, and nothing else is in the package.
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), entries.len() - 1);
    for (name, bytes) in &entries[1..] {
        let f = files.iter().find(|f| f["path"] == name.as_str()).unwrap_or_else(|| panic!("{name} not in the manifest"));
        assert_eq!((f["sha256"].as_str().unwrap(), f["size"].as_u64().unwrap()), (sha(bytes).as_str(), bytes.len() as u64), "{name}");
    }
    let minutes = &entries.iter().find(|(n, _)| n.starts_with("bien-ban/")).unwrap().1;
    assert!(String::from_utf8_lossy(minutes).contains("BIÊN BẢN HỌP HỘI ĐỒNG"));

    // The second instance: its own database, a 1 MB package limit (so 4 MB unpacked at most).
    let b = TestServer::start_with(&[("MAX_PACKAGE_MB", "1")]).await;
    let b_round = province_round(&b).await;
    let b_office = b.login_as(PROVINCE_OCOP_OFFICE).await;
    let before = dossier_count(&b_office, b_round).await;
    let doc_path = rice["documents"][0]["path"].as_str().unwrap().to_string();

    // Tampered packages are refused as a whole, with the reason, and nothing is imported.
    let mut changed = entries.clone();
    let at = changed.iter().position(|(n, _)| *n == doc_path).unwrap();
    let last = changed[at].1.len() - 3;
    changed[at].1[last] ^= 0x20;
    let mut traversal = entries.clone();
    traversal.push(("../../evil.pdf".into(), pdf_bytes("evil")));
    let mut wrong_sum = entries.clone();
    let mut m = manifest.clone();
    let f = m["files"].as_array_mut().unwrap().iter_mut().find(|f| f["path"] == doc_path.as_str()).unwrap();
    f["sha256"] = json!(sha(b"something else"));
    wrong_sum[0].1 = serde_json::to_vec(&m).unwrap();
    let mut bomb = entries.clone();
    bomb.push(("san-pham/bom.bin".into(), vec![0u8; 6 * 1024 * 1024]));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("a changed byte", rezip(&changed), "SHA-256"),
        ("a ../ path", rezip(&traversal), "Unsafe path"),
        ("a wrong checksum", rezip(&wrong_sum), "SHA-256"),
        ("a zip bomb", rezip(&bomb), "zip bomb"),
        ("not a ZIP", b"PK\x03\x04 not really".to_vec(), "not a valid ZIP"),
    ];
    for (what, bytes, reason) in cases {
        let (status, report) = import(&b_office, b_round, bytes).await;
        assert_eq!(status, 200, "{what}: {report}");
        assert_eq!(report["imported"], false, "{what}: {report}");
        assert_eq!(report["accepted"], json!([]), "{what}: {report}");
        let errors = report["errors_en"].as_array().unwrap();
        assert!(errors.iter().any(|e| e.as_str().unwrap().contains(reason)), "{what}: {report}");
        assert!(!report["errors_vi"].as_array().unwrap().is_empty());
        assert_eq!(dossier_count(&b_office, b_round).await, before, "{what}: nothing imported");
    }
    // Over the upload limit: refused before it is read.
    let (status, _) = import(&b_office, b_round, vec![0u8; 2 * 1024 * 1024]).await;
    assert_eq!(status, 413);
    // Only the round's office: the district office and the other programme's office are refused.
    for login in [OCOP_OFFICE, SPCNNTTB_OFFICE, PRODUCER] {
        let c = b.login_as(login).await;
        let (status, _) = import(&c, b_round, package.clone()).await;
        assert!(matches!(status, 403 | 404), "{login}: {status}");
    }
    assert_eq!(dossier_count(&b_office, b_round).await, before);

    // The genuine package: on the second instance the demo producer has the same tax code, so it
    // is matched, not duplicated. Its fish sauce already has a dossier in that province round:
    // refused with the reason; the rice is accepted.
    let b_producer = b.login_as(PRODUCER).await;
    let b_profile = b_producer.ok("producer_profile", &[]).await;
    let args = update(&b_profile);
    b_producer.ok("producer_update", &args.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    let (status, report) = import(&b_office, b_round, package.clone()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["imported"], true, "{report}");
    assert_eq!(report["errors_en"], json!([]), "{report}");
    assert_eq!(report["files_checked"].as_u64(), Some(files.len() as u64), "{report}");
    let accepted = report["accepted"].as_array().unwrap();
    assert_eq!(accepted.len(), 1, "{report}");
    assert!(accepted[0]["product"].as_str().unwrap().starts_with("Gạo hữu cơ"));
    assert_eq!(accepted[0]["producer_created"], false, "matched by tax code: {report}");
    let refused = report["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{report}");
    assert!(refused[0]["product"].as_str().unwrap().starts_with("Nước mắm"));
    assert!(refused[0]["reason_vi"].as_str().unwrap().contains("đã có hồ sơ"), "{report}");
    assert_eq!(dossier_count(&b_office, b_round).await, before + 1);

    // The imported dossier holds the documents, byte for byte.
    let new_id = accepted[0]["dossier_id"].as_i64().unwrap();
    let dossier = b_office.ok("dossier_get", &[("id", &new_id.to_string())]).await["dossier"].clone();
    assert_eq!(dossier["producer_id"], b_profile["id"], "the existing producer");
    let file = dossier["items"].as_array().unwrap().iter().find_map(|i| i["files"].as_array().unwrap().first().cloned()).expect("documents");
    let got = b_office.get(&format!("/files/documents/{}", file["id"])).await.bytes().await.unwrap();
    let listed: Vec<&str> = rice["documents"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert!(
        entries.iter().any(|(n, bytes)| listed.contains(&n.as_str()) && sha(bytes) == sha(&got)),
        "a stored document matches a file of the package"
    );
    // The same package again: the rice is there now.
    let (_, again) = import(&b_office, b_round, package).await;
    assert_eq!((again["imported"].as_bool(), again["accepted"].as_array().unwrap().len()), (Some(false), 0), "{again}");
    let log = audit_actions(&b, "round").await;
    assert!(log.iter().filter(|a| *a == "nomination.import").count() >= 7, "every attempt is audited: {log:?}");
}
