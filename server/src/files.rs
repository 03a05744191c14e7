//! Uploads and downloads of dossier documents and product photos. Plain HTTP routes beside the
//! API: an upload's body is the file itself (the browser sends it with progress), streamed to
//! disk under the size limit; a download is checked against who may see the dossier or product.
//!
//!   POST /files/products/{id}/photos?view=front     body: the photo; header x-file-name
//!   POST /files/dossiers/{id}/items/{item}          body: the document; header x-file-name
//!   GET  /files/photos/{id}[?thumb=1]
//!   GET  /files/public/photos/{id}[?thumb=1]       a certified product's photo, for the public catalogue
//!   GET  /files/documents/{id}[?thumb=1]
//!   GET  /files/councils/{id}/paper-sheets.xlsx     the paper-sheet template of a council
//!   POST /files/councils/{id}/paper-sheets          body: the filled template → import report
//!   GET  /files/rounds/{id}/export/{kind}.xlsx      a finalised round's summary, detail or nominations
//!   GET  /files/rounds/{id}/nomination.zip          the round's nomination package (ZIP)
//!   POST /files/rounds/{id}/nominations/import      body: a package from another instance → import report
//!   GET  /files/certificates/import-template.xlsx?programme=ocop   the list of certified products, empty
//!   POST /files/certificates/import?programme=ocop  body: the filled list; header x-file-name → row report
//!   GET  /files/catalogue.csv?q=&programme=&stars=&commune_id=     the public catalogue as CSV

use app::errors::AppError;
use axum::{
    body::Body,
    extract::{Path, Query, Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use backend::{
    auth::{CurrentUser, RequestMeta},
    cert_imports, dossiers, exports, nominations, paper_files,
    files::{self, Incoming, Received},
    products, AppState,
};
use serde::Deserialize;
use tower::ServiceExt;

use crate::http::api_error;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/files/products/{id}/photos", post(upload_photo))
        .route("/files/dossiers/{id}/items/{item}", post(upload_document))
        .route("/files/photos/{id}", get(download_photo))
        .route("/files/public/photos/{id}", get(public_photo))
        .route("/files/documents/{id}", get(download_document))
        .route("/files/councils/{id}/paper-sheets.xlsx", get(paper_template))
        .route("/files/councils/{id}/paper-sheets", post(paper_import))
        .route("/files/rounds/{id}/export/{file}", get(round_export))
        .route("/files/rounds/{id}/nomination.zip", get(nomination_zip))
        .route("/files/certificates/import-template.xlsx", get(certificate_template))
        .route("/files/certificates/import", post(certificate_import))
        .route("/files/catalogue.csv", get(catalogue_csv))
        .with_state(state)
}

/// The package import, under its own body limit (`MAX_PACKAGE_MB`).
pub fn package_router(state: AppState) -> Router {
    Router::new().route("/files/rounds/{id}/nominations/import", post(nomination_import)).with_state(state)
}

fn meta(req: &Request) -> RequestMeta {
    req.extensions().get::<RequestMeta>().cloned().unwrap_or_default()
}

/// The backend's error as the API's JSON error, with the request id for internal failures.
fn fail(e: backend::Error, meta: &RequestMeta) -> Response {
    use backend::Error as E;
    let err = match e {
        E::Unauthenticated => AppError::Unauthenticated,
        E::Forbidden => AppError::Forbidden,
        E::NotFound => AppError::NotFound,
        E::Invalid { field, msg } => AppError::Invalid { field, vi: msg.vi, en: msg.en },
        E::Conflict(msg) => AppError::Conflict { vi: msg.vi, en: msg.en },
        E::RateLimited { retry_after_secs } => AppError::RateLimited { retry_after_secs },
        other => {
            let reference = meta.request_id.clone().unwrap_or_else(|| "-".into());
            tracing::error!(error = %other, %reference, "file request failed");
            AppError::Internal { reference }
        }
    };
    api_error(err)
}

fn user(req: &Request) -> Result<CurrentUser, Response> {
    match req.extensions().get::<CurrentUser>() {
        None => Err(api_error(AppError::Unauthenticated)),
        Some(u) if u.must_change_password => Err(api_error(AppError::PasswordChangeRequired)),
        Some(u) => Ok(u.clone()),
    }
}

/// The file's name as the browser sent it (percent-encoded UTF-8, so any Vietnamese name survives).
fn file_name(req: &Request) -> String {
    let raw = req.headers().get("x-file-name").and_then(|v| v.to_str().ok()).unwrap_or("");
    let decoded = percent_decode(raw);
    files::clean_name(&decoded)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Streams the request body into the store; a body over the limit is cut off and refused.
async fn receive(state: &AppState, req: Request, accepted: &[String]) -> Result<Received, backend::Error> {
    use futures_util::StreamExt;
    let mut incoming = Incoming::start(&state.config.data_dir, state.config.max_file_bytes).await?;
    let mut stream = req.into_body().into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| {
            backend::Error::invalid("file", "Tải lên bị gián đoạn. Hãy kiểm tra mạng rồi thử lại.", "The upload was interrupted. Check your connection and try again.")
        })?;
        incoming.write(&chunk).await?;
    }
    incoming.finish(&state.config.data_dir, accepted).await
}

