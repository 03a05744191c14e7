//! The person's notifications: what happened to their dossiers, accounts and rounds, newest
//! first, with a link to where to act. Opening one marks it read.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::{
    api::notifications::{list_notifications, mark_notifications_read},
    components::{forms::ErrorNotice, pager::Pager},
    i18n::{format_ts, use_lang},
    tr, use_unread,
};

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let lang = use_lang();
    let unread = use_unread();
    let page = RwSignal::new(1i64);
    let unread_only = RwSignal::new(false);
    let reload = RwSignal::new(0u32);
    let rows = Resource::new(
        move || (unread_only.get(), page.get(), reload.get()),
        |(only, page, _)| list_notifications(Some(only), Some(page)),
    );
    let error = RwSignal::new(None);
    let mark = Action::new(|id: &Option<i64>| {
        let id = *id;
        async move { mark_notifications_read(id).await.map(|_| id) }
    });
    let navigate = use_navigate();
    let pending_link = StoredValue::new(None::<String>);
    Effect::new(move |_| match mark.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            unread.refresh();
            match pending_link.get_value() {
                Some(link) => {
                    pending_link.set_value(None);
                    navigate(&link, Default::default());
                }
                None => reload.update(|v| *v += 1),
            }
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });

    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Thông báo", "Notifications").to_string()/>
        <h1>{tr!("Thông báo", "Notifications")}</h1>
        <div class="toolbar">
            <label class="radio">
                <input type="checkbox" id="unread-only" prop:checked=unread_only
                    on:change=move |ev| { unread_only.set(event_target_checked(&ev)); page.set(1); }/>
                {tr!("Chỉ hiện thông báo chưa đọc", "Unread only")}
            </label>
            <button type="button" class="button-secondary" id="mark-all-read"
                on:click=move |_| { pending_link.set_value(None); mark.dispatch(None); }>
                {tr!("Đánh dấu đã đọc tất cả", "Mark all as read")}
            </button>
        </div>
        {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! {
                        <p class="empty">{tr!("Không có thông báo nào.", "No notifications.")}</p>
                    }.into_any(),
                    Ok(p) => {
                        let pages = p.pages();
                        view! {
                            <ul class="notification-list">
                                {p.items.into_iter().map(|n| {
                                    let id = n.id;
                                    let link = n.link.clone();
                                    let read = n.read;
                                    let (tv, te, bv, be) = (n.title_vi.clone(), n.title_en.clone(), n.body_vi.clone(), n.body_en.clone());
                                    view! {
                                        <li class="notification" class:unread=!read>
                                            <div class="notification-head">
                                                <strong>{move || lang.get().pick(&tv, &te).to_string()}</strong>
                                                <span class="muted">{format_ts(&n.created_at)}</span>
                                            </div>
                                            <p>{move || lang.get().pick(&bv, &be).to_string()}</p>
                                            <div class="notification-actions">
                                                {link.clone().map(|l| view! {
                                                    <button type="button" class="button"
                                                        on:click=move |_| { pending_link.set_value(Some(l.clone())); mark.dispatch(Some(id)); }>
                                                        {tr!("Xem", "Open")}
                                                    </button>
                                                })}
                                                {(!read).then(|| view! {
                                                    <button type="button" class="link-button"
                                                        on:click=move |_| { pending_link.set_value(None); mark.dispatch(Some(id)); }>
                                                        {tr!("Đánh dấu đã đọc", "Mark as read")}
                                                    </button>
                                                })}
                                            </div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <Pager page=p.page pages=pages total=p.total on_page=Callback::new(move |n| page.set(n))/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
