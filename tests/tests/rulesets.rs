//! Rule sets and score forms in the database: the shipped files loaded and checked, who may
//! edit (only the right programme's office, and the administrator), published and used forms
//! that refuse edits, invalid forms refused with their place, XLSX and TOML round trips,
//! broken uploads that change nothing, an audit row for every write, and rounds that score with
//! the published version they were created with.
//!
//! The demo rounds use version 1 of the QĐ 148 and TT 26/TT 14 rule sets, so those are frozen:
//! the tests that edit them work in a new draft version, as an office would.

use binhchon_tests::*;
use serde_json::{json, Value};

const OCOP_QD148: &str = "ocop-qd148-2023";
const SPCNNTTB: &str = "spcnnttb-tt26-2014-tt14-2018";

async fn rule_sets(c: &Client) -> Vec<Value> {
    let (status, body) = c.call("rulesets_list", &[]).await;
    assert_eq!(status, 200, "{body}");
    body.as_array().expect("list").clone()
}

async fn rule_set_id(c: &Client, code: &str) -> i64 {
    rule_sets(c)
        .await
        .iter()
        .find(|r| r["code"] == code && r["version"] == 1)
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_else(|| panic!("rule set {code} v1 listed"))
}

async fn detail(c: &Client, id: i64) -> Value {
    let (status, body) = c.call("rulesets_get", &[("id", &id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The current (first) form of a rule set.
async fn current_form(c: &Client, rule_set: i64) -> i64 {
    detail(c, rule_set).await["forms"]
        .as_array()
        .expect("forms")
        .iter()
        .find(|f| f["current"] == true)
        .and_then(|f| f["id"].as_i64())
        .expect("a current form")
}

async fn form(c: &Client, id: i64) -> Value {
    let (status, body) = c.call("forms_get", &[("id", &id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn download(c: &Client, path: &str) -> (u16, Vec<u8>) {
    let res = c.get(path).await;
    let status = res.status().as_u16();
    (status, res.bytes().await.expect("body").to_vec())
}

async fn import(c: &Client, rule_set: i64, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let res = c
        .http
        .post(format!("{}/files/rule-sets/{rule_set}/import", c.base))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn audit_actions(admin: &Client, entity_type: &str) -> Vec<String> {
    let (status, body) = admin.call("admin_list_audit", &[("entity_type", entity_type)]).await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().expect("items").iter().filter_map(|r| r["action"].as_str().map(str::to_string)).collect()
}

/// A draft new version of the rule set `code` (version 1 of it may be frozen by a demo round).
async fn draft_version(c: &Client, code: &str) -> i64 {
    let id = rule_set_id(c, code).await;
    let (status, body) = c.call("rulesets_new_version", &[("id", &id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    body.as_i64().expect("draft id")
}

fn without_version(mut form: Value) -> Value {
    form.as_object_mut().expect("form object").remove("version");
    form
}

#[tokio::test]
async fn the_shipped_rule_sets_are_loaded_valid_and_visible() {
    let server = TestServer::start().await;
    let judge = server.login_as(JUDGE).await;
    let rows = rule_sets(&judge).await;
    let codes: Vec<&str> = rows.iter().filter_map(|r| r["code"].as_str()).collect();
    for code in [OCOP_QD148, "ocop-qd148-qd1489-2025", "ocop-qd1048-2019", SPCNNTTB, "spcnnttb-tt38-2025"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    assert!(rows.iter().all(|r| r["version"] == 1), "{rows:?}");
    // The versions the demo rounds use are frozen; the others are published.
    for r in &rows {
        let used = [OCOP_QD148, "ocop-qd148-qd1489-2025", SPCNNTTB].contains(&r["code"].as_str().unwrap_or(""));
        assert_eq!(r["status"], if used { "frozen" } else { "published" }, "{r}");
    }
    // The QĐ 148 rule set: official part maxima, illustrative form flagged.
    let qd148 = rows.iter().find(|r| r["code"] == OCOP_QD148).expect("qd148");
    assert_eq!(qd148["illustrative"], true);
    assert!(qd148["legal_summary"].as_str().unwrap_or("").contains("148/QĐ-TTg"), "{qd148}");
    let d = detail(&judge, qd148["id"].as_i64().expect("id")).await;
    let maxima: Vec<i64> = d["rule_set"]["parts"].as_array().expect("parts").iter().filter_map(|p| p["max"].as_i64()).collect();
    assert_eq!(maxima, vec![40, 25, 35]);
    assert_eq!(d["can_edit"], false, "a judge does not edit rules");
    // The QĐ 1048 fresh-produce form is official and adds up to 35/25/40.
    let qd1048 = rule_set_id(&judge, "ocop-qd1048-2019").await;
    let f = form(&judge, current_form(&judge, qd1048).await).await;
    assert_eq!(f["form"]["official"], true);
    let parts: Vec<i64> = f["form"]["parts"].as_array().expect("parts").iter().filter_map(|p| p["max"].as_i64()).collect();
    assert_eq!(parts, vec![35, 25, 40]);
    // Producers see published rule sets too.
    let producer = server.login_as(PRODUCER).await;
    assert_eq!(rule_sets(&producer).await.len(), rows.len());
    // A second start loads nothing twice.
    let mut server = server;
    server.kill_and_restart();
    let judge = server.login_as(JUDGE).await;
    assert_eq!(rule_sets(&judge).await.len(), rows.len());
}

#[tokio::test]
async fn only_the_programmes_office_and_the_administrator_may_edit() {
    let server = TestServer::start().await;
    let ocop = server.login_as(OCOP_OFFICE).await;
    let spcnnttb = server.login_as(SPCNNTTB_OFFICE).await;
    let ocop_form = current_form(&ocop, draft_version(&ocop, OCOP_QD148).await).await.to_string();
    let sp_form = current_form(&ocop, draft_version(&spcnnttb, SPCNNTTB).await).await.to_string();
    for (who, login) in [("spcnnttb office", SPCNNTTB_OFFICE), ("judge", JUDGE), ("producer", PRODUCER), ("commune officer", COMMUNE_OFFICER)] {
        let c = server.login_as(login).await;
        let (status, body) = c.call("forms_new_version", &[("id", &ocop_form)]).await;
        assert_eq!((status, code(&body)), (403, "forbidden"), "{who}: {body}");
    }
    let (status, body) = ocop.call("forms_new_version", &[("id", &sp_form)]).await;
    assert_eq!((status, code(&body)), (403, "forbidden"), "the OCOP office may not edit SPCNNTTB forms: {body}");
    let (status, body) = ocop.call("forms_new_version", &[("id", &ocop_form)]).await;
    assert_eq!(status, 200, "{body}");
    let draft = body.as_i64().expect("draft id");
    let (status, body) = spcnnttb.call("forms_new_version", &[("id", &sp_form)]).await;
    assert_eq!(status, 200, "{body}");
    // The administrator may edit any programme; an existing draft is reused, not doubled.
    let admin = server.login_as(ADMIN).await;
    let (status, body) = admin.call("forms_new_version", &[("id", &ocop_form)]).await;
    assert_eq!((status, body.as_i64()), (200, Some(draft)), "{body}");
    // Drafts are not shown to producers.
    let producer = server.login_as(PRODUCER).await;
    let (status, body) = producer.call("forms_get", &[("id", &draft.to_string())]).await;
    assert_eq!((status, code(&body)), (404, "not_found"), "{body}");
    // Saving needs the right programme too.
    let f = form(&ocop, draft).await["form"].to_string();
    let (status, body) = spcnnttb.call("forms_save", &[("id", &draft.to_string()), ("form_json", &f)]).await;
    assert_eq!((status, code(&body)), (403, "forbidden"), "{body}");
}

#[tokio::test]
async fn invalid_forms_are_refused_with_their_place_and_published_forms_never_change() {
    let server = TestServer::start().await;
    let ocop = server.login_as(OCOP_OFFICE).await;
    // A new rule-set version is a draft, with copies of the forms to edit.
    let rs = draft_version(&ocop, OCOP_QD148).await;
    let d = detail(&ocop, rs).await;
    assert_eq!((d["summary"]["status"].as_str(), d["summary"]["version"].as_i64()), (Some("draft"), Some(2)));
    let producer = server.login_as(PRODUCER).await;
    assert!(rule_sets(&producer).await.iter().all(|r| r["id"] != rs), "producers do not see drafts");
    let original = current_form(&ocop, rs).await;
    let (_, body) = ocop.call("forms_new_version", &[("id", &original.to_string())]).await;
    let draft = body.as_i64().expect("draft").to_string();
    let mut f = form(&ocop, draft.parse().expect("id")).await["form"].clone();
    assert_eq!(f["parts"][0]["groups"][0]["criteria"][0]["code"], "A1.1");
    // The top option of A1.1 no longer equals its maximum (3): the form does not add up.
    f["parts"][0]["groups"][0]["criteria"][0]["options"][3]["points"] = Value::from(2);
    let (status, issues) = ocop.call("forms_save", &[("id", &draft), ("form_json", &f.to_string())]).await;
    assert_eq!(status, 200, "a draft with problems is still saved: {issues}");
    assert!(issues.as_array().is_some_and(|i| !i.is_empty()), "{issues}");
    let (status, body) = ocop.call("forms_publish", &[("id", &draft)]).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("form")), "{body}");
    let msg = body["vi"].as_str().unwrap_or("");
    assert!(msg.contains("phần A › nhóm A1 › tiêu chí A1.1") && msg.contains("phương án cao nhất"), "{msg}");
    // Broken JSON is refused by field, not a 500.
    let (status, body) = ocop.call("forms_save", &[("id", &draft), ("form_json", "{\"code\": 1")]).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("form")), "{body}");

    // Fixed, it publishes, becomes current, and can no longer change.
    f["parts"][0]["groups"][0]["criteria"][0]["options"][3]["points"] = Value::from(3);
    f["parts"][0]["groups"][0]["criteria"][0]["name_vi"] = Value::from("Nguồn nguyên liệu (đã sửa)");
    let (status, issues) = ocop.call("forms_save", &[("id", &draft), ("form_json", &f.to_string())]).await;
    assert_eq!((status, issues.clone()), (200, Value::Array(vec![])), "{issues}");
    let (status, body) = ocop.call("forms_publish", &[("id", &draft)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(current_form(&ocop, rs).await.to_string(), draft, "the new version is current");
    let (status, body) = ocop.call("forms_save", &[("id", &draft), ("form_json", &f.to_string())]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    assert!(body["vi"].as_str().unwrap_or("").contains("không sửa được"), "{body}");
    let (status, body) = ocop.call("forms_publish", &[("id", &draft)]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    // The original version is unchanged.
    let v1 = form(&ocop, original).await;
    assert_eq!(v1["form"]["parts"][0]["groups"][0]["criteria"][0]["name_vi"], "Nguồn nguyên liệu");

    // The draft rule-set version publishes with its forms.
    let (status, body) = ocop.call("rulesets_publish", &[("id", &rs.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(detail(&ocop, rs).await["summary"]["status"], "published");
}

#[tokio::test]
async fn forms_survive_xlsx_and_toml_round_trips() {
    let server = TestServer::start().await;
    let ocop = server.login_as(OCOP_OFFICE).await;
    let spcnnttb = server.login_as(SPCNNTTB_OFFICE).await;
    for (office, code) in [(&ocop, OCOP_QD148), (&ocop, "ocop-qd1048-2019"), (&spcnnttb, SPCNNTTB)] {
        let id = current_form(office, rule_set_id(office, code).await).await;
        let original = form(office, id).await["form"].clone();
        let rs = draft_version(office, code).await;
        for ext in ["xlsx", "toml"] {
            let (status, bytes) = download(office, &format!("/files/forms/{id}/{ext}")).await;
            assert_eq!(status, 200, "{code} {ext}");
            let (status, body) = import(office, rs, &format!("phieu.{ext}"), bytes).await;
            assert_eq!(status, 200, "{code} {ext}: {body}");
            let imported = form(office, body["form_id"].as_i64().expect("form_id")).await;
            assert_eq!(imported["summary"]["status"], "draft");
            assert_eq!(without_version(imported["form"].clone()), without_version(original.clone()), "{code} {ext}");
        }
    }
    // Anyone logged in may download a published form; nobody anonymous.
    let id = current_form(&ocop, rule_set_id(&ocop, OCOP_QD148).await).await;
    let producer = server.login_as(PRODUCER).await;
    assert_eq!(download(&producer, &format!("/files/forms/{id}/toml")).await.0, 200);
    let (status, body) = download(&server.client(), &format!("/files/forms/{id}/xlsx")).await;
    assert_eq!(status, 401, "{}", String::from_utf8_lossy(&body));
}

fn broken_workbook() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Phiếu").unwrap();
    for (row, (k, v)) in [("code", "ocop-qd148-minh-hoa"), ("name_vi", "Phiếu hỏng"), ("source", "thử"), ("applies_to", "I")].iter().enumerate() {
        ws.write_string(u32::try_from(row).unwrap() + 1, 0, *k).unwrap();
        ws.write_string(u32::try_from(row).unwrap() + 1, 1, *v).unwrap();
    }
    let ws = wb.add_worksheet();
    ws.set_name("Tiêu chí").unwrap();
    ws.write_string(0, 0, "Loại").unwrap();
    ws.write_string(1, 0, "Phần").unwrap();
    ws.write_string(1, 1, "A").unwrap();
    ws.write_string(1, 2, "Sản phẩm").unwrap();
    ws.write_string(1, 4, "bốn mươi").unwrap();
    ws.write_string(2, 0, "Tiêu chuẩn").unwrap();
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn broken_uploads_are_refused_clearly_and_change_nothing() {
    let server = TestServer::start().await;
    let ocop = server.login_as(OCOP_OFFICE).await;
    let admin = server.login_as(ADMIN).await;
    let rs = rule_set_id(&ocop, OCOP_QD148).await;
    let forms_before = detail(&ocop, rs).await["forms"].as_array().expect("forms").len();
    let audit_before = audit_actions(&admin, "score_form").await.len();

    let (status, body) = import(&ocop, rs, "phieu.xlsx", broken_workbook()).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("file")), "{body}");
    let msg = body["vi"].as_str().unwrap_or("");
    assert!(msg.contains("Trang 'Tiêu chí', dòng 2, ô E2"), "{msg}");
    assert!(msg.contains("dòng 3, ô A3"), "{msg}");
    assert!(body["en"].as_str().unwrap_or("").contains("Sheet 'Tiêu chí', row 2, cell E2"), "{body}");

    for (name, bytes) in [
        ("rac.bin", vec![0xff, 0xfe, 0x00, 0x81, 0x20]),
        ("hong.xlsx", b"PK\x03\x04 this is not a workbook".to_vec()),
        ("rong.toml", Vec::new()),
        ("sai.toml", b"code = \"x\"\nname_vi = ".to_vec()),
    ] {
        let (status, body) = import(&ocop, rs, name, bytes).await;
        assert_eq!((status, body["field"].as_str()), (400, Some("file")), "{name}: {body}");
        assert!(!body["vi"].as_str().unwrap_or("").is_empty(), "{name}: {body}");
    }
    // A TOML form whose option is above its criterion's maximum names the place.
    let id = current_form(&ocop, rs).await;
    let (_, text) = download(&ocop, &format!("/files/forms/{id}/toml")).await;
    let text = String::from_utf8(text).expect("utf-8");
    let bad = if text.contains("points = 3\n") { text.replacen("points = 3\n", "points = 9\n", 1) } else { text.replacen("points = 3,", "points = 9,", 1) };
    assert_ne!(bad, text, "the form has an option of 3 points");
    let (status, body) = import(&ocop, rs, "phieu.toml", bad.into_bytes()).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["vi"].as_str().unwrap_or("").contains("lớn hơn điểm tối đa của tiêu chí"), "{body}");
    // Not the caller's programme; not logged in; from another site.
    let spcnnttb = server.login_as(SPCNNTTB_OFFICE).await;
    let (_, good) = download(&ocop, &format!("/files/forms/{id}/xlsx")).await;
    let (status, body) = import(&spcnnttb, rs, "phieu.xlsx", good.clone()).await;
    assert_eq!((status, code(&body)), (403, "forbidden"), "{body}");
    let (status, body) = import(&server.client(), rs, "phieu.xlsx", good.clone()).await;
    assert_eq!((status, code(&body)), (401, "unauthenticated"), "{body}");
    let part = reqwest::multipart::Part::bytes(good).file_name("phieu.xlsx");
    let res = ocop
        .http
        .post(format!("{}/files/rule-sets/{rs}/import", ocop.base))
        .header("origin", "https://evil.example")
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 403);

    assert_eq!(detail(&ocop, rs).await["forms"].as_array().expect("forms").len(), forms_before, "nothing was added");
    assert_eq!(audit_actions(&admin, "score_form").await.len(), audit_before, "nothing was written");
}

#[tokio::test]
async fn every_write_to_rules_is_audited() {
    let server = TestServer::start().await;
    let ocop = server.login_as(OCOP_OFFICE).await;
    let admin = server.login_as(ADMIN).await;
    let loaded = audit_actions(&admin, "rule_set").await;
    assert!(loaded.iter().filter(|a| *a == "rule_set.load").count() >= 5, "{loaded:?}");
    assert!(loaded.iter().any(|a| a == "rule_set.freeze"), "the demo rounds froze their rule sets: {loaded:?}");
    let rs = draft_version(&ocop, OCOP_QD148).await;
    assert!(audit_actions(&admin, "rule_set").await.contains(&"rule_set.new_version".to_string()));
    let id = current_form(&ocop, rs).await;
    let (_, body) = ocop.call("forms_new_version", &[("id", &id.to_string())]).await;
    let draft = body.as_i64().expect("draft").to_string();
    let f = form(&ocop, draft.parse().expect("id")).await["form"].to_string();
    assert_eq!(ocop.call("forms_save", &[("id", &draft), ("form_json", &f)]).await.0, 200);
    assert_eq!(ocop.call("forms_publish", &[("id", &draft)]).await.0, 200);
    let (_, xlsx) = download(&ocop, &format!("/files/forms/{id}/xlsx")).await;
    assert_eq!(import(&ocop, rs, "phieu.xlsx", xlsx).await.0, 200);
    let (status, body) = admin.call("admin_list_audit", &[("entity_type", "score_form"), ("entity_id", &draft)]).await;
    assert_eq!(status, 200, "{body}");
    let rows = body["items"].as_array().expect("items");
    let actions: Vec<&str> = rows.iter().filter_map(|r| r["action"].as_str()).collect();
    assert_eq!(actions, vec!["form.publish", "form.save", "form.new_version"], "newest first");
    let save = rows.iter().find(|r| r["action"] == "form.save").expect("save row");
    assert!(save["before_json"].as_str().is_some() && save["after_json"].as_str().is_some(), "{save}");
    assert!(save["actor_label"].as_str().unwrap_or("").contains(OCOP_OFFICE), "{save}");
    assert!(audit_actions(&admin, "score_form").await.contains(&"form.import".to_string()));
}

/// The rule-set versions the new-round form offers the caller.
async fn picker(c: &Client) -> Vec<Value> {
    c.ok("round_options", &[]).await["rule_sets"].as_array().expect("rule_sets").clone()
}

async fn create_round(c: &Client, rule_set_id: i64, unit_id: &str, opens: &str, closes: &str) -> (u16, Value) {
    let rule_set_id = rule_set_id.to_string();
    c.call(
        "round_create",
        &[
            ("programme", "ocop"),
            ("rule_set_id", &rule_set_id),
            ("name", "Đánh giá, phân hạng OCOP theo phiếu sửa đổi"),
            ("unit_id", unit_id),
            ("year", "2026"),
            ("registration_opens", opens),
            ("registration_closes", closes),
            ("scoring_opens", ""),
            ("scoring_closes", ""),
        ],
    )
    .await
}

/// Walks one new product of the demo producer through `round` up to scoring by two judges, and
/// returns its dossier id.
async fn scored_dossier(server: &TestServer, office: &Client, round: i64, day: &str) -> i64 {
    let round_s = round.to_string();
    office.ok("round_act", &[("id", &round_s), ("action", "open_registration")]).await;
    let p = server.login_as(PRODUCER).await;
    let form = json!({"form": {
        "programme": "ocop", "name": "Mật ong rừng Bình Sơn", "group_code": "I.2.a",
        "description": "Mật ong khai thác tự nhiên, lọc lạnh.", "raw_materials": "Mật ong rừng tại xã Bình Chánh.",
        "packaging": "Chai thủy tinh 500 ml, nhãn đủ thông tin.", "items": []
    }});
    let (status, body) = p.call_json("product_create", form).await;
    assert_eq!(status, 200, "{body}");
    let product = body.as_i64().expect("product id");
    for view in ["front", "side", "top"] {
        let (status, body) = p.upload(&format!("/files/products/{product}/photos?view={view}"), &format!("{view}.png"), png_bytes(3)).await;
        assert_eq!(status, 201, "{body}");
    }
    let product_s = product.to_string();
    let args = [("round_id", round_s.as_str()), ("product_id", &product_s), ("registration_type", "first"), ("previous_certificate", ""), ("group_code", "")];
    let id = p.ok("dossier_create", &args).await.as_i64().expect("dossier id");
    let d = p.ok("dossier_get", &[("id", &id.to_string())]).await["dossier"].clone();
    for item in d["items"].as_array().expect("items") {
        if item["item"]["required"] == true && item["satisfied"] == false && item["item"]["kind"] == "document" {
            let code = item["item"]["code"].as_str().expect("code");
            let (status, body) = p.upload(&format!("/files/dossiers/{id}/items/{code}"), &format!("{code}.pdf"), pdf_bytes(code)).await;
            assert_eq!(status, 201, "{code}: {body}");
        }
    }
    for (who, action) in [(&p, "submit"), (office, "accept")] {
        let version = who.ok("dossier_get", &[("id", &id.to_string())]).await["dossier"]["version"].clone();
        let body = json!({"id": id, "version": version, "action": action, "reason": null, "items": null, "deadline": null, "declaration": true});
        let (status, out) = who.call_json("dossier_act", body).await;
        assert_eq!(status, 200, "{action}: {out}");
    }
    office.ok("round_act", &[("id", &round_s), ("action", "close_registration")]).await;
    let council = office.ok("council_create", &[("round_id", &round_s), ("name", "Hội đồng thử phiếu mới"), ("decision_no", "7/QĐ-UBND"), ("decision_date", day)])
        .await
        .as_i64()
        .expect("council id")
        .to_string();
    for (login, role) in [(JUDGE, "chair"), ("giamkhao2@demo.binhchon.vn", "member")] {
        office.ok("council_member_add", &[("council_id", &council), ("login", login), ("full_name", ""), ("role", role), ("position", "")]).await;
    }
    let (status, body) = office.call_json("council_assign", json!({"council_id": council.parse::<i64>().expect("id"), "mode": "all", "group_code": null, "dossier_ids": null})).await;
    assert_eq!(status, 200, "{body}");
    office.ok("round_act", &[("id", &round_s), ("action", "open_scoring")]).await;
    id
}

/// The help text of the first criterion on the judge's form for a dossier.
async fn first_help(judge: &Client, dossier: i64) -> Value {
    judge.ok("sheet_workspace", &[("dossier_id", &dossier.to_string())]).await["form"]["parts"][0]["groups"][0]["criteria"][0]["help_vi"].clone()
}

#[tokio::test]
async fn a_round_scores_with_the_published_version_it_was_created_with() {
    const HELP: &str = "Phiên bản 2: nêu rõ vùng nguyên liệu và hợp đồng liên kết.";
    let server = TestServer::start().await;
    let ocop = server.login_as(OCOP_OFFICE).await;
    let admin = server.login_as(ADMIN).await;
    // The demo rounds use version 1: it is frozen, and its form refuses edits.
    let v1 = rule_set_id(&ocop, OCOP_QD148).await;
    assert_eq!(detail(&ocop, v1).await["summary"]["status"], "frozen");
    let (status, body) = ocop.call("forms_new_version", &[("id", &current_form(&ocop, v1).await.to_string())]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");

    // The office makes version 2 and changes the help text of criterion A1.1.
    let v2 = draft_version(&ocop, OCOP_QD148).await;
    assert!(picker(&ocop).await.iter().all(|o| o["id"] != v2), "a draft is not offered");
    let draft = ocop.ok("forms_new_version", &[("id", &current_form(&ocop, v2).await.to_string())]).await.as_i64().expect("draft form");
    let mut f = form(&ocop, draft).await["form"].clone();
    assert_ne!(f["parts"][0]["groups"][0]["criteria"][0]["help_vi"], HELP);
    f["parts"][0]["groups"][0]["criteria"][0]["help_vi"] = Value::from(HELP);
    assert_eq!(ocop.ok("forms_save", &[("id", &draft.to_string()), ("form_json", &f.to_string())]).await, json!([]));
    ocop.ok("forms_publish", &[("id", &draft.to_string())]).await;
    ocop.ok("rulesets_publish", &[("id", &v2.to_string())]).await;

    // The picker offers the published versions of the caller's programme, one of them current.
    let stored = rule_sets(&ocop).await;
    let options = picker(&ocop).await;
    assert!(options.iter().any(|o| o["id"] == v2 && o["version"] == 2 && o["code"] == OCOP_QD148), "{options:?}");
    assert!(options.iter().any(|o| o["id"] == v1), "a frozen version may be used again");
    for o in &options {
        assert_eq!(o["programme"], "ocop", "{o}");
        let row = stored.iter().find(|r| r["id"] == o["id"]).expect("a stored version");
        assert!(row["status"] == "published" || row["status"] == "frozen", "{row}");
        assert!(!o["legal_summary"].as_str().unwrap_or("").is_empty() && o["effective_from"].is_string(), "{o}");
    }
    assert_eq!(options.iter().filter(|o| o["current"] == true).count(), 1, "{options:?}");
    let spcnnttb = server.login_as(SPCNNTTB_OFFICE).await;
    let theirs = picker(&spcnnttb).await;
    assert!(!theirs.is_empty() && theirs.iter().all(|o| o["programme"] == "spcnnttb"), "{theirs:?}");

    // The demo round being scored gives the unit and a registration window open today.
    let rounds = ocop.ok("rounds_managed", &[]).await;
    let rounds = rounds.as_array().expect("rounds");
    let demo = &rounds.iter().find(|r| r["round"]["state"] == "scoring_open").expect("the demo round being scored")["round"];
    assert_eq!(demo["rule_set_id"], v1);
    let unit = demo["unit_id"].to_string();
    let (opens, closes) = (demo["registration_opens"].as_str().expect("opens"), demo["registration_closes"].as_str().expect("closes"));

    // A forged choice (another programme's rule set, a draft, an unknown id) is refused by field
    // and creates nothing.
    let other_programme = rule_set_id(&ocop, SPCNNTTB).await;
    let a_draft = draft_version(&ocop, "ocop-qd1048-2019").await;
    let audited = audit_actions(&admin, "round").await.len();
    for (id, what) in [(other_programme, "another programme"), (a_draft, "a draft"), (987_654, "unknown")] {
        let (status, body) = create_round(&ocop, id, &unit, opens, closes).await;
        assert_eq!((status, body["field"].as_str()), (400, Some("rule_set_id")), "{what}: {body}");
        assert!(body["vi"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    }
    assert_eq!(ocop.ok("rounds_managed", &[]).await.as_array().map(Vec::len), Some(rounds.len()));
    assert_eq!(audit_actions(&admin, "round").await.len(), audited);
    assert_eq!(detail(&ocop, a_draft).await["summary"]["status"], "draft");

    // A round with version 2 copies its code and number, and freezes it (audited).
    let (status, body) = create_round(&ocop, v2, &unit, opens, closes).await;
    assert_eq!(status, 200, "{body}");
    let round = body.as_i64().expect("round id");
    let r = ocop.ok("round_get", &[("id", &round.to_string())]).await["round"].clone();
    assert_eq!((r["rule_set_id"].as_i64(), r["rule_set_code"].as_str(), r["rule_set_version"].as_i64()), (Some(v2), Some(OCOP_QD148), Some(2)));
    assert!(!r["checklist"].as_array().expect("checklist").is_empty());
    assert_eq!(detail(&ocop, v2).await["summary"]["status"], "frozen");
    let (status, body) = ocop.call("forms_new_version", &[("id", &current_form(&ocop, v2).await.to_string())]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "the used version is frozen: {body}");
    let (status, body) = admin.call("admin_list_audit", &[("entity_type", "rule_set"), ("entity_id", &v2.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["items"].as_array().expect("items").iter().any(|a| a["action"] == "rule_set.freeze"), "{body}");

    // The judge scores the new round's product on version 2's form, and the demo round's
    // products still on version 1's.
    let dossier = scored_dossier(&server, &ocop, round, opens).await;
    let judge = server.login_as(JUDGE).await;
    assert_eq!(first_help(&judge, dossier).await, HELP);
    let mine = judge.ok("judge_products", &[]).await;
    let old = mine
        .as_array()
        .expect("products")
        .iter()
        .find(|p| p["round_id"] == demo["id"])
        .and_then(|p| p["dossier_id"].as_i64())
        .expect("a product of the demo round");
    let v1_help = form(&ocop, current_form(&ocop, v1).await).await["form"]["parts"][0]["groups"][0]["criteria"][0]["help_vi"].clone();
    assert_ne!(v1_help, HELP);
    assert_eq!(first_help(&judge, old).await, v1_help);
}