#[derive(Deserialize)]
struct PhotoQuery {
    view: Option<String>,
}

async fn upload_photo(State(state): State<AppState>, Path(id): Path<i64>, Query(q): Query<PhotoQuery>, req: Request) -> Response {
    let meta = meta(&req);
    let user = match user(&req) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let view = q.view.unwrap_or_default();
    // Refuse before reading the body: wrong product, wrong owner, unknown view.
    if let Err(e) = products::editable(&state.db, &user, id).await {
        return fail(e, &meta);
    }
    if let Err(e) = products::check_view(&view) {
        return fail(e, &meta);
    }
    let name = file_name(&req);
    let received = match receive(&state, req, &products::photo_types()).await {
        Ok(r) => r,
        Err(e) => return fail(e, &meta),
    };
    match products::add_photo(&state.db, &state.config.data_dir, &user, &meta, id, &view, &name, &received).await {
        Ok(photo_id) => (StatusCode::CREATED, Json(serde_json::json!({"id": photo_id}))).into_response(),
        Err(e) => fail(e, &meta),
    }
}

async fn upload_document(State(state): State<AppState>, Path((id, item)): Path<(i64, String)>, req: Request) -> Response {
    let meta = meta(&req);
    let user = match user(&req) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let accepted = match dossiers::check_upload(&state.db, &user, id, &item).await {
        Ok((_, types)) => types,
        Err(e) => return fail(e, &meta),
    };
    let name = file_name(&req);
    let received = match receive(&state, req, &accepted).await {
        Ok(r) => r,
        Err(e) => return fail(e, &meta),
    };
    match dossiers::add_file(&state.db, &state.config.data_dir, state.config.max_dossier_bytes, &user, &meta, id, &item, &name, &received).await {
        Ok(file_id) => (StatusCode::CREATED, Json(serde_json::json!({"id": file_id}))).into_response(),
        Err(e) => fail(e, &meta),
    }
}

#[derive(Deserialize)]
struct ThumbQuery {
    thumb: Option<u8>,
}

async fn download_photo(State(state): State<AppState>, Path(id): Path<i64>, Query(q): Query<ThumbQuery>, req: Request) -> Response {
    let meta = meta(&req);
    let user = match user(&req) {
        Ok(u) => u,
        Err(r) => return r,
    };
    match products::photo_file(&state.db, &user, id).await {
        Ok((file_id, name)) => serve(&state, file_id, name, q.thumb == Some(1), req, &meta).await,
        Err(e) => fail(e, &meta),
    }
}

/// A certified product's photo for the public catalogue: no log-in, only while the product holds
/// a certificate that is not revoked.
async fn public_photo(State(state): State<AppState>, Path(id): Path<i64>, Query(q): Query<ThumbQuery>, req: Request) -> Response {
    let meta = meta(&req);
    match backend::results::public_photo(&state.db, id).await {
        Ok((file_id, name)) => serve(&state, file_id, name, q.thumb == Some(1), req, &meta).await,
        Err(e) => fail(e, &meta),
    }
}

