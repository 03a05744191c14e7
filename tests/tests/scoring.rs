//! Councils and scoring over HTTP, on the demo round being scored (a council with giamkhao1 as
//! chair, giamkhao2 vice-chair, giamkhao3 member and thuky secretary; two products of the demo
//! producer): who sees whose numbers in which phase, stale and durable saves, submission,
//! reconciliation and re-scoring, quorum and finalisation, conflicts of interest, and paper
//! sheets (entered one by one, and as a workbook).

use std::io::Cursor;

use binhchon_tests::*;
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use serde_json::{json, Value};

const CHAIR: &str = "giamkhao1@demo.binhchon.vn";
const VICE: &str = "giamkhao2@demo.binhchon.vn";
const MEMBER: &str = "giamkhao3@demo.binhchon.vn";
const SECRETARY: &str = "thuky@demo.binhchon.vn";

/// The demo council as the tests need it: ids of the council, its round, the two products and
/// the members (council-member ids, not user ids).
struct Demo {
    council: i64,
    round: i64,
    /// "Gạo hữu cơ …" and "Nước mắm …".
    rice: i64,
    fish: i64,
    rice_name: String,
    fish_name: String,
    chair: i64,
    vice: i64,
    member: i64,
    secretary: i64,
}

async fn demo(server: &TestServer) -> Demo {
    let chair = server.login_as(CHAIR).await;
    let products = chair.ok("judge_products", &[]).await;
    let products = products.as_array().expect("products");
    assert_eq!(products.len(), 2, "the demo council scores two products: {products:?}");
    let find = |prefix: &str| {
        products
            .iter()
            .find(|p| p["product_name"].as_str().unwrap_or("").starts_with(prefix))
            .unwrap_or_else(|| panic!("no demo product {prefix}: {products:?}"))
            .clone()
    };
    let (rice, fish) = (find("Gạo hữu cơ"), find("Nước mắm"));
    assert_eq!(rice["round_state"], "scoring_open");
    let council = rice["council_id"].as_i64().unwrap();
    let page = chair.ok("council_get", &[("id", &council.to_string())]).await;
    let member = |email: &str, role: &str| {
        let m = page["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap_or_else(|| panic!("{email} not on the demo council: {page}"));
        assert_eq!(m["role"], role, "{m}");
        m["id"].as_i64().unwrap()
    };
    Demo {
        council,
        round: rice["round_id"].as_i64().unwrap(),
        rice: rice["dossier_id"].as_i64().unwrap(),
        fish: fish["dossier_id"].as_i64().unwrap(),
        rice_name: rice["product_name"].as_str().unwrap().to_string(),
        fish_name: fish["product_name"].as_str().unwrap().to_string(),
        chair: member(CHAIR, "chair"),
        vice: member(VICE, "vice_chair"),
        member: member(MEMBER, "member"),
        secretary: member(SECRETARY, "secretary"),
    }
}

/// The caller's workspace for a product (their own sheet, created once scoring is open).
async fn workspace(c: &Client, dossier: i64) -> Value {
    c.ok("sheet_workspace", &[("dossier_id", &dossier.to_string())]).await
}

async fn save(c: &Client, sheet: i64, version: i64, answers: &Value) -> (u16, Value) {
    c.call_json("sheet_save", json!({"sheet_id": sheet, "version": version, "answers": answers, "notes": {}})).await
}

async fn submit(c: &Client, sheet: i64, version: i64, answers: &Value) -> (u16, Value) {
    c.call_json("sheet_submit", json!({"sheet_id": sheet, "version": version, "answers": answers, "notes": {}})).await
}

async fn own_sheet(c: &Client, sheet: i64) -> Value {
    c.ok("sheet_own", &[("sheet_id", &sheet.to_string())]).await
}

/// Opens the caller's sheet for a product and submits answers worth `total`; returns the sheet id.
async fn score(c: &Client, dossier: i64, total: i64) -> i64 {
    score_with(c, dossier, total, &[]).await
}

async fn score_with(c: &Client, dossier: i64, total: i64, fixed: &[(&str, usize)]) -> i64 {
    let ws = workspace(c, dossier).await;
    let sheet = ws["sheet"]["id"].as_i64().unwrap();
    let answers = answers_for(&ws["form"], total, fixed);
    let (status, saved) = submit(c, sheet, ws["sheet"]["version"].as_i64().unwrap(), &answers).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["state"], "submitted");
    assert_eq!(hundredths(&saved["total"]), total * 100, "{saved}");
    sheet
}

async fn round_act(server: &TestServer, round: i64, action: &str) -> (u16, Value) {
    let office = server.login_as(OCOP_OFFICE).await;
    office.call("round_act", &[("id", &round.to_string()), ("action", action)]).await
}

async fn move_round(server: &TestServer, round: i64, action: &str, to: &str) {
    let (status, body) = round_act(server, round, action).await;
    assert_eq!((status, body.as_str()), (200, Some(to)), "{action}: {body}");
}

async fn board(c: &Client, council: i64) -> Value {
    c.ok("council_board", &[("council_id", &council.to_string())]).await
}

fn row(board: &Value, dossier: i64) -> Value {
    board["rows"].as_array().unwrap().iter().find(|r| r["dossier_id"] == dossier).unwrap_or_else(|| panic!("no row {dossier}: {board}")).clone()
}

fn cell(row: &Value, member: i64) -> Value {
    row["cells"].as_array().unwrap().iter().find(|c| c["member_id"] == member).unwrap_or_else(|| panic!("no cell {member}: {row}")).clone()
}

async fn audit(server: &TestServer, entity_type: &str, entity_id: i64) -> Vec<Value> {
    let admin = server.login_as(ADMIN).await;
    let log = admin.ok("admin_list_audit", &[("entity_type", entity_type), ("entity_id", &entity_id.to_string())]).await;
    log["items"].as_array().expect("items").clone()
}

