//! Nomination to the next level: the district office's package page (letter particulars,
//! products left out with a reason, sending to the province's round, the ZIP download), the
//! printable letter, and the next level's inbox (accept or return each product; import a ZIP
//! from another binhchon instance).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    api::nominations::{
        nomination_accept, nomination_exclude, nomination_inbox, nomination_include, nomination_letter, nomination_letter_save,
        nomination_package, nomination_return, nomination_send, points_vi, InboxEntry, Item, ItemState, Package, PackageState,
    },
    components::{forms::ErrorNotice, upload::FileUpload},
    errors::AppError,
    i18n::use_lang,
    tr,
};

fn param_i64(name: &'static str) -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get(name).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0)
}

fn result_text(i: &Item) -> String {
    let stars = i.stars.filter(|s| *s > 0).map(|s| format!(" · {s}★")).unwrap_or_default();
    let five = if i.potential_five_star { " · tiềm năng 5 sao" } else { "" };
    format!("{} điểm{stars}{five} — {}", points_vi(i.mean_hundredths), i.outcome.label_vi())
}

fn documents_view(i: &Item) -> impl IntoView {
    let docs = i.documents.clone();
    view! {
        <details class="documents">
            <summary>{format!("Hồ sơ: {} tài liệu", docs.len())}</summary>
            <ul>
                {docs.into_iter().map(|d| view! {
                    <li><a href=format!("/files/documents/{}", d.id) rel="external" target="_blank">{d.file_name.clone()}</a>
                        <span class="muted">{format!(" ({}, {} KB)", d.item_code, (d.size + 1023) / 1024)}</span></li>
                }).collect_view()}
            </ul>
        </details>
    }
}

fn action_result<T: Clone + Send + Sync + 'static>(a: Action<impl Send + Sync + 'static, Result<T, AppError>>) -> impl IntoView {
    move || a.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNotice error=e/> })
}

// ---------------------------------------------------------------------------------------------
// The district office's package

#[component]
pub fn NominationPage() -> impl IntoView {
    let lang = use_lang();
    let id = param_i64("id");
    let refresh = RwSignal::new(0u32);
    let pkg = Resource::new(move || (id(), refresh.get()), |(id, _)| nomination_package(id));
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Hồ sơ đề nghị cấp trên", "Nomination to the next level").to_string()/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match pkg.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(p) => package_view(p, refresh).into_any(),
                }
            })}
        </Transition>
    }
}

