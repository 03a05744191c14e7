//! The API's one error type. Errors travel to the browser as a code (plus the field and a
//! bilingual message for validation errors) and are shown in the reader's language.

use serde::{Deserialize, Serialize};
use server_fn::{codec::JsonEncoding, error::{FromServerFnError, ServerFnErrorErr}};

use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    #[error("not logged in")]
    Unauthenticated,
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid {field}")]
    Invalid { field: String, vi: String, en: String },
    #[error("conflict")]
    Conflict { vi: String, en: String },
    #[error("rate limited")]
    RateLimited { retry_after_secs: i64 },
    /// A state change that came from another site (or an old page): refused as possible CSRF.
    #[error("cross-site request")]
    CrossSite,
    /// The request could not be read (wrong types, broken encoding, missing fields).
    #[error("bad request: {detail}")]
    BadRequest { detail: String },
    /// The request body is larger than the server accepts.
    #[error("too large")]
    TooLarge,
    /// Something failed on the server; `reference` is the request id to quote to support.
    #[error("internal error {reference}")]
    Internal { reference: String },
    /// The browser could not reach the server.
    #[error("network: {detail}")]
    Network { detail: String },
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Invalid { .. } => "invalid",
            AppError::Conflict { .. } => "conflict",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::CrossSite => "cross_site",
            AppError::BadRequest { .. } => "bad_request",
            AppError::TooLarge => "too_large",
            AppError::Internal { .. } => "internal",
            AppError::Network { .. } => "network",
        }
    }

    /// The HTTP status the server answers with for this error code.
    pub fn status_for_code(code: &str) -> u16 {
        match code {
            "unauthenticated" => 401,
            "password_change_required" | "forbidden" | "cross_site" => 403,
            "not_found" => 404,
            "invalid" | "bad_request" => 400,
            "conflict" => 409,
            "too_large" => 413,
            "rate_limited" => 429,
            "network" => 502,
            _ => 500,
        }
    }

    pub fn status(&self) -> u16 {
        Self::status_for_code(self.code())
    }

    /// The field a validation error belongs to, for the error summary's links.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    /// A sentence that says what happened and what to do next.
    pub fn message(&self, lang: Lang) -> String {
        let (vi, en): (String, String) = match self {
            AppError::Unauthenticated => (
                "Bạn cần đăng nhập để làm việc này. Hãy đăng nhập rồi thử lại.".into(),
                "You need to log in for this. Log in and try again.".into(),
            ),
            AppError::PasswordChangeRequired => (
                "Bạn đang dùng mật khẩu tạm. Hãy đổi mật khẩu ở trang Tài khoản trước khi tiếp tục.".into(),
                "You are using a temporary password. Change it on the Account page before going on.".into(),
            ),
            AppError::Forbidden => (
                "Tài khoản của bạn không có quyền làm việc này. Nếu cần quyền, hãy liên hệ văn phòng phụ trách.".into(),
                "Your account is not allowed to do this. If you need access, contact the office in charge.".into(),
            ),
            AppError::NotFound => (
                "Không tìm thấy mục bạn yêu cầu. Có thể nó đã bị xóa hoặc đường dẫn bị sai.".into(),
                "We could not find what you asked for. It may have been removed, or the link is wrong.".into(),
            ),
            AppError::Invalid { vi, en, .. } | AppError::Conflict { vi, en } => (vi.clone(), en.clone()),
            AppError::RateLimited { retry_after_secs } => {
                let minutes = (retry_after_secs + 59) / 60;
                (
                    format!("Đăng nhập sai quá nhiều lần. Hãy đợi {minutes} phút rồi thử lại, hoặc nhờ quản trị viên đặt lại mật khẩu."),
                    format!("Too many failed log-ins. Wait {minutes} minutes and try again, or ask an administrator to reset your password."),
                )
            }
            AppError::CrossSite => (
                "Yêu cầu bị từ chối vì không đến từ trang của hệ thống. Hãy tải lại trang rồi thử lại.".into(),
                "The request was refused because it did not come from this site's pages. Reload the page and try again.".into(),
            ),
            AppError::BadRequest { .. } => (
                "Dữ liệu gửi lên không đọc được. Hãy kiểm tra các ô đã nhập, tải lại trang rồi thử lại.".into(),
                "The data sent could not be read. Check what you entered, reload the page and try again.".into(),
            ),
            AppError::TooLarge => (
                "Dữ liệu gửi lên quá lớn. Hãy rút ngắn nội dung hoặc chọn tệp nhỏ hơn.".into(),
                "What you sent is too large. Shorten it or choose a smaller file.".into(),
            ),
            AppError::Internal { reference } => (
                format!("Hệ thống gặp lỗi. Dữ liệu của bạn chưa bị thay đổi. Hãy thử lại sau ít phút; nếu vẫn lỗi, báo cho quản trị viên mã: {reference}."),
                format!("Something went wrong on the server. Nothing was changed. Try again in a few minutes; if it keeps failing, give the administrator this code: {reference}."),
            ),
            AppError::Network { .. } => (
                "Không kết nối được máy chủ. Hãy kiểm tra mạng rồi thử lại; những gì bạn đã nhập vẫn còn trên trang.".into(),
                "Could not reach the server. Check your connection and try again; what you entered is still on the page.".into(),
            ),
        };
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(detail) => AppError::Network { detail },
            ServerFnErrorErr::Args(detail)
            | ServerFnErrorErr::MissingArg(detail)
            | ServerFnErrorErr::Deserialization(detail)
            | ServerFnErrorErr::Serialization(detail) => AppError::BadRequest { detail },
            other => AppError::Internal { reference: other.to_string().chars().take(80).collect() },
        }
    }
}

#[cfg(feature = "ssr")]
impl From<backend::Error> for AppError {
    fn from(e: backend::Error) -> Self {
        use backend::Error as E;
        match e {
            E::Unauthenticated => AppError::Unauthenticated,
            E::Forbidden => AppError::Forbidden,
            E::NotFound => AppError::NotFound,
            E::Invalid { field, msg } => AppError::Invalid { field, vi: msg.vi, en: msg.en },
            E::Conflict(msg) => AppError::Conflict { vi: msg.vi, en: msg.en },
            E::RateLimited { retry_after_secs } => AppError::RateLimited { retry_after_secs },
            other => {
                // Internal details go to the log with a reference; the person sees only the reference.
                let reference = crate::ctx::request_id().unwrap_or_else(|| "-".into());
                tracing::error!(error = %other, %reference, "request failed");
                AppError::Internal { reference }
            }
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
