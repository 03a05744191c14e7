//! Sign-up, log-in, log-out, password change and administrator reset, over HTTP.

use binhchon_tests::*;
use serde_json::Value;

async fn first_commune_id(c: &Client) -> String {
    let (status, body) = c.call("communes", &[]).await;
    assert_eq!(status, 200, "{body}");
    let list = body.as_array().expect("list");
    assert!(list.len() >= 22, "Bình Sơn's 22 communes are seeded, got {}", list.len());
    assert!(list.iter().any(|u| u["name"] == "Xã Bình Chánh" && u["group"] == "Huyện Bình Sơn"), "{body}");
    list[0]["id"].as_i64().expect("id").to_string()
}

fn signup_args<'a>(commune: &'a str, email: &'a str, phone: &'a str, password: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("full_name", "Nguyễn Văn Sản"),
        ("email", email),
        ("phone", phone),
        ("password", password),
        ("producer_name", "Hộ kinh doanh Nước mắm Sa Kỳ"),
        ("producer_type", "household"),
        ("commune_id", commune),
    ]
}

#[tokio::test]
async fn producer_signs_up_logs_out_and_logs_in_by_email_or_phone() {
    let server = TestServer::start().await;
    let c = server.client();
    let commune = first_commune_id(&c).await;
    let (status, body) = c.call("signup", &signup_args(&commune, "san@example.vn", "0905 123 456", "nuoc mam ngon lam")).await;
    assert_eq!(status, 200, "{body}");
    let me = c.whoami().await;
    assert_eq!(me["full_name"], "Nguyễn Văn Sản");
    assert_eq!(me["roles"][0][0], "producer");

    let (status, _) = c.call("logout", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(c.whoami().await, Value::Null, "logged out");

    let (status, body) = c.login("SAN@example.vn", "nuoc mam ngon lam").await;
    assert_eq!(status, 200, "e-mail log-in is case-insensitive: {body}");
    assert_eq!(c.whoami().await["full_name"], "Nguyễn Văn Sản");

    let c2 = server.client();
    let (status, body) = c2.login("+84 905 123 456", "nuoc mam ngon lam").await;
    assert_eq!(status, 200, "phone log-in in international form: {body}");

    let c3 = server.client();
    let (status, body) = c3.login("san@example.vn", "wrong password!").await;
    assert_eq!(status, 400);
    assert_eq!(code(&body), "invalid");
    assert_eq!(body["field"], "password");
    assert!(body["vi"].as_str().unwrap_or("").contains("không đúng"), "{body}");
    assert_eq!(c3.whoami().await, Value::Null);
}

#[tokio::test]
async fn signup_refuses_bad_input_and_duplicates_and_changes_nothing() {
    let server = TestServer::start().await;
    let c = server.client();
    let commune = first_commune_id(&c).await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (signup_args(&commune, "", "", "nuoc mam ngon lam"), "email"),
        (signup_args(&commune, "not-an-email", "", "nuoc mam ngon lam"), "email"),
        (signup_args(&commune, "a@b.vn", "12345", "nuoc mam ngon lam"), "phone"),
        (signup_args(&commune, "a@b.vn", "", "short"), "password"),
        (signup_args("999999", "a@b.vn", "", "nuoc mam ngon lam"), "commune_id"),
        (signup_args("abc", "a@b.vn", "", "nuoc mam ngon lam"), "commune_id"),
    ];
    for (args, field) in cases {
        let (status, body) = c.call("signup", &args).await;
        assert_eq!(status, 400, "{field}: {body}");
        assert_eq!(body["field"], field, "{body}");
        assert!(!body["vi"].as_str().unwrap_or("").is_empty(), "a Vietnamese message: {body}");
    }
    let long = "x".repeat(121);
    let mut args = signup_args(&commune, "a@b.vn", "", "nuoc mam ngon lam");
    args[0] = ("full_name", &long);
    let (status, body) = c.call("signup", &args).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("full_name")), "{body}");
    let mut args = signup_args(&commune, "a@b.vn", "", "nuoc mam ngon lam");
    args[5] = ("producer_type", "pirate");
    let (status, body) = c.call("signup", &args).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("producer_type")), "{body}");
    // Nothing was created by the refused attempts.
    assert_eq!(c.login("a@b.vn", "nuoc mam ngon lam").await.0, 400);

    // The demo producer's e-mail is taken.
    let (status, body) = c.call("signup", &signup_args(&commune, PRODUCER, "", "nuoc mam ngon lam")).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("email")), "{body}");
    let (status, body) = c.call("signup", &signup_args(&commune, "new@b.vn", "0912000001", "nuoc mam ngon lam")).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("phone")), "{body}");
}

#[tokio::test]
async fn password_change_ends_other_sessions() {
    let server = TestServer::start().await;
    let a = server.login_as(JUDGE).await;
    let b = server.login_as(JUDGE).await;
    let (status, body) = a
        .call("change_password", &[("old_password", "wrong one!"), ("new_password", "mot hai ba bon nam"), ("confirm_password", "mot hai ba bon nam")])
        .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("old_password")), "{body}");
    let (status, body) = a
        .call("change_password", &[("old_password", DEMO_PASSWORD), ("new_password", "mot hai ba bon nam"), ("confirm_password", "khac")])
        .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("confirm_password")), "{body}");
    let (status, body) = a
        .call("change_password", &[("old_password", DEMO_PASSWORD), ("new_password", "mot hai ba bon nam"), ("confirm_password", "mot hai ba bon nam")])
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(a.whoami().await["login"], JUDGE, "the session that changed it stays");
    assert_eq!(b.whoami().await, Value::Null, "the other session ended");
    assert_eq!(server.client().login(JUDGE, DEMO_PASSWORD).await.0, 400);
    assert_eq!(server.client().login(JUDGE, "mot hai ba bon nam").await.0, 200);
}

