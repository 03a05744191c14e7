//! Results made official over HTTP, on both databases: the recognition decision (who may draft
//! and sign it, only from a finalised round, nothing official before it is signed, immutable once
//! signed), the certificates it issues (numbers and dates pinned), the SPCNNTTB council's ranked
//! choice, the public pages (no judge's score, nothing unpublished, search without diacritics,
//! verification), the expiry notice (once) with re-evaluation, and revocation.

use binhchon_tests::*;
use chrono::{Months, NaiveDate};
use serde_json::{json, Value};

const CHAIR: &str = "giamkhao1@demo.binhchon.vn";
const VICE: &str = "giamkhao2@demo.binhchon.vn";
const MEMBER: &str = "giamkhao3@demo.binhchon.vn";

fn code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or("")
}

/// Today in Vietnam (UTC+7), as the server counts certificate dates.
fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive()
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The caller opens their sheet for a product and submits `answers`.
async fn submit(c: &Client, dossier: i64, answers: impl Fn(&Value) -> Value) {
    let ws = c.ok("sheet_workspace", &[("dossier_id", &dossier.to_string())]).await;
    let (status, saved) = c
        .call_json(
            "sheet_submit",
            json!({"sheet_id": ws["sheet"]["id"], "version": ws["sheet"]["version"], "answers": answers(&ws["form"]), "notes": {}}),
        )
        .await;
    assert_eq!((status, saved["state"].as_str()), (200, Some("submitted")), "{saved}");
}

async fn round_act(c: &Client, round: i64, action: &str) -> (u16, Value) {
    c.call("round_act", &[("id", &round.to_string()), ("action", action)]).await
}

async fn move_round(c: &Client, round: i64, action: &str, to: &str) {
    let (status, body) = round_act(c, round, action).await;
    assert_eq!((status, body.as_str()), (200, Some(to)), "{action}: {body}");
}

async fn audit_actions(server: &TestServer, entity_type: &str, entity_id: i64) -> Vec<Value> {
    let admin = server.login_as(ADMIN).await;
    let log = admin.ok("admin_list_audit", &[("entity_type", entity_type), ("entity_id", &entity_id.to_string())]).await;
    log["items"].as_array().expect("items").clone()
}

/// Product, producer and commune of a catalogue entry, lower-cased without diacritics (what the
/// search matches), folded here independently of the server's code.
fn domain_fold(c: &Value) -> String {
    let text = format!("{} {} {}", c["product_name"].as_str().unwrap_or(""), c["producer_name"].as_str().unwrap_or(""), c["commune_name"].as_str().unwrap_or(""));
    let from = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
    let to = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd";
    text.to_lowercase().chars().map(|ch| from.chars().position(|f| f == ch).and_then(|i| to.chars().nth(i)).unwrap_or(ch)).collect()
}

fn has_action(log: &[Value], action: &str) -> bool {
    log.iter().any(|e| e["action"] == action)
}

/// The demo OCOP round (being scored), finalised: rice 60/62/66 (mean 62.66) and fish sauce
/// 55/58/61 (mean 58.00), both in the 3★ band that the district recognises.
struct Finalised {
    round: i64,
    rice: i64,
    fish: i64,
}

async fn finalise_demo_round(server: &TestServer) -> Finalised {
    let (chair, vice, member) = (server.login_as(CHAIR).await, server.login_as(VICE).await, server.login_as(MEMBER).await);
    let products = chair.ok("judge_products", &[]).await;
    let find = |prefix: &str| {
        products
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["product_name"].as_str().unwrap_or("").starts_with(prefix))
            .unwrap_or_else(|| panic!("no demo product {prefix}: {products}"))
            .clone()
    };
    let (rice, fish) = (find("Gạo hữu cơ"), find("Nước mắm"));
    let round = rice["round_id"].as_i64().unwrap();
    let (rice, fish) = (rice["dossier_id"].as_i64().unwrap(), fish["dossier_id"].as_i64().unwrap());
    let office = server.login_as(OCOP_OFFICE).await;
    // A decision cannot be drafted before the results are final.
    let (status, body) = office.call("decision_draft", &[("round_id", &round.to_string())]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    for (c, r, f) in [(&chair, 60, 55), (&vice, 62, 58), (&member, 66, 61)] {
        submit(c, rice, |form| answers_for(form, r, &[])).await;
        submit(c, fish, |form| answers_for(form, f, &[])).await;
    }
    move_round(&office, round, "start_deliberation", "deliberation").await;
    move_round(&office, round, "finalise", "finalised").await;
    Finalised { round, rice, fish }
}

/// An OCOP office account on another district of the province.
async fn other_district_office(server: &TestServer) -> Client {
    let admin = server.login_as(ADMIN).await;
    let units = admin.ok("admin_units", &[]).await;
    let other = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["level"] == "district" && u["name"] != "Huyện Bình Sơn")
        .unwrap_or_else(|| panic!("another district: {units}"))["id"]
        .to_string();
    let created = admin.ok(
        "admin_create_user",
        &[("full_name", "Cán bộ OCOP huyện khác"), ("email", "ocop.khac@example.vn"), ("phone", ""), ("role", "ocop_office"), ("unit_id", &other)],
    )
    .await;
    let temp = created["temporary_password"].as_str().unwrap_or_else(|| panic!("{created}")).to_string();
    let c = server.client();
    let (status, body) = c.login("ocop.khac@example.vn", &temp).await;
    assert!(status < 300, "{body}");
    let (status, body) = c
        .call("change_password", &[("old_password", &temp), ("new_password", "mat khau moi 2026"), ("confirm_password", "mat khau moi 2026")])
        .await;
    assert_eq!(status, 200, "{body}");
    c
}

async fn draft(office: &Client, round: i64) -> Value {
    let id = office.ok("decision_draft", &[("round_id", &round.to_string())]).await;
    office.ok("decision_get", &[("id", &id.to_string())]).await
}