/// Anything in a response that carries another member's numbers: a sheet's answers or a total
/// tied to another member, board statistics, the minutes' totals.
fn others_numbers(v: &Value, me: i64, path: &str, found: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            let member = o.get("member_id").and_then(Value::as_i64);
            let mine = member == Some(me);
            if o.contains_key("answers") && !mine {
                found.push(format!("{path}: answers of member {member:?}"));
            }
            if member.is_some() && !mine && o.get("total").is_some_and(|t| !t.is_null()) {
                found.push(format!("{path}: total of member {member:?}"));
            }
            for key in ["stats", "totals", "aggregate"] {
                if o.get(key).is_some_and(|s| !s.is_null()) {
                    found.push(format!("{path}.{key}"));
                }
            }
            for (k, x) in o {
                others_numbers(x, me, &format!("{path}.{k}"), found);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                others_numbers(x, me, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

fn assert_no_others_numbers(what: &str, v: &Value, me: i64) {
    let mut found = Vec::new();
    others_numbers(v, me, "", &mut found);
    assert!(found.is_empty(), "{what} shows other members' numbers: {found:?}\n{v}");
}

/// A judge who sits on no council of the round.
async fn outsider_judge(server: &TestServer) -> Client {
    let admin = server.login_as(ADMIN).await;
    let units = admin.ok("admin_units", &[]).await;
    let binh_son = units.as_array().unwrap().iter().find(|u| u["name"] == "Huyện Bình Sơn").expect("Bình Sơn")["id"].to_string();
    let created = admin.ok(
        "admin_create_user",
        &[("full_name", "Lê Văn Ngoài"), ("email", "ngoai@example.vn"), ("phone", ""), ("role", "judge"), ("unit_id", &binh_son)],
    )
    .await;
    let temp = created["temporary_password"].as_str().unwrap().to_string();
    let c = server.client();
    assert_eq!(c.login("ngoai@example.vn", &temp).await.0, 200);
    let new = "giam khao ngoai hoi dong";
    c.ok("change_password", &[("old_password", &temp), ("new_password", new), ("confirm_password", new)]).await;
    c
}

#[tokio::test]
async fn a_judge_reaches_only_their_own_sheets_and_sees_no_one_elses_numbers_before_deliberation() {
    let server = TestServer::start().await;
    let d = demo(&server).await;
    let (chair, vice, member, secretary) =
        (server.login_as(CHAIR).await, server.login_as(VICE).await, server.login_as(MEMBER).await, server.login_as(SECRETARY).await);
    // The vice-chair submits a sheet worth 87 on the rice and keeps a draft on the fish sauce.
    let vice_rice = score(&vice, d.rice, 87).await;
    let ws = workspace(&vice, d.fish).await;
    let vice_fish = ws["sheet"]["id"].as_i64().unwrap();
    let draft = answers_for(&ws["form"], 66, &[]);
    let (status, body) = save(&vice, vice_fish, 0, &draft).await;
    assert_eq!(status, 200, "{body}");
    let vice_fish_before = own_sheet(&vice, vice_fish).await;

    // The member may not read, save or submit the vice-chair's sheets, nor open them from the board.
    let mine = workspace(&member, d.rice).await;
    assert_eq!(mine["sheet"]["member_id"], d.member);
    let other = answers_for(&mine["form"], 20, &[]);
    for sheet in [vice_rice, vice_fish] {
        let id = sheet.to_string();
        for (endpoint, args) in [("sheet_own", vec![("sheet_id", id.as_str())]), ("board_sheet", vec![("sheet_id", id.as_str())])] {
            let (status, body) = member.call(endpoint, &args).await;
            assert_eq!((status, code(&body)), (404, "not_found"), "{endpoint} {sheet}: {body}");
        }
        for version in [0, 1, 2] {
            let (status, body) = save(&member, sheet, version, &other).await;
            assert_eq!((status, code(&body)), (404, "not_found"), "save {sheet}: {body}");
            let (status, body) = submit(&member, sheet, version, &other).await;
            assert_eq!((status, code(&body)), (404, "not_found"), "submit {sheet}: {body}");
        }
    }
    assert_eq!(own_sheet(&vice, vice_fish).await, vice_fish_before, "refused writes change nothing");
    assert_eq!(own_sheet(&vice, vice_rice).await["state"], "submitted");
    // The board is the chair's and the secretary's; a plain member is refused.
    let council = d.council.to_string();
    let (status, body) = member.call("council_board", &[("council_id", &council)]).await;
    assert_eq!((status, code(&body)), (403, "forbidden"), "{body}");

    // Nothing the member can read carries the vice-chair's numbers.
    assert_no_others_numbers("judge_products", &member.ok("judge_products", &[]).await, d.member);
    assert_no_others_numbers("workspace", &workspace(&member, d.rice).await, d.member);
    assert_no_others_numbers("workspace", &workspace(&member, d.fish).await, d.member);
    let page = member.ok("council_get", &[("id", &council)]).await;
    assert_no_others_numbers("council_get", &page, d.member);
    assert_eq!(page["grid"], json!([]), "the conflict grid is for the chair and the secretary");
    let (status, body) = member.call("council_minutes", &[("council_id", &council)]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "no minutes before the results: {body}");

    // The chair keeps the board while scoring: statuses, but no numbers, and no other sheets.
    let b = board(&chair, d.council).await;
    assert_eq!(b["view"], "own_only");
    assert_no_others_numbers("the chair's board", &b, d.chair);
    let r = row(&b, d.rice);
    assert_eq!(cell(&r, d.vice)["state"], "submitted");
    assert_eq!(cell(&r, d.member)["state"], "not_started", "opening the workspace created the member's sheet, empty");
    assert_eq!(cell(&row(&b, d.fish), d.vice)["state"], "draft");
    assert_eq!((r["quorum"]["submitted"].as_i64(), r["quorum"]["entitled"].as_i64()), (Some(1), Some(3)));
    let (status, body) = chair.call("board_sheet", &[("sheet_id", &vice_rice.to_string())]).await;
    assert_eq!((status, code(&body)), (404, "not_found"), "{body}");
    // The secretary, who does not score, sees the totals.
    let b = board(&secretary, d.council).await;
    assert_eq!(b["view"], "board");
    let r = row(&b, d.rice);
    assert_eq!(hundredths(&cell(&r, d.vice)["total"]), 8700, "{r}");
    assert_eq!(hundredths(&r["stats"]["mean"]["sum"]), 8700, "{r}");
    let detail = secretary.ok("board_sheet", &[("sheet_id", &vice_rice.to_string())]).await;
    assert_eq!(hundredths(&detail["sheet"]["total"]), 8700);

    // Reconciliation still hides the others' numbers from members (flags only).
    move_round(&server, d.round, "start_reconciliation", "reconciliation").await;
    assert_no_others_numbers("judge_products", &member.ok("judge_products", &[]).await, d.member);
    assert_no_others_numbers("workspace", &workspace(&member, d.rice).await, d.member);
    let b = board(&chair, d.council).await;
    assert_eq!(b["view"], "own_and_flags");
    assert_no_others_numbers("the chair's board", &b, d.chair);
    let (status, body) = member.call("council_board", &[("council_id", &council)]).await;
    assert_eq!((status, code(&body)), (403, "forbidden"), "{body}");

    // A judge outside the council finds none of it.
    let outsider = outsider_judge(&server).await;
    assert_eq!(outsider.ok("judge_products", &[]).await, json!([]));
    let attempts = [
        ("sheet_workspace", vec![("dossier_id", d.rice.to_string())]),
        ("sheet_own", vec![("sheet_id", vice_rice.to_string())]),
        ("board_sheet", vec![("sheet_id", vice_rice.to_string())]),
        ("council_board", vec![("council_id", council.clone())]),
        ("council_get", vec![("id", council.clone())]),
    ];
    for (endpoint, args) in attempts {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) = outsider.call(endpoint, &args).await;
        assert_eq!((status, code(&body)), (404, "not_found"), "{endpoint}: {body}");
    }
    let (status, body) = save(&outsider, vice_fish, vice_fish_before["version"].as_i64().unwrap(), &other).await;
    assert_eq!((status, code(&body)), (404, "not_found"), "{body}");
    let (status, body) = outsider.call("councils_of_round", &[("round_id", &d.round.to_string())]).await;
    assert!(status == 404 || body == json!([]), "{status} {body}");
    assert_eq!(own_sheet(&vice, vice_fish).await, vice_fish_before);
}

#[tokio::test]
async fn a_stale_save_is_refused_and_changes_nothing() {
    let server = TestServer::start().await;
    let d = demo(&server).await;
    let judge = server.login_as(MEMBER).await;
    let ws = workspace(&judge, d.rice).await;
    let sheet = ws["sheet"]["id"].as_i64().unwrap();
    assert_eq!((ws["sheet"]["version"].as_i64(), ws["editable"].as_bool()), (Some(0), Some(true)));
    let first = answers_for(&ws["form"], 50, &[]);
    let second = answers_for(&ws["form"], 80, &[]);
    let (status, saved) = save(&judge, sheet, 0, &first).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!((saved["version"].as_i64(), saved["state"].as_str()), (Some(1), Some("draft")));
    assert_eq!(hundredths(&saved["total"]), 5000);

    // A second tab still on version 0.
    for stale in [0, 5] {
        let (status, body) = save(&judge, sheet, stale, &second).await;
        assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
        assert!(body["vi"].as_str().unwrap_or("").contains("Tải bản mới nhất"), "{body}");
        let (status, body) = submit(&judge, sheet, stale, &second).await;
        assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    }
    let stored = own_sheet(&judge, sheet).await;
    assert_eq!(stored["answers"], first, "the stored answers are the acknowledged ones");
    assert_eq!((stored["version"].as_i64(), hundredths(&stored["total"])), (Some(1), 5000));

    // Based on the latest version, the same write goes through.
    let (status, saved) = save(&judge, sheet, 1, &second).await;
    assert_eq!((status, saved["version"].as_i64()), (200, Some(2)), "{saved}");
    assert_eq!(own_sheet(&judge, sheet).await["answers"], second);
}

#[tokio::test]
async fn an_acknowledged_autosave_survives_a_killed_server() {
    let mut server = TestServer::start().await;
    let d = demo(&server).await;
    let judge = server.login_as(VICE).await;
    let ws = workspace(&judge, d.fish).await;
    let sheet = ws["sheet"]["id"].as_i64().unwrap();
    let answers = answers_for(&ws["form"], 73, &[]);
    let (status, saved) =
        judge.call_json("sheet_save", json!({"sheet_id": sheet, "version": 0, "answers": answers, "notes": {"A1.1": "Nguyên liệu cá cơm Sa Huỳnh"}})).await;
    assert_eq!(status, 200, "{saved}");
    server.kill_and_restart();
    let judge = server.login_as(VICE).await;
    let stored = own_sheet(&judge, sheet).await;
    assert_eq!(stored["answers"], answers);
    assert_eq!(stored["notes"]["A1.1"], "Nguyên liệu cá cơm Sa Huỳnh");
    assert_eq!((stored["version"].as_i64(), stored["state"].as_str()), (Some(1), Some("draft")));
    assert_eq!(hundredths(&stored["total"]), 7300);
    assert_eq!(stored["saved_at"], saved["saved_at"]);
}

#[tokio::test]
async fn submitting_needs_every_criterion_and_locks_the_sheet() {
    let server = TestServer::start().await;
    let d = demo(&server).await;
    let judge = server.login_as(MEMBER).await;
    let ws = workspace(&judge, d.rice).await;
    let sheet = ws["sheet"]["id"].as_i64().unwrap();
    let full = answers_for(&ws["form"], 64, &[]);
    let mut partial = full.clone();
    let cs = criteria(&ws["form"]);
    let (left_out, also) = (cs[2].code.clone(), cs[cs.len() - 1].code.clone());
    partial.as_object_mut().unwrap().remove(&left_out);
    partial.as_object_mut().unwrap().remove(&also);

    let (status, body) = submit(&judge, sheet, 0, &partial).await;
    assert_eq!((status, code(&body), body["field"].as_str()), (400, "invalid", Some("answers")), "{body}");
    let message = body["vi"].as_str().unwrap_or("");
    assert!(message.contains("Còn 2 tiêu chí") && message.contains(&left_out) && message.contains(&also), "{body}");
    let stored = own_sheet(&judge, sheet).await;
    assert_eq!((stored["state"].as_str(), stored["version"].as_i64()), (Some("not_started"), Some(0)), "a refused submit stores nothing");

    // A draft may be incomplete; the submit then completes it.
    let (status, saved) = save(&judge, sheet, 0, &partial).await;
    assert_eq!((status, saved["state"].as_str()), (200, Some("draft")), "{saved}");
    assert_eq!(saved["answered"].as_i64(), Some(cs.len() as i64 - 2));
    let (status, saved) = submit(&judge, sheet, 1, &full).await;
    assert_eq!((status, saved["state"].as_str(), saved["version"].as_i64()), (200, Some("submitted"), Some(2)), "{saved}");
    assert_eq!(hundredths(&saved["total"]), 6400);

    // Submitted: locked for its member.
    let ws = workspace(&judge, d.rice).await;
    assert_eq!(ws["editable"], false);
    let other = answers_for(&ws["form"], 90, &[]);
    let (status, body) = save(&judge, sheet, 2, &other).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let (status, body) = submit(&judge, sheet, 2, &other).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let stored = own_sheet(&judge, sheet).await;
    assert_eq!((stored["answers"].clone(), stored["version"].as_i64(), stored["state"].as_str()), (full, Some(2), Some("submitted")));
    // Its history holds the submitted version.
    let detail = judge.ok("board_sheet", &[("sheet_id", &sheet.to_string())]).await;
    let events: Vec<&str> = detail["history"].as_array().unwrap().iter().map(|h| h["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["sheet.submit"]);
}

#[tokio::test]
async fn a_spread_over_the_limit_is_flagged_and_the_chair_asks_named_members_to_rescore() {
    let server = TestServer::start().await;
    let d = demo(&server).await;
    let (chair, vice, member, secretary) =
        (server.login_as(CHAIR).await, server.login_as(VICE).await, server.login_as(MEMBER).await, server.login_as(SECRETARY).await);
    // Rice: 60, 62 and 80 — 20 apart, over the limit of 10; the member is far from the median.
    score(&chair, d.rice, 60).await;
    score(&vice, d.rice, 62).await;
    let outlier = score(&member, d.rice, 80).await;
    // Fish sauce: 70, 72, 80 — exactly 10 apart, which is allowed.
    score(&chair, d.fish, 70).await;
    score(&vice, d.fish, 72).await;
    score(&member, d.fish, 80).await;

    // While scoring, the chair sees no flag yet; the secretary does.
    let b = board(&chair, d.council).await;
    assert_eq!(row(&b, d.rice)["flagged"], false);
    let b = board(&secretary, d.council).await;
    assert_eq!((row(&b, d.rice)["flagged"].as_bool(), row(&b, d.fish)["flagged"].as_bool()), (Some(true), Some(false)));

    // Asking for a re-score belongs to reconciliation.
    let request = |who: &Client, members: Vec<i64>, reason: &str| {
        let who = who.clone();
        let body = json!({"dossier_id": d.rice, "member_ids": members, "reason": reason});
        async move { who.call_json("rescore_request", body).await }
    };
    let (status, body) = request(&chair, vec![d.member], "Chênh lệch quá 10 điểm").await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");

    move_round(&server, d.round, "start_reconciliation", "reconciliation").await;
    for c in [&chair, &secretary] {
        let b = board(c, d.council).await;
        let r = row(&b, d.rice);
        assert_eq!(r["flagged"], true, "{r}");
        assert_eq!(row(&b, d.fish)["flagged"], false);
        assert_eq!(cell(&r, d.member)["outlier"], true, "{r}");
        assert_eq!((cell(&r, d.chair)["outlier"].as_bool(), cell(&r, d.vice)["outlier"].as_bool()), (Some(false), Some(false)), "{r}");
        assert!(r["blockers_vi"].as_array().unwrap().iter().any(|b| b.as_str().unwrap().contains("chênh lệch quá 10")), "{r}");
    }
    assert_no_others_numbers("the chair's board", &board(&chair, d.council).await, d.chair);
    let products = member.ok("judge_products", &[]).await;
    let flagged: Vec<(i64, bool)> = products.as_array().unwrap().iter().map(|p| (p["dossier_id"].as_i64().unwrap(), p["flagged"].as_bool().unwrap())).collect();
    assert!(flagged.contains(&(d.rice, true)) && flagged.contains(&(d.fish, false)), "{products}");
    assert_eq!(workspace(&member, d.rice).await["flagged"], true);

    // Only the chair asks, with a reason and named members who submitted.
    for who in [&vice, &member, &secretary] {
        let (status, body) = request(who, vec![d.member], "Tôi muốn chấm lại").await;
        assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    }
    let (status, body) = request(&chair, vec![d.member], "  ").await;
    assert_eq!((status, body["field"].as_str()), (400, Some("reason")), "{body}");
    let (status, body) = request(&chair, vec![], "Chênh lệch quá 10 điểm").await;
    assert_eq!((status, body["field"].as_str()), (400, Some("members")), "{body}");
    assert_eq!(own_sheet(&member, outlier).await["state"], "submitted", "refused requests reopen nothing");

    let reason = "Điểm phần C chênh lệch nhiều so với các thành viên khác";
    let (status, body) = request(&chair, vec![d.member], reason).await;
    assert_eq!((status, body.as_i64()), (200, Some(1)), "{body}");
    let reopened = own_sheet(&member, outlier).await;
    assert_eq!((reopened["state"].as_str(), reopened["rescore_reason"].as_str()), (Some("reopened"), Some(reason)));
    assert_eq!(own_sheet(&vice, workspace(&vice, d.rice).await["sheet"]["id"].as_i64().unwrap()).await["state"], "submitted", "only the named member");
    let mine = member.ok("judge_products", &[]).await;
    let rice = mine.as_array().unwrap().iter().find(|p| p["dossier_id"] == d.rice).unwrap();
    assert_eq!((rice["sheet_state"].as_str(), rice["rescore_reason"].as_str()), (Some("reopened"), Some(reason)));
    // The member is told, with the reason.
    let notes = member.ok("notifications_list", &[("unread_only", "false")]).await;
    let notice = notes["items"].as_array().unwrap().iter().find(|n| n["kind"] == "sheet.rescore").unwrap_or_else(|| panic!("{notes}"));
    assert!(notice["body_vi"].as_str().unwrap().contains(reason) && notice["title_vi"].as_str().unwrap().contains(&d.rice_name), "{notice}");
    let notes = vice.ok("notifications_list", &[("unread_only", "false")]).await;
    assert!(!notes["items"].as_array().unwrap().iter().any(|n| n["kind"] == "sheet.rescore"), "{notes}");
    // A reopened sheet does not count: the product waits for it.
    let r = row(&board(&secretary, d.council).await, d.rice);
    assert_eq!((r["quorum"]["submitted"].as_i64(), r["quorum"]["met"].as_bool()), (Some(2), Some(false)), "{r}");

    // The member re-scores from the reopened version; the history keeps every version.
    let ws = workspace(&member, d.rice).await;
    assert_eq!(ws["editable"], true);
    let version = ws["sheet"]["version"].as_i64().unwrap();
    let (status, saved) = submit(&member, outlier, version, &answers_for(&ws["form"], 66, &[])).await;
    assert_eq!((status, saved["state"].as_str()), (200, Some("submitted")), "{saved}");
    let detail = secretary.ok("board_sheet", &[("sheet_id", &outlier.to_string())]).await;
    let history: Vec<(String, String, i64, Option<String>)> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (h["event"].as_str().unwrap().into(), h["state"].as_str().unwrap().into(), hundredths(&h["total"]), h["note"].as_str().map(String::from))
        })
        .collect();
    let expected: Vec<(String, String, i64, Option<String>)> = vec![
        ("sheet.submit".into(), "submitted".into(), 8000, None),
        ("reopen".into(), "reopened".into(), 8000, Some(reason.to_string())),
        ("sheet.submit".into(), "submitted".into(), 6600, None),
    ];
    assert_eq!(history, expected, "{detail}");
    let versions: Vec<i64> = detail["history"].as_array().unwrap().iter().map(|h| h["version"].as_i64().unwrap()).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert!(detail["history"][1]["actor_label"].as_str().unwrap().contains(CHAIR), "{detail}");
    let own = member.ok("board_sheet", &[("sheet_id", &outlier.to_string())]).await;
    assert_eq!(own["history"], detail["history"], "the member reads their own sheet's history");
    assert_eq!(own_sheet(&member, outlier).await["rescore_reason"], Value::Null, "the reason goes with the new submission");
    let r = row(&board(&secretary, d.council).await, d.rice);
    assert_eq!((r["flagged"].as_bool(), r["quorum"]["met"].as_bool()), (Some(false), Some(true)), "{r}");
    let entry = audit(&server, "score_sheet", outlier).await;
    assert!(entry.iter().any(|e| e["action"] == "sheet.reopen" && e["after_json"].as_str().unwrap_or("").contains(reason)), "{entry:?}");
}

#[tokio::test]
async fn finalising_needs_quorum_and_no_unresolved_spread_unless_the_chair_records_why() {
    let server = TestServer::start().await;
    let d = demo(&server).await;
    let (chair, vice, member) = (server.login_as(CHAIR).await, server.login_as(VICE).await, server.login_as(MEMBER).await);
    // Rice: only the chair and the vice-chair submit — 2 of 3, the quorum is ¾ (3).
    let chair_rice = score(&chair, d.rice, 60).await;
    score(&vice, d.rice, 63).await;
    workspace(&member, d.rice).await;
    // Fish sauce: everyone, 15 points apart.
    score(&chair, d.fish, 70).await;
    score(&vice, d.fish, 75).await;
    score(&member, d.fish, 85).await;
    move_round(&server, d.round, "start_deliberation", "deliberation").await;

    let (status, body) = round_act(&server, d.round, "finalise").await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let message = body["vi"].as_str().unwrap();
    assert!(message.contains(&format!("«{}»: Chưa đủ số thành viên nộp phiếu: 2/3 (cần 3)", d.rice_name)), "{message}");
    assert!(message.contains(&format!("«{}»: Điểm của các thành viên chênh lệch quá 10", d.fish_name)), "{message}");
    let office = server.login_as(OCOP_OFFICE).await;
    let round = office.ok("round_get", &[("id", &d.round.to_string())]).await;
    assert_eq!(round["round"]["state"], "deliberation", "{round}");
    assert_eq!(own_sheet(&chair, chair_rice).await["state"], "submitted", "nothing locked");

    // Only the chair records why the council decides anyway.
    for who in [&vice, &member] {
        let (status, body) = who.call("finalise_note", &[("dossier_id", &d.rice.to_string()), ("note", "Vì sao không")]).await;
        assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    }
    let rice_note = "Thành viên vắng có lý do; hội đồng thống nhất chốt với 2 phiếu";
    chair.ok("finalise_note", &[("dossier_id", &d.rice.to_string()), ("note", rice_note)]).await;
    let (status, body) = round_act(&server, d.round, "finalise").await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let message = body["vi"].as_str().unwrap();
    assert!(message.contains(&d.fish_name) && !message.contains(&d.rice_name), "only the fish sauce is left: {message}");

    let fish_note = "Hội đồng đã thảo luận, giữ nguyên điểm";
    chair.ok("finalise_note", &[("dossier_id", &d.fish.to_string()), ("note", fish_note)]).await;
    move_round(&server, d.round, "finalise", "finalised").await;
    let minutes = chair.ok("council_minutes", &[("council_id", &d.council.to_string())]).await;
    let row = |dossier: i64| minutes["rows"].as_array().unwrap().iter().find(|r| r["dossier_id"] == dossier).unwrap().clone();
    let (rice, fish) = (row(d.rice), row(d.fish));
    // (60 + 63) / 2 and (70 + 75 + 85) / 3 = 76.666…, cut to two decimals.
    assert_eq!((hundredths(&rice["result"]["mean"]), rice["result"]["sheets"].as_i64()), (6150, Some(2)), "{rice}");
    assert_eq!((hundredths(&fish["result"]["mean"]), fish["result"]["sheets"].as_i64()), (7666, Some(3)), "{fish}");
    assert_eq!((rice["finalise_note"].as_str(), fish["finalise_note"].as_str()), (Some(rice_note), Some(fish_note)));
    // Locked: nothing changes any more.
    let sheet = own_sheet(&chair, chair_rice).await;
    assert_eq!(sheet["state"], "locked");
    let (status, body) = save(&chair, chair_rice, sheet["version"].as_i64().unwrap(), &sheet["answers"]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let (status, body) = chair.call("finalise_note", &[("dossier_id", &d.rice.to_string()), ("note", "Sửa sau khi chốt")]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    // The member who never submitted keeps an unlocked, uncounted sheet.
    let ws = workspace(&member, d.rice).await;
    assert_eq!((ws["sheet"]["state"].as_str(), ws["editable"].as_bool()), (Some("not_started"), Some(false)), "{}", ws["sheet"]);
}

#[tokio::test]
async fn finalising_computes_the_mean_star_and_outcome_and_locks_the_sheets() {
    let server = TestServer::start().await;
    let d = demo(&server).await;
    let (chair, vice, member) = (server.login_as(CHAIR).await, server.login_as(VICE).await, server.login_as(MEMBER).await);
    let mut sheets = Vec::new();
    // Rice: 60 + 62 + 66 = 188, mean 62.666… → 62.66 (cut, not rounded): the 3★ band (50–70),
    // which the district recognises.
    for (c, total) in [(&chair, 60), (&vice, 62), (&member, 66)] {
        sheets.push((c.clone(), score(c, d.rice, total).await));
    }
    // Fish sauce: 75 + 78 + 80 = 233, mean 77.66 — the 4★ band — but every member gave A1.1
    // (mandatory: at least 1 point for 3★) its first option, 0 points: capped at 2★, not certified.
    for (c, total) in [(&chair, 75), (&vice, 78), (&member, 80)] {
        sheets.push((c.clone(), score_with(c, d.fish, total, &[("A1.1", 0)]).await));
    }
    move_round(&server, d.round, "start_reconciliation", "reconciliation").await;
    move_round(&server, d.round, "start_deliberation", "deliberation").await;
    // Deliberation: every member sees the board with the numbers.
    let b = board(&member, d.council).await;
    assert_eq!(b["view"], "everything");
    assert_eq!(hundredths(&cell(&row(&b, d.rice), d.chair)["total"]), 6000);
    move_round(&server, d.round, "finalise", "finalised").await;

    let minutes = member.ok("council_minutes", &[("council_id", &d.council.to_string())]).await;
    let row = |dossier: i64| minutes["rows"].as_array().unwrap().iter().find(|r| r["dossier_id"] == dossier).unwrap().clone();
    let rice = row(d.rice);
    let r = &rice["result"];
    assert_eq!((hundredths(&r["mean"]), r["sheets"].as_i64(), r["stars"].as_i64(), r["outcome"].as_str()), (6266, Some(3), Some(3), Some("recognised")), "{rice}");
    assert_eq!(r["result"]["rating"]["band_stars"], 3);
    assert_eq!(r["result"]["rating"]["certified"], true);
    assert_eq!(r["result"]["outcome"]["recognised_stars"], 3);
    assert_eq!(r["result"]["outcome"]["forward"], Value::Null, "below the province's 70");
    assert_eq!((hundredths(&r["result"]["aggregate"]["sum"]), hundredths(&r["result"]["aggregate"]["spread"])), (18800, 600));
    let totals: Vec<(i64, i64)> = rice["totals"].as_array().unwrap().iter().map(|t| (t[0].as_i64().unwrap(), hundredths(&t[1]))).collect();
    assert_eq!(totals, [(d.chair, 6000), (d.vice, 6200), (d.member, 6600)]);

    let fish = row(d.fish);
    let r = &fish["result"];
    assert_eq!((hundredths(&r["mean"]), r["stars"].as_i64(), r["outcome"].as_str()), (7766, Some(2), Some("not_certified")), "{fish}");
    let rating = &r["result"]["rating"];
    assert_eq!((rating["band_stars"].as_i64(), rating["capped"].as_bool(), rating["certified"].as_bool()), (Some(4), Some(true), Some(false)), "{rating}");
    let shortfalls = rating["mandatory"]["shortfalls"].as_array().unwrap();
    assert!(shortfalls.iter().any(|s| s["criterion"] == "A1.1" && s["stars"] == 3), "{rating}");
    assert_eq!(r["result"]["outcome"]["not_certified"], "mandatory_criteria");
    assert_eq!(r["result"]["outcome"]["forward"], Value::Null, "a capped product is not sent up");

    // Every counted sheet is locked and stays so.
    for (c, sheet) in &sheets {
        let s = own_sheet(c, *sheet).await;
        assert_eq!(s["state"], "locked", "{s}");
        let (status, body) = submit(c, *sheet, s["version"].as_i64().unwrap(), &s["answers"]).await;
        assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
        let history = c.ok("board_sheet", &[("sheet_id", &sheet.to_string())]).await["history"].clone();
        assert_eq!(history.as_array().unwrap().last().unwrap()["event"], "lock", "{history}");
    }
    let log = audit(&server, "dossier", d.rice).await;
    let entry = log.iter().find(|e| e["action"] == "result.finalise").unwrap_or_else(|| panic!("{log:?}"));
    assert!(entry["after_json"].as_str().unwrap().contains("\"mean\":6266"), "{entry}");
    let (status, body) = round_act(&server, d.round, "resume_reconciliation").await;
    assert_eq!((status, code(&body)), (409, "conflict"), "a finalised round does not go back: {body}");
}

#[tokio::test]
async fn a_conflict_keeps_a_member_off_the_product_unless_the_chair_overrides_it_on_the_record() {
    let server = TestServer::start().await;
    let d = demo(&server).await;
    let (chair, vice, member, secretary) =
        (server.login_as(CHAIR).await, server.login_as(VICE).await, server.login_as(MEMBER).await, server.login_as(SECRETARY).await);
    // Before declaring, the member already submitted a low sheet on the rice.
    let early = score(&member, d.rice, 20).await;
    let fish_sheet = workspace(&member, d.fish).await["sheet"].clone();

    let mine = member.ok("conflicts_mine", &[]).await;
    assert_eq!(mine["producers"].as_array().unwrap().len(), 1, "{mine}");
    let producer = mine["producers"][0]["producer_id"].to_string();
    member.ok("conflict_declare", &[("producer_id", &producer), ("relationship", "family"), ("note", "Em ruột của chủ cơ sở")]).await;

    // Blocked from both products of that producer: no workspace, no save, no submit.
    for dossier in [d.rice, d.fish] {
        let (status, body) = member.call("sheet_workspace", &[("dossier_id", &dossier.to_string())]).await;
        assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
        assert!(body["vi"].as_str().unwrap().contains("xung đột lợi ích"), "{body}");
    }
    let fish_id = fish_sheet["id"].as_i64().unwrap();
    let answers = answers_for(&workspace(&chair, d.fish).await["form"], 70, &[]);
    let (status, body) = save(&member, fish_id, 0, &answers).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let (status, body) = submit(&member, fish_id, 0, &answers).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    assert_eq!(own_sheet(&member, fish_id).await["version"], 0);
    let page = secretary.ok("council_get", &[("id", &d.council.to_string())]).await;
    let grid_cell = page["grid"].as_array().unwrap().iter().find(|g| g["member_id"] == d.member && g["dossier_id"] == d.rice).unwrap().clone();
    assert_eq!(grid_cell["entitlement"], json!({"kind": "conflicted", "reasons": ["declared"]}));
    let products = member.ok("judge_products", &[]).await;
    assert!(products.as_array().unwrap().iter().all(|p| p["entitlement"]["kind"] == "conflicted"), "{products}");

    // The override is the chair's alone, with a reason, never for the chair's own conflict.
    let override_args = |member_id: i64, dossier: i64, reason: &'static str| {
        vec![("member_id", member_id.to_string()), ("dossier_id", dossier.to_string()), ("allow", "true".to_string()), ("reason", reason.to_string())]
    };
    let call = |c: &Client, args: Vec<(&'static str, String)>| {
        let c = c.clone();
        async move {
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.call("conflict_override", &args).await
        }
    };
    for who in [&vice, &secretary] {
        let (status, body) = call(who, override_args(d.member, d.fish, "Không có lý do")).await;
        assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    }
    let office = server.login_as(OCOP_OFFICE).await;
    let (status, body) = call(&office, override_args(d.member, d.fish, "Văn phòng quyết định")).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "the office does not decide either: {body}");
    let (status, body) = call(&chair, override_args(d.member, d.fish, "")).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("reason")), "{body}");
    let (status, body) = call(&chair, override_args(d.vice, d.fish, "Không có xung đột")).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "nothing to override: {body}");

    chair.ok("conflict_declare", &[("producer_id", &producer), ("relationship", "business"), ("note", "")]).await;
    let (status, body) = call(&chair, override_args(d.chair, d.fish, "Tôi vẫn khách quan")).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    assert!(body["vi"].as_str().unwrap().contains("chính mình"), "{body}");
    let (status, body) = chair.call("sheet_workspace", &[("dossier_id", &d.fish.to_string())]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "still conflicted: {body}");
    let declaration = chair.ok("conflicts_mine", &[]).await["mine"][0]["id"].to_string();
    chair.ok("conflict_withdraw", &[("id", &declaration)]).await;

    let reason = "Quan hệ họ hàng xa, hội đồng thiếu chuyên môn về nước mắm";
    let (status, body) = call(&chair, override_args(d.member, d.fish, reason)).await;
    assert_eq!(status, 200, "{body}");
    let log = audit(&server, "council", d.council).await;
    let entry = log.iter().find(|e| e["action"] == "conflict.override").unwrap_or_else(|| panic!("{log:?}"));
    let after: Value = serde_json::from_str(entry["after_json"].as_str().unwrap()).unwrap();
    assert_eq!((after["member_id"].as_i64(), after["dossier_id"].as_i64(), after["reason"].as_str()), (Some(d.member), Some(d.fish), Some(reason)));
    assert!(entry["actor_label"].as_str().unwrap().contains(CHAIR), "{entry}");
    assert!(log.iter().all(|e| e["action"] != "conflict.override" || e["actor_label"].as_str().unwrap().contains(CHAIR)), "only the chair's override: {log:?}");

    // Overridden on the fish sauce only.
    let ws = workspace(&member, d.fish).await;
    assert_eq!(ws["entitlement"]["kind"], "overridden");
    let (status, body) = member.call("sheet_workspace", &[("dossier_id", &d.rice.to_string())]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    score(&member, d.fish, 80).await;
    score(&chair, d.fish, 70).await;
    score(&vice, d.fish, 72).await;
    score(&chair, d.rice, 60).await;
    score(&vice, d.rice, 70).await;

    // Quorum and mean count the entitled members only: 2 of 2 on the rice, without the early 20.
    let b = board(&secretary, d.council).await;
    let r = row(&b, d.rice);
    assert_eq!((r["quorum"]["entitled"].as_i64(), r["quorum"]["submitted"].as_i64(), r["quorum"]["met"].as_bool()), (Some(2), Some(2), Some(true)), "{r}");
    assert_eq!((r["stats"]["n"].as_i64(), hundredths(&r["stats"]["sum"])), (Some(2), 13000), "{r}");
    assert_eq!(cell(&r, d.member)["entitlement"]["kind"], "conflicted");
    assert_eq!(row(&b, d.fish)["quorum"]["entitled"], 3);

    move_round(&server, d.round, "start_deliberation", "deliberation").await;
    move_round(&server, d.round, "finalise", "finalised").await;
    let minutes = secretary.ok("council_minutes", &[("council_id", &d.council.to_string())]).await;
    let row = |dossier: i64| minutes["rows"].as_array().unwrap().iter().find(|r| r["dossier_id"] == dossier).unwrap().clone();
    let rice = row(d.rice);
    assert_eq!((hundredths(&rice["result"]["mean"]), rice["result"]["sheets"].as_i64()), (6500, Some(2)), "{rice}");
    // The minutes print no total for the conflicted member: their early sheet did not count.
    let totals: Vec<(i64, Option<i64>)> =
        rice["totals"].as_array().unwrap().iter().map(|t| (t[0].as_i64().unwrap(), (!t[1].is_null()).then(|| hundredths(&t[1])))).collect();
    assert_eq!(totals, [(d.chair, Some(6000)), (d.vice, Some(7000)), (d.member, None)], "{rice}");
    let fish = row(d.fish);
    assert_eq!((hundredths(&fish["result"]["mean"]), fish["result"]["sheets"].as_i64()), (7400, Some(3)), "{fish}");
    assert_eq!(own_sheet(&member, early).await["state"], "submitted", "the conflicted sheet is not locked into the result");
}

