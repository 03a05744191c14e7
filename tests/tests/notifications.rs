//! Notifications: written with the change that causes them, also queued as e-mail, private to
//! their recipient, and readable by the office in the outbox.

use binhchon_tests::*;
use serde_json::Value;

async fn unread(c: &Client) -> i64 {
    let (status, body) = c.call("notifications_unread", &[]).await;
    assert_eq!(status, 200, "{body}");
    body.as_i64().expect("count")
}

async fn list(c: &Client, unread_only: bool) -> Vec<Value> {
    let only = if unread_only { "true" } else { "false" };
    let (status, body) = c.call("notifications_list", &[("unread_only", only)]).await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn a_new_producer_is_welcomed_in_the_app_and_by_email_and_only_they_can_read_it() {
    let server = TestServer::start().await;
    let c = server.client();
    let (_, communes) = c.call("communes", &[]).await;
    let commune = communes[0]["id"].as_i64().expect("commune").to_string();
    let (status, body) = c
        .call(
            "signup",
            &[
                ("full_name", "Đặng Thị Thu"),
                ("email", "thu@example.vn"),
                ("phone", ""),
                ("password", "mat ong rung ngon"),
                ("producer_name", "Tổ hợp tác Mật ong Bình Khương"),
                ("producer_type", "cooperative_group"),
                ("commune_id", &commune),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");

    assert_eq!(unread(&c).await, 1);
    let items = list(&c, false).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["kind"], "account.welcome");
    assert!(items[0]["body_vi"].as_str().unwrap_or("").contains("Tổ hợp tác Mật ong Bình Khương"));
    assert_eq!(items[0]["read"], false);
    let id = items[0]["id"].as_i64().expect("id").to_string();

    // Queued as an e-mail too; without SMTP it is held, and the office can read it.
    let office = server.login_as(OCOP_OFFICE).await;
    let mut found = false;
    for _ in 0..20 {
        let (status, body) = office.call("admin_list_outbox", &[]).await;
        assert_eq!(status, 200, "{body}");
        let mails = body["items"].as_array().expect("items").clone();
        if let Some(m) = mails.iter().find(|m| m["to_addr"] == "thu@example.vn") {
            assert_eq!(m["subject"], "[binhchon] Chào mừng đến với binhchon");
            assert!(m["body_text"].as_str().unwrap_or("").contains("mục Thông báo"), "{m}");
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found, "the welcome e-mail is in the outbox");

    // Someone else cannot mark it read, nor see it; anonymous callers have nothing.
    let judge = server.login_as(JUDGE).await;
    let (status, body) = judge.call("notifications_mark_read", &[("id", &id)]).await;
    assert_eq!(status, 404, "{body}");
    assert!(list(&judge, false).await.iter().all(|n| n["id"].as_i64() != id.parse().ok()));
    assert_eq!(unread(&c).await, 1, "a refused call changed nothing");
    assert_eq!(unread(&server.client()).await, 0);
    let (status, _) = server.client().call("notifications_list", &[]).await;
    assert_eq!(status, 401);

    let (status, body) = c.call("notifications_mark_read", &[("id", &id)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(unread(&c).await, 0);
    assert!(list(&c, true).await.is_empty());
    assert_eq!(list(&c, false).await[0]["read"], true);
    let (status, _) = c.call("notifications_mark_read", &[("id", "not-a-number")]).await;
    assert_eq!(status, 400, "a forged id is refused as bad input");
}

#[tokio::test]
async fn a_password_reset_is_announced_to_the_account_holder() {
    let server = TestServer::start().await;
    // The demo judge already has news (the demo council named them a member).
    let before = unread(&server.login_as("giamkhao2@demo.binhchon.vn").await).await;
    let admin = server.login_as(ADMIN).await;
    let (status, body) = admin.call("admin_list_users", &[("q", "giamkhao2")]).await;
    assert_eq!(status, 200, "{body}");
    let id = body["items"][0]["id"].as_i64().expect("judge id").to_string();
    let (status, temp) = admin.call("admin_reset_password", &[("user_id", &id)]).await;
    assert_eq!(status, 200, "{temp}");

    let judge = server.client();
    let (status, body) = judge.login("giamkhao2@demo.binhchon.vn", temp.as_str().expect("temp")).await;
    assert_eq!(status, 200, "{body}");
    // Still on the temporary password: the badge counts, the list waits for the new password.
    assert_eq!(unread(&judge).await, before + 1);
    let (status, body) = judge.call("notifications_list", &[]).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(code(&body), "password_change_required");
    let (status, body) = judge
        .call(
            "change_password",
            &[("old_password", temp.as_str().unwrap_or("")), ("new_password", "mot mat khau moi"), ("confirm_password", "mot mat khau moi")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let items = list(&judge, false).await;
    assert_eq!(items[0]["kind"], "account.password_reset", "{items:?}");

    // Mark-all leaves nothing unread.
    let (status, _) = judge.call("notifications_mark_read", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(unread(&judge).await, 0);
}
