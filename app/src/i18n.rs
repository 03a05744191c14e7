//! Vietnamese first, English second. Every text is written in both languages where it is
//! used (`tr!("Đăng nhập", "Log in")`), so a missing translation is a compile error and the
//! reader's choice, kept in a cookie, switches the page without a reload.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const LANG_COOKIE: &str = "bc_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn from_code(s: &str) -> Lang {
        if s.trim() == "en" { Lang::En } else { Lang::Vi }
    }

    /// Reads the language from a `Cookie:` header value.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .map(|(_, v)| Lang::from_code(v))
            .unwrap_or_default()
    }

    pub fn pick<T>(self, vi: T, en: T) -> T {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// The page's language, shared through context.
pub fn use_lang() -> RwSignal<Lang> {
    match use_context::<RwSignal<Lang>>() {
        Some(s) => s,
        None => {
            let s = RwSignal::new(Lang::default());
            provide_context(s);
            s
        }
    }
}

/// The language the request asked for: the cookie on the server, `document.cookie` in the browser.
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| p.headers.get(http::header::COOKIE).and_then(|v| v.to_str().ok()).map(Lang::from_cookie_header))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::JsCast;
        document()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()
            .and_then(|d| d.cookie().ok())
            .map(|c| Lang::from_cookie_header(&c))
            .unwrap_or_default()
    }
}

/// Switches the language and remembers it for a year.
pub fn set_lang(lang: Lang) {
    use_lang().set(lang);
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::JsCast;
        if let Ok(d) = document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = d.set_cookie(&format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code()));
        }
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.code());
        }
    }
}

/// A reactive text in both languages: `tr!("Đăng nhập", "Log in")`.
#[macro_export]
macro_rules! tr {
    ($vi:expr, $en:expr) => {{
        let lang = $crate::i18n::use_lang();
        move || lang.get().pick($vi, $en)
    }};
}

/// The same text, read once (for attributes and strings built in code).
pub fn t(vi: &'static str, en: &'static str) -> &'static str {
    use_lang().get_untracked().pick(vi, en)
}

/// A stored UTC timestamp in Vietnam's time (UTC+7, no daylight saving):
/// "2024-03-05T07:08:09.123456Z" → "05/03/2024 14:08:09".
pub fn format_ts(ts: &str) -> String {
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600);
    match (chrono::DateTime::parse_from_rfc3339(ts), vietnam) {
        (Ok(t), Some(tz)) => t.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S").to_string(),
        _ => ts.to_string(),
    }
}

/// The time of day in Vietnam of a stored timestamp: "14:05".
pub fn format_time(ts: &str) -> String {
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600);
    match (chrono::DateTime::parse_from_rfc3339(ts), vietnam) {
        (Ok(t), Some(tz)) => t.with_timezone(&tz).format("%H:%M").to_string(),
        _ => ts.to_string(),
    }
}

/// A calendar date as Vietnamese forms write it: "05/03/2024".
pub fn format_date(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Today in Vietnam (UTC+7) as YYYY-MM-DD. In the browser std's clock panics under WebAssembly,
/// so the date comes from JavaScript's `Date` there.
pub fn today_vn() -> String {
    #[cfg(feature = "ssr")]
    let now_ms = chrono::Utc::now().timestamp_millis();
    #[cfg(not(feature = "ssr"))]
    #[allow(clippy::cast_possible_truncation)]
    let now_ms = js_sys::Date::now() as i64;
    chrono::DateTime::from_timestamp_millis(now_ms + 7 * 3600 * 1000).map(|d| d.date_naive().to_string()).unwrap_or_default()
}