fn package_view(p: Package, refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let round_id = p.round_id;
    let draft = p.state == PackageState::Draft;
    let l = p.letter.clone();
    let number = RwSignal::new(l.number.clone().unwrap_or_default());
    let date = RwSignal::new(l.date.map(|d| d.to_string()).unwrap_or_default());
    let signatory = RwSignal::new(l.signatory.clone().unwrap_or_default());
    let title = RwSignal::new(l.signatory_title.clone().unwrap_or_default());
    let recipient = RwSignal::new(l.recipient.clone().unwrap_or_default());
    let save = Action::new(move |_: &()| {
        nomination_letter_save(round_id, number.get_untracked(), date.get_untracked(), signatory.get_untracked(), title.get_untracked(), recipient.get_untracked())
    });
    let target = RwSignal::new(p.targets.first().map(|t| t.id.to_string()).unwrap_or_default());
    let send = Action::new(move |_: &()| nomination_send(round_id, target.get_untracked().parse().unwrap_or(0)));
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) || matches!(send.value().get(), Some(Ok(_))) {
            refresh.update(|n| *n += 1);
        }
    });
    let items = p.items.clone();
    let councils = p.council_ids.clone();
    let sent_to = p.target_round_name.clone();
    let field = move |id: &'static str, vi: &'static str, en: &'static str, sig: RwSignal<String>, kind: &'static str| {
        view! {
            <label for=id>{move || lang.get().pick(vi, en)}</label>
            <input id=id type=kind prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) disabled=!draft/>
        }
    };
    view! {
        <h1>{tr!("Hồ sơ đề nghị cấp trên", "Nomination to the next level")}</h1>
        <p>{p.round_name.clone()} " · " {p.unit_name.clone()}</p>
        {(!draft).then(|| view! {
            <p class="notice notice-success" id="nomination-sent">{format!("Đã gửi lên đợt «{}»", sent_to.clone().unwrap_or_default())}{p.sent_at.clone().map(|s| format!(" lúc {s}"))}</p>
        })}
        <section class="panel">
            <h2>{tr!("Thành phần hồ sơ", "What the package holds")}</h2>
            <ul class="downloads">
                <li><A href=format!("/office/rounds/{round_id}/nomination/letter")>{tr!("Tờ trình đề nghị (bản in)", "Official letter (printable)")}</A></li>
                {councils.into_iter().map(|c| view! { <li><A href=format!("/councils/{c}/minutes")>{tr!("Biên bản họp hội đồng", "Council minutes")}</A></li> }).collect_view()}
                <li><a href=format!("/files/rounds/{round_id}/export/nominations.xlsx") rel="external" download>{tr!("Danh sách trích ngang (Excel)", "Summary list (Excel)")}</a></li>
                <li><a href=format!("/files/rounds/{round_id}/nomination.zip") rel="external" download id="nomination-zip">{tr!("Tải cả gói (ZIP) để gửi cho hệ thống khác", "Download the whole package (ZIP) for another system")}</a></li>
            </ul>
        </section>
        <section class="panel">
            <h2>{tr!("Sản phẩm đề nghị", "Nominated products")}</h2>
            {items.is_empty().then(|| view! { <p>{tr!("Không có sản phẩm nào đủ điều kiện đề nghị cấp trên.", "No product qualifies for the next level.")}</p> })}
            <ol class="nomination-items">
                {items.into_iter().map(|i| item_row(round_id, i, draft, refresh)).collect_view()}
            </ol>
        </section>
        <section class="panel">
            <h2>{tr!("Tờ trình: số, ngày, người ký", "Letter: number, date, signatory")}</h2>
            <p class="muted">{tr!("Nhập theo văn bản đã ký, đóng dấu.", "Enter them from the signed, stamped paper.")}</p>
            {field("letter-no", "Số văn bản", "Number", number, "text")}
            {field("letter-date", "Ngày ký", "Date", date, "date")}
            {field("letter-signatory", "Người ký", "Signatory", signatory, "text")}
            {field("letter-title", "Chức vụ người ký", "Signatory's title", title, "text")}
            {field("letter-recipient", "Kính gửi (để trống: cơ quan thường trực cấp trên)", "To (empty: the next level's office)", recipient, "text")}
            {draft.then(|| view! { <button type="button" class="button" id="letter-save" on:click=move |_| { save.dispatch(()); }>{tr!("Lưu", "Save")}</button> })}
            {action_result(save)}
        </section>
        {draft.then(|| view! {
            <section class="panel">
                <h2>{tr!("Gửi lên cấp trên trong hệ thống", "Send to the next level in this system")}</h2>
                {p.targets.is_empty().then(|| view! { <p>{tr!("Chưa có đợt nào của cấp trên đang nhận hồ sơ.", "No round of the next level is open for registration.")}</p> })}
                <label for="target-round">{tr!("Đợt nhận", "Receiving round")}</label>
                <select id="target-round" on:change=move |ev| target.set(event_target_value(&ev))>
                    {p.targets.iter().map(|t| view! { <option value=t.id.to_string()>{format!("{} — {} ({})", t.name, t.unit_name, t.year)}</option> }).collect_view()}
                </select>
                <button type="button" class="button button-primary" id="nomination-send" on:click=move |_| { send.dispatch(()); }>{tr!("Gửi hồ sơ đề nghị", "Send the nomination")}</button>
                {action_result(send)}
            </section>
        })}
    }
}

fn item_row(round_id: i64, i: Item, draft: bool, refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let dossier_id = i.dossier_id;
    let reason = RwSignal::new(String::new());
    let exclude = Action::new(move |_: &()| nomination_exclude(round_id, dossier_id, reason.get_untracked()));
    let include = Action::new(move |_: &()| nomination_include(round_id, dossier_id));
    Effect::new(move |_| {
        if matches!(exclude.value().get(), Some(Ok(()))) || matches!(include.value().get(), Some(Ok(()))) {
            refresh.update(|n| *n += 1);
        }
    });
    let state = i.state;
    let (vi, en) = state.label();
    view! {
        <li class="nomination-item" data-dossier=dossier_id>
            <strong>{i.product_name.clone()}</strong> " — " {i.producer_name.clone()} <span class="muted">{format!(" ({})", i.commune_name)}</span>
            <div>{result_text(&i)}</div>
            <div class="badge">{move || lang.get().pick(vi, en)}</div>
            {i.reason.clone().map(|r| view! { <div class="muted">{tr!("Lý do: ", "Reason: ")}{r}</div> })}
            {documents_view(&i)}
            {(draft && state == ItemState::Included).then(|| view! {
                <label for=format!("exclude-{dossier_id}")>{tr!("Lý do không đề nghị (bắt buộc)", "Reason to leave it out (required)")}</label>
                <textarea id=format!("exclude-{dossier_id}") rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                <button type="button" class="button" on:click=move |_| { exclude.dispatch(()); }>{tr!("Không đề nghị sản phẩm này", "Leave this product out")}</button>
            })}
            {(draft && state == ItemState::Excluded).then(|| view! {
                <button type="button" class="button" on:click=move |_| { include.dispatch(()); }>{tr!("Đưa lại vào hồ sơ", "Put it back")}</button>
            })}
            {action_result(exclude)}
            {action_result(include)}
        </li>
    }
}

