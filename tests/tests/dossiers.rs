//! Producers and dossiers: profile, products and photos, rounds and their windows, filing with
//! documents, the commune's confirmation, the office's intake — every transition and refusal.

use binhchon_tests::*;
use serde_json::{json, Value};

fn today() -> String {
    // The server counts days in Vietnam (UTC+7); a test near midnight UTC must agree.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 7 * 3600;
    let days = (now / 86_400) as i64;
    civil(days)
}

fn day_offset(offset: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 7 * 3600;
    civil((now / 86_400) as i64 + offset)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
fn civil(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}

async fn round_named(c: &Client, programme: &str, unit_fragment: &str) -> i64 {
    let rounds = c.ok("rounds_open", &[]).await;
    rounds
        .as_array()
        .expect("rounds")
        .iter()
        .find(|r| r["round"]["programme"] == programme && r["round"]["unit_name"].as_str().unwrap_or("").contains(unit_fragment))
        .unwrap_or_else(|| panic!("no open {programme} round for {unit_fragment}: {rounds}"))["round"]["id"]
        .as_i64()
        .unwrap()
}

async fn new_product(c: &Client, programme: &str, group: &str, name: &str) -> i64 {
    let form = json!({"form": {
        "programme": programme, "name": name, "group_code": group,
        "description": "Sản phẩm thử nghiệm, mô tả đầy đủ.", "raw_materials": "Nguyên liệu địa phương.",
        "packaging": "Hộp giấy, nhãn đủ thông tin.", "items": []
    }});
    c.ok_json("product_create", form).await.as_i64().expect("product id")
}

async fn dossier(c: &Client, id: i64) -> Value {
    c.ok("dossier_get", &[("id", &id.to_string())]).await["dossier"].clone()
}

async fn act(c: &Client, id: i64, version: i64, action: &str, extra: Value) -> (u16, Value) {
    let mut body = json!({"id": id, "version": version, "action": action, "reason": null, "items": null, "deadline": null, "declaration": null});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    c.call_json("dossier_act", body).await
}

async fn audit_actions(server: &TestServer, entity_id: i64) -> Vec<String> {
    let admin = server.login_as(ADMIN).await;
    let body = admin.ok("admin_list_audit", &[("entity_type", "dossier"), ("entity_id", &entity_id.to_string())]).await;
    body["items"].as_array().expect("items").iter().map(|e| e["action"].as_str().unwrap_or("").to_string()).collect()
}

#[tokio::test]
async fn the_producer_profile_is_checked_and_every_change_audited() {
    let server = TestServer::start().await;
    let p = server.login_as(PRODUCER).await;
    let before = p.ok("producer_profile", &[]).await;
    let commune = before["commune_id"].as_i64().unwrap().to_string();
    let args = |tax: &'static str| {
        vec![
            ("name", "HTX Nông nghiệp Bình Chánh"),
            ("producer_type", "cooperative"),
            ("registration_no", "4300123456"),
            ("tax_code", tax),
            ("representative", "Ngô Thị Thu"),
            ("representative_title", "Giám đốc"),
            ("address", "Thôn Mỹ Long"),
            ("phone", "0912 000 001"),
            ("email", "htx@example.vn"),
        ]
    };
    let mut bad = args("12345");
    bad.push(("commune_id", &commune));
    let (status, body) = p.call("producer_update", &bad).await;
    assert_eq!((status, code(&body), body["field"].as_str()), (400, "invalid", Some("tax_code")), "{body}");
    assert!(body["vi"].as_str().unwrap().contains("10 chữ số"), "{body}");
    assert_eq!(p.ok("producer_profile", &[]).await, before, "a refused change changes nothing");

    let mut good = args("4300123456-001");
    good.push(("commune_id", &commune));
    let after = p.ok("producer_update", &good).await;
    assert_eq!(after["tax_code"], "4300123456-001");
    assert_eq!(after["phone"], "0912000001");

    // A commune id that is not a commune is refused.
    let mut wrong = args("4300123456");
    wrong.push(("commune_id", "1"));
    let (status, body) = p.call("producer_update", &wrong).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("commune_id")), "{body}");

    let admin = server.login_as(ADMIN).await;
    let audit = admin.ok("admin_list_audit", &[("entity_type", "producer"), ("entity_id", &after["id"].to_string())]).await;
    let entry = audit["items"].as_array().unwrap().iter().find(|e| e["action"] == "producer.update").expect("audited");
    assert!(entry["before_json"].as_str().unwrap().contains("4300123456"), "{entry}");
    assert!(entry["after_json"].as_str().unwrap().contains("4300123456-001"), "{entry}");

    // Only the producer's own accounts.
    let office = server.login_as(OCOP_OFFICE).await;
    let (status, body) = office.call("producer_update", &good).await;
    assert_eq!((status, code(&body)), (403, "forbidden"));
}

