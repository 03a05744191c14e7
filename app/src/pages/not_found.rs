use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{i18n::use_lang, tr};

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_lang();
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Không tìm thấy trang", "Page not found").to_string()/>
        <div class="panel">
            <h1>{tr!("Không tìm thấy trang", "Page not found")}</h1>
            <p>{tr!("Địa chỉ này không có trong hệ thống. Nếu bạn gõ địa chỉ, hãy kiểm tra lại chính tả; nếu bạn bấm một đường dẫn, có thể trang đã được chuyển.",
                    "This address is not part of the site. If you typed it, check the spelling; if you followed a link, the page may have moved.")}</p>
            <p><A href="/">{tr!("Về trang chủ", "Go to the home page")}</A></p>
        </div>
    }
}
