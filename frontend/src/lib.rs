//! Loaded by the page's hydration script: attaches the interactive Leptos app to
//! the HTML the server already rendered.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // A marker the browser tests wait for: the page is now interactive.
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__binhchon_hydrated".into(), &true.into());
    }
}
