//! The home page: what binhchon is for the public; the person's roles and next steps once logged in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    api::auth::UserView,
    i18n::use_lang,
    tr, use_session,
};

#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Trang chủ", "Home").to_string()/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match session.user.await.ok().flatten() {
                    Some(user) => view! { <Dashboard user=user/> }.into_any(),
                    None => view! { <Welcome/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>{tr!("Bình chọn sản phẩm tiêu biểu và đánh giá OCOP, trực tuyến",
                     "Product selection and OCOP rating, online")}</h1>
            <p class="lead">{tr!(
                "Chủ thể sản xuất đăng ký sản phẩm và nộp hồ sơ; văn phòng kiểm tra hồ sơ, thành lập hội đồng; giám khảo chấm điểm trên phiếu chính thức; kết quả được công bố công khai.",
                "Producers register products and file dossiers; the office checks dossiers and forms councils; judges score on the official form; results are published."
            )}</p>
            <div class="actions">
                <A href="/signup" attr:class="button">{tr!("Đăng ký chủ thể sản xuất", "Sign up as a producer")}</A>
                <A href="/login" attr:class="button-secondary">{tr!("Đăng nhập", "Log in")}</A>
            </div>
        </section>
        <section class="cards">
            <article class="card">
                <h2>{tr!("Đánh giá, phân hạng sản phẩm OCOP", "OCOP evaluation and star rating")}</h2>
                <p>{tr!("Sản phẩm được hội đồng chấm theo Bộ tiêu chí (phần A, B, C; tổng 100 điểm) và xếp hạng từ 1 đến 5 sao. Sản phẩm đạt 3 sao trở lên được cấp Giấy chứng nhận, có giá trị 36 tháng.",
                        "Products are scored by a council on the official criteria (parts A, B, C; 100 points) and rated 1 to 5 stars. Products with 3 stars or more get a certificate valid for 36 months.")}</p>
            </article>
            <article class="card">
                <h2>{tr!("Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu", "Outstanding rural industrial products")}</h2>
                <p>{tr!("Sản phẩm được chấm trên phiếu 4 tiêu chí (40/40/10/10). Sản phẩm đạt bình quân từ 70 điểm được xem xét công nhận và đăng ký bình chọn cấp tỉnh.",
                        "Products are scored on a four-criterion sheet (40/40/10/10). Products averaging 70 points or more may be recognised and go on to the provincial selection.")}</p>
            </article>
        </section>
    }
}

type Step = (&'static str, &'static str, &'static str, &'static str, &'static str);

/// Where each role starts its work.
fn next_steps(user: &UserView) -> Vec<Step> {
    use domain::access::Role;
    let mut out: Vec<Step> = Vec::new();
    if user.has(Role::Producer) {
        out.push(("/producer/profile", "Hồ sơ chủ thể", "Producer profile",
            "Thông tin in vào phiếu đăng ký: số đăng ký kinh doanh, người đại diện, địa chỉ.", "What the registration form prints: registration number, representative, address."));
        out.push(("/products", "Sản phẩm", "Products",
            "Nhập sản phẩm và ảnh một lần, dùng cho mọi đợt.", "Enter products and photos once, for every round."));
        out.push(("/dossiers", "Hồ sơ đăng ký", "Dossiers",
            "Các đợt đang nhận hồ sơ, hạn nộp, và việc cần làm tiếp với từng hồ sơ.", "Rounds open for filing, deadlines, and what to do next with each dossier."));
    }
    if user.has(Role::OcopOffice) || user.has(Role::SpcnnttbOffice) {
        out.push(("/office/rounds", "Đợt đánh giá", "Rounds",
            "Tạo đợt, mở và đóng nhận hồ sơ, điều chỉnh danh mục hồ sơ, lập hội đồng và phân công sản phẩm.", "Create rounds, open and close registration, adapt the checklist, set up councils and assign products."));
        out.push(("/office/dossiers", "Tiếp nhận hồ sơ", "Dossier intake",
            "Kiểm tra hồ sơ, yêu cầu bổ sung, tiếp nhận hoặc từ chối.", "Check dossiers, ask for supplements, accept or reject."));
    }
    if user.has(Role::Judge) {
        out.push(("/judge", "Chấm điểm", "Scoring",
            "Sản phẩm hội đồng giao cho bạn chấm, phiếu chấm tự lưu.", "The products your council gives you to score; the sheet saves itself."));
        out.push(("/judge/conflicts", "Xung đột lợi ích", "Conflicts of interest",
            "Kê khai quan hệ với chủ thể có sản phẩm trước hội đồng của bạn.", "Declare a tie with a producer whose product is before your council."));
    }
    if user.has(Role::CommuneOfficer) {
        out.push(("/commune/dossiers", "Hồ sơ của xã", "Commune dossiers",
            "Xác nhận hoặc trả lại hồ sơ của chủ thể trên địa bàn.", "Confirm or return the dossiers of producers in your commune."));
    }
    out
}

#[component]
fn Dashboard(user: UserView) -> impl IntoView {
    let lang = use_lang();
    let roles = user.roles.clone();
    let steps = next_steps(&user);
    view! {
        <h1>{move || lang.get().pick(format!("Xin chào, {}", user.full_name), format!("Hello, {}", user.full_name))}</h1>
        <section class="panel">
            <h2>{tr!("Vai trò của bạn", "Your roles")}</h2>
            <ul class="role-list">
                {roles.into_iter().map(|(role, unit)| view! {
                    <li>
                        <strong>{move || lang.get().pick(role.name_vi(), role.name_en())}</strong>
                        {unit.map(|u| view! { <span class="muted">" · " {u}</span> })}
                    </li>
                }).collect_view()}
            </ul>
            <p class="muted">{move || lang.get().pick(format!("Đăng nhập bằng: {}", user.login), format!("Logged in as: {}", user.login))}</p>
        </section>
        <section class="cards">
            {steps.into_iter().map(|(href, title_vi, title_en, text_vi, text_en)| view! {
                <article class="card">
                    <h2><A href=href>{move || lang.get().pick(title_vi, title_en)}</A></h2>
                    <p>{move || lang.get().pick(text_vi, text_en)}</p>
                </article>
            }).collect_view()}
        </section>
    }
}
