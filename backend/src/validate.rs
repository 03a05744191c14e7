//! Field checks at the edge of the service layer. Each returns the cleaned value or an
//! `Error::Invalid` naming the field, with a message that says what to fix.

use crate::error::{Error, Result};

/// Trims, refuses empty and over-long text, and control characters.
pub fn text(field: &str, label_vi: &str, label_en: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(
            field,
            format!("Hãy nhập {label_vi}."),
            format!("Enter the {label_en}."),
        ));
    }
    optional_text(field, label_vi, label_en, v, max).map(|o| o.unwrap_or_default())
}

pub fn optional_text(field: &str, label_vi: &str, label_en: &str, value: &str, max: usize) -> Result<Option<String>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("{} quá dài: tối đa {max} ký tự.", capitalise(label_vi)),
            format!("The {label_en} is too long: at most {max} characters."),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(Error::invalid(
            field,
            format!("{} chứa ký tự không hợp lệ.", capitalise(label_vi)),
            format!("The {label_en} contains characters that are not allowed."),
        ));
    }
    Ok(Some(v.to_string()))
}

/// The first letter in upper case (Vietnamese letters included).
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn email(field: &str, value: &str) -> Result<String> {
    let v = value.trim().to_lowercase();
    let bad = || {
        Error::invalid(
            field,
            "E-mail không đúng dạng, ví dụ: ten@example.vn.",
            "That is not an e-mail address, e.g. name@example.vn.",
        )
    };
    if v.len() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    if local.is_empty() || domain.len() < 3 || !domain.contains('.') || domain.contains('@')
        || domain.starts_with('.') || domain.ends_with('.') || domain.contains("..")
    {
        return Err(bad());
    }
    Ok(v)
}

/// Vietnamese phone numbers: 0 followed by 9 or 10 digits; `+84` is turned into `0`.
/// Spaces, dots and dashes are ignored.
pub fn phone(field: &str, value: &str) -> Result<String> {
    let compact: String = value.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
    let national = if let Some(rest) = compact.strip_prefix("+84") {
        format!("0{rest}")
    } else if let Some(rest) = compact.strip_prefix("84").filter(|r| r.len() == 9) {
        format!("0{rest}")
    } else {
        compact
    };
    let ok = national.starts_with('0')
        && (10..=11).contains(&national.len())
        && national.chars().all(|c| c.is_ascii_digit());
    if !ok {
        return Err(Error::invalid(
            field,
            "Số điện thoại không đúng: cần 10 chữ số bắt đầu bằng 0, ví dụ 0912 345 678.",
            "That phone number is not valid: 10 digits starting with 0, e.g. 0912 345 678.",
        ));
    }
    Ok(national)
}

/// A humane password policy: long enough to resist guessing, no composition puzzles.
pub fn new_password(field: &str, value: &str) -> Result<String> {
    let n = value.chars().count();
    if n < 10 {
        return Err(Error::invalid(
            field,
            "Mật khẩu cần ít nhất 10 ký tự. Một câu ngắn dễ nhớ là mật khẩu tốt.",
            "The password needs at least 10 characters. A short sentence is a good password.",
        ));
    }
    if n > 200 {
        return Err(Error::invalid(field, "Mật khẩu quá dài: tối đa 200 ký tự.", "The password is too long: at most 200 characters."));
    }
    let first = value.chars().next();
    if value.chars().all(|c| Some(c) == first) {
        return Err(Error::invalid(
            field,
            "Mật khẩu không được chỉ lặp lại một ký tự.",
            "The password cannot be one character repeated.",
        ));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(phone("p", "0912 345 678").ok().as_deref(), Some("0912345678"));
        assert_eq!(phone("p", "+84 912.345.678").ok().as_deref(), Some("0912345678"));
        assert!(phone("p", "12345").is_err());
        assert!(phone("p", "09123456ab").is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(email("e", " An@Example.VN ").ok().as_deref(), Some("an@example.vn"));
        assert!(email("e", "an@").is_err());
        assert!(email("e", "an example@x.vn").is_err());
        assert!(email("e", "@x.vn").is_err());
    }

    #[test]
    fn passwords() {
        assert!(new_password("p", "short").is_err());
        assert!(new_password("p", "aaaaaaaaaaaa").is_err());
        assert!(new_password("p", "mua xuân bình sơn").is_ok());
    }

    #[test]
    fn texts() {
        assert!(text("n", "họ tên", "full name", "   ", 10).is_err());
        assert!(text("n", "họ tên", "full name", "x\u{0}y", 10).is_err());
        assert!(text("n", "họ tên", "full name", "12345678901", 10).is_err());
        assert_eq!(text("n", "họ tên", "full name", "  Lê Văn A ", 20).ok().as_deref(), Some("Lê Văn A"));
    }
}
