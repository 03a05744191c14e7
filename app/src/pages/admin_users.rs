//! Accounts: the administrator lists, creates, resets and disables staff, judge and commune
//! accounts. Temporary passwords are shown once, to be handed over in person.

use domain::access::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::admin::{list_users, reset_password, set_user_active, units, CreateUser},
    components::{
        forms::{action_error, invalid, ErrorNotice, ErrorSummary, FieldError},
        pager::Pager,
    },
    errors::AppError,
    i18n::use_lang,
    tr,
};

fn role_name(code: &str, lang: crate::i18n::Lang) -> String {
    Role::from_code(code).map(|r| lang.pick(r.name_vi(), r.name_en()).to_string()).unwrap_or_else(|| code.to_string())
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let lang = use_lang();
    let q = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let page = RwSignal::new(1i64);
    let reload = RwSignal::new(0u32);
    let users = Resource::new(
        move || (q.get(), role.get(), page.get(), reload.get()),
        |(q, role, page, _)| list_users(Some(q), Some(role), Some(page)),
    );
    let notice = RwSignal::new(None::<String>);
    let row_error = RwSignal::new(None::<AppError>);

    let reset = Action::new(|id: &i64| {
        let id = *id;
        async move { reset_password(id).await }
    });
    let toggle = Action::new(|input: &(i64, bool)| {
        let (id, active) = *input;
        async move { set_user_active(id, active).await }
    });
    Effect::new(move |_| match reset.value().get() {
        Some(Ok(temp)) => {
            notice.set(Some(temp));
            row_error.set(None);
            reload.update(|v| *v += 1);
        }
        Some(Err(e)) => row_error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| match toggle.value().get() {
        Some(Ok(())) => {
            row_error.set(None);
            reload.update(|v| *v += 1);
        }
        Some(Err(e)) => row_error.set(Some(e)),
        None => {}
    });

    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Tài khoản", "Accounts").to_string()/>
        <h1>{tr!("Tài khoản", "Accounts")}</h1>
        <CreateUserForm on_created=Callback::new(move |_| reload.update(|v| *v += 1))/>
        <h2>{tr!("Danh sách tài khoản", "All accounts")}</h2>
        <form class="filters" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="q">{tr!("Tìm theo tên, e-mail, số điện thoại", "Search by name, e-mail, phone")}</label>
                <input id="q" type="search" maxlength="100" prop:value=q
                    on:input=move |ev| { q.set(event_target_value(&ev)); page.set(1); }/>
            </div>
            <div class="field">
                <label for="role-filter">{tr!("Vai trò", "Role")}</label>
                <select id="role-filter" on:change=move |ev| { role.set(event_target_value(&ev)); page.set(1); }>
                    <option value="">{tr!("Tất cả", "All")}</option>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.code()>{move || lang.get().pick(r.name_vi(), r.name_en())}</option>
                    }).collect_view()}
                </select>
            </div>
        </form>
        {move || notice.get().map(|temp| view! {
            <div class="notice notice-success" role="status">
                <p>{tr!("Mật khẩu tạm mới (chỉ hiện một lần, hãy trao tận tay người dùng):",
                        "New temporary password (shown once; hand it over in person):")}</p>
                <p class="secret" id="temp-password">{temp}</p>
            </div>
        })}
        {move || row_error.get().map(|e| view! { <ErrorNotice error=e/> })}
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(p) => {
                        let pages = p.pages();
                        view! {
                            <div class="table-wrap">
                                <table class="data-table">
                                    <thead><tr>
                                        <th>{tr!("Họ và tên", "Name")}</th>
                                        <th>{tr!("Đăng nhập", "Log-in")}</th>
                                        <th>{tr!("Vai trò", "Roles")}</th>
                                        <th>{tr!("Trạng thái", "Status")}</th>
                                        <th>{tr!("Thao tác", "Actions")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.items.into_iter().map(|u| {
                                            let id = u.id;
                                            let active = u.is_active;
                                            let roles = u.roles.clone();
                                            view! {
                                                <tr>
                                                    <td data-label=move || lang.get().pick("Họ và tên", "Name")>{u.full_name.clone()}</td>
                                                    <td data-label=move || lang.get().pick("Đăng nhập", "Log-in")>
                                                        {u.email.clone().unwrap_or_default()} " " {u.phone.clone().unwrap_or_default()}
                                                    </td>
                                                    <td data-label=move || lang.get().pick("Vai trò", "Roles")>
                                                        {roles.into_iter().map(|(r, unit)| {
                                                            let r2 = r.clone();
                                                            view! { <div>{move || role_name(&r2, lang.get())} {unit.map(|u| format!(" · {u}"))}</div> }
                                                        }).collect_view()}
                                                    </td>
                                                    <td data-label=move || lang.get().pick("Trạng thái", "Status")>
                                                        {move || if active { lang.get().pick("Đang hoạt động", "Active") } else { lang.get().pick("Đã khóa", "Disabled") }}
                                                        {u.must_change_password.then(|| view! { <div class="muted">{tr!("chờ đổi mật khẩu tạm", "temporary password")}</div> })}
                                                    </td>
                                                    <td class="actions-cell">
                                                        <button type="button" class="button-secondary small" on:click=move |_| { reset.dispatch(id); }>
                                                            {tr!("Đặt lại mật khẩu", "Reset password")}
                                                        </button>
                                                        <button type="button" class="button-secondary small" on:click=move |_| { toggle.dispatch((id, !active)); }>
                                                            {move || if active { lang.get().pick("Khóa", "Disable") } else { lang.get().pick("Mở khóa", "Enable") }}
                                                        </button>
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

#[component]
fn CreateUserForm(on_created: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<CreateUser>::new();
    let error = action_error(action.value());
    let unit_list = Resource::new(|| (), |_| units());
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            on_created.run(());
            if let Some(f) = form.get() {
                f.reset();
            }
        }
    });
    view! {
        <details class="panel" open=move || error.get().is_some()>
            <summary>{tr!("Tạo tài khoản cán bộ, giám khảo, cán bộ xã", "Create a staff, judge or commune account")}</summary>
            <ErrorSummary error=error/>
            {move || action.value().get().and_then(|r| r.ok()).map(|c| view! {
                <div class="notice notice-success" role="status">
                    <p>{tr!("Đã tạo tài khoản. Mật khẩu tạm (chỉ hiện một lần, người dùng phải đổi khi đăng nhập):",
                            "Account created. Temporary password (shown once; must be changed at first log-in):")}</p>
                    <p class="secret" id="created-password">{c.temporary_password}</p>
                </div>
            })}
            <ActionForm action=action node_ref=form>
                <div class="field">
                    <label for="new_full_name">{tr!("Họ và tên", "Full name")}</label>
                    <FieldError error=error field="full_name"/>
                    <input id="new_full_name" name="full_name" type="text" required maxlength="120" aria-invalid=invalid(error, "full_name")/>
                </div>
                <div class="field">
                    <label for="new_email">{tr!("E-mail", "E-mail")}</label>
                    <FieldError error=error field="email"/>
                    <input id="new_email" name="email" type="email" maxlength="254" aria-invalid=invalid(error, "email")/>
                </div>
                <div class="field">
                    <label for="new_phone">{tr!("Số điện thoại", "Phone")}</label>
                    <FieldError error=error field="phone"/>
                    <input id="new_phone" name="phone" type="tel" maxlength="20" aria-invalid=invalid(error, "phone")/>
                </div>
                <div class="field">
                    <label for="new_role">{tr!("Vai trò", "Role")}</label>
                    <FieldError error=error field="role"/>
                    <select id="new_role" name="role" required>
                        {Role::ALL.into_iter().filter(|r| r.is_staff()).map(|r| view! {
                            <option value=r.code()>{move || lang.get().pick(r.name_vi(), r.name_en())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="new_unit">{tr!("Đơn vị", "Unit")}</label>
                    <p class="hint">{tr!("Vai trò chỉ có hiệu lực trong đơn vị này và các đơn vị trực thuộc.", "The role applies within this unit and the units below it.")}</p>
                    <FieldError error=error field="unit_id"/>
                    <select id="new_unit" name="unit_id">
                        <option value="">{tr!("— Toàn hệ thống (chỉ cho quản trị) —", "— Whole system (administrators only) —")}</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                unit_list.await.unwrap_or_default().into_iter().map(|u| {
                                    let indent = "\u{a0}\u{a0}".repeat(u.depth);
                                    view! { <option value=u.id.to_string()>{format!("{indent}{}", u.name)}</option> }
                                }).collect_view()
                            })}
                        </Suspense>
                    </select>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>{tr!("Tạo tài khoản", "Create account")}</button>
            </ActionForm>
        </details>
    }
}