#[tokio::test]
async fn a_conflict_is_detected_from_shared_contact_details() {
    let server = TestServer::start().await;
    let d = demo(&server).await;
    let member = server.login_as(MEMBER).await;
    workspace(&member, d.rice).await;
    // The producer gives the member's e-mail as its own (written differently).
    let producer = server.login_as(PRODUCER).await;
    let p = producer.ok("producer_profile", &[]).await;
    let s = |k: &str| p[k].as_str().unwrap_or("").to_string();
    let commune = p["commune_id"].to_string();
    let args = [
        ("name", s("name")),
        ("producer_type", s("producer_type")),
        ("registration_no", s("registration_no")),
        ("tax_code", s("tax_code")),
        ("representative", s("representative")),
        ("representative_title", s("representative_title")),
        ("address", s("address")),
        ("commune_id", commune),
        ("phone", s("phone")),
        ("email", "GiamKhao3@Demo.BinhChon.vn".to_string()),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    producer.ok("producer_update", &args).await;

    let (status, body) = member.call("sheet_workspace", &[("dossier_id", &d.rice.to_string())]).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let chair = server.login_as(CHAIR).await;
    let page = chair.ok("council_get", &[("id", &d.council.to_string())]).await;
    let entitlement = |m: i64| page["grid"].as_array().unwrap().iter().find(|g| g["member_id"] == m && g["dossier_id"] == d.rice).unwrap()["entitlement"].clone();
    assert_eq!(entitlement(d.member), json!({"kind": "conflicted", "reasons": ["same_email"]}));
    assert_eq!(entitlement(d.vice), json!({"kind": "entitled"}));
    assert_eq!(entitlement(d.secretary), json!({"kind": "not_a_scoring_role"}));
}

#[tokio::test]
async fn the_secretary_enters_a_paper_sheet_for_a_member_on_the_record() {
    let server = TestServer::start().await;
    let d = demo(&server).await;
    let (chair, member, secretary) = (server.login_as(CHAIR).await, server.login_as(MEMBER).await, server.login_as(SECRETARY).await);
    let detail = secretary.ok("paper_sheet", &[("member_id", &d.member.to_string()), ("dossier_id", &d.fish.to_string())]).await;
    assert_eq!((detail["sheet"]["id"].as_i64(), detail["sheet"]["version"].as_i64()), (Some(0), Some(0)));
    let answers = answers_for(&detail["form"], 68, &[]);
    let body = |version: i64, submit: bool| json!({"member_id": d.member, "dossier_id": d.fish, "version": version, "answers": answers, "notes": {}, "submit": submit});

    // Only the secretary (or the office) enters paper sheets.
    for who in [&chair, &member] {
        let (status, out) = who.call_json("paper_save", body(0, true)).await;
        assert_eq!((status, code(&out)), (409, "conflict"), "{out}");
        let (status, out) = who.call("paper_sheet", &[("member_id", &d.member.to_string()), ("dossier_id", &d.fish.to_string())]).await;
        assert_eq!((status, code(&out)), (403, "forbidden"), "{out}");
    }
    let (status, out) = secretary.call_json("paper_save", json!({"member_id": d.secretary, "dossier_id": d.fish, "version": 0, "answers": answers, "notes": {}, "submit": true})).await;
    assert!((400..500).contains(&status), "the secretary does not score: {out}");

    let saved = secretary.ok_json("paper_save", body(0, true)).await;
    assert_eq!((saved["state"].as_str(), hundredths(&saved["total"])), (Some("submitted"), 6800), "{saved}");
    let sheet = saved["sheet_id"].as_i64().unwrap();
    let mine = own_sheet(&member, sheet).await;
    assert_eq!((mine["on_paper"].as_bool(), mine["state"].as_str()), (Some(true), Some("submitted")));
    assert_eq!(mine["answers"], answers);
    let b = board(&secretary, d.council).await;
    assert_eq!(cell(&row(&b, d.fish), d.member)["on_paper"], true);
    assert_eq!(cell(&row(&b, d.fish), d.chair)["on_paper"], false);
    // Submitted is submitted: a second paper entry is refused.
    let (status, out) = secretary.call_json("paper_save", body(1, true)).await;
    assert_eq!((status, code(&out)), (409, "conflict"), "{out}");

    let log = audit(&server, "score_sheet", sheet).await;
    let entry = log.iter().find(|e| e["action"] == "sheet.paper_submit").unwrap_or_else(|| panic!("{log:?}"));
    assert!(entry["actor_label"].as_str().unwrap().contains(SECRETARY), "audited under the secretary: {entry}");
    assert!(!log.iter().any(|e| e["actor_label"].as_str().unwrap_or("").contains(MEMBER)), "{log:?}");
    let history = secretary.ok("board_sheet", &[("sheet_id", &sheet.to_string())]).await["history"].clone();
    assert_eq!(history[0]["event"], "sheet.paper_submit");
    assert!(history[0]["actor_label"].as_str().unwrap().contains(SECRETARY), "{history}");
}

fn text(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Int(i)) => i.to_string(),
        _ => String::new(),
    }
}