async fn download_document(State(state): State<AppState>, Path(id): Path<i64>, Query(q): Query<ThumbQuery>, req: Request) -> Response {
    let meta = meta(&req);
    let user = match user(&req) {
        Ok(u) => u,
        Err(r) => return r,
    };
    // The next level's office reads the documents of a dossier nominated to its round.
    let found = match dossiers::file_for_download(&state.db, &user, id).await {
        Err(backend::Error::NotFound) => nominations::received_document(&state.db, &user, id).await,
        other => other,
    };
    match found {
        Ok((file_id, name)) => serve(&state, file_id, name, q.thumb == Some(1), req, &meta).await,
        Err(e) => fail(e, &meta),
    }
}

/// `inline` so PDFs and pictures open in the browser's viewer; the name in both forms so every
/// browser keeps the Vietnamese characters.
fn disposition(name: &str) -> HeaderValue {
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    HeaderValue::from_str(&format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("inline"))
}

async fn serve(state: &AppState, file_id: i64, name: String, thumb: bool, req: Request, meta: &RequestMeta) -> Response {
    let d = match files::download(&state.db, &state.config.data_dir, file_id, name, thumb).await {
        Ok(d) => d,
        Err(e) => return fail(e, meta),
    };
    // ServeFile answers range requests (the PDF viewer asks for pages) and HEAD.
    let res = match tower_http::services::ServeFile::new(&d.path).oneshot(req).await {
        Ok(r) => r,
        Err(e) => match e {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        tracing::error!(file_id, path = %d.path.display(), "stored file missing on disk");
        return fail(backend::Error::Internal("stored file missing".into()), meta);
    }
    let (mut parts, body) = res.into_parts();
    if let Ok(v) = HeaderValue::from_str(&d.mime) {
        parts.headers.insert(header::CONTENT_TYPE, v);
    }
    parts.headers.insert(header::CONTENT_DISPOSITION, disposition(&d.file_name));
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    Response::from_parts(parts, Body::new(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_survive_percent_encoding() {
        assert_eq!(percent_decode("Gi%E1%BA%A5y%20ph%C3%A9p.pdf"), "Giấy phép.pdf");
        assert_eq!(percent_decode("bad%zz%"), "bad%zz%");
        assert!(disposition("Giấy phép.pdf").to_str().unwrap().contains("filename*=UTF-8''Gi%E1%BA%A5y%20ph%C3%A9p.pdf"));
    }
}

async fn paper_template(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let meta = meta(&req);
    let user = match user(&req) {
        Ok(u) => u,
        Err(r) => return r,
    };
    match paper_files::template(&state.db, &user, id).await {
        Ok((name, bytes)) => xlsx_download(&name, bytes),
        Err(e) => fail(e, &meta),
    }
}

/// `{file}` is `summary.xlsx`, `detail.xlsx` or `nominations.xlsx`.
async fn round_export(State(state): State<AppState>, Path((id, file)): Path<(i64, String)>, req: Request) -> Response {
    let meta = meta(&req);
    let user = match user(&req) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(kind) = file.strip_suffix(".xlsx").and_then(exports::RoundExport::from_slug) else {
        return api_error(AppError::NotFound);
    };
    match exports::round_export(&state.db, &user, id, kind).await {
        Ok((name, bytes)) => xlsx_download(&name, bytes),
        Err(e) => fail(e, &meta),
    }
}

fn xlsx_download(name: &str, bytes: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let xlsx = HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    (StatusCode::OK, [(header::CONTENT_TYPE, xlsx), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

async fn paper_import(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let meta = meta(&req);
    let user = match user(&req) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let bytes = match axum::body::to_bytes(req.into_body(), paper_files::MAX_BYTES).await {
        Ok(b) => b,
        Err(_) => return api_error(AppError::TooLarge),
    };
    match paper_files::import(&state.db, &user, &meta, id, &bytes).await {
        Ok(report) => Json(report).into_response(),
        Err(e) => fail(e, &meta),
    }
}

async fn nomination_zip(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let meta = meta(&req);
    let user = match user(&req) {
        Ok(u) => u,
        Err(r) => return r,
    };
    match nominations::package_zip(&state.db, &state.config.data_dir, state.config.public_url.as_deref(), &user, id).await {
        Ok((name, bytes)) => {
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).unwrap_or_else(|_| HeaderValue::from_static("attachment"));
            (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static("application/zip")), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
        }
        Err(e) => fail(e, &meta),
    }
}

async fn nomination_import(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let meta = meta(&req);
    let user = match user(&req) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let max = usize::try_from(state.config.max_package_bytes).unwrap_or(usize::MAX);
    let bytes = match axum::body::to_bytes(req.into_body(), max).await {
        Ok(b) => b,
        Err(_) => return api_error(AppError::TooLarge),
    };
    match nominations::import_zip(&state.db, &state.config.data_dir, state.config.max_package_bytes, &user, &meta, id, &bytes).await {
        Ok(report) => Json(report).into_response(),
        Err(e) => fail(e, &meta),
    }
}

#[derive(Deserialize)]
struct ProgrammeQuery {
    programme: Option<String>,
}

/// The programme named in the query, or the one the caller's office runs when it runs one.
fn programme_for(user: &CurrentUser, q: &ProgrammeQuery) -> Result<domain::access::Programme, Response> {
    use domain::access::Programme;
    match q.programme.as_deref().filter(|p| !p.is_empty()) {
        Some(code) => Programme::from_code(code).ok_or_else(|| {
            api_error(AppError::Invalid { field: "programme".into(), vi: "Chương trình không hợp lệ (ocop hoặc spcnnttb).".into(), en: "Unknown programme (ocop or spcnnttb).".into() })
        }),
        None => [Programme::Ocop, Programme::Spcnnttb]
            .into_iter()
            .find(|p| user.has_role(backend::rules::office_role(*p)))
            .ok_or_else(|| api_error(AppError::Forbidden)),
    }
}

async fn certificate_template(Query(q): Query<ProgrammeQuery>, req: Request) -> Response {
    let meta = meta(&req);
    let user = match user(&req) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let programme = match programme_for(&user, &q) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !user.has_role(backend::rules::office_role(programme)) {
        return api_error(AppError::Forbidden);
    }
    match cert_imports::template(programme) {
        Ok((name, bytes)) => xlsx_download(&name, bytes),
        Err(e) => fail(e, &meta),
    }
}

async fn certificate_import(State(state): State<AppState>, Query(q): Query<ProgrammeQuery>, req: Request) -> Response {
    let meta = meta(&req);
    let user = match user(&req) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let programme = match programme_for(&user, &q) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let name = file_name(&req);
    let bytes = match axum::body::to_bytes(req.into_body(), cert_imports::MAX_BYTES).await {
        Ok(b) => b,
        Err(_) => return api_error(AppError::TooLarge),
    };
    match cert_imports::import(&state.db, &user, &meta, programme, &name, &bytes).await {
        Ok(report) => Json(report).into_response(),
        Err(e) => fail(e, &meta),
    }
}

#[derive(Deserialize)]
struct CatalogueCsvQuery {
    q: Option<String>,
    programme: Option<String>,
    stars: Option<i64>,
    commune_id: Option<i64>,
}

/// The public catalogue as CSV: no log-in, the same filters as the catalogue page.
async fn catalogue_csv(State(state): State<AppState>, Query(q): Query<CatalogueCsvQuery>, req: Request) -> Response {
    let meta = meta(&req);
    let query = backend::results::CatalogueQuery {
        q: q.q.unwrap_or_default().chars().take(200).collect(),
        programme: q.programme.as_deref().filter(|p| !p.is_empty()).and_then(domain::access::Programme::from_code),
        stars: q.stars,
        commune_id: q.commune_id,
        page: 1,
        per_page: 1,
    };
    // The verification links are absolute, as on the QR codes.
    let origin = state.config.public_url.clone().unwrap_or_else(|| {
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:3000");
        format!("http://{host}")
    });
    match exports::catalogue_csv(&state.db, &query, &origin).await {
        Ok((name, bytes)) => {
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).unwrap_or_else(|_| HeaderValue::from_static("attachment"));
            (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
        }
        Err(e) => fail(e, &meta),
    }
}
