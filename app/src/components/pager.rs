//! Previous/next links for paginated lists.

use leptos::prelude::*;

use crate::{i18n::use_lang, tr};

#[component]
pub fn Pager(page: i64, pages: i64, total: i64, on_page: Callback<i64>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <nav class="pager" aria-label=move || lang.get().pick("Phân trang", "Pagination")>
            <button type="button" class="button-secondary" disabled=page <= 1 on:click=move |_| on_page.run(page - 1)>
                {tr!("← Trang trước", "← Previous")}
            </button>
            <span>
                {move || lang.get().pick(
                    format!("Trang {page}/{pages} · {} mục", domain::text::group_thousands(total)),
                    format!("Page {page} of {pages} · {total} items"),
                )}
            </span>
            <button type="button" class="button-secondary" disabled=page >= pages on:click=move |_| on_page.run(page + 1)>
                {tr!("Trang sau →", "Next →")}
            </button>
        </nav>
    }
}
