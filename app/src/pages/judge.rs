//! The judge's screens: the products to score, and one product's score sheet beside its dossier.
//!
//! The sheet saves itself: every change is kept in the browser at once (localStorage) and sent
//! to the server shortly after (debounced), carrying the version it was based on. A dropped
//! connection keeps the changes on the device and sends them when the network returns; a save
//! from a stale tab is refused by the server and nothing typed here is thrown away — the judge
//! chooses to load the saved copy or keep this one.

use std::collections::BTreeMap;

use domain::{
    council::Entitlement,
    sheet::{self, Answers},
    workflow::{round::RoundState, sheet::SheetState},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};
use serde::{Deserialize, Serialize};

use crate::{
    api::scoring::{get_workspace, my_products, own_sheet, save_sheet, submit_sheet, MyProduct, Saved, Workspace},
    components::{browser_value::BrowserValue, forms::ErrorNotice, score_form::ScoreFormView},
    errors::AppError,
    i18n::{format_time, use_lang, Lang},
    pages::status::round_state_label,
    tr,
};

pub fn sheet_state_label(s: SheetState, lang: Lang) -> &'static str {
    lang.pick(s.label_vi(), s.label_en())
}

pub fn sheet_state_class(s: SheetState) -> &'static str {
    match s {
        SheetState::NotStarted => "state",
        SheetState::Draft => "state state-warn",
        SheetState::Submitted | SheetState::Locked => "state state-ok",
        SheetState::Reopened => "state state-warn",
    }
}

/// Why a member does not score a product, in words; `None` when they do.
pub fn entitlement_note(e: &Entitlement, lang: Lang) -> Option<String> {
    match e {
        Entitlement::Entitled => None,
        Entitlement::Overridden { .. } => Some(
            lang.pick("Có xung đột lợi ích, Chủ tịch hội đồng đã cho phép chấm", "Conflict of interest, allowed to score by the chair").into(),
        ),
        Entitlement::NotAScoringRole => Some(lang.pick("Không chấm điểm (vai trò)", "Does not score (role)").into()),
        Entitlement::Excluded => Some(lang.pick("Văn phòng đã loại khỏi sản phẩm này", "Excluded from this product by the office").into()),
        Entitlement::Conflicted { reasons } => Some(format!(
            "{}: {}",
            lang.pick("Xung đột lợi ích, không chấm", "Conflict of interest, does not score"),
            reasons.iter().map(|r| lang.pick(r.label_vi(), r.label_en())).collect::<Vec<_>>().join("; ")
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// The list

#[component]
pub fn JudgePage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new(|| (), |_| my_products());
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Chấm điểm", "Scoring").to_string()/>
        <h1>{tr!("Sản phẩm được phân công chấm", "Products to score")}</h1>
        <p class="lead">
            {tr!("Bạn chỉ thấy phiếu chấm của chính mình cho đến khi hội đồng chuyển sang thảo luận. ", "You see only your own sheets until the council deliberates. ")}
            <A href="/judge/conflicts">{tr!("Kê khai xung đột lợi ích", "Declare a conflict of interest")}</A>
        </p>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(items) if items.is_empty() => view! {
                        <p class="empty">{tr!("Bạn chưa được phân công chấm sản phẩm nào.", "No product is assigned to you yet.")}</p>
                    }.into_any(),
                    Ok(items) => councils_view(items).into_any(),
                }
            })}
        </Transition>
    }
}

