//! The office's screens: rounds (create, move through phases, adapt the checklist) and dossier
//! intake; and the commune officer's list of dossiers to confirm.

use domain::{
    access::Programme,
    workflow::round::{RoundAction, RoundState},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};

use crate::{
    api::{
        dossiers::{commune_dossiers, intake, DossierRow},
        rounds::{get_round, managed_rounds, round_act, round_options, set_checklist, ChecklistEditView, CreateRound, RoundChoices, RoundDetail},
        scoring::{councils_of_round, CouncilSummary, CreateCouncil},
    },
    components::forms::{action_error, invalid, ErrorNotice, ErrorSummary, FieldError, FormError},
    i18n::{format_date, format_ts, use_lang},
    pages::status::{dossier_state_label, registration_type_label, round_state_label, state_class},
    tr,
};

#[component]
pub fn RoundsPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateRound>::new();
    let rounds = Resource::new(move || create.version().get(), |_| managed_rounds());
    let options = Resource::new(|| (), |_| round_options());
    let error = action_error(create.value());
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Đợt đánh giá", "Rounds").to_string()/>
        <h1>{tr!("Đợt đánh giá, bình chọn", "Rounds")}</h1>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(o) => view! { <NewRoundForm options=o action=create error=error/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match rounds.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">{tr!("Chưa có đợt nào.", "No rounds yet.")}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="data-table" id="rounds">
                                <thead><tr>
                                    <th>{tr!("Đợt", "Round")}</th>
                                    <th>{tr!("Chương trình", "Programme")}</th>
                                    <th>{tr!("Nhận hồ sơ", "Registration")}</th>
                                    <th>{tr!("Trạng thái", "Status")}</th>
                                    <th>{tr!("Hồ sơ đã nộp", "Dossiers")}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|d| {
                                        let r = d.round;
                                        let (p, s) = (r.programme, r.state);
                                        view! {
                                            <tr>
                                                <td data-label=move || lang.get().pick("Đợt", "Round")><A href=format!("/office/rounds/{}", r.id)>{r.name.clone()}</A>
                                                    <div class="muted">{r.unit_name.clone()} " · " {r.year}</div></td>
                                                <td data-label=move || lang.get().pick("Chương trình", "Programme")>{move || lang.get().pick(p.name_vi(), p.name_en())}</td>
                                                <td data-label=move || lang.get().pick("Nhận hồ sơ", "Registration")>{format!("{} – {}", format_date(r.registration_opens), format_date(r.registration_closes))}</td>
                                                <td data-label=move || lang.get().pick("Trạng thái", "Status")>{move || round_state_label(s, lang.get())}</td>
                                                <td data-label=move || lang.get().pick("Hồ sơ đã nộp", "Dossiers")>
                                                    <A href=format!("/office/dossiers?round={}", r.id)>{d.dossier_count}</A>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn NewRoundForm(options: RoundChoices, action: ServerAction<CreateRound>, error: FormError) -> impl IntoView {
    let lang = use_lang();
    let programme = RwSignal::new(options.programmes.first().map(|p| p.code().to_string()).unwrap_or_default());
    let rule_sets = StoredValue::new(options.rule_sets.clone());
    let year = options.year.to_string();
    view! {
        <details class="panel" open=move || error.get().is_some()>
            <summary>{tr!("Tạo đợt mới", "Create a round")}</summary>
            <ErrorSummary error=error/>
            {move || matches!(action.value().get(), Some(Ok(_))).then(|| view! {
                <div class="notice notice-success" role="status">{tr!("Đã tạo đợt (đang soạn). Mở đợt để chỉnh danh mục hồ sơ và mở nhận hồ sơ.", "Round created as a draft. Open it to adapt the checklist and open registration.")}</div>
            })}
            <ActionForm action=action attr:id="new-round">
                <div class="field">
                    <label for="programme">{tr!("Chương trình", "Programme")}</label>
                    <select id="programme" name="programme" on:change=move |ev| programme.set(event_target_value(&ev))>
                        {options.programmes.iter().copied().map(|p: Programme| view! {
                            <option value=p.code()>{move || lang.get().pick(p.name_vi(), p.name_en())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field" id="rule_set_id">
                    <span class="label">{tr!("Bộ tiêu chí", "Rule set")}</span>
                    <p class="hint">{tr!(
                        "Chọn một phiên bản đã ban hành; mặc định là phiên bản đang có hiệu lực. Đợt chấm theo đúng phiên bản này, và từ khi tạo đợt phiên bản đó không sửa được nữa (muốn sửa thì tạo phiên bản mới).",
                        "Choose a published version; the one in force today is preselected. The round scores with exactly this version, which can no longer change once the round exists (a change is a new version)."
                    )}</p>
                    <FieldError error=error field="rule_set_id"/>
                    <div class="radios">
                        {move || rule_sets.get_value().into_iter().filter(|r| r.programme.code() == programme.get()).map(|r| {
                            let (input_id, label_for) = (format!("rule-set-{}", r.id), format!("rule-set-{}", r.id));
                            let levels_vi: Vec<&str> = r.levels.iter().map(|l| l.name_vi()).collect();
                            let levels_en: Vec<&str> = r.levels.iter().map(|l| l.name_en()).collect();
                            let from = format_date(r.effective_from);
                            let about_vi = format!("{} · hiệu lực từ {from} · cấp chấm: {}", r.legal_summary, levels_vi.join(", "));
                            let about_en = format!("{} · in force from {from} · scored at: {}", r.legal_summary, levels_en.join(", "));
                            let (name_vi, name_en, version) = (r.name_vi.clone(), r.name_en.clone(), r.version);
                            view! {
                                <label class="radio" for=label_for>
                                    <input type="radio" id=input_id name="rule_set_id" value=r.id.to_string() checked=r.current/>
                                    <span>
                                        <strong>{move || lang.get().pick(name_vi.clone(), name_en.clone())}</strong>
                                        {move || lang.get().pick(format!(" · phiên bản {version}"), format!(" · version {version}"))}
                                        <span class="muted rule-set-about">{move || lang.get().pick(about_vi.clone(), about_en.clone())}</span>
                                    </span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </div>
                <div class="field">
                    <label for="round_name">{tr!("Tên đợt", "Round name")}</label>
                    <FieldError error=error field="name"/>
                    <input id="round_name" name="name" type="text" maxlength="200" required aria-invalid=invalid(error, "name")
                        placeholder=move || lang.get().pick("Ví dụ: Đánh giá, phân hạng sản phẩm OCOP năm 2026", "e.g. OCOP evaluation 2026")/>
                </div>
                <div class="field">
                    <label for="unit_id">{tr!("Đơn vị tổ chức", "Organising unit")}</label>
                    <FieldError error=error field="unit_id"/>
                    <select id="unit_id" name="unit_id">
                        {options.units.iter().map(|u| view! { <option value=u.id.to_string()>{format!("{}{}", "\u{a0}\u{a0}".repeat(u.depth), u.name)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="year">{tr!("Năm", "Year")}</label>
                    <FieldError error=error field="year"/>
                    <input id="year" name="year" type="number" min="2000" max="2100" value=year required/>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="registration_opens">{tr!("Bắt đầu nhận hồ sơ", "Registration opens")}</label>
                        <FieldError error=error field="registration_opens"/>
                        <input id="registration_opens" name="registration_opens" type="date" required/>
                    </div>
                    <div class="field">
                        <label for="registration_closes">{tr!("Hạn nộp hồ sơ", "Registration deadline")}</label>
                        <FieldError error=error field="registration_closes"/>
                        <input id="registration_closes" name="registration_closes" type="date" required/>
                    </div>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="scoring_opens">{tr!("Bắt đầu chấm (dự kiến)", "Scoring starts (planned)")}</label>
                        <FieldError error=error field="scoring_opens"/>
                        <input id="scoring_opens" name="scoring_opens" type="date"/>
                    </div>
                    <div class="field">
                        <label for="scoring_closes">{tr!("Kết thúc chấm (dự kiến)", "Scoring ends (planned)")}</label>
                        <FieldError error=error field="scoring_closes"/>
                        <input id="scoring_closes" name="scoring_closes" type="date"/>
                    </div>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>{tr!("Tạo đợt", "Create round")}</button>
            </ActionForm>
        </details>
    }
}

#[component]
pub fn RoundPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let round = Resource::new(
        move || (params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok())), reload.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_round(id).await,
                None => Err(crate::errors::AppError::NotFound),
            }
        },
    );
    // The round's councils load beside the round (resources stay at the page's top level).
    let councils = Resource::new(
        move || (params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok())), reload.get()),
        |(id, _)| async move {
            match id {
                Some(id) => councils_of_round(id).await,
                None => Err(crate::errors::AppError::NotFound),
            }
        },
    );
    // The round's recognition decision, if drafted (shown once the results are final).
    let decision = Resource::new(
        move || (params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok())), reload.get()),
        |(id, _)| async move {
            match id {
                Some(id) => crate::api::results::decision_of_round(id).await,
                None => Err(crate::errors::AppError::NotFound),
            }
        },
    );
    let on_change = Callback::new(move |_| reload.update(|v| *v += 1));
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Đợt", "Round").to_string()/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match (round.await, councils.await, decision.await) {
                    (Ok(r), councils, decision) => {
                        let round_id = r.round.id;
                        // Once the results are final no council can be added.
                        let settled = matches!(r.round.state, RoundState::Finalised | RoundState::Published | RoundState::Archived);
                        view! {
                            <RoundScreen detail=r on_change=on_change/>
                            {settled.then(|| view! { <ExportsSection round_id=round_id/> })}
                            {settled.then(|| view! { <crate::pages::results::RoundDecisionSection round_id=round_id decision=decision/> })}
                            <CouncilsSection round_id=round_id settled=settled councils=councils/>
                        }.into_any()
                    }
                    (Err(e), _, _) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A finalised round's results as workbooks (plain downloads, built by the server).
#[component]
fn ExportsSection(round_id: i64) -> impl IntoView {
    let link = move |kind: &'static str| format!("/files/rounds/{round_id}/export/{kind}.xlsx");
    view! {
        <section class="panel" id="round-exports">
            <h2>{tr!("Tải bảng kết quả (Excel)", "Download the results (Excel)")}</h2>
            <ul class="downloads">
                <li><a href=link("summary") rel="external" download id="export-summary">{tr!("Bảng tổng hợp kết quả chấm điểm", "Score summary")}</a>
                    <span class="muted">{tr!(" — mỗi sản phẩm một dòng: điểm trung bình, hạng sao, kết quả, tổng điểm của từng thành viên", " — a row per product: mean, stars, outcome, each member's total")}</span></li>
                <li><a href=link("detail") rel="external" download id="export-detail">{tr!("Bảng điểm chi tiết", "Detailed scores")}</a>
                    <span class="muted">{tr!(" — từng thành viên, từng tiêu chí", " — per member, per criterion")}</span></li>
                <li><a href=link("nominations") rel="external" download id="export-nominations">{tr!("Danh sách trích ngang sản phẩm đề nghị cấp trên", "Nomination list for the next level")}</a></li>
            </ul>
            <p><A href=format!("/office/rounds/{round_id}/nomination") attr:id="nomination-link">{tr!("Lập hồ sơ đề nghị cấp trên →", "Prepare the nomination to the next level →")}</A></p>
        </section>
    }
}

/// The round's councils (hội đồng) and the form that sets up a new one; the council's own page
/// takes it from there (members, products, conflicts).
#[component]
fn CouncilsSection(round_id: i64, settled: bool, councils: Result<Vec<CouncilSummary>, crate::errors::AppError>) -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateCouncil>::new();
    let error = action_error(create.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/councils/{id}"), Default::default());
        }
    });
    // A decision cannot be dated in the future (Vietnam's date, UTC+7).
    let today = crate::i18n::today_vn();
    let list = match councils {
        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
        Ok(list) if list.is_empty() => view! {
            <p class="empty">{tr!("Đợt này chưa có hội đồng. Lập hội đồng theo quyết định thành lập bên dưới.", "This round has no council yet. Set one up from its establishing decision below.")}</p>
        }.into_any(),
        Ok(list) => view! {
            <ul class="council-list" id="councils">
                {list.into_iter().map(|s| {
                    let c = s.council;
                    let (members, products) = (s.members, s.products);
                    view! {
                        <li class="card council-card" data-council=c.id.to_string()>
                            <strong><A href=format!("/councils/{}", c.id)>{c.name.clone()}</A></strong>
                            <div class="muted">{move || lang.get().pick(
                                format!("Quyết định số {} ngày {}", c.decision_no, format_date(c.decision_date)),
                                format!("Decision {} of {}", c.decision_no, format_date(c.decision_date)),
                            )}</div>
                            <div>{move || lang.get().pick(
                                format!("{members} thành viên · {products} sản phẩm"),
                                format!("{members} members · {products} products"),
                            )}</div>
                            <p class="council-links">
                                <A href=format!("/councils/{}", c.id)>{tr!("Thành phần, phân công", "Members, assignments")}</A>
                                <A href=format!("/councils/{}/board", c.id)>{tr!("Bảng tổng hợp", "Board")}</A>
                                <A href=format!("/councils/{}/minutes", c.id)>{tr!("Biên bản", "Minutes")}</A>
                            </p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }.into_any(),
    };
    view! {
        <section class="panel" id="round-councils">
            <h2>{tr!("Hội đồng", "Councils")}</h2>
            {list}
            {(!settled).then(|| view! {
            <details class="council-new" open=move || error.get().is_some()>
                <summary>{tr!("Lập hội đồng mới", "Set up a council")}</summary>
                <p class="hint">{tr!(
                    "Nhập theo quyết định thành lập hội đồng. Sau khi lưu, bạn thêm thành viên và phân công sản phẩm trên trang của hội đồng.",
                    "Enter it as the establishing decision reads. Once saved, add the members and assign products on the council's page."
                )}</p>
                <ErrorSummary error=error/>
                <ActionForm action=create attr:id="new-council">
                    <input type="hidden" name="round_id" value=round_id.to_string()/>
                    <div class="field">
                        <label for="name">{tr!("Tên hội đồng", "Council name")}</label>
                        <FieldError error=error field="name"/>
                        <input id="name" name="name" type="text" maxlength="200" required aria-invalid=invalid(error, "name")
                            placeholder=move || lang.get().pick("Ví dụ: Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện", "e.g. District OCOP evaluation council")/>
                    </div>
                    <div class="field-row">
                        <div class="field">
                            <label for="decision_no">{tr!("Số quyết định thành lập", "Decision number")}</label>
                            <FieldError error=error field="decision_no"/>
                            <input id="decision_no" name="decision_no" type="text" maxlength="60" required aria-invalid=invalid(error, "decision_no") placeholder="125/QĐ-UBND"/>
                        </div>
                        <div class="field">
                            <label for="decision_date">{tr!("Ngày ký quyết định", "Decision date")}</label>
                            <FieldError error=error field="decision_date"/>
                            <input id="decision_date" name="decision_date" type="date" max=today required aria-invalid=invalid(error, "decision_date")/>
                        </div>
                    </div>
                    <button type="submit" class="button" id="create-council" disabled=move || create.pending().get()>{tr!("Lập hội đồng", "Set up the council")}</button>
                </ActionForm>
            </details>
            })}
        </section>
    }
}

#[component]
fn RoundScreen(detail: RoundDetail, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let r = detail.round.clone();
    let id = r.id;
    let act = Action::new(move |a: &RoundAction| {
        let a = *a;
        async move { round_act(id, a.code().to_string()).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = act.value().get() {
            on_change.run(());
        }
    });
    let state = r.state;
    let editable_checklist = matches!(state, domain::workflow::round::RoundState::Draft | domain::workflow::round::RoundState::RegistrationOpen);
    view! {
        <h1>{r.name.clone()}</h1>
        <p><A href="/office/rounds">{tr!("← Tất cả các đợt", "← All rounds")}</A></p>
        <dl class="facts">
            <dt>{tr!("Chương trình", "Programme")}</dt><dd>{move || lang.get().pick(r.programme.name_vi(), r.programme.name_en())}</dd>
            <dt>{tr!("Bộ tiêu chí", "Rule set")}</dt>
            <dd id="round-rule-set"><A href=format!("/rulesets/{}", r.rule_set_id)>{r.rule_set_name.clone()}</A>
                {move || lang.get().pick(format!(" · phiên bản {}", r.rule_set_version), format!(" · version {}", r.rule_set_version))}</dd>
            <dt>{tr!("Đơn vị, năm", "Unit, year")}</dt><dd>{format!("{} · {}", r.unit_name, r.year)}</dd>
            <dt>{tr!("Nhận hồ sơ", "Registration")}</dt><dd>{format!("{} – {}", format_date(r.registration_opens), format_date(r.registration_closes))}</dd>
            <dt>{tr!("Chấm điểm", "Scoring")}</dt>
            <dd>{match (r.scoring_opens, r.scoring_closes) {
                (Some(a), Some(b)) => format!("{} – {}", format_date(a), format_date(b)),
                (Some(a), None) => format_date(a),
                _ => "—".into(),
            }}</dd>
            <dt>{tr!("UBND xã xác nhận hồ sơ", "Commune confirms dossiers")}</dt>
            <dd>{move || if r.commune_precheck { lang.get().pick("Có", "Yes") } else { lang.get().pick("Không", "No") }}</dd>
            <dt>{tr!("Trạng thái", "Status")}</dt><dd id="round-state">{move || round_state_label(state, lang.get())}</dd>
            <dt>{tr!("Hồ sơ đã nộp", "Dossiers filed")}</dt>
            <dd><A href=format!("/office/dossiers?round={id}")>{detail.dossier_count}</A></dd>
        </dl>
        {(state == domain::workflow::round::RoundState::RegistrationOpen && !detail.filing_open).then(|| view! {
            <p class="notice notice-warning">{tr!("Đợt đang mở nhưng hôm nay nằm ngoài thời hạn nhận hồ sơ, nên chủ thể chưa nộp được.", "The round is open but today is outside the registration window, so producers cannot file.")}</p>
        })}
        {move || act.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNotice error=e/> })}
        <div class="actions">
            {detail.actions.iter().copied().map(|a| view! {
                <button type="button" class="button" id=format!("round-{}", a.code()) disabled=move || act.pending().get()
                    on:click=move |_| { act.dispatch(a); }>
                    {move || lang.get().pick(a.label_vi(), a.label_en())}
                </button>
            }).collect_view()}
        </div>
        <ChecklistEditor detail=detail editable=editable_checklist on_change=on_change/>
    }
}

#[component]
fn ChecklistEditor(detail: RoundDetail, editable: bool, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let id = detail.round.id;
    let items = RwSignal::new(
        detail
            .round
            .checklist
            .iter()
            .map(|i| ChecklistEditView {
                code: i.code.clone(),
                name_vi: i.name_vi.clone(),
                required: i.required,
                kind: match i.kind {
                    domain::ruleset::ItemKind::Document => "document",
                    domain::ruleset::ItemKind::Photo => "photo",
                    domain::ruleset::ItemKind::Sample => "sample",
                }
                .to_string(),
                min_count: i.min_count,
            })
            .collect::<Vec<_>>(),
    );
    let save = Action::new(move |_: &()| {
        let list = items.get_untracked();
        async move { set_checklist(id, list).await }
    });
    let error: FormError = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            on_change.run(());
        }
    });
    let indices = move || (0..items.with(|v| v.len())).collect::<Vec<usize>>();
    view! {
        <section class="panel" id="checklist">
            <h2>{tr!("Danh mục hồ sơ của đợt", "The round's dossier checklist")}</h2>
            <p class="hint">{tr!(
                "Lấy từ bộ tiêu chí; văn phòng có thể đổi thành phần bắt buộc, thêm thành phần cho đợt này, hoặc bỏ thành phần không bắt buộc. Chỉ sửa được trước khi chấm.",
                "Taken from the rule set; the office may change what is required, add items for this round, or drop optional ones. Only before scoring."
            )}</p>
            <ErrorSummary error=error/>
            <ol class="checklist-edit">
                <For each=indices key=|i: &usize| *i children=move |i| view! {
                    <li id=format!("item_{i}")>
                        <label class="visually-hidden" for=format!("cl-name-{i}")>{tr!("Tên thành phần", "Item name")}</label>
                        <input id=format!("cl-name-{i}") type="text" maxlength="300" disabled=!editable
                            prop:value=move || items.with(|v| v.get(i).map(|x| x.name_vi.clone()).unwrap_or_default())
                            on:input=move |ev| items.update(|v| if let Some(x) = v.get_mut(i) { x.name_vi = event_target_value(&ev) })/>
                        <label class="radio">
                            <input type="checkbox" disabled=!editable prop:checked=move || items.with(|v| v.get(i).is_some_and(|x| x.required))
                                on:change=move |ev| items.update(|v| if let Some(x) = v.get_mut(i) { x.required = event_target_checked(&ev) })/>
                            <span>{tr!("Bắt buộc", "Required")}</span>
                        </label>
                        {editable.then(|| view! {
                            <button type="button" class="link-button" on:click=move |_| items.update(|v| if i < v.len() { v.remove(i); })>
                                {tr!("Bỏ", "Remove")}
                            </button>
                        })}
                    </li>
                }/>
            </ol>
            {editable.then(|| view! {
                <div class="actions">
                    <button type="button" class="button-secondary" on:click=move |_| items.update(|v| v.push(ChecklistEditView {
                        code: String::new(), name_vi: String::new(), required: false, kind: "document".into(), min_count: 1,
                    }))>{tr!("Thêm thành phần", "Add an item")}</button>
                    <button type="button" class="button" id="save-checklist" disabled=move || save.pending().get() on:click=move |_| { save.dispatch(()); }>
                        {move || lang.get().pick("Lưu danh mục", "Save checklist")}
                    </button>
                </div>
            })}
        </section>
    }
}

#[component]
pub fn IntakePage() -> impl IntoView {
    let lang = use_lang();
    let query = leptos_router::hooks::use_query_map();
    let round = RwSignal::new(query.with_untracked(|q| q.get("round")).unwrap_or_default());
    let state = RwSignal::new(query.with_untracked(|q| q.get("state")).unwrap_or_default());
    let commune = RwSignal::new(String::new());
    let group = RwSignal::new(String::new());
    let reg = RwSignal::new(String::new());
    let rounds = Resource::new(|| (), |_| managed_rounds());
    let list = Resource::new(
        move || (round.get(), state.get(), commune.get(), group.get(), reg.get()),
        |(r, s, c, g, t)| intake(r.parse().ok(), Some(s), c.parse().ok(), Some(g), Some(t)),
    );
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Tiếp nhận hồ sơ", "Dossier intake").to_string()/>
        <h1>{tr!("Tiếp nhận hồ sơ", "Dossier intake")}</h1>
        <form class="filters" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="f-round">{tr!("Đợt", "Round")}</label>
                <select id="f-round" on:change=move |ev| round.set(event_target_value(&ev))>
                    <option value="">{tr!("Tất cả", "All")}</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            rounds.await.unwrap_or_default().into_iter().map(|d| {
                                let v = d.round.id.to_string();
                                let sel = v == round.get_untracked();
                                view! { <option value=v selected=sel>{d.round.name}</option> }
                            }).collect_view()
                        })}
                    </Transition>
                </select>
            </div>
            <div class="field">
                <label for="f-type">{tr!("Hình thức", "Registration")}</label>
                <select id="f-type" on:change=move |ev| reg.set(event_target_value(&ev))>
                    <option value="">{tr!("Tất cả", "All")}</option>
                    {domain::workflow::dossier::RegistrationType::ALL.iter().copied().map(|t| view! {
                        <option value=t.code()>{move || lang.get().pick(t.label_vi(), t.label_en())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-group">{tr!("Nhóm (mã)", "Group (code)")}</label>
                <input id="f-group" type="search" maxlength="20" placeholder="I.1" on:change=move |ev| group.set(event_target_value(&ev))/>
            </div>
        </form>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(data) => {
                        let total: i64 = data.counts.iter().map(|c| c.1).sum();
                        let communes = {
                            let mut c: Vec<(i64, String)> = data.rows.iter().map(|r| (r.commune_id, r.commune_name.clone())).collect();
                            c.sort();
                            c.dedup();
                            c
                        };
                        view! {
                            <div class="state-counts" role="group" aria-label=move || lang.get().pick("Lọc theo trạng thái", "Filter by status")>
                                <button type="button" class=move || if state.get().is_empty() { "chip chip-on" } else { "chip" } on:click=move |_| state.set(String::new())>
                                    {move || lang.get().pick(format!("Tất cả ({total})"), format!("All ({total})"))}
                                </button>
                                {data.counts.into_iter().map(|(s, n)| {
                                    let s2 = s.clone();
                                    let s3 = s.clone();
                                    view! {
                                        <button type="button" class=move || if state.get() == s2 { "chip chip-on" } else { "chip" } on:click=move |_| state.set(s3.clone())>
                                            {move || format!("{} ({n})", dossier_state_label(&s, lang.get()))}
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                            {(communes.len() > 1 || !commune.get_untracked().is_empty()).then(|| view! {
                                <div class="field">
                                    <label for="f-commune">{tr!("Xã", "Commune")}</label>
                                    <select id="f-commune" on:change=move |ev| commune.set(event_target_value(&ev))>
                                        <option value="">{tr!("Tất cả", "All")}</option>
                                        {communes.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                    </select>
                                </div>
                            })}
                            <DossierTable rows=data.rows/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn DossierTable(rows: Vec<DossierRow>) -> impl IntoView {
    let lang = use_lang();
    if rows.is_empty() {
        return view! { <p class="empty">{tr!("Không có hồ sơ nào.", "No dossiers.")}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="data-table" id="dossiers">
                <thead><tr>
                    <th>{tr!("Sản phẩm", "Product")}</th>
                    <th>{tr!("Chủ thể, xã", "Producer, commune")}</th>
                    <th>{tr!("Nhóm · hình thức", "Group · registration")}</th>
                    <th>{tr!("Ngày nộp", "Submitted")}</th>
                    <th>{tr!("Trạng thái", "Status")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|d| {
                        let state = d.state.clone();
                        let cls = state_class(&d.state);
                        let rt = d.registration_type.clone();
                        view! {
                            <tr>
                                <td data-label=move || lang.get().pick("Sản phẩm", "Product")><A href=format!("/dossiers/{}", d.id)>{d.product_name}</A>
                                    <div class="muted">{d.round_name}</div></td>
                                <td data-label=move || lang.get().pick("Chủ thể, xã", "Producer, commune")>{d.producer_name}<div class="muted">{d.commune_name}</div></td>
                                <td data-label=move || lang.get().pick("Nhóm · hình thức", "Group · registration")>{d.group_code} " · " {move || registration_type_label(&rt, lang.get())}</td>
                                <td data-label=move || lang.get().pick("Ngày nộp", "Submitted")>{d.submitted_at.map(|s| format_ts(&s)).unwrap_or_default()}</td>
                                <td data-label=move || lang.get().pick("Trạng thái", "Status")><span class=cls>{move || dossier_state_label(&state, lang.get())}</span></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn CommuneDossiersPage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new(|| (), |_| commune_dossiers());
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Hồ sơ cần xác nhận", "Dossiers to confirm").to_string()/>
        <h1>{tr!("Hồ sơ của xã cần xác nhận", "Dossiers from your commune")}</h1>
        <p class="lead">{tr!(
            "Theo quy định mới (QĐ 1489/QĐ-TTg, TT 38/2025/TT-BCT), UBND xã kiểm tra hồ sơ của chủ thể trên địa bàn rồi xác nhận, hoặc trả lại kèm lý do.",
            "Under the 2025 rules, the commune checks its producers' dossiers and confirms them, or returns them with a reason."
        )}</p>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(rows) => view! { <DossierTable rows=rows/> }.into_any(),
                }
            })}
        </Transition>
    }
}
