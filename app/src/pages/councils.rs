//! The council's page (trang hội đồng): the establishing decision, the members by role, the
//! products it scores and — for those who decide on it — each member's standing on each product:
//! the office forms the council, assigns dossiers and excludes members; the chair lets a member
//! with a conflict of interest score anyway, with a reason. Every rule is the service layer's
//! (`backend::councils`); this page only offers what the caller's standing allows.

use domain::{
    council::{ConflictReason, Entitlement, MemberRole},
    workflow::round::RoundState,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    api::scoring::{
        add_member, assign, get_council, remove_member, set_excluded, set_override, unassign, update_council, Assigned, CouncilPage, GridCell,
        Member,
    },
    components::forms::{invalid, ErrorNotice, ErrorSummary, FieldError, FormError},
    errors::AppError,
    i18n::{format_date, use_lang, Lang},
    pages::status::round_state_label,
    tr,
};

/// A new judge account's one-time password, shown to the office once after adding the member.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NewAccount {
    full_name: String,
    login: String,
    password: String,
}

/// The heading of each role's group, in the order of the decision.
fn role_heading(role: MemberRole, lang: Lang) -> &'static str {
    match role {
        MemberRole::Chair => lang.pick("Chủ tịch", "Chair"),
        MemberRole::ViceChair => lang.pick("Phó chủ tịch", "Vice-chairs"),
        MemberRole::Member => lang.pick("Thành viên", "Members"),
        MemberRole::Secretary => lang.pick("Thư ký — không chấm điểm", "Secretary — does not score"),
        MemberRole::Support => lang.pick("Tổ giúp việc", "Support team"),
    }
}

fn settled(state: RoundState) -> bool {
    matches!(state, RoundState::Finalised | RoundState::Published | RoundState::Archived)
}

#[component]
pub fn CouncilOverviewPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let refresh = RwSignal::new(0u32);
    let page = Resource::new(move || (id(), refresh.get()), |(id, _)| get_council(id));
    // Kept outside the reloading part of the page, so the password stays on screen after the
    // member list is fetched again — and is gone once the office leaves the page.
    let new_account = RwSignal::new(None::<NewAccount>);
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Hội đồng", "Council").to_string()/>
        {move || new_account.get().map(|a| {
            let NewAccount { full_name, login, password } = a;
            view! {
            <div class="notice notice-success temp-password" id="temp-password" role="status">
                <p>{move || lang.get().pick(
                    format!("Đã tạo tài khoản giám khảo cho {full_name} (đăng nhập bằng {login}). Mật khẩu tạm:"),
                    format!("A judge account was created for {full_name} (log-in: {login}). Temporary password:"),
                )}</p>
                <p class="secret" id="temp-password-value">{password}</p>
                <p>{tr!(
                    "Mật khẩu chỉ hiện một lần. Hãy ghi lại và trao tận tay cho thành viên; khi đăng nhập lần đầu, họ phải đổi mật khẩu.",
                    "It is shown only once. Note it down and hand it to the member in person; they must change it at their first log-in."
                )}</p>
                <button type="button" class="button-secondary small" on:click=move |_| new_account.set(None)>{tr!("Đã ghi lại, ẩn mật khẩu", "Noted, hide it")}</button>
            </div>
            }
        })}
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(p) => council_view(p, refresh, new_account).into_any(),
                }
            })}
        </Transition>
    }
}

