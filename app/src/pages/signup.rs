//! Producer sign-up: one page, every field labelled, with a live password hint.

use domain::access::ProducerType;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    api::auth::{communes, Signup},
    components::forms::{action_error, invalid, ErrorSummary, FieldError},
    i18n::use_lang,
    tr, use_session,
};

const MIN_PASSWORD: usize = 10;

#[component]
pub fn SignupPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let action = ServerAction::<Signup>::new();
    let error = action_error(action.value());
    let units = Resource::new(|| (), |_| communes());
    let password = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            session.refresh();
        }
    });
    let password_hint = move || {
        let n = password.get().chars().count();
        if n == 0 {
            lang.get().pick(format!("Ít nhất {MIN_PASSWORD} ký tự. Một câu ngắn dễ nhớ là mật khẩu tốt."),
                            format!("At least {MIN_PASSWORD} characters. A short sentence is a good password."))
        } else if n < MIN_PASSWORD {
            lang.get().pick(format!("Còn thiếu {} ký tự.", MIN_PASSWORD - n), format!("{} more characters needed.", MIN_PASSWORD - n))
        } else {
            lang.get().pick("Mật khẩu đủ dài.".to_string(), "Long enough.".to_string())
        }
    };
    let password_ok = move || password.get().chars().count() >= MIN_PASSWORD;

    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Đăng ký chủ thể sản xuất", "Producer sign-up").to_string()/>
        <div class="narrow">
            <h1>{tr!("Đăng ký chủ thể sản xuất", "Sign up as a producer")}</h1>
            <p class="lead">{tr!(
                "Dành cho hợp tác xã, tổ hợp tác, doanh nghiệp và hộ kinh doanh muốn tham gia OCOP hoặc bình chọn sản phẩm công nghiệp nông thôn tiêu biểu.",
                "For cooperatives, cooperative groups, enterprises and household businesses taking part in OCOP or the rural industrial product selection."
            )}</p>
            <ErrorSummary error=error/>
            <ActionForm action=action>
                <fieldset>
                    <legend>{tr!("Người đăng ký", "You")}</legend>
                    <div class="field">
                        <label for="full_name">{tr!("Họ và tên", "Full name")}</label>
                        <FieldError error=error field="full_name"/>
                        <input id="full_name" name="full_name" type="text" autocomplete="name" required maxlength="120"
                            aria-invalid=invalid(error, "full_name")/>
                    </div>
                    <p class="hint">{tr!("Nhập e-mail, số điện thoại, hoặc cả hai. Bạn sẽ dùng một trong hai để đăng nhập.",
                                         "Enter an e-mail, a phone number, or both. You will log in with either.")}</p>
                    <div class="field">
                        <label for="email">{tr!("E-mail", "E-mail")}</label>
                        <FieldError error=error field="email"/>
                        <input id="email" name="email" type="email" autocomplete="email" maxlength="254"
                            aria-invalid=invalid(error, "email")/>
                    </div>
                    <div class="field">
                        <label for="phone">{tr!("Số điện thoại", "Phone number")}</label>
                        <FieldError error=error field="phone"/>
                        <input id="phone" name="phone" type="tel" autocomplete="tel" inputmode="tel" maxlength="20"
                            aria-invalid=invalid(error, "phone")/>
                    </div>
                    <div class="field">
                        <label for="password">{tr!("Mật khẩu", "Password")}</label>
                        <FieldError error=error field="password"/>
                        <p class="hint" id="password-hint" aria-live="polite" class:ok=password_ok>{password_hint}</p>
                        <input id="password" name="password" type="password" autocomplete="new-password" required maxlength="200"
                            aria-describedby="password-hint" aria-invalid=invalid(error, "password")
                            on:input=move |ev| password.set(event_target_value(&ev))/>
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{tr!("Chủ thể sản xuất", "The producer")}</legend>
                    <div class="field">
                        <label for="producer_name">{tr!("Tên chủ thể (HTX, doanh nghiệp, hộ kinh doanh…)", "Producer name (cooperative, enterprise, household business…)")}</label>
                        <FieldError error=error field="producer_name"/>
                        <input id="producer_name" name="producer_name" type="text" required maxlength="200"
                            aria-invalid=invalid(error, "producer_name")/>
                    </div>
                    <div class="field" id="producer_type">
                        <span class="label">{tr!("Loại hình", "Type")}</span>
                        <FieldError error=error field="producer_type"/>
                        <div class="radios">
                            {ProducerType::ALL.into_iter().enumerate().map(|(i, t)| view! {
                                <label class="radio">
                                    <input type="radio" name="producer_type" value=t.code() required checked=i == 0/>
                                    <span>{move || lang.get().pick(t.name_vi(), t.name_en())}</span>
                                </label>
                            }).collect_view()}
                        </div>
                    </div>
                    <div class="field">
                        <label for="commune_id">{tr!("Xã, phường, thị trấn nơi sản xuất", "Commune where you produce")}</label>
                        <FieldError error=error field="commune_id"/>
                        <select id="commune_id" name="commune_id" required aria-invalid=invalid(error, "commune_id")>
                            <option value="">{tr!("— Chọn —", "— Choose —")}</option>
                            <Suspense fallback=|| ()>
                                {move || Suspend::new(async move {
                                    let list = units.await.unwrap_or_default();
                                    let mut groups: Vec<(String, Vec<(i64, String)>)> = Vec::new();
                                    for u in list {
                                        match groups.iter_mut().find(|(g, _)| *g == u.group) {
                                            Some((_, v)) => v.push((u.id, u.name)),
                                            None => groups.push((u.group, vec![(u.id, u.name)])),
                                        }
                                    }
                                    groups.into_iter().map(|(g, items)| view! {
                                        <optgroup label=g>
                                            {items.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                        </optgroup>
                                    }).collect_view()
                                })}
                            </Suspense>
                        </select>
                    </div>
                </fieldset>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { lang.get().pick("Đang tạo tài khoản…", "Creating your account…") } else { lang.get().pick("Tạo tài khoản", "Create account") }}
                </button>
            </ActionForm>
            <p>{tr!("Đã có tài khoản? ", "Already have an account? ")}<A href="/login">{tr!("Đăng nhập", "Log in")}</A></p>
        </div>
    }
}