fn councils_view(items: Vec<MyProduct>) -> impl IntoView {
    let lang = use_lang();
    let mut by_council: BTreeMap<i64, Vec<MyProduct>> = BTreeMap::new();
    for p in items {
        by_council.entry(p.council_id).or_default().push(p);
    }
    by_council
        .into_values()
        .rev()
        .map(|products| {
            let first = products[0].clone();
            let phase = first.round_state;
            let board = first.my_role.keeps_board()
                || matches!(phase, RoundState::Deliberation | RoundState::Finalised | RoundState::Published | RoundState::Archived);
            let done = products.iter().filter(|p| matches!(p.sheet_state, SheetState::Submitted | SheetState::Locked)).count();
            let scorable = products.iter().filter(|p| p.entitlement.scores()).count();
            let cid = first.council_id;
            view! {
                <section class="panel judge-council">
                    <h2>{first.council_name.clone()}</h2>
                    <p class="muted">{first.round_name.clone()} " · "
                        <span class="state">{move || round_state_label(phase, lang.get())}</span> " · "
                        {move || lang.get().pick(first.my_role.label_vi(), first.my_role.label_en())}
                    </p>
                    {first.my_role.scores().then(|| view! {
                        <p>{move || lang.get().pick(format!("Đã nộp {done}/{scorable} phiếu."), format!("{done} of {scorable} sheets submitted."))}</p>
                    })}
                    <p class="actions">
                        {board.then(|| view! { <A href=format!("/councils/{cid}/board") attr:class="button">{tr!("Bảng tổng hợp", "Board")}</A> })}
                        " " <A href=format!("/councils/{cid}")>{tr!("Thông tin hội đồng", "Council")}</A>
                    </p>
                    <ul class="judge-products">
                        {products.into_iter().map(product_card).collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view()
}

fn product_card(p: MyProduct) -> impl IntoView {
    let lang = use_lang();
    let state = p.sheet_state;
    let note = p.entitlement.clone();
    let scores = p.entitlement.scores() && p.my_role.scores();
    let label = match state {
        SheetState::NotStarted | SheetState::Draft | SheetState::Reopened => ("Chấm điểm", "Score"),
        _ => ("Xem phiếu", "View sheet"),
    };
    let saved = p.saved_at.clone().map(|s| format_time(&s));
    view! {
        <li class="judge-product card" data-dossier=p.dossier_id.to_string()>
            <div>
                <strong>{p.product_name.clone()}</strong>
                <div class="muted">{p.producer_name.clone()} " · " {p.group_code.clone()}</div>
            </div>
            {scores.then(|| view! {
                <div>
                    <span class=sheet_state_class(state)>{move || sheet_state_label(state, lang.get())}</span>
                    {saved.clone().map(|t| view! { <span class="muted">{move || lang.get().pick(format!(" · lưu lúc {t}"), format!(" · saved {t}"))}</span> })}
                </div>
            })}
            {move || entitlement_note(&note, lang.get()).map(|n| view! { <p class="notice notice-warning">{n}</p> })}
            {p.flagged.then(|| view! {
                <p class="notice notice-warning">{tr!("Điểm của hội đồng cho sản phẩm này chênh lệch vượt mức cho phép.", "The council's totals for this product differ by more than the limit.")}</p>
            })}
            {p.rescore_reason.clone().map(|r| view! {
                <p class="notice notice-warning"><strong>{tr!("Chủ tịch đề nghị chấm lại: ", "The chair asks you to re-score: ")}</strong>{r}</p>
            })}
            {scores.then(|| view! {
                <A href=format!("/judge/products/{}", p.dossier_id) attr:class="button">{move || lang.get().pick(label.0, label.1)}</A>
            })}
        </li>
    }
}

// ---------------------------------------------------------------------------------------------
// One product's sheet

#[component]
pub fn SheetPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let ws = Resource::new(id, get_workspace);
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Phiếu chấm", "Score sheet").to_string()/>
        <p><A href="/judge">{tr!("← Danh sách sản phẩm", "← Products")}</A></p>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match ws.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(w) => view! { <Scoring w=w/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What the save line says.
#[derive(Debug, Clone, PartialEq)]
enum SaveStatus {
    /// Nothing changed since the page opened.
    Idle,
    Saving,
    Saved(String),
    /// Not sent: no connection. Kept on the device.
    Offline,
    /// Refused: the stored sheet is newer (another tab or device).
    Stale,
    Failed(AppError),
    Submitted(String),
}

/// The copy kept in the browser until the server acknowledges it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct LocalCopy {
    /// The server version these changes are based on.
    version: i64,
    answers: Answers,
    notes: BTreeMap<String, String>,
}

#[cfg(feature = "hydrate")]
fn storage_key(sheet_id: i64) -> String {
    format!("binhchon.sheet.{sheet_id}")
}

#[cfg(feature = "hydrate")]
fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

#[cfg(feature = "hydrate")]
fn keep_local(sheet_id: i64, copy: &LocalCopy) {
    if let (Some(s), Ok(json)) = (local_storage(), serde_json::to_string(copy)) {
        let _ = s.set_item(&storage_key(sheet_id), &json);
    }
}

#[cfg(not(feature = "hydrate"))]
fn keep_local(_sheet_id: i64, _copy: &LocalCopy) {}

#[cfg(feature = "hydrate")]
fn read_local(sheet_id: i64) -> Option<LocalCopy> {
    local_storage()?.get_item(&storage_key(sheet_id)).ok().flatten().and_then(|j| serde_json::from_str(&j).ok())
}

#[cfg(not(feature = "hydrate"))]
fn read_local(_sheet_id: i64) -> Option<LocalCopy> {
    None
}

#[cfg(feature = "hydrate")]
fn drop_local(sheet_id: i64) {
    if let Some(s) = local_storage() {
        let _ = s.remove_item(&storage_key(sheet_id));
    }
}

#[cfg(not(feature = "hydrate"))]
fn drop_local(_sheet_id: i64) {}

/// How long after the last change the sheet is sent.
const DEBOUNCE_MS: u64 = 700;
/// How often an unsent sheet is retried while offline.
const RETRY_MS: u64 = 5000;

#[component]
fn Scoring(w: Workspace) -> impl IntoView {
    let lang = use_lang();
    let sheet_id = w.sheet.id;
    let answers = RwSignal::new(w.sheet.answers.clone());
    let notes = RwSignal::new(w.sheet.notes.clone());
    let version = RwSignal::new(w.sheet.version);
    let state = RwSignal::new(w.sheet.state);
    let editable = RwSignal::new(w.editable);
    let status = RwSignal::new(match &w.sheet.saved_at {
        Some(at) if w.sheet.version > 0 => SaveStatus::Saved(at.clone()),
        _ => SaveStatus::Idle,
    });
    let restored = RwSignal::new(false);
    // Changes made (`edits`) and the change the server last acknowledged (`acked`).
    let edits = RwSignal::new(0u64);
    let acked = StoredValue::new(0u64);
    let in_flight = RwSignal::new(false);
    let submit_error = RwSignal::new(None::<AppError>);
    let timer = BrowserValue::new(|| None::<TimeoutHandle>);
    // Set while the page itself replaces the answers (loading the stored copy): not an edit.
    let suppress = StoredValue::new(false);
    let form = StoredValue::new(w.form.clone());
    let rule_set = w.rule_set.clone();

    // Sends the sheet if it has changes the server has not acknowledged; one request at a time.
    let flush = BrowserValue::new(|| None::<std::rc::Rc<dyn Fn()>>);
    let run_flush = move || {
        if let Some(f) = flush.get_value().flatten() {
            f()
        }
    };
    let schedule = move |ms: u64| {
        if let Some(h) = timer.get_value().flatten() {
            h.clear();
        }
        let h = set_timeout_with_handle(run_flush, std::time::Duration::from_millis(ms)).ok();
        timer.set_value(h);
    };
    flush.set_value(Some(std::rc::Rc::new(move || {
        if sheet_id == 0 || !editable.get_untracked() || in_flight.get_untracked() {
            return;
        }
        let edit_no = edits.get_untracked();
        if edit_no == acked.get_value() || status.get_untracked() == SaveStatus::Stale {
            return;
        }
        in_flight.set(true);
        status.set(SaveStatus::Saving);
        let (a, n, v) = (answers.get_untracked(), notes.get_untracked(), version.get_untracked());
        leptos::task::spawn_local(async move {
            let result = save_sheet(sheet_id, v, a, n).await;
            in_flight.set(false);
            match result {
                Ok(Saved { version: new_version, saved_at, .. }) => {
                    version.set(new_version);
                    acked.set_value(edit_no);
                    status.set(SaveStatus::Saved(saved_at));
                    if edits.get_untracked() == edit_no {
                        drop_local(sheet_id);
                    } else {
                        // Changed while the request was out: keep the newer copy's base current.
                        keep_local(sheet_id, &LocalCopy { version: new_version, answers: answers.get_untracked(), notes: notes.get_untracked() });
                        schedule(DEBOUNCE_MS);
                    }
                }
                Err(AppError::Network { .. }) => {
                    status.set(SaveStatus::Offline);
                    schedule(RETRY_MS);
                }
                Err(AppError::Conflict { vi, en }) => {
                    // Stale, or the phase closed: the stored copy tells which.
                    match own_sheet(sheet_id).await {
                        Ok(stored) if stored.version != v => status.set(SaveStatus::Stale),
                        _ => {
                            editable.set(false);
                            status.set(SaveStatus::Failed(AppError::Conflict { vi, en }));
                        }
                    }
                }
                Err(e) => status.set(SaveStatus::Failed(e)),
            }
        });
    })));

    // Every change: kept on the device at once, sent after a short pause.
    Effect::new(move |first: Option<()>| {
        answers.track();
        notes.track();
        if first.is_none() {
            return;
        }
        if suppress.get_value() {
            suppress.set_value(false);
            return;
        }
        if !editable.get_untracked() {
            return;
        }
        edits.update(|e| *e += 1);
        keep_local(sheet_id, &LocalCopy { version: version.get_untracked(), answers: answers.get_untracked(), notes: notes.get_untracked() });
        if status.get_untracked() != SaveStatus::Stale {
            schedule(DEBOUNCE_MS);
        }
    });

    // After a reload: changes this device never got acknowledged come back and are sent, unless
    // the stored sheet moved on meanwhile (then the judge chooses).
    let server_answers = w.sheet.answers.clone();
    let server_notes = w.sheet.notes.clone();
    let server_version = w.sheet.version;
    Effect::new(move |_| {
        if sheet_id == 0 || !editable.get_untracked() {
            return;
        }
        if let Some(local) = read_local(sheet_id) {
            if local.answers == server_answers && local.notes == server_notes {
                drop_local(sheet_id);
                return;
            }
            restored.set(true);
            let stale = local.version != server_version;
            answers.set(local.answers);
            notes.set(local.notes);
            if stale {
                status.set(SaveStatus::Stale);
            }
        }
    });

    // Back online: send what is waiting.
    let online = window_event_listener(leptos::ev::online, move |_| run_flush());
    on_cleanup(move || online.remove());
    // Leaving with unsent changes asks first.
    let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if edits.get_untracked() != acked.get_value() && editable.get_untracked() {
            ev.prevent_default();
        }
    });
    on_cleanup(move || unload.remove());

    let load_latest = move |_| {
        leptos::task::spawn_local(async move {
            match own_sheet(sheet_id).await {
                Ok(s) => {
                    drop_local(sheet_id);
                    version.set(s.version);
                    acked.set_value(edits.get_untracked());
                    status.set(SaveStatus::Saved(s.saved_at.clone().unwrap_or_default()));
                    suppress.set_value(true);
                    answers.set(s.answers);
                    notes.set(s.notes);
                    state.set(s.state);
                    editable.set(matches!(s.state, SheetState::NotStarted | SheetState::Draft | SheetState::Reopened));
                }
                Err(e) => status.set(SaveStatus::Failed(e)),
            }
        });
    };
    let keep_mine = move |_| {
        leptos::task::spawn_local(async move {
            match own_sheet(sheet_id).await {
                Ok(s) if matches!(s.state, SheetState::NotStarted | SheetState::Draft | SheetState::Reopened) => {
                    version.set(s.version);
                    status.set(SaveStatus::Saving);
                    keep_local(sheet_id, &LocalCopy { version: s.version, answers: answers.get_untracked(), notes: notes.get_untracked() });
                    edits.update(|e| *e += 1);
                    run_flush();
                }
                Ok(_) => {
                    editable.set(false);
                    status.set(SaveStatus::Failed(AppError::Conflict {
                        vi: "Phiếu đã được nộp từ nơi khác nên không sửa được nữa. Hãy chọn «Tải bản mới nhất».".into(),
                        en: "The sheet was submitted elsewhere and can no longer change. Choose \"Load the latest\".".into(),
                    }));
                }
                Err(e) => status.set(SaveStatus::Failed(e)),
            }
        });
    };

    let form_signal = Signal::derive(move || form.get_value());
    let unanswered = Memo::new(move |_| form.with_value(|f| answers.with(|a| sheet::score(f, a).map(|s| s.unanswered).unwrap_or_default())));
    let submit = move |_| {
        submit_error.set(None);
        let missing = unanswered.get_untracked();
        if !missing.is_empty() {
            submit_error.set(Some(AppError::Invalid {
                field: "answers".into(),
                vi: format!("Còn {} tiêu chí chưa chấm: {}. Hãy chấm đủ rồi nộp phiếu.", missing.len(), missing.join(", ")),
                en: format!("{} criteria are not scored yet: {}. Score them all, then submit.", missing.len(), missing.join(", ")),
            }));
            return;
        }
        let ok = window()
            .confirm_with_message(lang.get_untracked().pick(
                "Nộp phiếu? Sau khi nộp, bạn không sửa được nữa (trừ khi Chủ tịch hội đồng đề nghị chấm lại).",
                "Submit the sheet? After submitting you cannot change it (unless the chair asks for a re-score).",
            ))
            .unwrap_or(false);
        if !ok {
            return;
        }
        if let Some(h) = timer.get_value().flatten() {
            h.clear();
        }
        let (a, n, v) = (answers.get_untracked(), notes.get_untracked(), version.get_untracked());
        in_flight.set(true);
        leptos::task::spawn_local(async move {
            let r = submit_sheet(sheet_id, v, a, n).await;
            in_flight.set(false);
            match r {
                Ok(s) => {
                    drop_local(sheet_id);
                    version.set(s.version);
                    acked.set_value(edits.get_untracked());
                    state.set(s.state);
                    editable.set(false);
                    status.set(SaveStatus::Submitted(s.saved_at));
                }
                Err(e) => submit_error.set(Some(e)),
            }
        });
    };

    let status_line = move || {
        let l = lang.get();
        match status.get() {
            SaveStatus::Idle => (
                "save-status",
                l.pick("Mọi thay đổi được tự động lưu.", "Every change is saved automatically.").to_string(),
            ),
            SaveStatus::Saving => ("save-status saving", l.pick("Đang lưu…", "Saving…").to_string()),
            SaveStatus::Saved(at) => ("save-status saved", l.pick(format!("Đã lưu lúc {}", format_time(&at)), format!("Saved at {}", format_time(&at)))),
            SaveStatus::Offline => (
                "save-status offline",
                l.pick(
                    "Chưa lưu được lên máy chủ (mất kết nối). Thay đổi được giữ trên máy này và sẽ tự gửi khi có mạng.",
                    "Not saved to the server (no connection). Changes are kept on this device and sent when the network returns.",
                )
                .to_string(),
            ),
            SaveStatus::Stale => ("save-status stale", String::new()),
            SaveStatus::Failed(e) => ("save-status failed", e.message(l)),
            SaveStatus::Submitted(at) => ("save-status saved", l.pick(format!("Đã nộp phiếu lúc {}", format_time(&at)), format!("Submitted at {}", format_time(&at)))),
        }
    };

    let read_only = Signal::derive(move || !editable.get());
    let flagged = w.flagged;
    let rescore = w.sheet.rescore_reason.clone().filter(|_| w.sheet.state == SheetState::Reopened);
    let on_paper = w.sheet.on_paper;
    let phase = w.round_state;
    let docs = w.documents.clone();
    let photos = w.photos.clone();
    let first_doc = docs.first().map(|d| d.id);
    let viewing = RwSignal::new(first_doc);
    let form_key = format!("sheet-{sheet_id}");
    let my_role = w.my_role;
    view! {
        <h1>{w.product_name.clone()}</h1>
        <p class="muted">{w.producer_name.clone()} " · " {w.council_name.clone()} " · " {w.round_name.clone()} " · "
            <span class="state">{move || round_state_label(phase, lang.get())}</span> " · "
            {move || lang.get().pick(my_role.label_vi(), my_role.label_en())}</p>
        {rescore.map(|r| view! {
            <p class="notice notice-warning" id="rescore-reason"><strong>{tr!("Chủ tịch hội đồng đề nghị chấm lại: ", "The chair asks you to re-score: ")}</strong>{r}</p>
        })}
        {flagged.then(|| view! {
            <p class="notice notice-warning">{tr!("Điểm của các thành viên cho sản phẩm này chênh lệch vượt mức cho phép; hãy xem lại phiếu của mình.", "Members' totals for this product differ by more than the limit; review your sheet.")}</p>
        })}
        {on_paper.then(|| view! { <p class="notice">{tr!("Phiếu này do Thư ký nhập từ phiếu giấy.", "This sheet was entered by the secretary from a paper sheet.")}</p> })}
        {move || restored.get().then(|| view! {
            <p class="notice" id="restored">{tr!("Đã khôi phục những thay đổi chưa kịp lưu trên máy này.", "Changes not yet saved on this device were restored.")}</p>
        })}
        <div class="scoring-layout">
            <aside class="dossier-side">
                <details class="dossier-docs" open=true>
                    <summary>{tr!("Hồ sơ sản phẩm", "The product's dossier")}</summary>
                    {(!photos.is_empty()).then(|| view! {
                        <div class="photo-strip">
                            {photos.iter().map(|p| view! {
                                <a href=format!("/files/photos/{}", p.id) target="_blank" rel="noopener">
                                    <img src=format!("/files/photos/{}?thumb=1", p.id) alt=p.view.clone() loading="lazy" width="96" height="96"/>
                                </a>
                            }).collect_view()}
                        </div>
                    })}
                    {if docs.is_empty() {
                        view! { <p class="muted">{tr!("Hồ sơ chưa có tài liệu.", "No documents.")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="doc-list">
                                {docs.iter().map(|d| {
                                    let id = d.id;
                                    view! {
                                        <li>
                                            <button type="button" class="link-button" aria-pressed=move || (viewing.get() == Some(id)).to_string()
                                                on:click=move |_| viewing.set(Some(id))>
                                                {d.item_name.clone()} ": " {d.file_name.clone()}
                                            </button>
                                            " " <a href=format!("/files/documents/{id}") target="_blank" rel="noopener">{tr!("mở", "open")}</a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            {move || viewing.get().map(|id| view! {
                                <iframe class="doc-viewer" src=format!("/files/documents/{id}") title="document"></iframe>
                            })}
                        }.into_any()
                    }}
                </details>
            </aside>
            <div class="sheet-side">
                <p class=move || status_line().0 id="save-status" role="status" aria-live="polite">{move || status_line().1}</p>
                {move || (status.get() == SaveStatus::Stale).then(|| view! {
                    <div class="notice notice-warning" role="alert" id="stale-choice">
                        <p>{tr!(
                            "Phiếu này vừa được lưu từ một thẻ hoặc thiết bị khác, nên bản trên trang này chưa được ghi. Những gì bạn nhập vẫn còn trên trang.",
                            "This sheet was saved from another tab or device, so this page's copy was not written. What you entered is still on this page."
                        )}</p>
                        <p class="actions">
                            <button type="button" class="button-secondary" id="load-latest" on:click=load_latest>{tr!("Tải bản mới nhất", "Load the latest")}</button>
                            " "
                            <button type="button" class="button" id="keep-mine" on:click=keep_mine>{tr!("Giữ bản của tôi", "Keep mine")}</button>
                        </p>
                    </div>
                })}
                {move || read_only.get().then(|| match state.get() {
                    SheetState::Submitted | SheetState::Locked => view! { <p class="notice notice-success">{tr!("Phiếu đã nộp.", "The sheet is submitted.")}</p> }.into_any(),
                    _ if sheet_id == 0 => view! { <p class="notice">{tr!("Hội đồng chưa mở chấm điểm: phiếu chỉ để xem trước.", "Scoring is not open yet: the form is shown for reading.")}</p> }.into_any(),
                    _ => ().into_any(),
                })}
                {move || {
                    let ro = read_only.get();
                    view! { <ScoreFormView form=form_signal answers=answers notes=notes rule_set=rule_set.clone() read_only=ro key=form_key.clone()/> }
                }}
                {move || submit_error.get().map(|e| view! { <ErrorNotice error=e/> })}
                {move || editable.get().then(|| view! {
                    <p class="actions sheet-actions">
                        <button type="button" class="button" id="submit-sheet" on:click=submit disabled=move || in_flight.get()>
                            {tr!("Nộp phiếu", "Submit the sheet")}
                        </button>
                        <span class="muted">{move || {
                            let n = unanswered.get().len();
                            if n == 0 { lang.get().pick("Đã chấm đủ các tiêu chí.", "Every criterion is scored.").to_string() }
                            else { lang.get().pick(format!("Còn {n} tiêu chí chưa chấm."), format!("{n} criteria left.")) }
                        }}</span>
                    </p>
                })}
            </div>
        </div>
    }
}