async fn sign(c: &Client, d: &Value, no: &str, date: &str) -> (u16, Value) {
    c.call(
        "decision_sign",
        &[
            ("id", &d["id"].to_string()),
            ("version", &d["version"].to_string()),
            ("decision_no", no),
            ("decision_date", date),
            ("signatory", "Nguyễn Văn A, Chủ tịch UBND huyện"),
        ],
    )
    .await
}

async fn my_certificates(server: &TestServer) -> Vec<Value> {
    let p = server.login_as(PRODUCER).await;
    p.ok("certificates_mine", &[]).await.as_array().unwrap().clone()
}

fn cert_of<'a>(list: &'a [Value], prefix: &str) -> &'a Value {
    list.iter()
        .find(|c| c["certificate"]["product_name"].as_str().unwrap_or("").starts_with(prefix))
        .unwrap_or_else(|| panic!("no certificate for {prefix}: {list:?}"))
}

/// Keys and values that would carry a judge's own numbers or identity.
fn assert_no_judge_data(what: &str, v: &Value) {
    let text = v.to_string();
    for needle in ["member", "answers", "totals", "sheets", "giamkhao", "aggregate", "result_json"] {
        assert!(!text.contains(needle), "{what} carries {needle}: {text}");
    }
}

#[tokio::test]
async fn recognition_is_drafted_by_the_rounds_office_and_official_only_once_signed() {
    let server = TestServer::start().await;
    let f = finalise_demo_round(&server).await;
    let round = f.round.to_string();

    // Only the OCOP office over the round's unit may draft: the other programme's office, an OCOP
    // office of another district, a judge and the producer do not see the round at all.
    for who in [SPCNNTTB_OFFICE, CHAIR, PRODUCER] {
        let c = server.login_as(who).await;
        let (status, body) = c.call("decision_draft", &[("round_id", &round)]).await;
        assert_eq!(status, 404, "{who}: {body}");
    }
    let elsewhere = other_district_office(&server).await;
    let (status, body) = elsewhere.call("decision_draft", &[("round_id", &round)]).await;
    assert_eq!(status, 404, "another district's office: {body}");
    let anonymous = server.client();
    let (status, _) = anonymous.call("decision_draft", &[("round_id", &round)]).await;
    assert_eq!(status, 401);

    let office = server.login_as(OCOP_OFFICE).await;
    let d = draft(&office, f.round).await;
    assert_eq!(office.ok("decision_draft", &[("round_id", &round)]).await, d["id"], "a second draft opens the first");
    assert_eq!((d["kind"].as_str(), d["state"].as_str(), d["council_choice"].as_bool()), (Some("recognition"), Some("draft"), Some(false)));
    let items = d["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{d}");
    assert_eq!((items[0]["dossier_id"].as_i64(), items[0]["stars"].as_i64(), hundredths(&items[0]["mean"])), (Some(f.rice), Some(3), 6266));
    assert_eq!((items[1]["dossier_id"].as_i64(), items[1]["stars"].as_i64(), hundredths(&items[1]["mean"])), (Some(f.fish), Some(3), 5800));
    for who in [SPCNNTTB_OFFICE, CHAIR, PRODUCER] {
        let c = server.login_as(who).await;
        let (status, _) = c.call("decision_get", &[("id", &d["id"].to_string())]).await;
        assert_eq!(status, 404, "{who} reads the draft");
    }

    // Nothing is official before signing: no public round, no result, no certificate, and the
    // round cannot be published by hand. (The demo data has one published round of another
    // producer, two years old, with two certificates.)
    let seeded_rounds = anonymous.ok("public_rounds", &[]).await.as_array().unwrap().clone();
    assert!(seeded_rounds.iter().all(|r| r["id"].as_i64() != Some(f.round)), "{seeded_rounds:?}");
    let (status, _) = anonymous.call("public_results", &[("round_id", &round)]).await;
    assert_eq!(status, 404);
    let catalogue = anonymous.ok("public_catalogue", &[]).await;
    let seeded = catalogue["total"].as_i64().unwrap();
    assert!(catalogue["items"].as_array().unwrap().iter().all(|c| c["producer_name"] != "HTX Nông nghiệp Bình Chánh (demo)"), "{catalogue}");
    assert!(my_certificates(&server).await.is_empty());
    let (status, body) = round_act(&office, f.round, "publish").await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let html = anonymous.get(&format!("/results/{round}")).await.text().await.unwrap();
    assert!(!html.contains("Gạo hữu cơ"), "the draft leaks into the public page");

    // OCOP: every recognised product is in the decision; the office edits only the title.
    let choice: Vec<Value> = items.iter().map(|i| json!({"item_id": i["id"], "included": true, "reason": ""})).collect();
    let mut left_out = choice.clone();
    left_out[1] = json!({"item_id": items[1]["id"], "included": false, "reason": "Thử bỏ"});
    let (status, body) = office.call_json("decision_update", json!({"id": d["id"], "version": d["version"], "title": "Quyết định", "choice": left_out})).await;
    assert_eq!((status, code(&body)), (400, "invalid"), "{body}");
    let title = "Quyết định công nhận kết quả đánh giá, phân hạng sản phẩm OCOP huyện Bình Sơn năm 2026";
    office.ok_json("decision_update", json!({"id": d["id"], "version": d["version"], "title": title, "choice": choice})).await;
    let (status, body) = office.call_json("decision_update", json!({"id": d["id"], "version": d["version"], "title": "cũ", "choice": choice})).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "a stale draft: {body}");
    let d = office.ok("decision_get", &[("id", &d["id"].to_string())]).await;
    assert_eq!(d["title"], title);

    // Signing: the round's office only, a date not in the future, all three fields.
    for who in [SPCNNTTB_OFFICE, CHAIR] {
        let c = server.login_as(who).await;
        let (status, body) = sign(&c, &d, "215/QĐ-UBND", "2026-03-15").await;
        assert_eq!(status, 404, "{who}: {body}");
    }
    let (status, body) = sign(&elsewhere, &d, "215/QĐ-UBND", "2026-03-15").await;
    assert_eq!(status, 404, "{body}");
    let tomorrow = ymd(today().succ_opt().unwrap());
    let (status, body) = sign(&office, &d, "215/QĐ-UBND", &tomorrow).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("decision_date")), "{body}");
    let (status, body) = sign(&office, &d, " ", "2026-03-15").await;
    assert_eq!((status, body["field"].as_str()), (400, Some("decision_no")), "{body}");
    assert!(my_certificates(&server).await.is_empty(), "a refused signature issues nothing");
    let (status, body) = sign(&office, &d, "215/QĐ-UBND", "2026-03-15").await;
    assert_eq!(status, 200, "{body}");

    // A signed decision never changes.
    let signed = office.ok("decision_get", &[("id", &d["id"].to_string())]).await;
    assert_eq!((signed["state"].as_str(), signed["decision_no"].as_str(), signed["decision_date"].as_str()), (Some("signed"), Some("215/QĐ-UBND"), Some("2026-03-15")));
    let (status, body) = office.call_json("decision_update", json!({"id": d["id"], "version": signed["version"], "title": "Sửa", "choice": choice})).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let (status, body) = sign(&office, &signed, "216/QĐ-UBND", "2026-03-16").await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let r = office.ok("round_get", &[("id", &round)]).await;
    assert_eq!(r["round"]["state"], "published", "{r}");

    // Certificates: numbered per programme and year in the decision's order; valid 36 months
    // from the decision date (15/03/2026 → through 15/03/2029), notice 30 days before, the
    // re-evaluation window the last 6 months.
    let certs = my_certificates(&server).await;
    assert_eq!(certs.len(), 2);
    let rice = &cert_of(&certs, "Gạo hữu cơ")["certificate"];
    let fish = &cert_of(&certs, "Nước mắm")["certificate"];
    assert_eq!((rice["number"].as_str(), fish["number"].as_str()), (Some("OCOP-BS-2026-0001"), Some("OCOP-BS-2026-0002")));
    assert_eq!(
        (rice["issued_on"].as_str(), rice["valid_until"].as_str(), rice["notice_on"].as_str(), rice["reevaluation_from"].as_str()),
        (Some("2026-03-15"), Some("2029-03-15"), Some("2029-02-13"), Some("2028-09-15"))
    );
    assert_eq!((rice["stars"].as_i64(), rice["status"].as_str(), rice["decision_no"].as_str()), (Some(3), Some("valid"), Some("215/QĐ-UBND")));
    let notes = server.login_as(PRODUCER).await.ok("notifications_list", &[]).await;
    assert!(notes["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "result.recognised").count() == 2, "{notes}");

    // Audit: the draft, its edit, the signature, each certificate and the publication.
    let log = audit_actions(&server, "decision", d["id"].as_i64().unwrap()).await;
    for a in ["decision.draft", "decision.update", "decision.sign"] {
        assert!(has_action(&log, a), "{a}: {log:?}");
    }
    assert!(has_action(&audit_actions(&server, "certificate", rice["id"].as_i64().unwrap()).await, "certificate.issue"));
    assert!(has_action(&audit_actions(&server, "round", f.round).await, "round.publish"));

    // The public record: the round's results with the mean and stars, no judge's score.
    let rounds = anonymous.ok("public_rounds", &[]).await;
    assert_eq!(rounds.as_array().unwrap().len(), seeded_rounds.len() + 1, "{rounds}");
    let published = rounds.as_array().unwrap().iter().find(|r| r["id"].as_i64() == Some(f.round)).unwrap_or_else(|| panic!("{rounds}"));
    assert_eq!((published["recognised"].as_i64(), published["decision_no"].as_str()), (Some(2), Some("215/QĐ-UBND")));
    let results = anonymous.ok("public_results", &[("round_id", &round)]).await;
    assert_no_judge_data("public_results", &results);
    let rows = results["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows[0]["product_name"].as_str().unwrap().starts_with("Gạo hữu cơ"));
    assert_eq!((hundredths(&rows[0]["mean"]), rows[0]["stars"].as_i64(), rows[0]["recognised"].as_bool()), (6266, Some(3), Some(true)));
    assert_eq!(rows[0]["commune_name"], "xã Bình Chánh");
    let html = anonymous.get(&format!("/results/{round}")).await.text().await.unwrap();
    assert!(html.contains("Gạo hữu cơ") && html.contains("215/QĐ-UBND"), "the published page shows the results");
    for total in ["60.00", "62.00", "66.00", "giamkhao"] {
        assert!(!html.contains(total), "the public page shows a judge's number {total}");
    }
    // Other rounds (open, scored or not) are not public.
    let (status, _) = anonymous.call("public_results", &[("round_id", &(f.round - 1).to_string())]).await;
    assert_eq!(status, 404);

    // The catalogue: search ignores diacritics and case, filters narrow, pages count.
    let search = |q: &str| {
        let anonymous = anonymous.clone();
        let q = q.to_string();
        async move { anonymous.ok("public_catalogue", &[("q", &q)]).await }
    };
    let found = search("nuoc mam cA CoM").await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["product_name"], "Nước mắm cá cơm truyền thống (demo)");
    assert_no_judge_data("public_catalogue", &found["items"]);
    let found = search("nuoc mam").await;
    let names: Vec<&str> = found["items"].as_array().unwrap().iter().map(|c| c["product_name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Nước mắm cá cơm truyền thống (demo)"), "{names:?}");
    assert!(found["items"].as_array().unwrap().iter().all(|c| domain_fold(c).contains("nuoc mam")), "{found}");
    assert_eq!(search("NƯỚC MẮM").await["total"], found["total"]);
    assert_eq!(search("gao huu co").await["total"], 1);
    assert_eq!(search("binh chanh").await["total"], 2, "the producer and the commune are searched too");
    assert_eq!(search("ca phe").await["total"], 0);
    assert_eq!(search("100%_").await["total"], 0, "LIKE wildcards are taken literally");
    let communes = anonymous.ok("public_communes", &[]).await;
    let commune = communes.as_array().unwrap().iter().find(|c| c[1] == "xã Bình Chánh").unwrap_or_else(|| panic!("{communes}"))[0].to_string();
    assert_eq!(anonymous.ok("public_catalogue", &[("commune_id", &commune), ("stars", "3"), ("programme", "ocop")]).await["total"], 2);
    assert_eq!(anonymous.ok("public_catalogue", &[("stars", "4")]).await["total"], 0);
    assert_eq!(anonymous.ok("public_catalogue", &[("programme", "spcnnttb")]).await["total"], 0);
    let page2 = anonymous.ok("public_catalogue", &[("page", "2")]).await;
    assert_eq!((page2["total"].as_i64(), page2["items"].as_array().map(Vec::len)), (Some(seeded + 2), Some(0)));

    // Verification by code, typed loosely or from the QR; the printable certificate carries the QR.
    let code_ = rice["code"].as_str().unwrap();
    let v = anonymous.ok("certificate_verify", &[("code", &code_.to_lowercase().replace('-', " "))]).await;
    assert_eq!((v["number"].as_str(), v["status"].as_str()), (Some("OCOP-BS-2026-0001"), Some("valid")));
    let (status, body) = anonymous.call("certificate_verify", &[("code", "AAAA-BBBB-CCCC")]).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("code")), "{body}");
    let printable = anonymous.ok("certificate_print", &[("code", code_)]).await;
    assert!(printable["qr_svg"].as_str().unwrap().contains("<svg"), "{printable}");
    assert!(printable["verify_url"].as_str().unwrap().ends_with(&format!("/verify/{code_}")));
    let page = anonymous.get(&format!("/verify/{code_}")).await.text().await.unwrap();
    assert!(page.contains("Còn hiệu lực") && page.contains("OCOP-BS-2026-0001"), "the verification page says valid");
    let print = anonymous.get(&format!("/verify/{code_}/print")).await.text().await.unwrap();
    assert!(print.contains("GIẤY CHỨNG NHẬN") && print.contains("Đạt hạng 3 sao") && print.contains("<svg"), "the printable certificate");
    let photo = anonymous.ok("public_catalogue", &[("q", "gao")]).await["items"][0]["photo_id"].clone();
    if let Some(id) = photo.as_i64() {
        let res = anonymous.get(&format!("/files/public/photos/{id}")).await;
        assert_eq!(res.status().as_u16(), 200, "a certified product's photo is public");
    }
}