/// The letter, drafted by the server from the data, ready to print.
#[component]
pub fn NominationLetterPage() -> impl IntoView {
    let lang = use_lang();
    let id = param_i64("id");
    let html = Resource::new(id, nomination_letter);
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Tờ trình đề nghị", "Nomination letter").to_string()/>
        <div class="print-toolbar no-print">
            <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>{tr!("In / lưu PDF", "Print / save as PDF")}</button>
        </div>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match html.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    // Built by the server with every value escaped (backend::nominations::letter_html).
                    Ok(h) => view! { <article class="a4 letter" lang="vi" inner_html=h></article> }.into_any(),
                }
            })}
        </Transition>
    }
}

// ---------------------------------------------------------------------------------------------
// The next level's inbox

/// The answer to a package import (`backend::nominations::ImportReport`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
struct ReportLine {
    product: String,
    producer: String,
    reason_vi: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
struct ImportReport {
    imported: bool,
    source_round: Option<String>,
    errors_vi: Vec<String>,
    accepted: Vec<ReportLine>,
    refused: Vec<ReportLine>,
}

#[component]
pub fn NominationInboxPage() -> impl IntoView {
    let lang = use_lang();
    let refresh = RwSignal::new(0u32);
    let inbox = Resource::new(move || refresh.get(), |_| nomination_inbox());
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Đề nghị từ cấp dưới", "Nominations received").to_string()/>
        <h1>{tr!("Sản phẩm cấp dưới đề nghị", "Products nominated by lower levels")}</h1>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(entries) => inbox_view(entries, refresh).into_any(),
                }
            })}
        </Transition>
    }
}

fn inbox_view(entries: Vec<InboxEntry>, refresh: RwSignal<u32>) -> impl IntoView {
    view! {
        {entries.is_empty().then(|| view! { <p>{tr!("Chưa có đề nghị nào gửi đến các đợt của bạn.", "No nomination has been sent to your rounds yet.")}</p> })}
        <ol class="inbox">{entries.into_iter().map(|e| inbox_row(e, refresh)).collect_view()}</ol>
        <ImportSection refresh=refresh/>
    }
}

fn inbox_row(e: InboxEntry, refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let Some(item_id) = e.item.id else { return ().into_any() };
    let reason = RwSignal::new(String::new());
    let accept = Action::new(move |_: &()| nomination_accept(item_id, None));
    let give_back = Action::new(move |_: &()| nomination_return(item_id, reason.get_untracked()));
    Effect::new(move |_| {
        if matches!(accept.value().get(), Some(Ok(_))) || matches!(give_back.value().get(), Some(Ok(()))) {
            refresh.update(|n| *n += 1);
        }
    });
    let i = e.item.clone();
    let (vi, en) = i.state.label();
    let pending = i.state == ItemState::Pending;
    let letter = format!(
        "{} — văn bản số {}{}",
        e.source_unit_name,
        e.letter.number.clone().unwrap_or_default(),
        e.letter.date.map(|d| format!(" ngày {}", domain::text::date_vi(d))).unwrap_or_default()
    );
    view! {
        <li class="inbox-item" data-item=item_id>
            <strong>{i.product_name.clone()}</strong> " — " {i.producer_name.clone()} <span class="muted">{format!(" ({})", i.commune_name)}</span>
            <div>{letter}</div>
            <div>{tr!("Kết quả cấp dưới: ", "Lower level's result: ")}{result_text(&i)}</div>
            <div>{tr!("Vào đợt: ", "Into the round: ")}{e.target_round_name.clone()}</div>
            <div class="badge">{move || lang.get().pick(vi, en)}</div>
            {i.reason.clone().map(|r| view! { <div class="muted">{tr!("Lý do: ", "Reason: ")}{r}</div> })}
            <p><A href=format!("/councils/{}/minutes", i.council_id)>{tr!("Biên bản họp hội đồng cấp dưới", "The lower level's council minutes")}</A></p>
            {documents_view(&i)}
            {i.target_dossier_id.map(|d| view! { <p><A href=format!("/dossiers/{d}")>{tr!("Mở hồ sơ trong đợt của bạn", "Open the dossier in your round")}</A></p> })}
            {pending.then(|| view! {
                <button type="button" class="button button-primary" on:click=move |_| { accept.dispatch(()); }>{tr!("Tiếp nhận vào đợt", "Accept into the round")}</button>
                <label for=format!("return-{item_id}")>{tr!("Lý do trả lại", "Reason for returning")}</label>
                <textarea id=format!("return-{item_id}") rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                <button type="button" class="button" on:click=move |_| { give_back.dispatch(()); }>{tr!("Trả lại", "Return")}</button>
            })}
            {action_result(accept)}
            {action_result(give_back)}
        </li>
    }
    .into_any()
}

