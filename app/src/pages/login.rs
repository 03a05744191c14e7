use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    api::auth::Login,
    components::forms::{action_error, invalid, ErrorSummary, FieldError},
    i18n::use_lang,
    tr, use_session,
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_string());
    let action = ServerAction::<Login>::new();
    let error = action_error(action.value());
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            session.refresh();
        }
    });
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Đăng nhập", "Log in").to_string()/>
        <div class="narrow">
            <h1>{tr!("Đăng nhập", "Log in")}</h1>
            <ErrorSummary error=error/>
            <ActionForm action=action>
                <input type="hidden" name="next" prop:value=next/>
                <div class="field">
                    <label for="login">{tr!("E-mail hoặc số điện thoại", "E-mail or phone number")}</label>
                    <FieldError error=error field="login"/>
                    <input id="login" name="login" type="text" autocomplete="username" required
                        inputmode="email" maxlength="254" aria-invalid=invalid(error, "login")/>
                </div>
                <div class="field">
                    <label for="password">{tr!("Mật khẩu", "Password")}</label>
                    <FieldError error=error field="password"/>
                    <input id="password" name="password" type="password" autocomplete="current-password"
                        required maxlength="200" aria-invalid=invalid(error, "password")/>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { lang.get().pick("Đang đăng nhập…", "Logging in…") } else { lang.get().pick("Đăng nhập", "Log in") }}
                </button>
            </ActionForm>
            <p>{tr!("Chưa có tài khoản? ", "No account yet? ")}<A href="/signup">{tr!("Đăng ký chủ thể sản xuất", "Sign up as a producer")}</A></p>
            <p class="muted">{tr!(
                "Quên mật khẩu? Cán bộ và giám khảo liên hệ quản trị viên; chủ thể liên hệ văn phòng OCOP hoặc Phòng Kinh tế và Hạ tầng huyện để được đặt lại mật khẩu.",
                "Forgot your password? Staff and judges ask the administrator; producers ask the OCOP office or the district's economy and infrastructure office to reset it."
            )}</p>
        </div>
    }
}
