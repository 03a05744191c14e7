//! Printable forms generated from the entered data: the registration form (phiếu đăng ký; SPCNNTTB
//! Mẫu số 01) and the product description (bản thuyết minh, mô tả sản phẩm; SPCNNTTB Mẫu số 02).
//! Vietnamese only, as filed; A4 through the print stylesheet.

use domain::access::Programme;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::dossiers::{dossier_print, PrintData},
    components::forms::ErrorNotice,
    errors::AppError,
    i18n::format_ts,
    tr,
};

#[component]
pub fn PrintPage() -> impl IntoView {
    let params = use_params_map();
    let form = move || params.with(|p| p.get("form").unwrap_or_default());
    let data = Resource::new(
        move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok())),
        |id| async move {
            match id {
                Some(id) => dossier_print(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match (data.await, form().as_str()) {
                    (Ok(d), "registration") => view! { <Registration data=d/> }.into_any(),
                    (Ok(d), "description") => view! { <Description data=d/> }.into_any(),
                    (Ok(_), _) => view! { <ErrorNotice error=AppError::NotFound/> }.into_any(),
                    (Err(e), _) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PrintBar() -> impl IntoView {
    view! {
        <p class="print-bar no-print">
            <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>{tr!("In / lưu PDF", "Print / save as PDF")}</button>
            " " {tr!("Trong hộp thoại in, chọn khổ A4; chọn «Lưu dưới dạng PDF» để có tệp PDF.", "In the print dialog choose A4; choose \"Save as PDF\" for a PDF file.")}
        </p>
    }
}

#[component]
fn NationalHeader() -> impl IntoView {
    view! {
        <div class="doc-national">
            <p class="doc-caps">"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"</p>
            <p class="doc-motto">"Độc lập - Tự do - Hạnh phúc"</p>
        </div>
    }
}

fn or_blank(v: &Option<String>) -> String {
    v.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "…………………………".into())
}

#[component]
fn Registration(data: PrintData) -> impl IntoView {
    let d = data.dossier;
    let p = data.profile;
    let spcnnttb = d.round.programme == Programme::Spcnnttb;
    let title = if spcnnttb {
        "PHIẾU ĐĂNG KÝ THAM GIA BÌNH CHỌN SẢN PHẨM CÔNG NGHIỆP NÔNG THÔN TIÊU BIỂU"
    } else {
        "PHIẾU ĐĂNG KÝ SẢN PHẨM THAM GIA ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP"
    };
    let declared = d.declaration_at.as_deref().map(format_ts).unwrap_or_else(|| "(chưa nộp)".into());
    view! {
        <Title text=title/>
        <PrintBar/>
        <article class="doc">
            {spcnnttb.then(|| view! { <p class="doc-form-no">"Mẫu số 01"</p> })}
            <NationalHeader/>
            <h1 class="doc-title">{title}</h1>
            <p class="doc-to">{format!("Kính gửi: Hội đồng {} — {}", if spcnnttb { "bình chọn" } else { "đánh giá, phân hạng sản phẩm OCOP" }, d.round.unit_name)}</p>
            <h2>"1. Thông tin chủ thể"</h2>
            <table class="doc-table">
                <tr><th>"Tên chủ thể"</th><td>{p.name.clone()}</td></tr>
                <tr><th>"Loại hình"</th><td>{p.producer_type.name_vi()}</td></tr>
                <tr><th>"Số giấy chứng nhận đăng ký"</th><td>{or_blank(&p.registration_no)}</td></tr>
                <tr><th>"Mã số thuế"</th><td>{or_blank(&p.tax_code)}</td></tr>
                <tr><th>"Người đại diện theo pháp luật"</th><td>{format!("{} — {}", or_blank(&p.representative), or_blank(&p.representative_title))}</td></tr>
                <tr><th>"Địa chỉ"</th><td>{format!("{}, {}", or_blank(&p.address), p.commune_name)}</td></tr>
                <tr><th>"Điện thoại / E-mail"</th><td>{format!("{} / {}", or_blank(&p.phone), or_blank(&p.email))}</td></tr>
            </table>
            <h2>"2. Sản phẩm đăng ký"</h2>
            <table class="doc-table">
                <tr><th>"Tên sản phẩm"</th><td>{d.product_name.clone()}</td></tr>
                <tr><th>"Nhóm sản phẩm"</th><td>{format!("{} ({})", d.group_name, d.group_code)}</td></tr>
                <tr><th>"Hình thức đăng ký"</th><td>{d.registration_type.label_vi()}{d.previous_certificate.clone().map(|c| format!(" — GCN/QĐ số {c}"))}</td></tr>
                <tr><th>"Đợt"</th><td>{format!("{} (năm {})", d.round.name, d.round.year)}</td></tr>
            </table>
            <h2>"3. Hồ sơ kèm theo"</h2>
            <ol>
                {d.items.iter().filter(|i| !i.files.is_empty() || !i.product_photos.is_empty()).map(|i| {
                    let n = i.files.len() + i.product_photos.len();
                    view! { <li>{format!("{} ({} tệp)", i.item.name_vi, n)}</li> }
                }).collect_view()}
            </ol>
            <h2>"4. Cam kết"</h2>
            <p>"Chúng tôi cam kết nội dung hồ sơ và các tài liệu kèm theo là đúng sự thật, chấp hành đầy đủ quy định của chương trình và chịu trách nhiệm trước pháp luật về nội dung đã kê khai."</p>
            <p class="muted">{format!("Xác nhận cam kết trực tuyến lúc: {declared}")}</p>
            <div class="doc-sign">
                <p>{format!("{}, ngày …… tháng …… năm {}", p.commune_name, d.round.year)}</p>
                <p class="doc-caps">"ĐẠI DIỆN CHỦ THỂ"</p>
                <p class="muted">"(Ký, ghi rõ họ tên, đóng dấu nếu có)"</p>
                <p class="doc-signer">{or_blank(&p.representative)}</p>
            </div>
        </article>
    }
}

#[component]
fn Description(data: PrintData) -> impl IntoView {
    let d = data.dossier;
    let p = data.profile;
    let product = data.product;
    let spcnnttb = d.round.programme == Programme::Spcnnttb;
    let title = "BẢN THUYẾT MINH, MÔ TẢ GIỚI THIỆU SẢN PHẨM";
    view! {
        <Title text=title/>
        <PrintBar/>
        <article class="doc">
            {spcnnttb.then(|| view! { <p class="doc-form-no">"Mẫu số 02"</p> })}
            <NationalHeader/>
            <h1 class="doc-title">{title}</h1>
            <table class="doc-table">
                <tr><th>"Tên sản phẩm"</th><td>{product.name.clone()}</td></tr>
                <tr><th>"Chủ thể sản xuất"</th><td>{format!("{} — {}", p.name, p.commune_name)}</td></tr>
                <tr><th>"Nhóm sản phẩm"</th><td>{format!("{} ({})", d.group_name, d.group_code)}</td></tr>
            </table>
            <h2>"1. Mô tả sản phẩm"</h2>
            <p class="doc-text">{product.description.clone()}</p>
            {(!product.items.is_empty()).then(|| view! {
                <h2>"Các sản phẩm trong bộ"</h2>
                <ol>{product.items.iter().map(|(n, desc)| view! { <li><strong>{n.clone()}</strong>{(!desc.is_empty()).then(|| format!(": {desc}"))}</li> }).collect_view()}</ol>
            })}
            <h2>"2. Nguyên liệu và nguồn gốc"</h2>
            <p class="doc-text">{product.raw_materials.clone()}</p>
            <h2>"3. Bao bì, nhãn mác"</h2>
            <p class="doc-text">{product.packaging.clone()}</p>
            <h2>"4. Ảnh sản phẩm"</h2>
            <div class="doc-photos">
                {product.photos.iter().map(|ph| {
                    let label = match ph.view.as_str() { "front" => "Chính diện", "side" => "Bên cạnh", "top" => "Từ trên xuống", _ => "Ảnh khác" };
                    view! {
                        <figure>
                            <img src=format!("/files/photos/{}", ph.id) alt=label/>
                            <figcaption>{label}</figcaption>
                        </figure>
                    }
                }).collect_view()}
            </div>
            <div class="doc-sign">
                <p>{format!("{}, ngày …… tháng …… năm {}", p.commune_name, d.round.year)}</p>
                <p class="doc-caps">"ĐẠI DIỆN CHỦ THỂ"</p>
                <p class="muted">"(Ký, ghi rõ họ tên, đóng dấu nếu có)"</p>
                <p class="doc-signer">{or_blank(&p.representative)}</p>
            </div>
        </article>
    }
}