#[tokio::test]
async fn a_producer_files_the_office_asks_for_more_and_accepts() {
    let server = TestServer::start().await;
    let p = server.login_as(PRODUCER).await;
    let round = round_named(&p, "spcnnttb", "Bình Sơn").await;
    let product = new_product(&p, "spcnnttb", "2", "Chiếu cói Bình Chánh").await;
    for view in ["front", "side", "top"] {
        let (status, body) = p.upload(&format!("/files/products/{product}/photos?view={view}"), &format!("ảnh {view}.png"), png_bytes(7)).await;
        assert_eq!(status, 201, "{body}");
    }
    let product_view = p.ok("product_get", &[("id", &product.to_string())]).await;
    assert_eq!(product_view["photos"].as_array().unwrap().len(), 3);

    let args = [("round_id", round.to_string()), ("product_id", product.to_string()), ("registration_type", "first".into()), ("previous_certificate", String::new()), ("group_code", String::new())];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let id = p.ok("dossier_create", &args).await.as_i64().unwrap();
    let (status, body) = p.call("dossier_create", &args).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "the same product twice in a round: {body}");

    let d = dossier(&p, id).await;
    assert_eq!(d["state"], "draft");
    assert_eq!(d["group_code"], "2", "the product's group carries over");
    let photos = d["items"].as_array().unwrap().iter().find(|i| i["item"]["kind"] == "photo").unwrap();
    assert_eq!(photos["satisfied"], true, "the product's three photos count for the photo item");

    // Submitting with documents missing names the first one.
    let (status, body) = act(&p, id, d["version"].as_i64().unwrap(), "submit", json!({"declaration": true})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("item-phieu-dang-ky")), "{body}");

    for item in ["phieu-dang-ky", "giay-dang-ky", "thuyet-minh"] {
        let (status, body) = p.upload(&format!("/files/dossiers/{id}/items/{item}"), &format!("{item}.pdf"), pdf_bytes(item)).await;
        assert_eq!(status, 201, "{item}: {body}");
    }
    let d = dossier(&p, id).await;
    let v = d["version"].as_i64().unwrap();
    let (status, body) = act(&p, id, v, "submit", json!({"declaration": false})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("declaration")), "{body}");
    let (status, body) = act(&p, id, v - 1, "submit", json!({"declaration": true})).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "a stale page is refused: {body}");
    let (status, body) = act(&p, id, v, "submit", json!({"declaration": true})).await;
    assert_eq!((status, body.as_str()), (200, Some("submitted")), "{body}");

    // The office of the other programme does not see it at all.
    let ocop = server.login_as(OCOP_OFFICE).await;
    let (status, _) = ocop.call("dossier_get", &[("id", &id.to_string())]).await;
    assert_eq!(status, 404);

    let office = server.login_as(SPCNNTTB_OFFICE).await;
    let intake = office.ok("dossiers_intake", &[("round_id", &round.to_string())]).await;
    assert!(intake["rows"].as_array().unwrap().iter().any(|r| r["id"] == id), "{intake}");
    assert!(intake["counts"].as_array().unwrap().iter().any(|c| c[0] == "submitted"), "{intake}");
    let d = dossier(&office, id).await;
    let v = d["version"].as_i64().unwrap();
    let (status, body) = act(&office, id, v, "request_supplement", json!({"reason": "", "items": ["giay-dang-ky"], "deadline": today()})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("reason")), "{body}");
    let (status, body) = act(&office, id, v, "request_supplement", json!({"reason": "Bản sao giấy đăng ký bị mờ.", "items": ["giay-dang-ky"], "deadline": day_offset(-1)})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("deadline")), "a deadline in the past: {body}");
    let (status, body) = act(&office, id, v, "request_supplement", json!({"reason": "Bản sao giấy đăng ký bị mờ.", "items": ["giay-dang-ky"], "deadline": day_offset(7)})).await;
    assert_eq!((status, body.as_str()), (200, Some("supplement_requested")), "{body}");

    // The producer is told, and may change only the item asked for.
    let notes = p.ok("notifications_list", &[]).await;
    assert!(notes["items"].as_array().unwrap().iter().any(|n| n["kind"] == "dossier.request_supplement"), "{notes}");
    let (status, body) = p.upload(&format!("/files/dossiers/{id}/items/thuyet-minh"), "khac.pdf", pdf_bytes("x")).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let d = dossier(&p, id).await;
    let (status, body) = act(&p, id, d["version"].as_i64().unwrap(), "supplement", json!({})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("items")), "nothing changed yet: {body}");
    let (status, body) = p.upload(&format!("/files/dossiers/{id}/items/giay-dang-ky"), "giấy đăng ký rõ.pdf", pdf_bytes("ro")).await;
    assert_eq!(status, 201, "{body}");
    let d = dossier(&p, id).await;
    let (status, body) = act(&p, id, d["version"].as_i64().unwrap(), "supplement", json!({})).await;
    assert_eq!((status, body.as_str()), (200, Some("supplemented")), "{body}");

    // A producer cannot accept its own dossier; the office can.
    let d = dossier(&office, id).await;
    let v = d["version"].as_i64().unwrap();
    let (status, body) = act(&p, id, v, "accept", json!({})).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let (status, body) = act(&office, id, v, "accept", json!({})).await;
    assert_eq!((status, body.as_str()), (200, Some("accepted")), "{body}");

    let d = dossier(&p, id).await;
    let steps: Vec<&str> = d["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(steps, ["create", "submit", "request_supplement", "supplement", "accept"]);
    let audited = audit_actions(&server, id).await;
    for a in ["dossier.create", "dossier.file_add", "dossier.submit", "dossier.request_supplement", "dossier.supplement", "dossier.accept"] {
        assert!(audited.iter().any(|x| x == a), "{a} missing from {audited:?}");
    }
    // Accepted: the documents can no longer change.
    let (status, _) = p.upload(&format!("/files/dossiers/{id}/items/giay-dang-ky"), "muon.pdf", pdf_bytes("late")).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn files_are_checked_by_content_and_size_and_only_shown_to_those_allowed() {
    let server = TestServer::start_with(&[("MAX_FILE_MB", "1")]).await;
    let p = server.login_as(PRODUCER).await;
    let round = round_named(&p, "spcnnttb", "Bình Sơn").await;
    let product = new_product(&p, "spcnnttb", "3", "Bánh tráng Bình Chánh").await;
    let id = p.ok("dossier_create", &[("round_id", &round.to_string()), ("product_id", &product.to_string()), ("registration_type", "first"), ("previous_certificate", ""), ("group_code", "")])
        .await
        .as_i64()
        .unwrap();
    let path = format!("/files/dossiers/{id}/items/phieu-dang-ky");

    // A web page renamed to .pdf, an executable, an empty file, and a file over the limit.
    for (name, bytes) in [
        ("phieu.pdf", b"<html><script>alert(1)</script></html>".to_vec()),
        ("phieu.pdf", b"MZ\x90\x00\x03 not a document".to_vec()),
        ("phieu.pdf", Vec::new()),
    ] {
        let (status, body) = p.upload(&path, name, bytes).await;
        assert_eq!((status, code(&body)), (400, "invalid"), "{body}");
        assert!(body["vi"].as_str().unwrap_or("").starts_with("Tệp"), "{body}");
    }
    let mut big = pdf_bytes("big");
    big.resize(1024 * 1024 + 10, b' ');
    let (status, body) = p.upload(&path, "lon.pdf", big).await;
    assert!(status == 400 || status == 413, "{status} {body}");
    // "thuyet-minh" takes PDF only: a picture is refused there.
    let (status, body) = p.upload(&format!("/files/dossiers/{id}/items/thuyet-minh"), "anh.png", png_bytes(1)).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("file")), "{body}");
    let d = dossier(&p, id).await;
    assert!(d["items"].as_array().unwrap().iter().all(|i| i["files"].as_array().unwrap().is_empty()), "nothing was stored: {d}");
    let leftovers = std::fs::read_dir(server.db.dir.join("tmp")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0, "no temporary upload files remain");

    // A good file, with a Vietnamese name, is served back intact to the office.
    let bytes = pdf_bytes("phiếu đăng ký");
    let (status, body) = p.upload(&path, "Phiếu đăng ký.pdf", bytes.clone()).await;
    assert_eq!(status, 201, "{body}");
    let file_id = body["id"].as_i64().unwrap();
    let office = server.login_as(SPCNNTTB_OFFICE).await;
    let res = office.get(&format!("/files/documents/{file_id}")).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("Phi%E1%BA%BFu"), "{:?}", res.headers());
    assert_eq!(res.bytes().await.unwrap().to_vec(), bytes);

    // Another producer, a judge and an anonymous visitor cannot read or write it, even by guessing ids.
    let other = server.client();
    let (_, communes) = other.call("communes", &[]).await;
    let commune = communes[0]["id"].to_string();
    let (status, body) = other
        .call("signup", &[("full_name", "Người Khác"), ("email", "khac@example.vn"), ("phone", ""), ("password", "mot cau mat khau dai"),
            ("producer_name", "Hộ kinh doanh Khác"), ("producer_type", "household"), ("commune_id", &commune)])
        .await;
    assert_eq!(status, 200, "{body}");
    // A judge reads the photos of products before their council only (the demo council scores
    // other products of this producer): this product's photo stays hidden.
    let (status, photo) = p.upload(&format!("/files/products/{product}/photos?view=front"), "mat-truoc.png", png_bytes(3)).await;
    assert!(status == 200 || status == 201, "{status} {photo}");
    let photo_id = photo["id"].as_i64().expect("photo id");
    let judge = server.login_as(JUDGE).await;
    for c in [&other, &judge] {
        assert_eq!(c.get(&format!("/files/documents/{file_id}")).await.status().as_u16(), 404);
        assert_eq!(c.get(&format!("/files/photos/{photo_id}")).await.status().as_u16(), 404);
        let (status, _) = c.call("dossier_get", &[("id", &id.to_string())]).await;
        assert_eq!(status, 404);
        let (status, _) = c.call("dossier_print", &[("id", &id.to_string())]).await;
        assert_eq!(status, 404);
        let (status, _) = c.upload(&path, "x.pdf", pdf_bytes("x")).await;
        assert!(status == 404 || status == 403, "{status}");
        let (status, _) = c.call("dossier_file_remove", &[("file_id", &file_id.to_string()), ("version", "1")]).await;
        assert_eq!(status, 404);
    }
    assert_eq!(server.client().get(&format!("/files/documents/{file_id}")).await.status().as_u16(), 401);
    let (status, _) = other.call("product_get", &[("id", &product.to_string())]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn rounds_belong_to_their_office_and_filing_follows_the_window() {
    let server = TestServer::start().await;
    let office = server.login_as(SPCNNTTB_OFFICE).await;
    let options = office.ok("round_options", &[]).await;
    let district = options["units"].as_array().unwrap().iter().find(|u| u["level"] == "district").expect("district")["id"].to_string();
    let rule_set = options["rule_sets"].as_array().unwrap().iter().find(|r| r["code"] == "spcnnttb-tt26-2014-tt14-2018").expect("TT 26 offered")["id"].to_string();
    let base = |closes: String| {
        vec![
            ("programme", "spcnnttb".to_string()),
            ("rule_set_id", rule_set.clone()),
            ("name", "Bình chọn bổ sung".to_string()),
            ("unit_id", district.clone()),
            ("year", "2026".to_string()),
            ("registration_opens", day_offset(-1)),
            ("registration_closes", closes),
            ("scoring_opens", String::new()),
            ("scoring_closes", String::new()),
        ]
    };
    let to_args = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, x)| (*k, x.clone())).collect::<Vec<_>>();
    let bad = to_args(&base(day_offset(-3)));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = office.call("round_create", &bad).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("registration_closes")), "{body}");
    let good_owned = to_args(&base(day_offset(10)));
    let good: Vec<(&str, &str)> = good_owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ocop = server.login_as(OCOP_OFFICE).await;
    let (status, body) = ocop.call("round_create", &good).await;
    assert_eq!((status, code(&body)), (403, "forbidden"), "another programme's office: {body}");
    let round = office.ok("round_create", &good).await.as_i64().unwrap();

    let p = server.login_as(PRODUCER).await;
    let product = new_product(&p, "spcnnttb", "4", "Sản phẩm đợt bổ sung").await;
    let file = [("round_id", round.to_string()), ("product_id", product.to_string()), ("registration_type", "first".into()), ("previous_certificate", String::new()), ("group_code", String::new())];
    let file: Vec<(&str, &str)> = file.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = p.call("dossier_create", &file).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "a draft round takes nothing: {body}");

    // Only the office moves the round; a repeated click is refused, not applied twice.
    let (status, _) = p.call("round_act", &[("id", &round.to_string()), ("action", "open_registration")]).await;
    assert_eq!(status, 404);
    assert_eq!(office.ok("round_act", &[("id", &round.to_string()), ("action", "open_registration")]).await, "registration_open");
    let (status, body) = office.call("round_act", &[("id", &round.to_string()), ("action", "open_registration")]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");

    // The office adapts the checklist: one more required document for this round.
    let detail = office.ok("round_get", &[("id", &round.to_string())]).await;
    let mut items: Vec<Value> = detail["round"]["checklist"].as_array().unwrap().iter()
        .map(|i| json!({"code": i["code"], "name_vi": i["name_vi"], "required": i["required"], "kind": i["kind"], "min_count": i["min_count"]}))
        .collect();
    items.push(json!({"code": "", "name_vi": "Giấy xác nhận của UBND xã", "required": true, "kind": "document", "min_count": 1}));
    office.ok_json("round_checklist", json!({"id": round, "items": items})).await;
    let detail = office.ok("round_get", &[("id", &round.to_string())]).await;
    assert!(detail["round"]["checklist"].as_array().unwrap().iter().any(|i| i["name_vi"] == "Giấy xác nhận của UBND xã" && i["required"] == true));

    let id = p.ok("dossier_create", &file).await.as_i64().unwrap();
    assert!(dossier(&p, id).await["items"].as_array().unwrap().iter().any(|i| i["item"]["name_vi"] == "Giấy xác nhận của UBND xã"));

    // Once registration closes, no new dossier; the window shows on the round.
    office.ok("round_act", &[("id", &round.to_string()), ("action", "close_registration")]).await;
    let other = new_product(&p, "spcnnttb", "4", "Sản phẩm nộp muộn").await;
    let late = [("round_id", round.to_string()), ("product_id", other.to_string()), ("registration_type", "first".into()), ("previous_certificate", String::new()), ("group_code", String::new())];
    let late: Vec<(&str, &str)> = late.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = p.call("dossier_create", &late).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    assert!(body["vi"].as_str().unwrap().contains("không còn nhận hồ sơ"), "{body}");
    // And the draft can no longer be submitted.
    let d = dossier(&p, id).await;
    let (status, body) = act(&p, id, d["version"].as_i64().unwrap(), "submit", json!({"declaration": true})).await;
    assert_eq!(status, 409, "{body}");
}