#[tokio::test]
async fn administrator_creates_and_resets_accounts_with_temporary_passwords() {
    let server = TestServer::start().await;
    let admin = server.login_as(ADMIN).await;
    let (status, units) = admin.call("admin_units", &[]).await;
    assert_eq!(status, 200);
    let binh_son = units.as_array().unwrap().iter().find(|u| u["name"] == "Huyện Bình Sơn").expect("Bình Sơn")["id"].to_string();
    let (status, created) = admin
        .call("admin_create_user", &[("full_name", "Trương Văn Giám"), ("email", "giam@example.vn"), ("phone", ""), ("role", "judge"), ("unit_id", &binh_son)])
        .await;
    assert_eq!(status, 200, "{created}");
    let temp = created["temporary_password"].as_str().unwrap().to_string();
    let user_id = created["user_id"].as_i64().unwrap().to_string();

    let judge = server.client();
    assert_eq!(judge.login("giam@example.vn", &temp).await.0, 200);
    assert_eq!(judge.whoami().await["must_change_password"], true);
    // Until the temporary password is changed, nothing else is allowed.
    let (status, body) = judge.call("admin_list_users", &[]).await;
    assert_eq!((status, code(&body)), (403, "password_change_required"), "{body}");
    let (status, _) = judge
        .call("change_password", &[("old_password", &temp), ("new_password", "giam khao binh son"), ("confirm_password", "giam khao binh son")])
        .await;
    assert_eq!(status, 200);
    assert_eq!(judge.whoami().await["must_change_password"], false);

    // Reset: a new temporary password, the old sessions end, the old password stops working.
    let (status, temp2) = admin.call("admin_reset_password", &[("user_id", &user_id)]).await;
    assert_eq!(status, 200, "{temp2}");
    assert_eq!(judge.whoami().await, Value::Null);
    assert_eq!(server.client().login("giam@example.vn", "giam khao binh son").await.0, 400);
    assert_eq!(server.client().login("giam@example.vn", temp2.as_str().unwrap()).await.0, 200);

    // Disable: log-in refused with a message that says so.
    let (status, _) = admin.call("admin_set_user_active", &[("user_id", &user_id), ("active", "false")]).await;
    assert_eq!(status, 200);
    let (status, body) = server.client().login("giam@example.vn", temp2.as_str().unwrap()).await;
    assert_eq!(status, 400);
    assert!(body["vi"].as_str().unwrap_or("").contains("khóa"), "{body}");

    // A forged id is a clear 404, never a 500.
    let (status, body) = admin.call("admin_reset_password", &[("user_id", "987654")]).await;
    assert_eq!((status, code(&body)), (404, "not_found"), "{body}");
    let (status, body) = admin.call("admin_reset_password", &[("user_id", "not-a-number")]).await;
    assert_eq!((status, code(&body)), (400, "bad_request"), "{body}");

    // Staff roles need a unit, and producers cannot be created by an administrator.
    let (status, body) = admin
        .call("admin_create_user", &[("full_name", "X"), ("email", "x@example.vn"), ("phone", ""), ("role", "ocop_office"), ("unit_id", "")])
        .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("unit_id")), "{body}");
    let (status, body) = admin
        .call("admin_create_user", &[("full_name", "X"), ("email", "x@example.vn"), ("phone", ""), ("role", "producer"), ("unit_id", &binh_son)])
        .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("role")), "{body}");

    // Everything above is in the audit log.
    let (status, log) = admin.call("admin_list_audit", &[("entity_type", "user"), ("entity_id", &user_id)]).await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().filter_map(|r| r["action"].as_str()).collect();
    for a in ["user.create", "auth.login", "user.password_change", "user.password_reset", "user.disable"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

#[tokio::test]
async fn login_is_rate_limited_per_account_and_per_address() {
    let server = TestServer::start_with(&[("LOGIN_MAX_FAILURES_PER_ACCOUNT", "3"), ("LOGIN_MAX_FAILURES_PER_ADDRESS", "6")]).await;
    let c = server.client();
    for _ in 0..3 {
        assert_eq!(c.login(JUDGE, "not the password").await.0, 400);
    }
    // Even the right password is refused now, with a message that says how long to wait.
    let (status, body) = c.login(JUDGE, DEMO_PASSWORD).await;
    assert_eq!((status, code(&body)), (429, "rate_limited"), "{body}");
    assert!(body["retry_after_secs"].as_i64().unwrap_or(0) > 0, "{body}");
    // Another account from the same address still works until the address limit…
    assert_eq!(c.login(ADMIN, DEMO_PASSWORD).await.0, 200);
    for who in [ADMIN, OCOP_OFFICE, SPCNNTTB_OFFICE] {
        let _ = server.client().login(who, "not the password").await;
    }
    // …which counts failures for every account from this address.
    let (status, body) = server.client().login(PRODUCER, DEMO_PASSWORD).await;
    assert_eq!((status, code(&body)), (429, "rate_limited"), "{body}");
}