fn council_view(p: CouncilPage, refresh: RwSignal<u32>, new_account: RwSignal<Option<NewAccount>>) -> impl IntoView {
    let lang = use_lang();
    let cid = p.council.id;
    let phase = p.round_state;
    let office = p.office;
    let open = p.composition_open && office;
    let keeper = office || p.my_role == Some(MemberRole::Secretary);
    let back = if office { format!("/office/rounds/{}", p.round_id) } else { "/judge".to_string() };
    let c = p.council.clone();
    view! {
        <h1>{c.name.clone()}</h1>
        <p class="muted">{p.round_name.clone()} " · " <span class="state">{move || round_state_label(phase, lang.get())}</span>
            {p.my_role.map(|r| view! { " · " {move || lang.get().pick(r.label_vi(), r.label_en())} })}</p>
        <p class="council-links">
            <A href=back>{move || if office { lang.get().pick("← Đợt đánh giá", "← The round") } else { lang.get().pick("← Chấm điểm", "← Scoring") }}</A>
            <A href=format!("/councils/{cid}/board")>{tr!("Bảng tổng hợp", "Board")}</A>
            <A href=format!("/councils/{cid}/minutes")>{tr!("Biên bản", "Minutes")}</A>
            {keeper.then(|| view! {
                <a href=format!("/files/councils/{cid}/paper-sheets.xlsx") download>{tr!("Mẫu nhập phiếu giấy (.xlsx)", "Paper-sheet template (.xlsx)")}</a>
            })}
        </p>
        <DecisionPanel page=p.clone() refresh=refresh/>
        <MembersPanel page=p.clone() refresh=refresh new_account=new_account/>
        <ProductsPanel page=p.clone() refresh=refresh/>
        {(!p.grid.is_empty()).then(|| view! { <GridPanel page=p.clone() refresh=refresh/> })}
        {(office && !open && !settled(phase)).then(|| view! {
            <p class="hint">{tr!(
                "Đợt đã mở chấm: thành viên và phân công sản phẩm không đổi được nữa; văn phòng vẫn loại được thành viên khỏi từng sản phẩm.",
                "Scoring has opened: members and assignments can no longer change; the office can still exclude a member from a product."
            )}</p>
        })}
    }
}

// ---------------------------------------------------------------------------------------------
// The decision