#[tokio::test]
async fn paper_sheets_come_back_as_a_workbook_and_a_bad_cell_is_named() {
    let server = TestServer::start().await;
    let d = demo(&server).await;
    let (chair, vice, member, secretary) =
        (server.login_as(CHAIR).await, server.login_as(VICE).await, server.login_as(MEMBER).await, server.login_as(SECRETARY).await);
    let path = format!("/files/councils/{}/paper-sheets.xlsx", d.council);
    for who in [&member, &chair] {
        let res = who.get(&path).await;
        assert_eq!(res.status(), 409, "only the secretary and the office");
    }
    let outsider = outsider_judge(&server).await;
    assert_eq!(outsider.get(&path).await.status(), 404, "a council the caller has no place in does not exist for them");
    let res = secretary.get(&path).await;
    assert_eq!(res.status(), 200);
    let kind = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.contains("spreadsheetml"), "{kind}");
    let bytes = res.bytes().await.unwrap().to_vec();

    // The template: a worksheet per product; B1 the dossier, row 3 the members who score it, from
    // row 5 the form's criteria in order.
    let form = workspace(&chair, d.rice).await["form"].clone();
    let codes: Vec<String> = criteria(&form).into_iter().map(|c| c.code).collect();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx workbook");
    let mut names = wb.sheet_names();
    names.sort();
    let mut expected = vec!["Hướng dẫn".to_string(), format!("HS {}", d.rice), format!("HS {}", d.fish)];
    expected.sort();
    assert_eq!(names, expected);
    let rice_ws = wb.worksheet_range(&format!("HS {}", d.rice)).unwrap();
    assert_eq!(text(&rice_ws, 0, 1), d.rice.to_string());
    assert!(text(&rice_ws, 1, 0).contains(&d.rice_name));
    let members: Vec<String> = (3..7).map(|c| text(&rice_ws, 2, c)).collect();
    assert_eq!(members, [d.chair.to_string(), d.vice.to_string(), d.member.to_string(), String::new()], "the secretary has no column");
    let rows: Vec<String> = (0..codes.len() as u32).map(|i| text(&rice_ws, 4 + i, 0)).collect();
    assert_eq!(rows, codes);
    assert_eq!(text(&rice_ws, 4 + codes.len() as u32, 0), "");

    // The secretary fills it in: the chair's column complete (70 points), the vice-chair's only
    // the first five criteria, and the member's with option 9 on the third criterion (there are
    // at most 5) — cell F7.
    let full = answers_for(&form, 70, &[]);
    let option = |answers: &Value, code: &str| answers[code]["option"].as_u64().unwrap() as f64 + 1.0;
    let mut out = rust_xlsxwriter::Workbook::new();
    {
        let ws = out.add_worksheet();
        ws.set_name(format!("HS {}", d.rice)).unwrap();
        ws.write_string(0, 0, "Mã hồ sơ").unwrap();
        ws.write_number(0, 1, d.rice as f64).unwrap();
        ws.write_string(2, 0, "Mã thành viên").unwrap();
        for (col, m) in [(3u16, d.chair), (4, d.vice), (5, d.member)] {
            ws.write_number(2, col, m as f64).unwrap();
        }
        for (i, code) in codes.iter().enumerate() {
            let r = 4 + i as u32;
            ws.write_string(r, 0, code).unwrap();
            ws.write_number(r, 3, option(&full, code.as_str())).unwrap();
            if i < 5 {
                ws.write_number(r, 4, option(&full, code.as_str())).unwrap();
            }
            if i == 2 {
                ws.write_number(r, 5, 9.0).unwrap();
            } else {
                ws.write_number(r, 5, option(&full, code.as_str())).unwrap();
            }
        }
    }
    let filled = out.save_to_buffer().unwrap();
    let import = format!("/files/councils/{}/paper-sheets", d.council);
    let (status, body) = member.upload(&import, "phieu.xlsx", filled.clone()).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let (status, report) = secretary.upload(&import, "phieu.xlsx", filled).await;
    assert_eq!(status, 200, "{report}");
    let entered: Vec<&str> = report["entered"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    let refused: Vec<&str> = report["refused"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    assert_eq!(entered.len(), 2, "{report}");
    assert!(entered[0].ends_with("đã nộp thay") && entered[1].ends_with("lưu nháp (còn thiếu tiêu chí)"), "{report}");
    assert_eq!(refused.len(), 1, "{report}");
    assert!(refused[0].contains("ô F7") && refused[0].contains("«9»"), "the bad cell is named: {report}");

    let chair_sheet = workspace(&chair, d.rice).await["sheet"].clone();
    assert_eq!((chair_sheet["state"].as_str(), chair_sheet["on_paper"].as_bool(), hundredths(&chair_sheet["total"])), (Some("submitted"), Some(true), 7000));
    assert_eq!(chair_sheet["answers"], full);
    let vice_sheet = workspace(&vice, d.rice).await["sheet"].clone();
    assert_eq!((vice_sheet["state"].as_str(), vice_sheet["answered"].as_i64(), vice_sheet["on_paper"].as_bool()), (Some("draft"), Some(5), Some(true)));
    let member_sheet = workspace(&member, d.rice).await["sheet"].clone();
    assert_eq!((member_sheet["answered"].as_i64(), member_sheet["on_paper"].as_bool()), (Some(0), Some(false)), "the refused column changed nothing");
    let log = audit(&server, "score_sheet", chair_sheet["id"].as_i64().unwrap()).await;
    let entry = log.iter().find(|e| e["action"] == "sheet.paper_submit").unwrap_or_else(|| panic!("{log:?}"));
    assert!(entry["actor_label"].as_str().unwrap().contains(SECRETARY), "{entry}");

    // Not a workbook at all.
    let (status, body) = secretary.upload(&import, "phieu.xlsx", b"not a workbook".to_vec()).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("file")), "{body}");
}

