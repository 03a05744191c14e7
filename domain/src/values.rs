//! Validated values ("parse, don't validate"): each type can only hold a valid value and is
//! built with `TryFrom<&str>` at the edge, with a message a person can act on.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ValueError {
    #[error("mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số (mã đơn vị phụ thuộc)")]
    TaxCode,
    #[error("số điện thoại phải bắt đầu bằng 0 (hoặc +84) và có 10 hoặc 11 chữ số")]
    Phone,
    #[error("địa chỉ thư điện tử không hợp lệ")]
    Email,
    #[error("không được để trống")]
    Empty,
    #[error("dài quá {max} ký tự")]
    TooLong { max: usize },
    #[error("mật khẩu phải có ít nhất {min} ký tự")]
    PasswordTooShort { min: usize },
    #[error("mật khẩu dài quá {max} ký tự")]
    PasswordTooLong { max: usize },
    #[error("mật khẩu cần có ít nhất hai loại ký tự: chữ, số, ký hiệu")]
    PasswordOneClass,
    #[error("mật khẩu không được lặp lại một ký tự")]
    PasswordRepeated,
}

impl ValueError {
    pub fn message_en(&self) -> String {
        match self {
            ValueError::TaxCode => "a tax code is 10 digits, or 10 digits, a hyphen and 3 digits".into(),
            ValueError::Phone => "a phone number starts with 0 (or +84) and has 10 or 11 digits".into(),
            ValueError::Email => "not a valid e-mail address".into(),
            ValueError::Empty => "must not be empty".into(),
            ValueError::TooLong { max } => format!("longer than {max} characters"),
            ValueError::PasswordTooShort { min } => format!("a password needs at least {min} characters"),
            ValueError::PasswordTooLong { max } => format!("a password may have at most {max} characters"),
            ValueError::PasswordOneClass => "use at least two kinds of characters: letters, digits, symbols".into(),
            ValueError::PasswordRepeated => "a password cannot be one character repeated".into(),
        }
    }
}

macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValueError;
            fn try_from(s: String) -> Result<$name, ValueError> {
                $name::try_from(s.as_str())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

/// Mã số thuế: `0123456789` or, for a dependent unit, `0123456789-001`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxCode(String);
string_newtype!(TaxCode);

impl TryFrom<&str> for TaxCode {
    type Error = ValueError;
    fn try_from(s: &str) -> Result<TaxCode, ValueError> {
        let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let digits = |x: &str, n: usize| x.len() == n && x.bytes().all(|b| b.is_ascii_digit());
        let ok = match t.split_once('-') {
            None => digits(&t, 10),
            Some((a, b)) => digits(a, 10) && digits(b, 3),
        };
        if ok {
            Ok(TaxCode(t))
        } else {
            Err(ValueError::TaxCode)
        }
    }
}

/// Số điện thoại Việt Nam, kept in the national form `0xxxxxxxxx`: a mobile (0 + 9 digits) or a
/// landline (0 + 10 digits). Spaces, dots, hyphens and brackets are dropped; `+84…` becomes
/// `0…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);
string_newtype!(Phone);

impl TryFrom<&str> for Phone {
    type Error = ValueError;
    fn try_from(s: &str) -> Result<Phone, ValueError> {
        let t: String = s.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')' | '\u{a0}')).collect();
        let national = if let Some(rest) = t.strip_prefix("+84") {
            // "+84 (0) 912…" is a common way to write it.
            format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
        } else {
            t
        };
        let ok = national.starts_with('0')
            && (10..=11).contains(&national.len())
            && national.bytes().all(|b| b.is_ascii_digit())
            && !national.starts_with("00");
        if ok {
            Ok(Phone(national))
        } else {
            Err(ValueError::Phone)
        }
    }
}

impl Phone {
    /// International form, e.g. `+84912345678`.
    pub fn e164(&self) -> String {
        format!("+84{}", &self.0[1..])
    }
}

/// An e-mail address, trimmed and lower-cased. The check is pragmatic: one `@`, a non-empty
/// local part, a domain with a dot and sane labels; the real test is the confirmation e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);
string_newtype!(Email);

impl TryFrom<&str> for Email {
    type Error = ValueError;
    fn try_from(s: &str) -> Result<Email, ValueError> {
        let t = s.trim().to_lowercase();
        let (local, domain) = t.split_once('@').ok_or(ValueError::Email)?;
        let labels_ok = domain.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        let ok = !local.is_empty()
            && local.len() <= 64
            && t.len() <= 254
            && !domain.contains('@')
            && domain.contains('.')
            && labels_ok
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && !t.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | ';' | '<' | '>' | '"'));
        if ok {
            Ok(Email(t))
        } else {
            Err(ValueError::Email)
        }
    }
}

/// Text that is not blank, trimmed, with internal runs of whitespace collapsed, and at most
/// `max` characters. Not `Deserialize`: the maximum depends on the field, so build it with
/// [`NonEmptyText::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct NonEmptyText(String);

