//! Text helpers shared by the server and the browser: search keys that ignore
//! Vietnamese diacritics, and Vietnamese number and date formats.

use unicode_normalization::UnicodeNormalization;

/// Lower-cases and strips diacritics so that "ca phe" finds "Cà phê".
/// `đ`/`Đ` are letters of their own in Unicode (not d + mark), so they are mapped by hand.
pub fn search_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = true;
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        for l in c.to_lowercase() {
            out.push(l);
        }
        last_space = false;
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Formats an integer with Vietnamese thousands separators: 3374 → "3.374".
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    let first = digits.len() % 3;
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (i + 3 - first) % 3 == 0 {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// A date as Vietnamese write it: dd/mm/yyyy.
pub fn date_vi(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_key_folds_vietnamese() {
        assert_eq!(search_key("Cà phê Bình Sơn"), "ca phe binh son");
        assert_eq!(search_key("NƯỚC MẮM  Đồng  Nai"), "nuoc mam dong nai");
        assert_eq!(search_key("  Đặc sản  "), "dac san");
    }

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(3374), "3.374");
        assert_eq!(group_thousands(1234567), "1.234.567");
        assert_eq!(group_thousands(-1000), "-1.000");
    }

    #[test]
    fn dates() {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        assert_eq!(date_vi(d), "05/03/2024");
    }
}
