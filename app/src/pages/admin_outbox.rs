//! The e-mail outbox: every message the system queued, and whether it went out.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::admin::list_outbox,
    components::{forms::ErrorNotice, pager::Pager},
    i18n::{format_ts, use_lang, Lang},
    tr,
};

fn status_label(status: &str, lang: Lang) -> &'static str {
    match status {
        "pending" => lang.pick("Chờ gửi", "Waiting"),
        "sending" => lang.pick("Đang gửi", "Sending"),
        "sent" => lang.pick("Đã gửi", "Sent"),
        "retry" => lang.pick("Sẽ gửi lại", "Will retry"),
        "held" => lang.pick("Giữ lại (chưa cấu hình SMTP)", "Held (SMTP not configured)"),
        "failed" => lang.pick("Gửi thất bại", "Failed"),
        _ => lang.pick("Không rõ", "Unknown"),
    }
}

#[component]
pub fn AdminOutboxPage() -> impl IntoView {
    let lang = use_lang();
    let page = RwSignal::new(1i64);
    let rows = Resource::new(move || page.get(), |p| list_outbox(Some(p)));
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Hộp thư đi", "Outbox").to_string()/>
        <h1>{tr!("Hộp thư đi", "Outbox")}</h1>
        <p class="lead">{tr!("Thư thông báo hệ thống đã xếp hàng gửi. Khi chưa cấu hình SMTP, thư được giữ ở đây và sẽ gửi khi có cấu hình.",
                             "Notification e-mails queued by the system. Without SMTP settings they are held here and sent once SMTP is configured.")}</p>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! { <p>{tr!("Chưa có thư nào.", "No e-mails yet.")}</p> }.into_any(),
                    Ok(p) => {
                        let pages = p.pages();
                        view! {
                            <div class="table-wrap">
                                <table class="data-table">
                                    <thead><tr>
                                        <th>{tr!("Tạo lúc", "Queued")}</th>
                                        <th>{tr!("Người nhận", "To")}</th>
                                        <th>{tr!("Tiêu đề", "Subject")}</th>
                                        <th>{tr!("Trạng thái", "Status")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.items.into_iter().map(|m| {
                                            let status = m.status.clone();
                                            view! {
                                                <tr>
                                                    <td data-label=move || lang.get().pick("Tạo lúc", "Queued")>{format_ts(&m.created_at)}</td>
                                                    <td data-label=move || lang.get().pick("Người nhận", "To")>{m.to_addr.clone()}</td>
                                                    <td data-label=move || lang.get().pick("Tiêu đề", "Subject")>
                                                        <details><summary>{m.subject.clone()}</summary><pre>{m.body_text.clone()}</pre></details>
                                                    </td>
                                                    <td data-label=move || lang.get().pick("Trạng thái", "Status")>
                                                        {move || status_label(&status, lang.get())}
                                                        {(m.attempts > 0).then(|| format!(" ({})", m.attempts))}
                                                        {m.last_error.clone().map(|e| view! { <div class="muted">{e}</div> })}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager page=p.page pages=pages total=p.total on_page=Callback::new(move |n| page.set(n))/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
