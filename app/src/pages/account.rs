use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::auth::ChangePassword,
    components::forms::{action_error, invalid, ErrorNotice, ErrorSummary, FieldError},
    errors::AppError,
    i18n::use_lang,
    tr, use_session,
};

#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Tài khoản", "Account").to_string()/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match session.user.await.ok().flatten() {
                    None => view! { <ErrorNotice error=AppError::Unauthenticated/> }.into_any(),
                    Some(user) => view! {
                        <div class="narrow">
                            <h1>{tr!("Tài khoản", "Account")}</h1>
                            <dl class="summary-list">
                                <dt>{tr!("Họ và tên", "Name")}</dt><dd>{user.full_name.clone()}</dd>
                                <dt>{tr!("Đăng nhập bằng", "Log-in")}</dt><dd>{user.login.clone()}</dd>
                            </dl>
                            <ChangePasswordForm/>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let action = ServerAction::<ChangePassword>::new();
    let error = action_error(action.value());
    let form = NodeRef::<leptos::html::Form>::new();
    let done = move || matches!(action.value().get(), Some(Ok(())));
    Effect::new(move |_| {
        if done() {
            session.refresh();
            if let Some(f) = form.get() {
                f.reset();
            }
        }
    });
    view! {
        <h2>{tr!("Đổi mật khẩu", "Change password")}</h2>
        <ErrorSummary error=error/>
        <Show when=done>
            <div class="notice notice-success" role="status">
                {tr!("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã được đăng xuất.",
                     "Password changed. Your other sessions have been logged out.")}
            </div>
        </Show>
        <ActionForm action=action node_ref=form>
            <div class="field">
                <label for="old_password">{tr!("Mật khẩu hiện tại", "Current password")}</label>
                <FieldError error=error field="old_password"/>
                <input id="old_password" name="old_password" type="password" autocomplete="current-password" required maxlength="200"
                    aria-invalid=invalid(error, "old_password")/>
            </div>
            <div class="field">
                <label for="new_password">{tr!("Mật khẩu mới", "New password")}</label>
                <p class="hint">{tr!("Ít nhất 10 ký tự.", "At least 10 characters.")}</p>
                <FieldError error=error field="new_password"/>
                <input id="new_password" name="new_password" type="password" autocomplete="new-password" required maxlength="200"
                    aria-invalid=invalid(error, "new_password")/>
            </div>
            <div class="field">
                <label for="confirm_password">{tr!("Nhập lại mật khẩu mới", "New password again")}</label>
                <FieldError error=error field="confirm_password"/>
                <input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required maxlength="200"
                    aria-invalid=invalid(error, "confirm_password")/>
            </div>
            <button type="submit" class="button" disabled=move || action.pending().get()>
                {move || lang.get().pick("Đổi mật khẩu", "Change password")}
            </button>
        </ActionForm>
    }
}