impl NonEmptyText {
    pub fn parse(s: &str, max: usize) -> Result<NonEmptyText, ValueError> {
        let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if t.is_empty() {
            Err(ValueError::Empty)
        } else if t.chars().count() > max {
            Err(ValueError::TooLong { max })
        } else {
            Ok(NonEmptyText(t))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NonEmptyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Họ và tên: non-empty, at most [`PersonName::MAX`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);
string_newtype!(PersonName);

impl PersonName {
    pub const MAX: usize = 100;
}

impl TryFrom<&str> for PersonName {
    type Error = ValueError;
    fn try_from(s: &str) -> Result<PersonName, ValueError> {
        NonEmptyText::parse(s, PersonName::MAX).map(|t| PersonName(t.0))
    }
}

/// A new password that meets the policy. Kept humane: a long passphrase of plain words with a
/// space or a digit passes; what is refused is short, single-class or one repeated character.
/// Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN: usize = 10;
    pub const MAX: usize = 200;

    /// The secret, to hash it. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

impl TryFrom<&str> for Password {
    type Error = ValueError;
    fn try_from(s: &str) -> Result<Password, ValueError> {
        let n = s.chars().count();
        if n < Password::MIN {
            return Err(ValueError::PasswordTooShort { min: Password::MIN });
        }
        if n > Password::MAX {
            return Err(ValueError::PasswordTooLong { max: Password::MAX });
        }
        let mut chars = s.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(ValueError::PasswordRepeated);
        }
        let letters = s.chars().any(char::is_alphabetic);
        let digits = s.chars().any(|c| c.is_numeric());
        let others = s.chars().any(|c| !c.is_alphanumeric());
        if usize::from(letters) + usize::from(digits) + usize::from(others) < 2 {
            return Err(ValueError::PasswordOneClass);
        }
        Ok(Password(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_codes() {
        assert_eq!(TaxCode::try_from("4300123456").unwrap().as_str(), "4300123456");
        assert_eq!(TaxCode::try_from(" 4300123456-001 ").unwrap().as_str(), "4300123456-001");
        for bad in ["430012345", "43001234567", "4300123456-01", "43001234a6", "", "4300123456-"] {
            assert_eq!(TaxCode::try_from(bad), Err(ValueError::TaxCode), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(Phone::try_from("0912 345 678").unwrap().as_str(), "0912345678");
        assert_eq!(Phone::try_from("0912.345.678").unwrap().as_str(), "0912345678");
        assert_eq!(Phone::try_from("+84 912 345 678").unwrap().as_str(), "0912345678");
        assert_eq!(Phone::try_from("+84 (0) 912 345 678").unwrap().as_str(), "0912345678");
        assert_eq!(Phone::try_from("0255 3851 234").unwrap().as_str(), "02553851234");
        assert_eq!(Phone::try_from("0912345678").unwrap().e164(), "+84912345678");
        for bad in ["912345678", "091234567", "091234567890", "09123a5678", "", "+1 555 0100", "0012345678"] {
            assert_eq!(Phone::try_from(bad), Err(ValueError::Phone), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(Email::try_from("  Htx.BinhSon@Gmail.com ").unwrap().as_str(), "htx.binhson@gmail.com");
        assert!(Email::try_from("a@quangngai.gov.vn").is_ok());
        for bad in ["", "abc", "a@b", "a@@b.vn", "a b@c.vn", "@c.vn", "a@.vn", "a@c..vn", ".a@c.vn", "a@-c.vn"] {
            assert_eq!(Email::try_from(bad), Err(ValueError::Email), "{bad}");
        }
    }

    #[test]
    fn names_and_text() {
        assert_eq!(PersonName::try_from("  Nguyễn   Văn  An ").unwrap().as_str(), "Nguyễn Văn An");
        assert_eq!(PersonName::try_from("   "), Err(ValueError::Empty));
        assert_eq!(PersonName::try_from("x".repeat(101).as_str()), Err(ValueError::TooLong { max: 100 }));
        // Length counts characters, not bytes: 100 Vietnamese letters fit.
        assert!(PersonName::try_from("ễ".repeat(100).as_str()).is_ok());
        assert_eq!(NonEmptyText::parse("a b", 2), Err(ValueError::TooLong { max: 2 }));
        let j = toml::Value::try_from(PersonName::try_from("An").unwrap()).unwrap();
        assert_eq!(j.as_str(), Some("An"));
    }

    #[test]
    fn passwords() {
        assert_eq!(Password::try_from("abc123"), Err(ValueError::PasswordTooShort { min: 10 }));
        assert_eq!(Password::try_from("abcdefghijkl"), Err(ValueError::PasswordOneClass));
        assert_eq!(Password::try_from("1234567890"), Err(ValueError::PasswordOneClass));
        assert_eq!(Password::try_from("aaaaaaaaaaaa"), Err(ValueError::PasswordRepeated));
        assert!(Password::try_from("ca phe binh son").is_ok());
        assert!(Password::try_from("binhson2024").is_ok());
        assert_eq!(format!("{:?}", Password::try_from("binhson2024").unwrap()), "Password(***)");
        assert_eq!(
            Password::try_from("a1".repeat(101).as_str()),
            Err(ValueError::PasswordTooLong { max: 200 })
        );
    }
}
