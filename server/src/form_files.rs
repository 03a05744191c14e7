//! Score forms as files: download a form as TOML or XLSX, upload one into a rule set.
//!
//! Plain routes (a file is not a server-function argument), behind the same middleware as the
//! API: the session resolves the user, the cross-site guard refuses foreign POSTs, and the same
//! permission checks as the server functions apply. Errors have the API's JSON shape; a browser
//! form submission (Accept: text/html) is sent back to the rule-set page with the message.

use app::{errors::AppError, i18n::Lang};
use axum::{
    extract::{FromRequest, Multipart, Path, Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Router,
};
use backend::{
    auth::{CurrentUser, RequestMeta},
    form_files, rulesets, AppState,
};

use crate::http::api_error;

pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/files/forms/{id}/toml", get(download_toml))
        .route("/files/forms/{id}/xlsx", get(download_xlsx))
        .route("/files/rule-sets/{id}/import", post(import))
        .with_state(state)
}

fn user_of(headers_ext: &axum::http::Extensions) -> Result<CurrentUser, AppError> {
    let user = headers_ext.get::<CurrentUser>().cloned().ok_or(AppError::Unauthenticated)?;
    if user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(user)
}

fn id_of(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// A file name safe in a header: the form code's plain characters.
fn file_name(code: &str, version: i64, ext: &str) -> String {
    let safe: String = code.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' }).collect();
    format!("{safe}-v{version}.{ext}")
}

async fn load_visible(state: &AppState, user: &CurrentUser, id: i64) -> Result<rulesets::StoredForm, AppError> {
    let stored = rulesets::form(&state.db, id).await?;
    if !rulesets::can_view(user, &stored.row.status) || !rulesets::can_view(user, &stored.rule_set.status) {
        return Err(AppError::NotFound);
    }
    Ok(stored)
}

fn attachment(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static(content_type)), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

async fn download_toml(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> Response {
    // Only the user is needed from the request; the body is not kept across the awaits below.
    let user = user_of(req.extensions());
    drop(req);
    let result = async {
        let user = user?;
        let stored = load_visible(&state, &user, id_of(&id)?).await?;
        let text = stored.form.to_toml().map_err(|e| AppError::from(backend::Error::Internal(e.to_string())))?;
        Ok::<_, AppError>(attachment(text.into_bytes(), "application/toml; charset=utf-8", &file_name(&stored.row.code, stored.row.version, "toml")))
    };
    result.await.unwrap_or_else(api_error)
}

async fn download_xlsx(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> Response {
    // Only the user is needed from the request; the body is not kept across the awaits below.
    let user = user_of(req.extensions());
    drop(req);
    let result = async {
        let user = user?;
        let stored = load_visible(&state, &user, id_of(&id)?).await?;
        let bytes = form_files::to_xlsx(&stored.form)?;
        Ok::<_, AppError>(attachment(
            bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &file_name(&stored.row.code, stored.row.version, "xlsx"),
        ))
    };
    result.await.unwrap_or_else(api_error)
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

fn lang_of(headers: &HeaderMap) -> Lang {
    headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).map(Lang::from_cookie_header).unwrap_or_default()
}

/// Percent-encodes a query value (everything but unreserved characters).
fn query_value(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Imports a form file (multipart field `file`, XLSX or TOML) into a rule set as a new draft.
/// Answers `{"form_id": n}`, or for a browser form a redirect to the new draft's editor.
async fn import(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> Response {
    let html = wants_html(req.headers());
    let lang = lang_of(req.headers());
    let meta = req.extensions().get::<RequestMeta>().cloned().unwrap_or_default();
    let rule_set_id = id.parse::<i64>().ok();
    let result = async {
        let user = user_of(req.extensions())?;
        // Refuse those who may edit nothing before reading anything they sent.
        rulesets::require_some_editor(&user)?;
        let rule_set_id = rule_set_id.ok_or(AppError::NotFound)?;
        let mut multipart = Multipart::from_request(req, &()).await.map_err(|e| AppError::BadRequest { detail: e.body_text() })?;
        let mut upload: Option<(String, Vec<u8>)> = None;
        while let Some(field) = multipart.next_field().await.map_err(|e| AppError::BadRequest { detail: e.body_text() })? {
            if field.name() != Some("file") {
                continue;
            }
            let name = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|e| AppError::BadRequest { detail: e.body_text() })?;
            upload = Some((name, bytes.to_vec()));
        }
        let Some((name, bytes)) = upload else {
            return Err(AppError::Invalid {
                field: "file".into(),
                vi: "Chưa chọn tệp. Hãy chọn tệp .xlsx hoặc .toml của phiếu rồi nhập lại.".into(),
                en: "No file was chosen. Choose the form's .xlsx or .toml file and import again.".into(),
            });
        };
        let form = form_files::read_upload(&name, &bytes)?;
        let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
        let form_id = rulesets::import_form(&state.db, &user, &actor, rule_set_id, form).await?;
        Ok::<_, AppError>(form_id)
    };
    match (result.await, html) {
        (Ok(form_id), false) => axum::Json(serde_json::json!({ "form_id": form_id })).into_response(),
        (Ok(form_id), true) => Redirect::to(&format!("/forms/{form_id}")).into_response(),
        (Err(e), true) if rule_set_id.is_some() && !matches!(e, AppError::Unauthenticated | AppError::Forbidden | AppError::NotFound) => {
            let back = format!("/rulesets/{}?import_error={}", rule_set_id.unwrap_or_default(), query_value(&e.message(lang)));
            Redirect::to(&back).into_response()
        }
        (Err(e), _) => api_error(e),
    }
}