#[tokio::test]
async fn the_spcnnttb_council_recognises_fewer_than_qualify_in_a_recorded_ranked_choice() {
    let server = TestServer::start().await;
    let p = server.login_as(PRODUCER).await;
    let office = server.login_as(SPCNNTTB_OFFICE).await;
    let rounds = office.ok("rounds_managed", &[]).await;
    let round = rounds
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["round"]["programme"] == "spcnnttb" && r["round"]["state"] == "registration_open")
        .unwrap_or_else(|| panic!("the demo SPCNNTTB round: {rounds}"))["round"]["id"]
        .as_i64()
        .unwrap();

    // A second product beside the demo's hat: photos, documents, submitted.
    let product = p.ok_json(
        "product_create",
        json!({"form": {"programme": "spcnnttb", "name": "Chiếu cói Bình Chánh", "group_code": "2", "description": "Chiếu dệt tay từ cói.", "raw_materials": "Cói địa phương", "packaging": "Túi giấy", "items": []}}),
    )
    .await
    .as_i64()
    .unwrap();
    for view in ["front", "side", "top"] {
        let (status, body) = p.upload(&format!("/files/products/{product}/photos?view={view}"), &format!("{view}.png"), png_bytes(3)).await;
        assert_eq!(status, 201, "{body}");
    }
    let args = [("round_id", round.to_string()), ("product_id", product.to_string()), ("registration_type", "first".into()), ("previous_certificate", String::new()), ("group_code", String::new())];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mat = p.ok("dossier_create", &args).await.as_i64().unwrap();
    for item in ["phieu-dang-ky", "giay-dang-ky", "thuyet-minh"] {
        let (status, body) = p.upload(&format!("/files/dossiers/{mat}/items/{item}"), &format!("{item}.pdf"), pdf_bytes(item)).await;
        assert_eq!(status, 201, "{item}: {body}");
    }
    let d = p.ok("dossier_get", &[("id", &mat.to_string())]).await["dossier"].clone();
    let (status, body) = p.call_json("dossier_act", json!({"id": mat, "version": d["version"], "action": "submit", "reason": null, "items": null, "deadline": null, "declaration": true})).await;
    assert_eq!(status, 200, "{body}");

    // The office accepts both, sets up the council and opens scoring.
    let intake = office.ok("dossiers_intake", &[("round_id", &round.to_string())]).await;
    let ids: Vec<i64> = intake["rows"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 2, "{intake}");
    let hat = *ids.iter().find(|i| **i != mat).unwrap();
    for id in &ids {
        let d = office.ok("dossier_get", &[("id", &id.to_string())]).await["dossier"].clone();
        let (status, body) = office.call_json("dossier_act", json!({"id": id, "version": d["version"], "action": "accept", "reason": null, "items": null, "deadline": null, "declaration": null})).await;
        assert_eq!((status, body.as_str()), (200, Some("accepted")), "{body}");
    }
    move_round(&office, round, "close_registration", "registration_closed").await;
    let council = office.ok("council_create", &[("round_id", &round.to_string()), ("name", "Hội đồng bình chọn huyện"), ("decision_no", "12/QĐ-UBND"), ("decision_date", &ymd(today()))]).await;
    let council = council.as_i64().unwrap_or_else(|| council["id"].as_i64().unwrap()).to_string();
    for (login, role) in [(CHAIR, "chair"), (VICE, "vice_chair"), (MEMBER, "member")] {
        office.ok("council_member_add", &[("council_id", &council), ("login", login), ("full_name", ""), ("role", role), ("position", "")]).await;
    }
    office.ok_json("council_assign", json!({"council_id": council.parse::<i64>().unwrap(), "mode": "all", "group_code": null, "dossier_ids": null})).await;
    move_round(&office, round, "open_scoring", "scoring_open").await;

    // Both qualify (mean ≥ 70): the hat 80, the mat 75.
    let numbers = |tc: [&'static str; 4]| {
        move |_: &Value| json!({"TC1": {"number": tc[0]}, "TC2": {"number": tc[1]}, "TC3": {"number": tc[2]}, "TC4": {"number": tc[3]}})
    };
    for who in [CHAIR, VICE, MEMBER] {
        let c = server.login_as(who).await;
        submit(&c, hat, numbers(["30", "30", "10", "10"])).await;
        submit(&c, mat, numbers(["30", "30", "8", "7"])).await;
    }
    move_round(&office, round, "start_deliberation", "deliberation").await;
    move_round(&office, round, "finalise", "finalised").await;

    // The OCOP office cannot touch it; the SPCNNTTB office drafts: both eligible, by mean.
    let (status, _) = server.login_as(OCOP_OFFICE).await.call("decision_draft", &[("round_id", &round.to_string())]).await;
    assert_eq!(status, 404);
    let d = draft(&office, round).await;
    assert_eq!(d["council_choice"], true);
    let items = d["items"].as_array().unwrap().clone();
    assert_eq!(items.iter().map(|i| i["dossier_id"].as_i64().unwrap()).collect::<Vec<_>>(), [hat, mat]);
    assert_eq!(items[0]["title_vi"], "Sản phẩm công nghiệp nông thôn tiêu biểu cấp huyện");

    // The council puts the mat first and leaves the hat out: a reason is required.
    let choice = |reason: &str| json!([{"item_id": items[1]["id"], "included": true, "reason": ""}, {"item_id": items[0]["id"], "included": false, "reason": reason}]);
    let (status, body) = office.call_json("decision_update", json!({"id": d["id"], "version": d["version"], "title": d["title"], "choice": choice("  ")})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("choice")), "{body}");
    let reason = "Hội đồng biểu quyết chỉ công nhận một sản phẩm theo chỉ tiêu năm 2026.";
    office.ok_json("decision_update", json!({"id": d["id"], "version": d["version"], "title": d["title"], "choice": choice(reason)})).await;
    let d = office.ok("decision_get", &[("id", &d["id"].to_string())]).await;
    let items = d["items"].as_array().unwrap();
    assert_eq!((items[0]["dossier_id"].as_i64(), items[0]["included"].as_bool(), items[0]["rank"].as_i64()), (Some(mat), Some(true), Some(1)));
    assert_eq!((items[1]["dossier_id"].as_i64(), items[1]["included"].as_bool(), items[1]["reason"].as_str()), (Some(hat), Some(false), Some(reason)));
    let log = audit_actions(&server, "decision", d["id"].as_i64().unwrap()).await;
    let update = log.iter().find(|e| e["action"] == "decision.update").unwrap_or_else(|| panic!("{log:?}"));
    assert!(update["after_json"].as_str().unwrap().contains(reason), "{update}");

    let signed_on = ymd(today());
    let (status, body) = sign(&office, &d, "88/QĐ-UBND", &signed_on).await;
    assert_eq!(status, 200, "{body}");
    // Only the chosen product has a certificate: the title, no expiry under this rule set.
    let certs = my_certificates(&server).await;
    assert_eq!(certs.len(), 1, "{certs:?}");
    let c = &certs[0]["certificate"];
    assert_eq!(c["number"].as_str().unwrap(), format!("CNNT-BS-{}-0001", &signed_on[..4]));
    assert_eq!((c["title_vi"].as_str(), c["stars"].as_i64(), c["valid_until"].as_str(), c["status"].as_str()), (Some("Sản phẩm công nghiệp nông thôn tiêu biểu cấp huyện"), None, None, Some("valid")));
    let results = server.client().ok("public_results", &[("round_id", &round.to_string())]).await;
    assert_no_judge_data("public_results", &results);
    let rows = results["rows"].as_array().unwrap();
    assert_eq!((rows[0]["product_name"].as_str(), rows[0]["recognised"].as_bool(), rows[0]["rank"].as_i64()), (Some("Chiếu cói Bình Chánh"), Some(true), Some(1)));
    assert_eq!(rows[1]["recognised"], false);

    // From the producer's dossier to a certificate anyone can check: by code, and on the page the QR opens.
    let code_ = c["code"].as_str().unwrap();
    let v = server.client().ok("certificate_verify", &[("code", code_)]).await;
    assert_eq!((v["number"].as_str(), v["status"].as_str(), v["product_name"].as_str()), (c["number"].as_str(), Some("valid"), Some("Chiếu cói Bình Chánh")));
    let page = server.client().get(&format!("/verify/{code_}")).await.text().await.unwrap();
    assert!(page.contains("Còn hiệu lực") && page.contains("Chiếu cói Bình Chánh"), "the verification page says valid");
}