#[tokio::test]
async fn the_commune_confirms_before_the_office_under_the_2025_rules() {
    let server = TestServer::start().await;
    let p = server.login_as(PRODUCER).await;
    // The demo has filed the fish sauce in the provincial OCOP round (QĐ 1489/2025).
    let mine = p.ok("dossiers_mine", &[]).await;
    let row = mine.as_array().unwrap().iter().find(|d| d["round_name"].as_str().unwrap().contains("tỉnh") && d["state"] == "submitted").expect("demo dossier").clone();
    let id = row["id"].as_i64().unwrap();

    let commune = server.login_as(COMMUNE_OFFICER).await;
    let queue = commune.ok("dossiers_commune", &[]).await;
    assert!(queue.as_array().unwrap().iter().any(|d| d["id"] == id), "{queue}");
    let notes = commune.ok("notifications_list", &[]).await;
    assert!(notes["items"].as_array().unwrap().iter().any(|n| n["kind"] == "dossier.submit"), "the commune was told: {notes}");

    let province = server.login_as(PROVINCE_OCOP_OFFICE).await;
    let d = dossier(&province, id).await;
    let v = d["version"].as_i64().unwrap();
    let (status, body) = act(&province, id, v, "accept", json!({})).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "the office waits for the commune: {body}");
    assert!(body["vi"].as_str().unwrap().contains("UBND xã"), "{body}");

    let (status, body) = act(&commune, id, v, "commune_return", json!({"reason": "  "})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("reason")), "{body}");
    let (status, body) = act(&commune, id, v, "commune_return", json!({"reason": "Thiếu xác nhận vùng nguyên liệu."})).await;
    assert_eq!((status, body.as_str()), (200, Some("returned_by_commune")), "{body}");

    let d = dossier(&p, id).await;
    assert_eq!(d["decision_reason"], "Thiếu xác nhận vùng nguyên liệu.");
    let (status, body) = p.upload(&format!("/files/dossiers/{id}/items/{}", d["items"][0]["item"]["code"].as_str().unwrap()), "bo-sung.pdf", pdf_bytes("b")).await;
    assert_eq!(status, 201, "a returned dossier can be changed: {body}");
    let d = dossier(&p, id).await;
    let (status, body) = act(&p, id, d["version"].as_i64().unwrap(), "submit", json!({"declaration": true})).await;
    assert_eq!((status, body.as_str()), (200, Some("submitted")), "{body}");

    let d = dossier(&commune, id).await;
    let (status, body) = act(&commune, id, d["version"].as_i64().unwrap(), "commune_confirm", json!({})).await;
    assert_eq!((status, body.as_str()), (200, Some("commune_confirmed")), "{body}");
    // The district office has no say over a provincial round.
    let district = server.login_as(OCOP_OFFICE).await;
    let (status, _) = district.call("dossier_get", &[("id", &id.to_string())]).await;
    assert_eq!(status, 404);
    let d = dossier(&province, id).await;
    let (status, body) = act(&province, id, d["version"].as_i64().unwrap(), "reject", json!({"reason": "Sản phẩm chưa đủ điều kiện."})).await;
    assert_eq!((status, body.as_str()), (200, Some("rejected")), "{body}");
    let d = dossier(&p, id).await;
    assert_eq!(d["state"], "rejected");
    assert!(d["actions"].as_array().unwrap().is_empty(), "a final dossier offers nothing: {d}");
}
