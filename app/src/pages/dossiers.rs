//! Dossiers: the producer's list and new-dossier form, and the dossier screen every role uses —
//! checklist with uploads and an inline viewer, the actions the caller may take, the timeline.

use domain::{
    access::Role,
    ruleset::ItemKind,
    workflow::dossier::{DossierAction, DossierState, RegistrationType},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::{use_navigate, use_params_map}};

use crate::{
    api::{
        dossiers::{create_dossier, dossier_act, get_dossier, my_dossiers, remove_file, update_dossier, DossierPageData, DossierView, ItemView},
        products::{list_products, GroupOption, ProductRow},
        rounds::{open_rounds, RoundDetail},
    },
    components::{
        forms::{invalid, ErrorNotice, ErrorSummary, FieldError, FormError},
        upload::FileUpload,
    },
    errors::AppError,
    i18n::{format_date, format_ts, use_lang},
    pages::status::{dossier_action_label, dossier_state_label, producer_next_step, registration_type_label, state_class},
    tr,
};

fn size_label(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

// ---------------------------------------------------------------------------------------------
// The producer's list and new dossier

#[component]
pub fn MyDossiersPage() -> impl IntoView {
    let lang = use_lang();
    let created = RwSignal::new(0u32);
    let rounds = Resource::new(|| (), |_| open_rounds());
    let products = Resource::new(|| (), |_| list_products());
    let dossiers = Resource::new(move || created.get(), |_| my_dossiers());
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Hồ sơ của tôi", "My dossiers").to_string()/>
        <h1>{tr!("Hồ sơ của tôi", "My dossiers")}</h1>
        <h2>{tr!("Đợt đang nhận hồ sơ", "Rounds open for filing")}</h2>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match (rounds.await, products.await) {
                    (Ok(rounds), Ok(products)) if rounds.is_empty() => {
                        let _ = products;
                        view! { <p class="empty">{tr!("Hiện chưa có đợt nào nhận hồ sơ ở địa bàn của bạn.", "No round is open for your area right now.")}</p> }.into_any()
                    }
                    (Ok(rounds), Ok(products)) => rounds.into_iter().map(|r| view! { <NewDossier round=r products=products.clone()/> }).collect_view().into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
        <h2>{tr!("Hồ sơ đã tạo", "Your dossiers")}</h2>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match dossiers.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">{tr!("Chưa có hồ sơ nào.", "No dossiers yet.")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="dossier-list" id="my-dossiers">
                            {list.into_iter().map(|d| {
                                let state = d.state.clone();
                                let state2 = d.state.clone();
                                let state3 = d.state.clone();
                                view! {
                                    <li class="dossier-card">
                                        <A href=format!("/dossiers/{}", d.id)><strong>{d.product_name}</strong></A>
                                        <div class="muted">{d.round_name}</div>
                                        <div><span class=state_class(&state3)>{move || dossier_state_label(&state, lang.get())}</span></div>
                                        <p class="next-step">{move || producer_next_step(&state2, lang.get())}</p>
                                        {d.supplement_deadline.filter(|_| d.state == "supplement_requested").map(|dl| view! {
                                            <p class="notice notice-warning">{move || lang.get().pick(format!("Hạn bổ sung: {dl}"), format!("Supplement deadline: {dl}"))}</p>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn NewDossier(round: RoundDetail, products: Vec<ProductRow>) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let r = round.round.clone();
    let programme = r.programme.code().to_string();
    let eligible: Vec<ProductRow> = products.into_iter().filter(|p| p.programme == programme).collect();
    let has_products = !eligible.is_empty();
    let product = RwSignal::new(eligible.first().map(|p| p.id).unwrap_or(0));
    let reg_type = RwSignal::new("first".to_string());
    let prev = RwSignal::new(String::new());
    let round_id = r.id;
    let create = Action::new(move |(product, reg, prev): &(i64, String, String)| {
        let (product, reg, prev) = (*product, reg.clone(), prev.clone());
        async move { create_dossier(round_id, product, reg, prev, String::new()).await }
    });
    let error: FormError = Signal::derive(move || create.value().get().and_then(|r: Result<i64, AppError>| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/dossiers/{id}"), Default::default());
        }
    });
    let closes = format_date(r.registration_closes);
    let name = r.name.clone();
    let prefix = format!("round-{round_id}");
    view! {
        <section class="panel round-open">
            <h3>{name}</h3>
            <p>
                <strong>{move || lang.get().pick(r.programme.name_vi(), r.programme.name_en())}</strong>
                " · " {r.unit_name.clone()} " · " {move || lang.get().pick(format!("năm {}", r.year), format!("year {}", r.year))}
            </p>
            <p class="deadline">{move || lang.get().pick(format!("Hạn nộp hồ sơ: {closes}"), format!("Deadline: {closes}"))}</p>
            {(!round.filing_open).then(|| view! {
                <p class="notice notice-warning">{tr!("Đợt chưa đến ngày nhận hồ sơ.", "The round is not yet taking dossiers.")}</p>
            })}
            {if !has_products {
                view! {
                    <p>{tr!("Bạn chưa có sản phẩm nào của chương trình này. ", "You have no product in this programme yet. ")}
                        <A href="/products/new">{tr!("Thêm sản phẩm", "Add a product")}</A></p>
                }.into_any()
            } else {
                let p1 = prefix.clone();
                let p2 = prefix.clone();
                let p3 = prefix.clone();
                view! {
                    <ErrorSummary error=error/>
                    <form on:submit=move |ev| { ev.prevent_default(); create.dispatch((product.get_untracked(), reg_type.get_untracked(), prev.get_untracked())); }>
                        <div class="field">
                            <label for=format!("{p1}-product")>{tr!("Sản phẩm", "Product")}</label>
                            <FieldError error=error field="product_id"/>
                            <select id=format!("{p1}-product") on:change=move |ev| product.set(event_target_value(&ev).parse().unwrap_or(0))>
                                {eligible.into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field" id="registration_type">
                            <span class="label">{tr!("Hình thức đăng ký", "Kind of registration")}</span>
                            <FieldError error=error field="registration_type"/>
                            <div class="radios">
                                {RegistrationType::ALL.iter().copied().map(|t| {
                                    let p2 = p2.clone();
                                    view! {
                                        <label class="radio">
                                            <input type="radio" name=format!("{p2}-regtype") value=t.code() prop:checked=move || reg_type.get() == t.code()
                                                on:change=move |_| reg_type.set(t.code().to_string())/>
                                            <span>{move || lang.get().pick(t.label_vi(), t.label_en())}</span>
                                        </label>
                                    }
                                }).collect_view()}
                            </div>
                        </div>
                        <Show when=move || reg_type.get() != "first">
                            <div class="field">
                                <label for=format!("{p3}-prev")>{tr!("Số giấy chứng nhận hoặc quyết định công nhận đang có", "Number of the current certificate or recognition decision")}</label>
                                <FieldError error=error field="previous_certificate"/>
                                <input id=format!("{p3}-prev") type="text" maxlength="80" prop:value=prev on:input=move |ev| prev.set(event_target_value(&ev))/>
                            </div>
                        </Show>
                        <button type="submit" class="button" disabled=move || create.pending().get() || !round.filing_open>
                            {tr!("Tạo hồ sơ", "Start the dossier")}
                        </button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// The dossier screen

#[component]
pub fn DossierPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let data = Resource::new(
        move || (params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok())), reload.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_dossier(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let on_change = Callback::new(move |_| reload.update(|v| *v += 1));
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Hồ sơ", "Dossier").to_string()/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <DossierScreen data=d on_change=on_change/> }.into_any(),
                    Err(e) => view! { <h1>{tr!("Hồ sơ", "Dossier")}</h1><ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The document being looked at in the inline viewer.
#[derive(Clone, PartialEq)]
struct Viewing {
    url: String,
    mime: String,
    name: String,
}

#[component]
fn DossierScreen(data: DossierPageData, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let d = data.dossier;
    let viewing = RwSignal::new(None::<Viewing>);
    let state_code = d.state.code();
    let is_producer = d.role == Role::Producer;
    let closes = format_date(d.round.registration_closes);
    let round_line = format!("{} · {}", d.round.name, d.round.unit_name);
    let details_editable = is_producer && matches!(d.state, DossierState::Draft | DossierState::ReturnedByCommune);
    let supplement_box = (d.state == DossierState::SupplementRequested).then(|| {
        let names: Vec<String> = d
            .supplement_items
            .iter()
            .filter_map(|c| d.round.checklist.iter().find(|i| &i.code == c))
            .map(|i| i.name_vi.clone())
            .collect();
        (d.supplement_reason.clone().unwrap_or_default(), d.supplement_deadline.clone().unwrap_or_default(), names)
    });
    let id = d.id;
    view! {
        <h1>{d.product_name.clone()}</h1>
        <p class="lead">{d.producer_name.clone()} " · " {d.commune_name.clone()}</p>
        <dl class="facts">
            <dt>{tr!("Đợt", "Round")}</dt><dd>{round_line}</dd>
            <dt>{tr!("Trạng thái", "Status")}</dt>
            <dd><span class=state_class(state_code) id="dossier-state">{move || dossier_state_label(state_code, lang.get())}</span></dd>
            <dt>{tr!("Hình thức", "Registration")}</dt>
            <dd>{let rt = d.registration_type.code(); move || registration_type_label(rt, lang.get())}
                {d.previous_certificate.clone().map(|c| format!(" · {c}"))}</dd>
            <dt>{tr!("Nhóm sản phẩm", "Product group")}</dt><dd>{d.group_name.clone()}</dd>
            <dt>{tr!("Hạn nộp hồ sơ", "Filing deadline")}</dt><dd>{closes}</dd>
            {d.submitted_at.clone().map(|s| view! { <dt>{tr!("Ngày nộp", "Submitted")}</dt><dd>{format_ts(&s)}</dd> })}
        </dl>
        {is_producer.then(|| view! { <p class="notice next-step">{move || producer_next_step(state_code, lang.get())}</p> })}
        {supplement_box.map(|(reason, deadline, names)| view! {
            <section class="notice notice-warning" id="supplement-request">
                <h2>{tr!("Yêu cầu bổ sung", "Supplement requested")}</h2>
                <p>{reason}</p>
                <ul>{names.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                <p><strong>{move || lang.get().pick(format!("Hạn bổ sung: {deadline}"), format!("Deadline: {deadline}"))}</strong></p>
            </section>
        })}
        {d.decision_reason.clone().filter(|_| matches!(d.state, DossierState::Rejected | DossierState::ReturnedByCommune)).map(|r| view! {
            <p class="notice notice-error">{tr!("Lý do: ", "Reason: ")}{r}</p>
        })}
        <p class="print-links">
            <a href=format!("/dossiers/{id}/print/registration") target="_blank" rel="noopener">{tr!("Phiếu đăng ký (bản in)", "Registration form (print)")}</a>
            " · "
            <a href=format!("/dossiers/{id}/print/description") target="_blank" rel="noopener">{tr!("Bản thuyết minh sản phẩm (bản in)", "Product description (print)")}</a>
        </p>
        {details_editable.then(|| view! { <DetailsForm dossier=d.clone() groups=data.groups.clone() on_change=on_change/> })}
        <div class="dossier-layout">
            <section class="checklist" aria-labelledby="checklist-title">
                <h2 id="checklist-title">{tr!("Thành phần hồ sơ", "Documents")}</h2>
                <ul class="checklist-items">
                    {d.items.iter().cloned().map(|item| view! { <ChecklistRow item=item dossier_id=id version=d.version product_id=d.product_id viewing=viewing on_change=on_change/> }).collect_view()}
                </ul>
                <p class="muted">{move || lang.get().pick(format!("Tổng dung lượng: {}", size_label(d.total_bytes)), format!("Total size: {}", size_label(d.total_bytes)))}</p>
            </section>
            <Viewer viewing=viewing/>
        </div>
        <Actions dossier=d.clone() on_change=on_change/>
        <section class="panel" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{tr!("Lịch sử hồ sơ", "Timeline")}</h2>
            <ol class="timeline" id="timeline">
                {d.events.iter().cloned().map(|e| {
                    let action = e.action.clone();
                    let label = move || match DossierAction::from_code(&action) {
                        Some(a) => dossier_action_label(a, lang.get()).to_string(),
                        None if action == "create" => lang.get().pick("Tạo hồ sơ", "Dossier started").to_string(),
                        None => action.clone(),
                    };
                    view! {
                        <li>
                            <span class="muted">{format_ts(&e.at)}</span>
                            " · " <strong>{label}</strong> " · " {e.actor.clone()}
                            {e.note.clone().map(|n| view! { <div>{n}</div> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn DetailsForm(dossier: DossierView, groups: Vec<GroupOption>, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let reg = RwSignal::new(dossier.registration_type.code().to_string());
    let prev = RwSignal::new(dossier.previous_certificate.clone().unwrap_or_default());
    let group = RwSignal::new(dossier.group_code.clone());
    let self_assessment = RwSignal::new(dossier.self_assessment.clone().unwrap_or_default());
    let (id, version) = (dossier.id, dossier.version);
    let save = Action::new(move |_: &()| {
        let (r, p, g, s) = (reg.get_untracked(), prev.get_untracked(), group.get_untracked(), self_assessment.get_untracked());
        async move { update_dossier(id, version, r, p, g, s).await }
    });
    let error: FormError = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            on_change.run(());
        }
    });
    view! {
        <details class="panel" open=move || error.get().is_some()>
            <summary>{tr!("Thông tin đăng ký và tự đánh giá", "Registration details and self-assessment")}</summary>
            <ErrorSummary error=error/>
            <form on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                <div class="field" id="registration_type">
                    <span class="label">{tr!("Hình thức đăng ký", "Kind of registration")}</span>
                    <div class="radios">
                        {RegistrationType::ALL.iter().copied().map(|t| view! {
                            <label class="radio">
                                <input type="radio" name="registration_type" value=t.code() prop:checked=move || reg.get() == t.code()
                                    on:change=move |_| reg.set(t.code().to_string())/>
                                <span>{move || lang.get().pick(t.label_vi(), t.label_en())}</span>
                            </label>
                        }).collect_view()}
                    </div>
                </div>
                <Show when=move || reg.get() != "first">
                    <div class="field">
                        <label for="previous_certificate">{tr!("Số giấy chứng nhận đang có", "Current certificate number")}</label>
                        <FieldError error=error field="previous_certificate"/>
                        <input id="previous_certificate" type="text" maxlength="80" prop:value=prev on:input=move |ev| prev.set(event_target_value(&ev))/>
                    </div>
                </Show>
                <div class="field">
                    <label for="group_code">{tr!("Nhóm sản phẩm theo bộ tiêu chí của đợt", "Product group in the round's rule set")}</label>
                    <FieldError error=error field="group_code"/>
                    <select id="group_code" on:change=move |ev| group.set(event_target_value(&ev)) aria-invalid=invalid(error, "group_code")>
                        {groups.into_iter().map(|g| {
                            let selected = g.code == group.get_untracked();
                            view! { <option value=g.code.clone() selected=selected>{move || lang.get().pick(g.name_vi.clone(), g.name_en.clone())}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="self_assessment">{tr!("Tự đánh giá (không bắt buộc)", "Self-assessment (optional)")}</label>
                    <p class="hint">{tr!("Ghi ngắn gọn điểm mạnh của sản phẩm theo từng nhóm tiêu chí của phiếu chấm.", "Briefly note the product's strengths against each group of the score form.")}</p>
                    <FieldError error=error field="self_assessment"/>
                    <textarea id="self_assessment" rows="4" maxlength="8000" prop:value=self_assessment on:input=move |ev| self_assessment.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" class="button-secondary" disabled=move || save.pending().get()>{tr!("Lưu thông tin", "Save details")}</button>
            </form>
        </details>
    }
}

#[component]
fn ChecklistRow(item: ItemView, dossier_id: i64, version: i64, product_id: i64, viewing: RwSignal<Option<Viewing>>, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let code = item.item.code.clone();
    let name_vi = item.item.name_vi.clone();
    let name_en = item.item.name_en.clone().unwrap_or_else(|| name_vi.clone());
    let remove = Action::new(move |file: &i64| {
        let file = *file;
        async move { remove_file(file, version).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            on_change.run(());
        }
    });
    let accept = if item.item.accepted_types.is_empty() {
        "application/pdf,image/jpeg,image/png,image/webp".to_string()
    } else {
        item.item.accepted_types.join(",")
    };
    let min = item.item.min_count;
    let kind = item.item.kind;
    let row_id = format!("item-{code}");
    let (tick_class, tick) = if item.satisfied { ("tick ok", "✓") } else { ("tick missing", "○") };
    view! {
        <li class="checklist-item" class:requested=item.requested id=row_id.clone()>
            <div class="checklist-head">
                <span class=tick_class aria-hidden="true">{tick}</span>
                <span>
                    <strong>{move || lang.get().pick(name_vi.clone(), name_en.clone())}</strong>
                    {if item.item.required {
                        view! { <span class="required">{tr!(" (bắt buộc)", " (required)")}</span> }.into_any()
                    } else {
                        view! { <span class="muted">{tr!(" (nếu có)", " (if any)")}</span> }.into_any()
                    }}
                    {(min > 1).then(|| view! { <span class="muted">{move || lang.get().pick(format!(" · ít nhất {min}"), format!(" · at least {min}"))}</span> })}
                    {item.requested.then(|| view! { <span class="state state-warn">{tr!("cần bổ sung", "to supplement")}</span> })}
                </span>
            </div>
            {item.item.note_vi.clone().map(|n| view! { <p class="hint">{n}</p> })}
            {(kind == ItemKind::Sample).then(|| view! {
                <p class="hint">{tr!("Nộp mẫu sản phẩm trực tiếp tại văn phòng.", "Hand the samples in at the office.")}</p>
            })}
            {(kind == ItemKind::Photo).then(|| view! {
                <p class="hint">{tr!("Ảnh của sản phẩm được tính vào mục này. ", "The product's photos count here. ")}
                    <A href=format!("/products/{product_id}#photos")>{tr!("Xem, thêm ảnh sản phẩm", "See or add product photos")}</A></p>
                <ul class="photo-strip">
                    {item.product_photos.iter().map(|p| {
                        let url = format!("/files/photos/{}", p.id);
                        let name = p.file_name.clone();
                        let v = Viewing { url: url.clone(), mime: "image/jpeg".into(), name: name.clone() };
                        view! {
                            <li><button type="button" class="thumb-button" on:click=move |_| viewing.set(Some(v.clone()))>
                                <img src=format!("{url}?thumb=1") alt=name width="72" height="72" loading="lazy"/>
                            </button></li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <ul class="file-list">
                {item.files.iter().cloned().map(|f| {
                    let url = format!("/files/documents/{}", f.id);
                    let v = Viewing { url: url.clone(), mime: f.mime.clone(), name: f.name.clone() };
                    let fid = f.id;
                    view! {
                        <li>
                            <button type="button" class="link-button" on:click=move |_| viewing.set(Some(v.clone()))>{f.name.clone()}</button>
                            <span class="muted">" · " {size_label(f.size)}</span>
                            " · " <a href=url target="_blank" rel="noopener">{tr!("Mở", "Open")}</a>
                            {item.changeable.then(|| view! {
                                " · " <button type="button" class="link-button" on:click=move |_| { remove.dispatch(fid); }>{tr!("Xóa", "Remove")}</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || remove.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNotice error=e/> })}
            {item.changeable.then(|| {
                let input_id = format!("upload-{code}");
                view! {
                    <div class="field">
                        <label for=input_id.clone() class="upload-label">{tr!("Tải lên tệp (PDF hoặc ảnh)", "Upload files (PDF or pictures)")}</label>
                        <FileUpload url=format!("/files/dossiers/{dossier_id}/items/{code}") accept=accept input_id=input_id multiple=true on_uploaded=on_change/>
                    </div>
                }
            })}
        </li>
    }
}

#[component]
fn Viewer(viewing: RwSignal<Option<Viewing>>) -> impl IntoView {
    view! {
        <section class="viewer" aria-live="polite">
            {move || match viewing.get() {
                None => view! { <p class="muted viewer-empty">{tr!("Chọn một tài liệu để xem tại đây.", "Choose a document to view it here.")}</p> }.into_any(),
                Some(v) => {
                    let body = if v.mime == "application/pdf" {
                        view! { <iframe src=v.url.clone() title=v.name.clone() class="viewer-frame"></iframe> }.into_any()
                    } else {
                        view! { <img src=v.url.clone() alt=v.name.clone() class="viewer-image"/> }.into_any()
                    };
                    view! {
                        <div class="viewer-head">
                            <strong>{v.name.clone()}</strong>
                            <button type="button" class="link-button" on:click=move |_| viewing.set(None)>{tr!("Đóng", "Close")}</button>
                        </div>
                        {body}
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Actions(dossier: DossierView, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let (id, version) = (dossier.id, dossier.version);
    let reason = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let declaration = RwSignal::new(false);
    let chosen = RwSignal::new(Vec::<String>::new());
    let act = Action::new(move |action: &DossierAction| {
        let action = *action;
        let (r, items, dl, decl) = (reason.get_untracked(), chosen.get_untracked(), deadline.get_untracked(), declaration.get_untracked());
        async move { dossier_act(id, version, action.code().to_string(), Some(r), Some(items), Some(dl), Some(decl)).await }
    });
    let error: FormError = Signal::derive(move || act.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = act.value().get() {
            on_change.run(());
        }
    });
    let actions = dossier.actions.clone();
    if actions.is_empty() {
        return view! { <div></div> }.into_any();
    }
    let needs_reason = actions.iter().any(|a| matches!(a, DossierAction::CommuneReturn | DossierAction::RequestSupplement | DossierAction::Reject));
    let supplement = actions.contains(&DossierAction::RequestSupplement);
    let submit = actions.contains(&DossierAction::Submit);
    let items = dossier.items.clone();
    view! {
        <section class="panel actions-panel" aria-labelledby="actions-title">
            <h2 id="actions-title">{tr!("Xử lý hồ sơ", "Act on the dossier")}</h2>
            <ErrorSummary error=error/>
            {submit.then(|| view! {
                <div class="field" id="declaration">
                    <FieldError error=error field="declaration"/>
                    <label class="radio">
                        <input type="checkbox" id="declaration-box" prop:checked=declaration on:change=move |ev| declaration.set(event_target_checked(&ev))/>
                        <span>{tr!(
                            "Tôi cam kết nội dung hồ sơ và các tài liệu kèm theo là đúng sự thật, và chịu trách nhiệm trước pháp luật về nội dung đã kê khai.",
                            "I declare that the dossier and its documents are true, and I am responsible before the law for what I have declared."
                        )}</span>
                    </label>
                </div>
            })}
            {supplement.then(|| view! {
                <fieldset class="field" id="items">
                    <legend>{tr!("Thành phần cần bổ sung (khi yêu cầu bổ sung)", "Items to supplement (for a supplement request)")}</legend>
                    <FieldError error=error field="items"/>
                    {items.into_iter().map(|i| {
                        let code = i.item.code.clone();
                        let code2 = code.clone();
                        view! {
                            <label class="radio">
                                <input type="checkbox" value=code.clone() on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let c = code2.clone();
                                    chosen.update(|v| { v.retain(|x| *x != c); if on { v.push(c); } });
                                }/>
                                <span>{i.item.name_vi.clone()}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="deadline">{tr!("Hạn bổ sung", "Supplement deadline")}</label>
                    <FieldError error=error field="deadline"/>
                    <input id="deadline" type="date" prop:value=deadline on:input=move |ev| deadline.set(event_target_value(&ev))/>
                </div>
            })}
            {needs_reason.then(|| view! {
                <div class="field">
                    <label for="reason">{tr!("Lý do / nội dung gửi chủ thể", "Reason / message to the producer")}</label>
                    <p class="hint">{tr!("Bắt buộc khi trả lại, yêu cầu bổ sung hoặc từ chối.", "Required to return, to request a supplement or to reject.")}</p>
                    <FieldError error=error field="reason"/>
                    <textarea id="reason" rows="3" maxlength="2000" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))
                        aria-invalid=invalid(error, "reason")></textarea>
                </div>
            })}
            <div class="actions">
                {actions.into_iter().map(|a| {
                    let class = match a {
                        DossierAction::Reject | DossierAction::Withdraw | DossierAction::CommuneReturn => "button-secondary danger",
                        DossierAction::RequestSupplement => "button-secondary",
                        _ => "button",
                    };
                    view! {
                        <button type="button" class=class id=format!("act-{}", a.code()) disabled=move || act.pending().get()
                            on:click=move |_| {
                                let confirmed = a != DossierAction::Withdraw || window().confirm_with_message(
                                    lang.get_untracked().pick("Rút hồ sơ khỏi đợt? Việc này không hoàn tác được.", "Withdraw the dossier from the round? This cannot be undone.")
                                ).unwrap_or(false);
                                if confirmed {
                                    act.dispatch(a);
                                }
                            }>
                            {move || dossier_action_label(a, lang.get())}
                        </button>
                    }
                }).collect_view()}
            </div>
        </section>
    }
    .into_any()
}
