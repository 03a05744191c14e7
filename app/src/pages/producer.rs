//! The producer's profile (hồ sơ chủ thể): what the registration forms print about the producer,
//! and the accounts that work for it.

use domain::access::ProducerType;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::{
        auth::{communes, UnitOption},
        producer::{producer_members, producer_profile, AddStaff, ProfileView, UpdateProfile},
    },
    components::forms::{action_error, invalid, ErrorNotice, ErrorSummary, FieldError, FormError},
    i18n::use_lang,
    tr,
};

#[component]
pub fn ProducerProfilePage() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<UpdateProfile>::new();
    let add = ServerAction::<AddStaff>::new();
    let profile = Resource::new(move || save.version().get(), |_| producer_profile());
    let units = Resource::new(|| (), |_| communes());
    let members = Resource::new(move || add.version().get(), |_| producer_members());
    let error = action_error(save.value());
    let add_error = action_error(add.value());

    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Hồ sơ chủ thể", "Producer profile").to_string()/>
        <div class="narrow">
            <h1>{tr!("Hồ sơ chủ thể", "Producer profile")}</h1>
            <p class="lead">{tr!(
                "Thông tin này được in vào phiếu đăng ký và bản thuyết minh sản phẩm của mọi hồ sơ bạn nộp. Hãy ghi đúng như trên giấy chứng nhận đăng ký.",
                "This is printed on the registration form and product description of every dossier you file. Copy it exactly from your registration certificate."
            )}</p>
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! {
                <div class="notice notice-success" role="status">{tr!("Đã lưu hồ sơ chủ thể.", "Profile saved.")}</div>
            })}
            <ErrorSummary error=error/>
            <Transition fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    match (profile.await, units.await) {
                        (Ok(p), Ok(u)) => view! { <ProfileForm profile=p units=u action=save error=error/> }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>

            <h2>{tr!("Tài khoản của chủ thể", "Accounts of this producer")}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match members.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(list) => view! {
                            <ul class="summary-list" id="members">
                                {list.into_iter().map(|m| view! {
                                    <li>
                                        <strong>{m.full_name}</strong>
                                        " · " {m.email.or(m.phone).unwrap_or_default()}
                                        {m.is_owner.then(|| view! { <span class="muted">" · " {tr!("chủ tài khoản", "owner")}</span> })}
                                        {(!m.is_active).then(|| view! { <span class="muted">" · " {tr!("đã khóa", "disabled")}</span> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
            <details class="panel">
                <summary>{tr!("Thêm tài khoản cho nhân viên", "Add an account for a staff member")}</summary>
                <p class="hint">{tr!("Chỉ chủ tài khoản thêm được. Nhân viên nhận mật khẩu tạm và phải đổi khi đăng nhập lần đầu.",
                                     "Only the owner can add accounts. The staff member gets a temporary password to change at first log-in.")}</p>
                <ErrorSummary error=add_error/>
                {move || add.value().get().and_then(|r| r.ok()).map(|temp| view! {
                    <div class="notice notice-success" role="status">
                        <p>{tr!("Đã tạo tài khoản. Mật khẩu tạm (chỉ hiện một lần):", "Account created. Temporary password (shown once):")}</p>
                        <p class="secret">{temp}</p>
                    </div>
                })}
                <ActionForm action=add>
                    <div class="field">
                        <label for="staff_full_name">{tr!("Họ và tên", "Full name")}</label>
                        <FieldError error=add_error field="full_name"/>
                        <input id="staff_full_name" name="full_name" type="text" required maxlength="120"/>
                    </div>
                    <div class="field">
                        <label for="staff_email">{tr!("E-mail", "E-mail")}</label>
                        <FieldError error=add_error field="email"/>
                        <input id="staff_email" name="email" type="email" maxlength="254"/>
                    </div>
                    <div class="field">
                        <label for="staff_phone">{tr!("Số điện thoại", "Phone")}</label>
                        <FieldError error=add_error field="phone"/>
                        <input id="staff_phone" name="phone" type="tel" inputmode="tel" maxlength="20"/>
                    </div>
                    <button type="submit" class="button-secondary" disabled=move || add.pending().get()>{tr!("Thêm tài khoản", "Add account")}</button>
                </ActionForm>
            </details>
        </div>
    }
}

#[component]
fn ProfileForm(profile: ProfileView, units: Vec<UnitOption>, action: ServerAction<UpdateProfile>, error: FormError) -> impl IntoView {
    let lang = use_lang();
    let text_field = move |id: &'static str, vi: &'static str, en: &'static str, value: Option<String>, hint: Option<(&'static str, &'static str)>, kind: &'static str, max: &'static str| {
        view! {
            <div class="field">
                <label for=id>{move || lang.get().pick(vi, en)}</label>
                {hint.map(|(hv, he)| view! { <p class="hint">{move || lang.get().pick(hv, he)}</p> })}
                <FieldError error=error field=id/>
                <input id=id name=id type=kind maxlength=max value=value.unwrap_or_default() aria-invalid=invalid(error, id)/>
            </div>
        }
    };
    let mut groups: Vec<(String, Vec<(i64, String)>)> = Vec::new();
    for u in units {
        match groups.iter_mut().find(|(g, _)| *g == u.group) {
            Some((_, v)) => v.push((u.id, u.name)),
            None => groups.push((u.group, vec![(u.id, u.name)])),
        }
    }
    let commune = profile.commune_id;
    let current_type = profile.producer_type;
    view! {
        <ActionForm action=action attr:id="profile-form">
            {text_field("name", "Tên chủ thể", "Producer name", Some(profile.name.clone()), None, "text", "200")}
            <div class="field" id="producer_type">
                <span class="label">{tr!("Loại hình", "Legal form")}</span>
                <FieldError error=error field="producer_type"/>
                <div class="radios">
                    {ProducerType::ALL.into_iter().map(|t| view! {
                        <label class="radio">
                            <input type="radio" name="producer_type" value=t.code() checked=t == current_type/>
                            <span>{move || lang.get().pick(t.name_vi(), t.name_en())}</span>
                        </label>
                    }).collect_view()}
                </div>
            </div>
            {text_field("registration_no", "Số giấy chứng nhận đăng ký kinh doanh / HTX / hộ kinh doanh", "Business / cooperative / household registration number",
                profile.registration_no.clone(), Some(("Ví dụ: 4300123456", "e.g. 4300123456")), "text", "20")}
            {text_field("tax_code", "Mã số thuế", "Tax code", profile.tax_code.clone(),
                Some(("10 chữ số; đơn vị phụ thuộc: 10 chữ số-3 chữ số. Bỏ trống nếu chưa có.", "10 digits; a branch: 10 digits-3 digits. Leave empty if none.")), "text", "14")}
            {text_field("representative", "Người đại diện theo pháp luật", "Legal representative", profile.representative.clone(), None, "text", "120")}
            {text_field("representative_title", "Chức vụ", "Title", profile.representative_title.clone(),
                Some(("Ví dụ: Giám đốc, Chủ hộ kinh doanh", "e.g. Director, Owner")), "text", "80")}
            {text_field("address", "Địa chỉ trụ sở / nơi sản xuất", "Address", profile.address.clone(),
                Some(("Số nhà, thôn/xóm", "House number, village")), "text", "300")}
            <div class="field">
                <label for="commune_id">{tr!("Xã, phường, thị trấn", "Commune")}</label>
                <FieldError error=error field="commune_id"/>
                <select id="commune_id" name="commune_id" required>
                    {groups.into_iter().map(|(g, items)| view! {
                        <optgroup label=g>
                            {items.into_iter().map(|(id, name)| view! { <option value=id.to_string() selected=id == commune>{name}</option> }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            </div>
            {text_field("phone", "Số điện thoại liên hệ", "Contact phone", profile.phone.clone(), None, "tel", "20")}
            {text_field("email", "E-mail liên hệ", "Contact e-mail", profile.email.clone(), None, "email", "254")}
            <button type="submit" class="button" disabled=move || action.pending().get()>
                {move || if action.pending().get() { lang.get().pick("Đang lưu…", "Saving…") } else { lang.get().pick("Lưu hồ sơ", "Save profile") }}
            </button>
        </ActionForm>
    }
}