#[component]
fn DecisionPanel(page: CouncilPage, refresh: RwSignal<u32>) -> impl IntoView {
    let c = page.council.clone();
    let id = c.id;
    let editable = page.office && !settled(page.round_state);
    let name = RwSignal::new(c.name.clone());
    let decision_no = RwSignal::new(c.decision_no.clone());
    let decision_date = RwSignal::new(c.decision_date.to_string());
    let save = Action::new(move |_: &()| {
        let (n, no, d) = (name.get_untracked(), decision_no.get_untracked(), decision_date.get_untracked());
        async move { update_council(id, n, no, d).await }
    });
    let error: FormError = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            refresh.update(|n| *n += 1);
        }
    });
    let today = crate::i18n::today_vn();
    view! {
        <section class="panel" id="decision">
            <h2>{tr!("Quyết định thành lập", "Establishing decision")}</h2>
            <dl class="facts">
                <dt>{tr!("Số quyết định", "Decision number")}</dt><dd id="decision-no">{c.decision_no.clone()}</dd>
                <dt>{tr!("Ngày ký", "Signed on")}</dt><dd>{format_date(c.decision_date)}</dd>
            </dl>
            {editable.then(|| view! {
                <details class="edit-decision" open=move || error.get().is_some()>
                    <summary>{tr!("Sửa tên, số và ngày quyết định", "Edit the name, number and date")}</summary>
                    <ErrorSummary error=error/>
                    <form on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                        <div class="field">
                            <label for="name">{tr!("Tên hội đồng", "Council name")}</label>
                            <FieldError error=error field="name"/>
                            <input id="name" type="text" maxlength="200" aria-invalid=invalid(error, "name")
                                prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                        </div>
                        <div class="field-row">
                            <div class="field">
                                <label for="decision_no">{tr!("Số quyết định thành lập", "Decision number")}</label>
                                <FieldError error=error field="decision_no"/>
                                <input id="decision_no" type="text" maxlength="60" aria-invalid=invalid(error, "decision_no")
                                    prop:value=move || decision_no.get() on:input=move |ev| decision_no.set(event_target_value(&ev))/>
                            </div>
                            <div class="field">
                                <label for="decision_date">{tr!("Ngày ký quyết định", "Decision date")}</label>
                                <FieldError error=error field="decision_date"/>
                                <input id="decision_date" type="date" max=today aria-invalid=invalid(error, "decision_date")
                                    prop:value=move || decision_date.get() on:input=move |ev| decision_date.set(event_target_value(&ev))/>
                            </div>
                        </div>
                        <button type="submit" class="button" id="save-decision" disabled=move || save.pending().get()>{tr!("Lưu", "Save")}</button>
                    </form>
                </details>
            })}
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// The members

#[component]
fn MembersPanel(page: CouncilPage, refresh: RwSignal<u32>, new_account: RwSignal<Option<NewAccount>>) -> impl IntoView {
    let lang = use_lang();
    let open = page.composition_open && page.office;
    let remove = Action::new(move |id: &i64| remove_member(*id));
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            refresh.update(|n| *n += 1);
        }
    });
    let has_chair = page.members.iter().any(|m| m.role == MemberRole::Chair);
    let groups = MemberRole::ALL
        .iter()
        .copied()
        .map(|role| {
            let members: Vec<Member> = page.members.iter().filter(|m| m.role == role).cloned().collect();
            (role, members)
        })
        .filter(|(role, members)| !members.is_empty() || *role == MemberRole::Chair)
        .map(|(role, members)| {
            view! {
                <h3>{move || role_heading(role, lang.get())}</h3>
                {if members.is_empty() {
                    view! { <p class="empty">{tr!("Chưa có Chủ tịch hội đồng.", "No chair yet.")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="member-list" data-role=role.code()>
                            {members.into_iter().map(|m| {
                                let contact = [m.email.clone(), m.phone.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                                let mid = m.id;
                                view! {
                                    <li class="member" data-member=mid.to_string()>
                                        <div>
                                            <strong>{m.full_name.clone()}</strong>
                                            {m.position.clone().map(|p| view! { <div>{p}</div> })}
                                            <div class="muted">{contact}</div>
                                        </div>
                                        {open.then(|| view! {
                                            <button type="button" class="link-button remove-member" disabled=move || remove.pending().get()
                                                on:click=move |_| { remove.dispatch(mid); }>{tr!("Bỏ khỏi hội đồng", "Remove")}</button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            }
        })
        .collect_view();
    view! {
        <section class="panel" id="members">
            <h2>{tr!("Thành phần hội đồng", "Members")}</h2>
            {groups}
            {move || remove.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNotice error=e/> })}
            {open.then(|| view! { <AddMemberForm council_id=page.council.id has_chair=has_chair refresh=refresh new_account=new_account/> })}
        </section>
    }
}

#[component]
fn AddMemberForm(council_id: i64, has_chair: bool, refresh: RwSignal<u32>, new_account: RwSignal<Option<NewAccount>>) -> impl IntoView {
    let lang = use_lang();
    let login = RwSignal::new(String::new());
    let full_name = RwSignal::new(String::new());
    // The first member added is usually the chair.
    let first_role = if has_chair { MemberRole::Member } else { MemberRole::Chair };
    let role = RwSignal::new(first_role.code().to_string());
    let position = RwSignal::new(String::new());
    let add = Action::new(move |_: &()| {
        let (l, n, r, p) = (login.get_untracked(), full_name.get_untracked(), role.get_untracked(), position.get_untracked());
        async move { add_member(council_id, l.clone(), n.clone(), r, p).await.map(|added| (added, l, n)) }
    });
    let error: FormError = Signal::derive(move || add.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok((added, l, n))) = add.value().get() {
            new_account.set(added.temporary_password.map(|password| NewAccount { full_name: n.trim().to_string(), login: l.trim().to_string(), password }));
            refresh.update(|n| *n += 1);
        }
    });
    view! {
        <details class="add-member" open=move || error.get().is_some()>
            <summary>{tr!("Thêm thành viên", "Add a member")}</summary>
            <p class="hint">{tr!(
                "Nhập e-mail hoặc số điện thoại của giám khảo đã có tài khoản. Nếu người này chưa có tài khoản, nhập thêm họ và tên: hệ thống tạo tài khoản giám khảo với mật khẩu tạm.",
                "Enter the e-mail or phone of a judge who has an account. If the person has none, add their full name too: a judge account is created with a temporary password."
            )}</p>
            <ErrorSummary error=error/>
            <form id="add-member" on:submit=move |ev| { ev.prevent_default(); add.dispatch(()); }>
                <div class="field">
                    <label for="login">{tr!("E-mail hoặc số điện thoại", "E-mail or phone")}</label>
                    <FieldError error=error field="login"/>
                    <input id="login" type="text" maxlength="200" autocomplete="off" aria-invalid=invalid(error, "login")
                        prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="full_name">{tr!("Họ và tên (chỉ khi tạo tài khoản mới)", "Full name (for a new account only)")}</label>
                    <FieldError error=error field="full_name"/>
                    <input id="full_name" type="text" maxlength="200" autocomplete="off" aria-invalid=invalid(error, "full_name")
                        prop:value=move || full_name.get() on:input=move |ev| full_name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="role">{tr!("Vai trò trong hội đồng", "Role in the council")}</label>
                    <FieldError error=error field="role"/>
                    <select id="role" aria-invalid=invalid(error, "role") on:change=move |ev| role.set(event_target_value(&ev))>
                        {MemberRole::ALL.iter().copied().map(|r| view! {
                            <option value=r.code() selected=move || role.get() == r.code()>{move || lang.get().pick(r.label_vi(), r.label_en())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="position">{tr!("Chức vụ, đơn vị công tác (in trong biên bản)", "Position and workplace (printed in the minutes)")}</label>
                    <FieldError error=error field="position"/>
                    <input id="position" type="text" maxlength="200" aria-invalid=invalid(error, "position")
                        prop:value=move || position.get() on:input=move |ev| position.set(event_target_value(&ev))/>
                </div>
                <button type="submit" class="button" id="add-member-submit" disabled=move || add.pending().get()>{tr!("Thêm vào hội đồng", "Add to the council")}</button>
            </form>
        </details>
    }
}

// ---------------------------------------------------------------------------------------------
// The products

#[component]
fn ProductsPanel(page: CouncilPage, refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let cid = page.council.id;
    let open = page.composition_open && page.office;
    let take_back = Action::new(move |dossier: &i64| unassign(cid, *dossier));
    Effect::new(move |_| {
        if let Some(Ok(())) = take_back.value().get() {
            refresh.update(|n| *n += 1);
        }
    });
    let n = page.products.len();
    let list = if page.products.is_empty() {
        view! { <p class="empty">{tr!("Hội đồng chưa được phân công sản phẩm nào.", "No product is assigned to this council yet.")}</p> }.into_any()
    } else {
        view! {
            <ul class="assigned-list" id="assigned">
                {page.products.iter().cloned().map(|a| {
                    let did = a.dossier_id;
                    view! {
                        <li class="assigned" data-dossier=did.to_string()>
                            <div>
                                <strong>{a.product_name.clone()}</strong>
                                <div class="muted">{a.producer_name.clone()} " · " {a.group_code.clone()}</div>
                            </div>
                            {open.then(|| view! {
                                <button type="button" class="link-button unassign" disabled=move || take_back.pending().get()
                                    on:click=move |_| { take_back.dispatch(did); }>{tr!("Bỏ phân công", "Unassign")}</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }.into_any()
    };
    view! {
        <section class="panel" id="products">
            <h2>{move || lang.get().pick(format!("Sản phẩm hội đồng chấm ({n})"), format!("Products the council scores ({n})"))}</h2>
            {list}
            {move || take_back.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNotice error=e/> })}
            {open.then(|| if page.unassigned.is_empty() {
                view! { <p class="hint">{tr!("Mọi hồ sơ hợp lệ của đợt đã được phân công cho hội đồng.", "Every accepted dossier of the round is assigned to a council.")}</p> }.into_any()
            } else {
                view! { <AssignForm council_id=cid unassigned=page.unassigned.clone() groups=page.groups.clone() refresh=refresh/> }.into_any()
            })}
        </section>
    }
}

#[component]
fn AssignForm(council_id: i64, unassigned: Vec<Assigned>, groups: Vec<(String, String)>, refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let total = unassigned.len();
    // Groups that have a dossier waiting come first with their counts; a parent group would take
    // its sub-groups too, but the rule set's leaf groups are what dossiers are filed under.
    let count_in = |code: &str| unassigned.iter().filter(|a| a.group_code == code).count();
    let mut options: Vec<(String, String, usize)> = groups.iter().map(|(code, name)| (code.clone(), name.clone(), count_in(code))).collect();
    options.retain(|o| o.2 > 0);
    let has_groups = !options.is_empty();
    let mode = RwSignal::new("all".to_string());
    let group = RwSignal::new(options.first().map(|o| o.0.clone()).unwrap_or_default());
    let chosen = RwSignal::new(Vec::<i64>::new());
    let run = Action::new(move |_: &()| {
        let m = mode.get_untracked();
        let g = (m == "group").then(|| group.get_untracked());
        let ids = (m == "list").then(|| chosen.get_untracked());
        async move { assign(council_id, m, g, ids).await }
    });
    let error: FormError = Signal::derive(move || run.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = run.value().get() {
            refresh.update(|n| *n += 1);
        }
    });
    let radio = move |value: &'static str, vi: String, en: String| {
        view! {
            <label class="radio">
                <input type="radio" name="mode" value=value prop:checked=move || mode.get() == value on:change=move |_| mode.set(value.to_string())/>
                <span>{move || lang.get().pick(vi.clone(), en.clone())}</span>
            </label>
        }
    };
    view! {
        <form class="assign-form" id="assign" on:submit=move |ev| { ev.prevent_default(); run.dispatch(()); }>
            <fieldset>
                <legend>{tr!("Phân công hồ sơ hợp lệ", "Assign accepted dossiers")}</legend>
                <ErrorSummary error=error/>
                <div class="radios" id="dossiers">
                    {radio("all", format!("Tất cả hồ sơ chưa phân công ({total})"), format!("Every unassigned dossier ({total})"))}
                    {has_groups.then(|| radio("group", "Theo nhóm sản phẩm".into(), "By product group".into()))}
                    {radio("list", "Chọn từng hồ sơ".into(), "Tick dossiers".into())}
                </div>
                {move || (mode.get() == "group").then(|| {
                    let opts = options.clone();
                    view! {
                        <div class="field">
                            <label for="assign-group">{tr!("Nhóm sản phẩm", "Product group")}</label>
                            <select id="assign-group" on:change=move |ev| group.set(event_target_value(&ev))>
                                {opts.into_iter().map(|(code, name, n)| {
                                    let sel = code == group.get_untracked();
                                    view! { <option value=code.clone() selected=sel>{format!("{code} — {name} ({n})")}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    }
                })}
                {move || (mode.get() == "list").then(|| view! {
                    <ul class="tick-list">
                        {unassigned.iter().cloned().map(|a| {
                            let id = a.dossier_id;
                            view! {
                                <li>
                                    <label class="check">
                                        <input type="checkbox" name="dossier" value=id.to_string()
                                            prop:checked=move || chosen.with(|c| c.contains(&id))
                                            on:change=move |ev| { let on = event_target_checked(&ev); chosen.update(|c| { c.retain(|x| *x != id); if on { c.push(id); } }); }/>
                                        <span>{a.product_name.clone()} <span class="muted">" · " {a.producer_name.clone()} " · " {a.group_code.clone()}</span></span>
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
                <button type="submit" class="button" id="assign-submit" disabled=move || run.pending().get()>{tr!("Phân công cho hội đồng này", "Assign to this council")}</button>
            </fieldset>
        </form>
    }
}

// ---------------------------------------------------------------------------------------------
// Conflicts of interest and exclusions, product by product

#[component]
fn GridPanel(page: CouncilPage, refresh: RwSignal<u32>) -> impl IntoView {
    let chair = page.my_role == Some(MemberRole::Chair);
    let may_change = !settled(page.round_state);
    let scorers: Vec<Member> = page.members.iter().filter(|m| m.role.scores()).cloned().collect();
    let products = page
        .products
        .iter()
        .map(|a| {
            let cells: Vec<(Member, GridCell)> = scorers
                .iter()
                .filter_map(|m| page.grid.iter().find(|c| c.member_id == m.id && c.dossier_id == a.dossier_id).map(|c| (m.clone(), c.clone())))
                .collect();
            view! {
                <div class="grid-product" id=format!("grid-{}", a.dossier_id)>
                    <h3>{a.product_name.clone()} <span class="muted">" · " {a.producer_name.clone()}</span></h3>
                    <ul class="grid-cells">
                        {cells.into_iter().map(|(m, c)| view! {
                            <GridCellView member=m cell=c office=page.office chair=chair may_change=may_change refresh=refresh/>
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="panel" id="conflicts">
            <h2>{tr!("Xung đột lợi ích và loại trừ", "Conflicts of interest and exclusions")}</h2>
            <p class="hint">{tr!(
                "Thành viên có xung đột lợi ích với chủ thể (tự kê khai, hoặc hệ thống phát hiện trùng mã số thuế, điện thoại, e-mail, tài khoản) không chấm sản phẩm đó, trừ khi Chủ tịch hội đồng cho phép và ghi rõ lý do. Văn phòng có thể loại một thành viên khỏi từng sản phẩm, kèm lý do.",
                "A member with a conflict of interest (declared, or found by the system: same tax code, phone, e-mail or account) does not score that product unless the chair allows it with a reason. The office may exclude a member from a product, with a reason."
            )}</p>
            {products}
        </section>
    }
}

/// A member's standing on one product, in a few words (the reasons follow below it).
fn status_label(e: &Entitlement, lang: Lang) -> &'static str {
    match e {
        Entitlement::Entitled => lang.pick("Chấm điểm", "Scores"),
        Entitlement::Overridden { .. } => lang.pick("Có xung đột lợi ích — Chủ tịch cho phép chấm", "Conflict of interest — allowed to score by the chair"),
        Entitlement::NotAScoringRole => lang.pick("Không chấm điểm (vai trò)", "Does not score (role)"),
        Entitlement::Excluded => lang.pick("Văn phòng đã loại khỏi sản phẩm này", "Excluded from this product by the office"),
        Entitlement::Conflicted { .. } => lang.pick("Xung đột lợi ích — không chấm", "Conflict of interest — does not score"),
    }
}

fn reason_tag(r: ConflictReason, lang: Lang) -> &'static str {
    if r == ConflictReason::Declared {
        lang.pick("tự kê khai", "declared")
    } else {
        lang.pick("hệ thống phát hiện", "found by the system")
    }
}

#[component]
fn GridCellView(member: Member, cell: GridCell, office: bool, chair: bool, may_change: bool, refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let (mid, did) = (member.id, cell.dossier_id);
    let e = cell.entitlement.clone();
    let excluded = matches!(e, Entitlement::Excluded);
    let reasons: Vec<ConflictReason> = match &e {
        Entitlement::Conflicted { reasons } | Entitlement::Overridden { reasons } => reasons.clone(),
        _ => Vec::new(),
    };
    // The chair decides on the others' conflicts, never on their own.
    let may_override = chair && may_change && member.role != MemberRole::Chair && !reasons.is_empty() && !excluded;
    let overridden = matches!(e, Entitlement::Overridden { .. });
    let exclude_reason = RwSignal::new(String::new());
    let override_reason = RwSignal::new(String::new());
    let exclude = Action::new(move |on: &bool| {
        let (on, r) = (*on, exclude_reason.get_untracked());
        async move { set_excluded(mid, did, on, r).await }
    });
    let allow = Action::new(move |on: &bool| {
        let (on, r) = (*on, override_reason.get_untracked());
        async move { set_override(mid, did, on, r).await }
    });
    Effect::new(move |_| {
        if matches!(exclude.value().get(), Some(Ok(()))) || matches!(allow.value().get(), Some(Ok(()))) {
            refresh.update(|n| *n += 1);
        }
    });
    let errors = move || {
        [exclude.value().get().and_then(|r| r.err()), allow.value().get().and_then(|r| r.err())]
            .into_iter()
            .flatten()
            .map(|e: AppError| view! { <ErrorNotice error=e/> })
            .collect_view()
    };
    let status = e.clone();
    let status_class = match &e {
        Entitlement::Entitled => "state state-ok",
        Entitlement::Overridden { .. } => "state state-warn",
        _ => "state state-bad",
    };
    let role = member.role;
    view! {
        <li class="grid-cell" data-member=mid.to_string() data-dossier=did.to_string()>
            <div class="grid-who">
                <strong>{member.full_name.clone()}</strong>
                <span class="muted">" · " {move || lang.get().pick(role.label_vi(), role.label_en())}</span>
            </div>
            <p class="grid-status"><span class=status_class>{move || status_label(&status, lang.get())}</span></p>
            {(!reasons.is_empty()).then(|| view! {
                <ul class="conflict-reasons">
                    {reasons.iter().copied().map(|r| view! {
                        <li>{move || lang.get().pick(r.label_vi(), r.label_en())} <span class="muted">{move || format!(" ({})", reason_tag(r, lang.get()))}</span></li>
                    }).collect_view()}
                </ul>
            })}
            {cell.excluded_reason.clone().map(|r| view! {
                <p class="grid-reason"><strong>{tr!("Lý do loại: ", "Why excluded: ")}</strong>{r}</p>
            })}
            {cell.override_reason.clone().map(|r| view! {
                <p class="grid-reason override-reason"><strong>{tr!("Chủ tịch cho phép chấm, lý do: ", "Allowed by the chair, because: ")}</strong>{r}</p>
            })}
            {errors}
            {(office && may_change).then(|| if excluded {
                view! {
                    <button type="button" class="button-secondary small include" disabled=move || exclude.pending().get()
                        on:click=move |_| { exclude.dispatch(false); }>{tr!("Cho tham gia chấm lại", "Let them score again")}</button>
                }.into_any()
            } else {
                view! {
                    <details class="exclude">
                        <summary>{tr!("Loại khỏi sản phẩm này", "Exclude from this product")}</summary>
                        <form on:submit=move |ev| { ev.prevent_default(); exclude.dispatch(true); }>
                            <label for=format!("exclude-{mid}-{did}")>{tr!("Lý do (ghi vào nhật ký)", "Reason (kept in the audit log)")}</label>
                            <textarea id=format!("exclude-{mid}-{did}") name="reason" rows="2" maxlength="500"
                                prop:value=move || exclude_reason.get() on:input=move |ev| exclude_reason.set(event_target_value(&ev))></textarea>
                            <button type="submit" class="button small" disabled=move || exclude.pending().get()>{tr!("Loại khỏi sản phẩm", "Exclude")}</button>
                        </form>
                    </details>
                }.into_any()
            })}
            {may_override.then(|| if overridden {
                view! {
                    <button type="button" class="button-secondary small revoke" disabled=move || allow.pending().get()
                        on:click=move |_| { allow.dispatch(false); }>{tr!("Thu hồi cho phép chấm", "Withdraw the permission")}</button>
                }.into_any()
            } else {
                view! {
                    <form class="override-form" on:submit=move |ev| { ev.prevent_default(); allow.dispatch(true); }>
                        <label for=format!("override-{mid}-{did}")>{tr!("Cho phép chấm dù có xung đột — lý do của Chủ tịch", "Allow to score despite the conflict — the chair's reason")}</label>
                        <textarea id=format!("override-{mid}-{did}") name="reason" rows="2" maxlength="1000"
                            prop:value=move || override_reason.get() on:input=move |ev| override_reason.set(event_target_value(&ev))></textarea>
                        <button type="submit" class="button small" disabled=move || allow.pending().get()>{tr!("Cho phép chấm", "Allow")}</button>
                    </form>
                }.into_any()
            })}
        </li>
    }
}