/// Reads the first worksheet of a downloaded workbook.
async fn workbook(c: &Client, path: &str) -> (String, calamine::Range<Data>) {
    let res = c.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    let disposition = res.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a workbook office software opens");
    let name = wb.sheet_names()[0].clone();
    (disposition, wb.worksheet_range(&name).expect("first sheet"))
}

/// The data rows of an export (from row 5), as text, until the first empty first cell.
fn data_rows(range: &calamine::Range<Data>, cols: u32) -> Vec<Vec<String>> {
    (4..range.height() as u32)
        .map(|r| (0..cols).map(|c| text(range, r, c)).collect::<Vec<_>>())
        .take_while(|row| !row[0].is_empty())
        .collect()
}

#[tokio::test]
async fn a_finalised_rounds_exports_read_back_with_their_numbers_and_vietnamese_text() {
    let server = TestServer::start().await;
    let d = demo(&server).await;
    let (chair, vice, member) = (server.login_as(CHAIR).await, server.login_as(VICE).await, server.login_as(MEMBER).await);
    // Rice: 72 + 74 + 76 → 74.00, the 4★ band: the district sends it up to the province.
    // Fish sauce: 60 + 62 + 66 → 62.66, 3★, recognised by the district.
    for (c, rice, fish) in [(&chair, 72, 60), (&vice, 74, 62), (&member, 76, 66)] {
        score(c, d.rice, rice).await;
        score(c, d.fish, fish).await;
    }
    let office = server.login_as(OCOP_OFFICE).await;
    let summary_path = format!("/files/rounds/{}/export/summary.xlsx", d.round);
    // Before the results are final there is nothing to export.
    let res = office.get(&summary_path).await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("chốt"), "the refusal says what to do");
    move_round(&server, d.round, "start_deliberation", "deliberation").await;
    move_round(&server, d.round, "finalise", "finalised").await;

    // Only the round's office: judges, the other programme's office and producers are refused.
    for login in [CHAIR, SECRETARY, SPCNNTTB_OFFICE, PRODUCER] {
        let c = server.login_as(login).await;
        for kind in ["summary", "detail", "nominations"] {
            let res = c.get(&format!("/files/rounds/{}/export/{kind}.xlsx", d.round)).await;
            assert!(matches!(res.status().as_u16(), 403 | 404), "{login} {kind}: {}", res.status());
        }
    }
    assert_eq!(office.get(&format!("/files/rounds/{}/export/other.xlsx", d.round)).await.status(), 404);

    // The summary: highest mean first, statistics, stars, outcome and each member's total.
    let (disposition, s) = workbook(&office, &summary_path).await;
    assert!(disposition.contains(&format!("tong-hop-ket-qua-dot-{}.xlsx", d.round)), "{disposition}");
    assert!(text(&s, 0, 0).starts_with("Bảng tổng hợp kết quả chấm điểm — "), "{}", text(&s, 0, 0));
    assert!(text(&s, 1, 0).contains("Đánh giá, phân hạng sản phẩm OCOP"), "{}", text(&s, 1, 0));
    let headers: Vec<String> = (0..18).map(|c| text(&s, 3, c)).collect();
    assert_eq!(&headers[..8], ["STT", "Mã hồ sơ", "Tên sản phẩm", "Chủ thể", "Nhóm sản phẩm", "Hội đồng", "Số phiếu tính điểm", "Điểm trung bình"]);
    assert!(headers[15].contains("(Chủ tịch"), "member columns follow, chair first: {headers:?}");
    let rows = data_rows(&s, 18);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[0][2].as_str(), rows[0][1].as_str()), (d.rice_name.as_str(), d.rice.to_string().as_str()));
    assert_eq!(rows[0][6..=13], ["3", "74", "74", "72", "76", "4", "1.63", "4★"]);
    assert_eq!(rows[0][15..18], ["72", "74", "76"]);
    assert_eq!((rows[1][2].as_str(), rows[1][7].as_str(), rows[1][13].as_str()), (d.fish_name.as_str(), "62.66", "3★"));
    assert_eq!(rows[1][14], "Công nhận");
    assert_eq!(rows[1][15..18], ["60", "62", "66"]);

    // The details: one row per product, member and criterion, with the option's wording.
    let (_, detail) = workbook(&office, &format!("/files/rounds/{}/export/detail.xlsx", d.round)).await;
    let rows = data_rows(&detail, 10);
    let ws = workspace(&chair, d.rice).await;
    let per_sheet = criteria(&ws["form"]).len();
    assert_eq!(rows.len(), 2 * 3 * per_sheet, "2 products × 3 members × {per_sheet} criteria");
    let chair_rice: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == d.rice.to_string() && r[3] == "Chủ tịch hội đồng").collect();
    assert_eq!(chair_rice.len(), per_sheet);
    let sum: f64 = chair_rice.iter().map(|r| r[7].parse::<f64>().unwrap_or(0.0)).sum();
    assert!((sum - 72.0).abs() < 1e-9, "the chair's criteria add up to their total: {sum}");
    assert!(chair_rice.iter().all(|r| !r[5].is_empty() && !r[6].is_empty()), "criterion and chosen option named: {chair_rice:?}");

    // The nomination list: only the rice goes up, to the province, with its producer's details.
    let (_, nominations) = workbook(&office, &format!("/files/rounds/{}/export/nominations.xlsx", d.round)).await;
    let rows = data_rows(&nominations, 12);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!((rows[0][1].as_str(), rows[0][9].as_str(), rows[0][10].as_str()), (d.rice_name.as_str(), "74", "4★"));
    assert_eq!(rows[0][11], "Đề nghị cấp tỉnh đánh giá, công nhận");
    assert!(!rows[0][3].is_empty() && !rows[0][7].is_empty(), "producer and commune: {:?}", rows[0]);

    // Statistics: the office counts its finalised round; the public sees nothing until it is published.
    // (The demo also has a round recognised two years ago: count this round's year only.)
    let all_years = office.ok("stats_office", &[]).await;
    let this_year = all_years["years"].as_array().unwrap().iter().filter_map(Value::as_i64).max().unwrap().to_string();
    let stats = office.ok("stats_office", &[("year", &this_year)]).await;
    let year = stats["by_year"].as_array().unwrap().iter().find(|r| r["programme"] == "ocop").unwrap_or_else(|| panic!("{stats}")).clone();
    assert_eq!((year["evaluated"].as_i64(), year["recognised"].as_i64(), year["forwarded"].as_i64()), (Some(2), Some(1), Some(1)), "{year}");
    let stars: Vec<(i64, i64)> = stats["by_stars"].as_array().unwrap().iter().map(|c| (c["evaluated"].as_i64().unwrap(), c["recognised"].as_i64().unwrap())).collect();
    assert_eq!(stars, [(0, 0), (0, 0), (1, 1), (1, 0), (0, 0)], "the fish sauce 3★ recognised, the rice 4★ sent up");
    let (status, body) = server.login_as(PRODUCER).await.call("stats_office", &[]).await;
    assert_eq!(status, 403, "{body}");
    let anonymous = server.client();
    let before = anonymous.ok("stats_public", &[("year", &this_year)]).await;
    let row_of = |v: &Value| v["by_year"].as_array().unwrap().iter().find(|r| r["year"].to_string() == this_year).cloned();
    assert_eq!(row_of(&before), None, "not published yet: {before}");
    // Results become official (published) only through the signed recognition decision.
    let decision = office.ok("decision_draft", &[("round_id", &d.round.to_string())]).await;
    let decision = office.ok("decision_get", &[("id", &decision.to_string())]).await;
    office
        .ok(
            "decision_sign",
            &[
                ("id", &decision["id"].to_string()),
                ("version", &decision["version"].to_string()),
                ("decision_no", "215/QĐ-UBND"),
                ("decision_date", "2026-01-15"),
                ("signatory", "Nguyễn Văn A, Chủ tịch UBND huyện"),
            ],
        )
        .await;
    let after = anonymous.ok("stats_public", &[("programme", "ocop"), ("year", &this_year)]).await;
    assert_eq!(row_of(&after).unwrap_or_else(|| panic!("{after}"))["recognised"], 1, "{after}");
    assert!(!after.to_string().contains("7400") && !after.to_string().contains("mean"), "counts only: {after}");
    let (status, body) = anonymous.call("stats_public", &[("programme", "khac")]).await;
    assert_eq!((status, code(&body)), (400, "invalid"), "{body}");
}
