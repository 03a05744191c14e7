//! The audit log: every change, who made it, when, and the state before and after.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::admin::list_audit,
    components::{forms::ErrorNotice, pager::Pager},
    i18n::{format_ts, use_lang},
    tr,
};

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let lang = use_lang();
    let entity_type = RwSignal::new(String::new());
    let entity_id = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let page = RwSignal::new(1i64);
    let rows = Resource::new(
        move || (entity_type.get(), entity_id.get(), action.get(), from.get(), to.get(), page.get()),
        |(et, eid, a, f, t, p)| list_audit(Some(et), Some(eid), Some(a), Some(f), Some(t), Some(p)),
    );
    let input = move |sig: RwSignal<String>| {
        move |ev: leptos::ev::Event| {
            sig.set(event_target_value(&ev));
            page.set(1);
        }
    };
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Nhật ký thay đổi", "Audit log").to_string()/>
        <h1>{tr!("Nhật ký thay đổi", "Audit log")}</h1>
        <p class="lead">{tr!("Mọi thay đổi trong hệ thống được ghi lại ở đây và không thể sửa hay xóa.",
                             "Every change in the system is recorded here and cannot be edited or deleted.")}</p>
        <form class="filters" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="f-entity">{tr!("Loại đối tượng", "Entity type")}</label>
                <input id="f-entity" type="text" maxlength="50" placeholder="user, producer, dossier…" on:change=input(entity_type)/>
            </div>
            <div class="field">
                <label for="f-id">{tr!("Mã đối tượng", "Entity id")}</label>
                <input id="f-id" type="text" maxlength="50" on:change=input(entity_id)/>
            </div>
            <div class="field">
                <label for="f-action">{tr!("Hành động (bắt đầu bằng)", "Action (starts with)")}</label>
                <input id="f-action" type="text" maxlength="50" placeholder="auth., user.…" on:change=input(action)/>
            </div>
            <div class="field">
                <label for="f-from">{tr!("Từ ngày", "From")}</label>
                <input id="f-from" type="date" on:change=input(from)/>
            </div>
            <div class="field">
                <label for="f-to">{tr!("Đến ngày", "To")}</label>
                <input id="f-to" type="date" on:change=input(to)/>
            </div>
        </form>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(p) => {
                        let pages = p.pages();
                        view! {
                            <div class="table-wrap">
                                <table class="data-table">
                                    <thead><tr>
                                        <th>{tr!("Thời điểm", "When")}</th>
                                        <th>{tr!("Người thực hiện", "Who")}</th>
                                        <th>{tr!("Hành động", "Action")}</th>
                                        <th>{tr!("Đối tượng", "Entity")}</th>
                                        <th>{tr!("Chi tiết", "Details")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.items.into_iter().map(|r| view! {
                                            <tr>
                                                <td data-label=move || lang.get().pick("Thời điểm", "When")>{format_ts(&r.at)}</td>
                                                <td data-label=move || lang.get().pick("Người thực hiện", "Who")>
                                                    {r.actor_label.clone()}
                                                    {r.ip.clone().map(|ip| view! { <div class="muted">{ip}</div> })}
                                                </td>
                                                <td data-label=move || lang.get().pick("Hành động", "Action")><code>{r.action.clone()}</code></td>
                                                <td data-label=move || lang.get().pick("Đối tượng", "Entity")>
                                                    {r.entity_type.clone()} {r.entity_id.clone().map(|i| format!(" #{i}"))}
                                                </td>
                                                <td>
                                                    {(r.before_json.is_some() || r.after_json.is_some()).then(|| view! {
                                                        <details>
                                                            <summary>{tr!("Xem", "Show")}</summary>
                                                            {r.before_json.clone().map(|b| view! { <p class="muted">{tr!("Trước:", "Before:")}</p><pre>{b}</pre> })}
                                                            {r.after_json.clone().map(|a| view! { <p class="muted">{tr!("Sau:", "After:")}</p><pre>{a}</pre> })}
                                                        </details>
                                                    })}
                                                </td>
                                            </tr>
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
