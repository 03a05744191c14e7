//! Form pieces in the GOV.UK style: an error summary at the top that links to each field,
//! the field's own message beside it, and labels with hints.

use leptos::prelude::*;

use crate::{errors::AppError, i18n::use_lang, tr};

/// The error of the last submission of a form, if any.
pub type FormError = Signal<Option<AppError>>;

/// Turns an action's result into its error, for the form helpers below.
pub fn action_error<T, S>(value: S) -> FormError
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// The box at the top of a form that lists what went wrong, each linked to its field.
/// It takes focus when it appears, so screen-reader and keyboard users land on it.
#[component]
pub fn ErrorSummary(error: FormError) -> impl IntoView {
    let lang = use_lang();
    let node = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if error.get().is_some() {
            if let Some(el) = node.get() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <div node_ref=node tabindex="-1" class="error-summary-slot">
            {move || error.get().map(|e| {
                let msg = e.message(lang.get());
                let field = e.field().map(str::to_string);
                view! {
                    <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
                        <h2 id="error-summary-title">{tr!("Chưa gửi được", "There is a problem")}</h2>
                        <ul>
                            <li>
                                {match field {
                                    Some(f) => view! { <a href=format!("#{f}")>{msg}</a> }.into_any(),
                                    None => view! { <span>{msg}</span> }.into_any(),
                                }}
                            </li>
                        </ul>
                    </div>
                }
            })}
        </div>
    }
}

/// The message under a field when the last error was about it.
#[component]
pub fn FieldError(error: FormError, field: &'static str) -> impl IntoView {
    let lang = use_lang();
    view! {
        {move || error.get().filter(|e| e.field() == Some(field)).map(|e| view! {
            <p class="field-error" id=format!("{field}-error")>
                <span class="visually-hidden">{move || lang.get().pick("Lỗi: ", "Error: ")}</span>
                {e.message(lang.get())}
            </p>
        })}
    }
}

/// `aria-invalid` for a field that the last error was about.
pub fn invalid(error: FormError, field: &'static str) -> impl Fn() -> Option<&'static str> + Send + Sync + Copy {
    move || error.get().filter(|e| e.field() == Some(field)).map(|_| "true")
}

/// An error shown above a list or page (not tied to a form).
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let lang = use_lang();
    let login = matches!(error, AppError::Unauthenticated);
    view! {
        <div class="notice notice-error" role="alert">
            <p>{move || error.message(lang.get())}</p>
            {login.then(|| view! { <p><a href="/login">{tr!("Đăng nhập", "Log in")}</a></p> })}
        </div>
    }
}