/// Signs the finalised demo round's decision on `date` and returns the rice and fish certificates.
async fn sign_demo_on(server: &TestServer, date: NaiveDate) -> (Value, Value) {
    let f = finalise_demo_round(server).await;
    let office = server.login_as(OCOP_OFFICE).await;
    let d = draft(&office, f.round).await;
    let (status, body) = sign(&office, &d, "101/QĐ-UBND", &ymd(date)).await;
    assert_eq!(status, 200, "{body}");
    let certs = my_certificates(server).await;
    (cert_of(&certs, "Gạo hữu cơ").clone(), cert_of(&certs, "Nước mắm").clone())
}

async fn count_kind(c: &Client, kind: &str) -> usize {
    let notes = c.ok("notifications_list", &[]).await;
    notes["items"].as_array().unwrap().iter().filter(|n| n["kind"] == kind).count()
}

#[tokio::test]
async fn the_expiry_notice_goes_out_once_and_the_producer_starts_a_re_evaluation() {
    let mut server = TestServer::start().await;
    // Signed 36 months less 10 days ago: ten days of validity left, inside the 30-day notice.
    let signed = today().checked_sub_months(Months::new(36)).unwrap() + chrono::Duration::days(10);
    let (rice, fish) = sign_demo_on(&server, signed).await;
    assert_eq!(rice["certificate"]["status"], "expiring_soon", "{rice}");
    let until = signed.checked_add_months(Months::new(36)).unwrap();
    assert_eq!(rice["certificate"]["valid_until"].as_str(), Some(ymd(until).as_str()));
    assert_eq!(rice["certificate"]["days_left"].as_i64(), Some((until - today()).num_days()));
    assert_eq!(rice["reevaluation_open"], true);

    // The job runs at start-up (and hourly): a restart sends the notice, a second one does not.
    server.kill_and_restart();
    let p = server.login_as(PRODUCER).await;
    let office = server.login_as(OCOP_OFFICE).await;
    let mut sent = 0;
    for _ in 0..50 {
        sent = count_kind(&p, "certificate.expiring").await;
        if sent == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(sent, 2, "one notice per certificate to the producer");
    assert_eq!(count_kind(&office, "certificate.expiring").await, 2, "and to the office");
    server.kill_and_restart();
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let p = server.login_as(PRODUCER).await;
    assert_eq!(count_kind(&p, "certificate.expiring").await, 2, "the notice is sent once");
    let log = audit_actions(&server, "certificate", rice["certificate"]["id"].as_i64().unwrap()).await;
    assert_eq!(log.iter().filter(|e| e["action"] == "certificate.expiry_notice").count(), 1);

    // Public verification says it expires soon.
    let v = server.client().ok("certificate_verify", &[("code", rice["certificate"]["code"].as_str().unwrap())]).await;
    assert_eq!(v["status"], "expiring_soon");

    // "Đánh giá lại": the fish sauce into the open district round, linked to its certificate.
    let fish_cert = fish["certificate"]["id"].as_i64().unwrap();
    let round = fish["rounds"].as_array().unwrap().iter().find(|r| r[1].as_str().unwrap().contains("huyện Bình Sơn")).unwrap_or_else(|| panic!("{fish}"))[0].clone();
    let (status, body) = server.login_as(OCOP_OFFICE).await.call("certificate_reevaluate", &[("certificate_id", &fish_cert.to_string()), ("round_id", &round.to_string())]).await;
    assert!(status == 403 || status == 404, "only the producer: {status} {body}");
    let dossier = p.ok("certificate_reevaluate", &[("certificate_id", &fish_cert.to_string()), ("round_id", &round.to_string())]).await;
    let d = p.ok("dossier_get", &[("id", &dossier.to_string())]).await["dossier"].clone();
    assert_eq!((d["registration_type"].as_str(), d["previous_certificate"].as_str()), (Some("reevaluation"), fish["certificate"]["number"].as_str()), "{d}");
    let (status, body) = p.call("certificate_reevaluate", &[("certificate_id", &fish_cert.to_string()), ("round_id", &round.to_string())]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let certs = my_certificates(&server).await;
    assert_eq!(cert_of(&certs, "Nước mắm")["reevaluation_dossier_id"], dossier);
}

#[tokio::test]
async fn expired_certificates_are_revoked_by_a_signed_decision_and_the_public_page_says_so() {
    let server = TestServer::start().await;
    // Signed 36 months and 5 days ago: expired five days ago.
    let signed = today().checked_sub_months(Months::new(36)).unwrap() - chrono::Duration::days(5);
    let (rice, fish) = sign_demo_on(&server, signed).await;
    assert_eq!(rice["certificate"]["status"], "expired");
    assert_eq!(rice["reevaluation_open"], false);
    let anonymous = server.client();
    // (The demo's own recognised round keeps its certificates of another producer listed.)
    let listed = anonymous.ok("public_catalogue", &[]).await;
    assert!(
        listed["items"].as_array().unwrap().iter().all(|c| c["producer_id"] != rice["certificate"]["producer_id"]),
        "expired certificates leave the catalogue: {listed}"
    );

    let office = server.login_as(OCOP_OFFICE).await;
    let candidates = office.ok("revocation_candidates", &[]).await;
    assert_eq!(candidates.as_array().unwrap().len(), 2, "{candidates}");
    for who in [SPCNNTTB_OFFICE] {
        let c = server.login_as(who).await;
        assert_eq!(c.ok("revocation_candidates", &[]).await, json!([]));
    }
    let rice_id = rice["certificate"]["id"].as_i64().unwrap();
    let fish_id = fish["certificate"]["id"].as_i64().unwrap();
    let (status, body) = server.login_as(SPCNNTTB_OFFICE).await.call_json("revocation_draft", json!({"certificate_ids": [rice_id]})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("certificate_ids")), "another programme's office: {body}");
    let (status, body) = server.login_as(PRODUCER).await.call_json("revocation_draft", json!({"certificate_ids": [rice_id]})).await;
    assert!(status == 400 || status == 403 || status == 404, "{status} {body}");

    // Draft with both, keep only the rice, sign.
    let id = office.ok_json("revocation_draft", json!({"certificate_ids": [rice_id, fish_id]})).await;
    let d = office.ok("decision_get", &[("id", &id.to_string())]).await;
    assert_eq!((d["kind"].as_str(), d["items"].as_array().unwrap().len()), (Some("revocation"), 2));
    office.ok_json("revocation_update", json!({"id": id, "version": d["version"], "title": d["title"], "certificate_ids": [rice_id]})).await;
    let d = office.ok("decision_get", &[("id", &id.to_string())]).await;
    assert_eq!(d["items"].as_array().unwrap().len(), 1);
    // Before signing nothing is revoked.
    let v = anonymous.ok("certificate_verify", &[("code", rice["certificate"]["code"].as_str().unwrap())]).await;
    assert_eq!(v["status"], "expired");
    let (status, body) = sign(&office, &d, "77/QĐ-UBND", &ymd(today())).await;
    assert_eq!(status, 200, "{body}");

    let v = anonymous.ok("certificate_verify", &[("code", rice["certificate"]["code"].as_str().unwrap())]).await;
    assert_eq!((v["status"].as_str(), v["revocation_no"].as_str(), v["revoked_on"].as_str()), (Some("revoked"), Some("77/QĐ-UBND"), Some(ymd(today()).as_str())));
    let v = anonymous.ok("certificate_verify", &[("code", fish["certificate"]["code"].as_str().unwrap())]).await;
    assert_eq!(v["status"], "expired", "a certificate left out of the decision stays expired, not revoked");
    let page = anonymous.get(&format!("/verify/{}", rice["certificate"]["code"].as_str().unwrap())).await.text().await.unwrap();
    assert!(page.contains("Đã bị thu hồi") && page.contains("77/QĐ-UBND"), "the public page says revoked");
    let remaining = office.ok("revocation_candidates", &[]).await;
    assert_eq!(remaining.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect::<Vec<_>>(), [fish_id]);
    let (status, body) = office.call_json("revocation_update", json!({"id": id, "version": d["version"], "title": d["title"], "certificate_ids": [fish_id]})).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "a signed revocation never changes: {body}");
    let log = audit_actions(&server, "certificate", rice_id).await;
    assert!(has_action(&log, "certificate.revoke"), "{log:?}");
    let p = server.login_as(PRODUCER).await;
    assert_eq!(count_kind(&p, "certificate.revoked").await, 1);
}