/// Upload a package (ZIP) made by another binhchon instance into one of the caller's rounds.
#[component]
fn ImportSection(refresh: RwSignal<u32>) -> impl IntoView {
    let report = RwSignal::new(None::<ImportReport>);
    let on_response = Callback::new(move |body: String| report.set(serde_json::from_str::<ImportReport>(&body).ok()));
    let rounds = Resource::new(|| (), |_| crate::api::rounds::managed_rounds());
    view! {
        <section class="panel" id="nomination-import">
            <h2>{tr!("Nhập gói đề nghị (ZIP) từ hệ thống khác", "Import a nomination package (ZIP) from another system")}</h2>
            <p class="muted">{tr!("Gói được kiểm tra từng tệp (mã SHA-256, đường dẫn, dung lượng); gói có lỗi bị từ chối toàn bộ.", "Every file is checked (SHA-256, paths, size); a faulty package is refused as a whole.")}</p>
            // The round list and the upload come from the same resolved resource, so the page
            // the server sends and the one the browser hydrates have the same shape.
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = rounds.await.unwrap_or_default();
                    let open: Vec<_> = list.into_iter().filter(|r| r.round.state.accepts_registrations()).collect();
                    let Some(first) = open.first().map(|r| r.round.id.to_string()) else {
                        return view! {
                            <p class="muted" id="import-no-round">{tr!("Chưa có đợt nào của bạn đang nhận hồ sơ: hãy mở đăng ký một đợt trước khi nhập gói.", "None of your rounds is taking registrations: open one before importing a package.")}</p>
                        }.into_any();
                    };
                    let round = RwSignal::new(first);
                    view! {
                        <label for="import-round">{tr!("Đợt nhận", "Receiving round")}</label>
                        <select id="import-round" on:change=move |ev| round.set(event_target_value(&ev))>
                            {open.iter().map(|r| view! { <option value=r.round.id.to_string()>{r.round.name.clone()}</option> }).collect_view()}
                        </select>
                        {move || view! {
                            <FileUpload url=format!("/files/rounds/{}/nominations/import", round.get()) accept=".zip,application/zip".to_string()
                                input_id="import-file".to_string() on_uploaded=Callback::new(move |_| refresh.update(|n| *n += 1)) on_response=on_response/>
                        }}
                    }.into_any()
                })}
            </Transition>
            {move || report.get().map(|r| view! {
                <div class="import-report" role="status" id="import-report">
                    <p><strong>{if r.imported { "Đã nhập gói đề nghị" } else { "Không nhập được gói đề nghị" }}</strong>
                        {r.source_round.clone().map(|s| format!(" — {s}"))}</p>
                    {(!r.errors_vi.is_empty()).then(|| view! { <ul class="field-error">{r.errors_vi.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}</ul> })}
                    {(!r.accepted.is_empty()).then(|| view! {
                        <p><strong>"Đã tiếp nhận:"</strong></p>
                        <ul>{r.accepted.iter().map(|l| view! { <li>{format!("{} — {}", l.product, l.producer)}</li> }).collect_view()}</ul>
                    })}
                    {(!r.refused.is_empty()).then(|| view! {
                        <p class="field-error"><strong>"Bị từ chối:"</strong></p>
                        <ul class="field-error">{r.refused.iter().map(|l| view! { <li>{format!("{} — {}: {}", l.product, l.producer, l.reason_vi.clone().unwrap_or_default())}</li> }).collect_view()}</ul>
                    })}
                </div>
            })}
        </section>
    }
}
