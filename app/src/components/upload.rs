//! File upload with a progress bar per file and a retry button, for phones on slow networks.
//! Each file is POSTed on its own as the request body (the server streams it to disk); the
//! name travels percent-encoded in `x-file-name` so Vietnamese names survive.

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::{components::browser_value::BrowserValue, errors::AppError, i18n::use_lang, tr};

#[derive(Clone, PartialEq)]
enum Status {
    Sending(u32),
    Done,
    Failed(AppError),
}

#[derive(Clone)]
struct Entry {
    name: String,
    status: Status,
}

/// Sends one file; `progress` gets 0–100, `done` the outcome. Browser only.
fn send(url: &str, file: &web_sys::File, progress: impl Fn(u32) + 'static, done: impl Fn(Result<String, AppError>) + 'static) {
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        done(Err(AppError::Network { detail: "XMLHttpRequest".into() }));
        return;
    };
    if xhr.open_with_async("POST", url, true).is_err() {
        done(Err(AppError::Network { detail: "open".into() }));
        return;
    }
    let name: String = js_sys::encode_uri_component(&file.name()).into();
    let _ = xhr.set_request_header("x-file-name", &name);
    let _ = xhr.set_request_header("content-type", "application/octet-stream");
    if let Ok(upload) = xhr.upload() {
        let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress(((e.loaded() / e.total()) * 100.0).round().min(100.0) as u32);
            }
        });
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }
    let done = std::rc::Rc::new(done);
    let xhr2 = xhr.clone();
    let done_load = done.clone();
    let on_load = Closure::<dyn Fn()>::new(move || {
        let status = xhr2.status().unwrap_or(0);
        if (200..300).contains(&status) {
            done_load(Ok(xhr2.response_text().ok().flatten().unwrap_or_default()));
        } else {
            let body = xhr2.response_text().ok().flatten().unwrap_or_default();
            let err = serde_json::from_str::<AppError>(&body).unwrap_or(AppError::Internal { reference: status.to_string() });
            done_load(Err(err));
        }
    });
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    on_load.forget();
    let on_error = Closure::<dyn Fn()>::new(move || done(Err(AppError::Network { detail: "upload".into() })));
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    // A failure to start is reported through onerror.
    let _ = xhr.send_with_opt_blob(Some(file.as_ref()));
}

/// A file picker that uploads what is chosen to `url`, showing progress; `on_uploaded` runs
/// once every chosen file has arrived (failed ones stay listed with a retry button).
#[component]
pub fn FileUpload(
    url: String,
    /// The `accept` attribute, e.g. "application/pdf,image/jpeg".
    accept: String,
    input_id: String,
    #[prop(optional)] multiple: bool,
    on_uploaded: Callback<()>,
    /// Gets the server's answer to each file that arrived (e.g. an import report).
    #[prop(optional)]
    on_response: Option<Callback<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let entries = RwSignal::new(Vec::<Entry>::new());
    let files = BrowserValue::new(Vec::<web_sys::File>::new);
    let url = StoredValue::new(url);

    let start = move |index: usize| {
        let Some(file) = files.with_value(|f| f.get(index).cloned()).flatten() else { return };
        entries.update(|e| e[index].status = Status::Sending(0));
        send(
            &url.get_value(),
            &file,
            move |p| entries.update(|e| if let Some(x) = e.get_mut(index) { x.status = Status::Sending(p) }),
            move |r| {
                entries.update(|e| {
                    if let Some(x) = e.get_mut(index) {
                        x.status = match r.clone() {
                            Ok(body) => {
                                if let Some(cb) = on_response {
                                    cb.run(body);
                                }
                                Status::Done
                            }
                            Err(err) => Status::Failed(err),
                        }
                    }
                });
                let all_done = entries.with_untracked(|e| e.iter().all(|x| x.status == Status::Done));
                if all_done {
                    on_uploaded.run(());
                }
            },
        );
    };

    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(list) = input.files() else { return };
        let chosen: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        if chosen.is_empty() {
            return;
        }
        files.set_value(chosen.clone());
        entries.set(chosen.iter().map(|f| Entry { name: f.name(), status: Status::Sending(0) }).collect());
        input.set_value("");
        for i in 0..chosen.len() {
            start(i);
        }
    };

    let indices = move || (0..entries.with(|e| e.len())).collect::<Vec<usize>>();
    view! {
        <div class="upload">
            <input type="file" id=input_id accept=accept multiple=multiple on:change=on_change class="upload-input"/>
            <ul class="upload-list" aria-live="polite">
                <For each=indices key=|i: &usize| *i children=move |i| {
                    move || entries.with(|e| e.get(i).cloned()).map(|entry| {
                        let name = entry.name.clone();
                        match entry.status {
                            // Once every byte is sent the server is still reading it (an import
                            // checks each row): say so rather than sit at 100 %.
                            Status::Sending(p) if p >= 100 => view! {
                                <li class="upload-item upload-processing">
                                    <span class="upload-name">{name}</span>
                                    <progress max="100">"…"</progress>
                                    <span class="muted">{tr!("Đã gửi xong, máy chủ đang xử lý…", "Sent; the server is processing it…")}</span>
                                </li>
                            }.into_any(),
                            Status::Sending(p) => view! {
                                <li class="upload-item">
                                    <span class="upload-name">{name}</span>
                                    <progress max="100" value=p>{format!("{p}%")}</progress>
                                    <span class="muted">{format!("{p}%")}</span>
                                </li>
                            }.into_any(),
                            Status::Done => view! {
                                <li class="upload-item upload-done">
                                    <span class="upload-name">{name}</span>
                                    <span>{tr!("Đã tải lên", "Uploaded")}</span>
                                </li>
                            }.into_any(),
                            Status::Failed(err) => {
                                // Only a dropped connection or a server hiccup is worth sending again.
                                let retryable = matches!(err, AppError::Network { .. } | AppError::Internal { .. });
                                view! {
                                    <li class="upload-item upload-failed" role="alert">
                                        <span class="upload-name">{name}</span>
                                        <span class="field-error">{move || err.message(lang.get())}</span>
                                        {retryable.then(|| view! {
                                            <button type="button" class="button-secondary small" on:click=move |_| start(i)>
                                                {tr!("Thử lại", "Retry")}
                                            </button>
                                        })}
                                    </li>
                                }.into_any()
                            }
                        }
                    })
                }/>
            </ul>
        </div>
    }
}