/// A workbook with `rows` under the given header on its first sheet (the office's own list).
fn list_workbook(header: &[&str], rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "DANH SÁCH SẢN PHẨM OCOP HUYỆN BÌNH SƠN").unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, u16::try_from(c).unwrap(), *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(3 + u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_office_imports_its_existing_certified_products_with_a_row_by_row_report() {
    let server = TestServer::start().await;
    let office = server.login_as(OCOP_OFFICE).await;
    let anonymous = server.client();

    // The template reads back with its columns.
    let res = office.get("/files/certificates/import-template.xlsx?programme=ocop").await;
    assert_eq!(res.status().as_u16(), 200);
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let first = wb.worksheet_range_at(0).unwrap().unwrap();
    let titles: Vec<String> = first.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert!(titles.contains(&"Tên sản phẩm *".to_string()) && titles.contains(&"Số sao *".to_string()), "{titles:?}");

    // The office's own list: columns in another order, one title without accents.
    let header = ["STT", "Chủ thể", "Tên sản phẩm", "Loai hinh chu the", "Mã số thuế", "Xã, phường", "Số sao", "Số giấy chứng nhận", "Số quyết định", "Ngày quyết định", "Có hiệu lực đến", "Điện thoại"];
    let issued = today().checked_sub_months(Months::new(12)).unwrap();
    let issued_vi = issued.format("%d/%m/%Y").to_string();
    let rows: Vec<Vec<&str>> = vec![
        vec!["1", "HTX Nông nghiệp Bình Chánh", "Mật ong hoa tràm", "HTX", "4300999001", "Xã Bình Chánh", "3", "GCN-OCOP-2025-017", "45/QĐ-UBND", &issued_vi, "", "0912 000 111"],
        vec!["2", "Hộ kinh doanh Lê Thị Hoa", "Bánh tráng mè đen", "Hộ kinh doanh", "", "binh chau", "4", "", "45/QĐ-UBND", &issued_vi, "", ""],
        vec!["3", "Cơ sở Trần Văn Nam", "Rượu nếp", "Hộ kinh doanh", "", "Xã Bình Chánh", "6", "", "45/QĐ-UBND", &issued_vi, "", ""],
        vec!["4", "Cơ sở Phạm Văn Tư", "Nem chua", "Hộ kinh doanh", "", "Phường Không Có", "3", "", "45/QĐ-UBND", &issued_vi, "", ""],
        vec!["5", "Cơ sở Võ Thị Sáu", "Dầu phộng", "Nông trại", "43001", "Xã Bình Chánh", "3", "", "45/QĐ-UBND", "32/13/2024", "", ""],
        vec![],
        vec!["7", "HTX Nông nghiệp Bình Chánh", "Mật ong hoa tràm", "HTX", "4300999001", "Xã Bình Chánh", "3", "GCN-OCOP-2025-017", "45/QĐ-UBND", &issued_vi, "", ""],
        vec!["8", "Cơ sở Đỗ Văn Ba", "Tỏi Lý Sơn", "Hộ kinh doanh", "", "Xã Bình Chánh", "3", "", "12/QĐ-UBND", "15/01/2022", "15/01/2025", ""],
    ];
    let list = list_workbook(&header, &rows);

    // Only an office imports.
    let (status, _) = server.login_as(PRODUCER).await.upload("/files/certificates/import?programme=ocop", "ds.xlsx", list.clone()).await;
    assert_eq!(status, 403);
    let (status, _) = server.login_as(SPCNNTTB_OFFICE).await.upload("/files/certificates/import?programme=ocop", "ds.xlsx", list.clone()).await;
    assert_eq!(status, 403, "the SPCNNTTB office does not import OCOP products");
    // Not a workbook, or no usable header: a clear refusal, nothing written.
    let (status, body) = office.upload("/files/certificates/import?programme=ocop", "ds.xlsx", b"PK\x03\x04 broken".to_vec()).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("file")), "{body}");
    let (status, body) = office.upload("/files/certificates/import?programme=ocop", "ds.xlsx", list_workbook(&["Tên sản phẩm", "Chủ thể"], &[vec!["A", "B"]])).await;
    assert_eq!(status, 400);
    assert!(body["vi"].as_str().unwrap().contains("Số quyết định"), "names the missing columns: {body}");
    assert_eq!(office.ok("certificate_imports", &[]).await["imports"], json!([]));

    let (status, report) = office.upload("/files/certificates/import?programme=ocop", "Danh sách OCOP 2025.xlsx", list.clone()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["total_rows"], 7, "the empty row is skipped: {report}");
    let imported: Vec<(i64, &str)> = report["imported"].as_array().unwrap().iter().map(|r| (r["row"].as_i64().unwrap(), r["product"].as_str().unwrap())).collect();
    assert_eq!(imported, [(4, "Mật ong hoa tràm"), (5, "Bánh tráng mè đen"), (11, "Tỏi Lý Sơn")], "{report}");
    let refused: Vec<(i64, &str)> = report["refused"].as_array().unwrap().iter().map(|r| (r["row"].as_i64().unwrap(), r["column"].as_str().unwrap())).collect();
    assert_eq!(
        refused,
        [(6, "Số sao"), (7, "Xã, phường"), (8, "Loại hình chủ thể"), (8, "Mã số thuế"), (8, "Ngày quyết định"), (10, "")],
        "{report}"
    );
    assert!(report["refused"][5]["message_vi"].as_str().unwrap().contains("trùng với hàng 4"), "{report}");
    assert_eq!((report["new_producers"].as_i64(), report["new_products"].as_i64()), (Some(3), Some(3)));

    // The earlier list's numbers are kept; a product without one gets the decision's.
    let anon_search = |q: &'static str| {
        let anonymous = anonymous.clone();
        async move { anonymous.ok("public_catalogue", &[("q", q)]).await }
    };
    let honey = anon_search("mat ong hoa tram").await;
    assert_eq!(honey["total"], 1, "{honey}");
    let h = &honey["items"][0];
    assert_eq!((h["number"].as_str(), h["stars"].as_i64(), h["commune_name"].as_str()), (Some("GCN-OCOP-2025-017"), Some(3), Some("xã Bình Chánh")), "{h}");
    let until = issued.checked_add_months(Months::new(36)).unwrap();
    assert_eq!((h["issued_on"].as_str(), h["valid_until"].as_str(), h["decision_no"].as_str()), (Some(ymd(issued).as_str()), Some(ymd(until).as_str()), Some("45/QĐ-UBND")));
    assert_eq!(h["mean"], Value::Null, "no council score for an earlier certificate");
    let v = anonymous.ok("certificate_verify", &[("code", h["code"].as_str().unwrap())]).await;
    assert_eq!(v["status"], "valid");
    // The garlic's certificate ran out in January 2025: not in the catalogue, up for revocation.
    assert_eq!(anon_search("toi ly son").await["total"], 0);
    let candidates = office.ok("revocation_candidates", &[]).await;
    assert!(candidates.as_array().unwrap().iter().any(|c| c["product_name"] == "Tỏi Lý Sơn" && c["status"] == "expired"), "{candidates}");

    // The history and the report stay with the office; the audit log has every certificate.
    let imports = office.ok("certificate_imports", &[]).await;
    let first = &imports["imports"][0];
    assert_eq!((first["imported"].as_i64(), first["refused"].as_i64(), first["file_name"].as_str()), (Some(3), Some(4), Some("Danh sách OCOP 2025.xlsx")), "{imports}");
    let id = first["id"].to_string();
    assert_eq!(office.ok("certificate_import_report", &[("id", &id)]).await["imported"], report["imported"]);
    let (status, _) = server.login_as(SPCNNTTB_OFFICE).await.call("certificate_import_report", &[("id", &id)]).await;
    assert_eq!(status, 404);
    let log = audit_actions(&server, "certificate", h["id"].as_i64().unwrap()).await;
    assert!(has_action(&log, "certificate.import"), "{log:?}");

    // The same file again adds nothing.
    let (status, again) = office.upload("/files/certificates/import?programme=ocop", "Danh sách OCOP 2025.xlsx", list).await;
    assert_eq!(status, 200);
    assert_eq!(again["imported"], json!([]), "{again}");
    assert!(again["refused"].as_array().unwrap().iter().filter(|r| r["column"] == "").count() >= 3, "{again}");
    assert_eq!(anon_search("mat ong").await["total"], 1);

    // The public catalogue as CSV: UTF-8 with a BOM, Vietnamese intact, no score.
    let res = anonymous.get("/files/catalogue.csv?q=banh%20trang").await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("\u{feff}Số giấy chứng nhận,Sản phẩm,Chủ thể"), "{csv}");
    let row = lines.next().unwrap();
    assert!(row.contains("Bánh tráng mè đen") && row.contains("Hộ kinh doanh Lê Thị Hoa") && row.contains("45/QĐ-UBND") && row.contains("/verify/"), "{row}");
    assert_eq!(lines.next(), None, "only the match: {csv}");
    let all = anonymous.get("/files/catalogue.csv").await.text().await.unwrap();
    assert_eq!(all.lines().count(), 1 + anonymous.ok("public_catalogue", &[]).await["total"].as_i64().unwrap() as usize);
}
