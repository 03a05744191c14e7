//! Exact scores: points as fixed-point hundredths, and means kept as a fraction.
//!
//! Option points in the official forms are whole numbers; the SPCNNTTB sheet asks a judge for a
//! number, which we keep to hundredths. Nothing here uses floating point: a mean is compared with
//! a threshold as `sum >= threshold * n`, in integers.

use std::cmp::Ordering;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::group_thousands;

/// A score in hundredths of a point (điểm): `Points::from_hundredths(6999)` is 69,99 points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(i64);

impl Points {
    pub const ZERO: Points = Points(0);

    #[inline]
    pub const fn from_hundredths(h: i64) -> Self {
        Points(h)
    }

    #[inline]
    pub const fn from_whole(p: i64) -> Self {
        Points(p * 100)
    }

    #[inline]
    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// True when the value has no fractional hundredths (e.g. 35,00).
    #[inline]
    pub const fn is_whole(self) -> bool {
        self.0 % 100 == 0
    }

    /// The value multiplied by a count, used to compare a sum with `threshold * n`.
    #[inline]
    pub const fn times(self, n: u32) -> Points {
        Points(self.0 * n as i64)
    }

    pub fn abs_diff(self, other: Points) -> Points {
        Points((self.0 - other.0).abs())
    }

    /// Vietnamese form with two decimals: `69,99`, `3.374,50`.
    pub fn format_vi(self) -> String {
        let (sign, whole, frac) = self.split();
        format!("{sign}{},{frac:02}", group_thousands(whole))
    }

    /// English form with two decimals: `69.99`, `3,374.50`.
    pub fn format_en(self) -> String {
        let (sign, whole, frac) = self.split();
        let grouped = group_thousands(whole).replace('.', ",");
        format!("{sign}{grouped}.{frac:02}")
    }

    /// Vietnamese form without a zero fraction, for maxima and option points: `35`, `0,5`.
    pub fn format_vi_compact(self) -> String {
        self.compact(',', '.')
    }

    /// English form without a zero fraction: `35`, `0.5`.
    pub fn format_en_compact(self) -> String {
        self.compact('.', ',')
    }

    fn compact(self, decimal: char, thousands: char) -> String {
        let (sign, whole, frac) = self.split();
        let mut grouped = group_thousands(whole);
        if thousands != '.' {
            grouped = grouped.replace('.', &thousands.to_string());
        }
        if frac == 0 {
            format!("{sign}{grouped}")
        } else if frac % 10 == 0 {
            format!("{sign}{grouped}{decimal}{}", frac / 10)
        } else {
            format!("{sign}{grouped}{decimal}{frac:02}")
        }
    }

    fn split(self) -> (&'static str, i64, i64) {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        // Scores are far below i64::MAX; the casts cannot truncate.
        (sign, (abs / 100) as i64, (abs % 100) as i64)
    }

    /// Reads `69,99`, `69.99`, `70`, `3.374,5`, `3.374` (Vietnamese; a lone `.` before one or two
    /// digits is taken as a decimal mark, as typed on an English keyboard). English grouping
    /// (`3,374.5`) is refused. At most two decimals; no rounding.
    pub fn parse(s: &str) -> Result<Points, PointsParseError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(PointsParseError::Empty);
        }
        let (neg, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let commas = body.matches(',').count();
        let dots = body.matches('.').count();
        // Vietnamese: '.' groups thousands and ',' is the decimal mark; a lone '.' is taken as a
        // decimal mark, as people type on an English keyboard.
        let (int_part, frac_part) = match (commas, dots) {
            (0, 0) => (body.to_string(), String::new()),
            (1, 0) => split_once(body, ','),
            // "9.931" cannot be 9,931 points (two decimals at most), so three digits after
            // dots are thousands groups.
            (0, _) if body.split('.').skip(1).all(|g| g.len() == 3) => (body.replace('.', ""), String::new()),
            (0, 1) => split_once(body, '.'),
            (1, _) => {
                let (i, f) = split_once(body, ',');
                (i.replace('.', ""), f)
            }
            _ => return Err(PointsParseError::Malformed(s.to_string())),
        };
        if int_part.is_empty() || !int_part.chars().all(|c| c.is_ascii_digit()) {
            return Err(PointsParseError::Malformed(s.to_string()));
        }
        if !frac_part.chars().all(|c| c.is_ascii_digit()) {
            return Err(PointsParseError::Malformed(s.to_string()));
        }
        if frac_part.len() > 2 {
            return Err(PointsParseError::TooManyDecimals(s.to_string()));
        }
        let whole: i64 = int_part
            .parse()
            .map_err(|_| PointsParseError::Malformed(s.to_string()))?;
        let frac: i64 = match frac_part.len() {
            0 => 0,
            1 => frac_part.parse::<i64>().unwrap_or(0) * 10,
            _ => frac_part.parse::<i64>().unwrap_or(0),
        };
        let h = whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(frac))
            .ok_or_else(|| PointsParseError::Malformed(s.to_string()))?;
        Ok(Points(if neg { -h } else { h }))
    }
}

fn split_once(s: &str, sep: char) -> (String, String) {
    match s.split_once(sep) {
        Some((a, b)) => (a.to_string(), b.to_string()),
        None => (s.to_string(), String::new()),
    }
}

/// Why a typed number is not a score.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PointsParseError {
    #[error("chưa nhập điểm")]
    Empty,
    #[error("\"{0}\" không phải là số điểm hợp lệ")]
    Malformed(String),
    #[error("\"{0}\": điểm chỉ lấy tối đa hai chữ số thập phân")]
    TooManyDecimals(String),
}

impl fmt::Display for Points {
    /// Vietnamese first: `69,99`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_vi())
    }
}

impl Add for Points {
    type Output = Points;
    #[inline]
    fn add(self, rhs: Points) -> Points {
        Points(self.0 + rhs.0)
    }
}

impl AddAssign for Points {
    #[inline]
    fn add_assign(&mut self, rhs: Points) {
        self.0 += rhs.0;
    }
}

impl Sub for Points {
    type Output = Points;
    #[inline]
    fn sub(self, rhs: Points) -> Points {
        Points(self.0 - rhs.0)
    }
}

impl Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl<'a> Sum<&'a Points> for Points {
    fn sum<I: Iterator<Item = &'a Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

/// In data files a whole number of points is written as an integer (`max = 35`); a fraction
/// as a string (`step = "0.25"`). Floats are accepted on input only when they are an exact
/// number of hundredths, so `0.5` works but `0.333` is refused.
impl Serialize for Points {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_whole() {
            serializer.serialize_i64(self.0 / 100)
        } else {
            let (sign, whole, frac) = self.split();
            serializer.serialize_str(&format!("{sign}{whole}.{frac:02}"))
        }
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Points, D::Error> {
        struct PointsVisitor;
        impl Visitor<'_> for PointsVisitor {
            type Value = Points;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("số điểm: số nguyên (35) hoặc chuỗi có tối đa hai chữ số thập phân (\"0.25\")")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Points, E> {
                v.checked_mul(100)
                    .map(Points)
                    .ok_or_else(|| E::custom("số điểm quá lớn"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Points, E> {
                i64::try_from(v)
                    .ok()
                    .and_then(|v| v.checked_mul(100))
                    .map(Points)
                    .ok_or_else(|| E::custom("số điểm quá lớn"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Points, E> {
                // Parsing only: the value is checked to be an exact number of hundredths.
                let scaled = v * 100.0;
                let rounded = scaled.round();
                if !rounded.is_finite() || (scaled - rounded).abs() > 1e-6 || rounded.abs() > 1e15 {
                    return Err(E::custom(format!(
                        "{v}: điểm chỉ lấy tối đa hai chữ số thập phân"
                    )));
                }
                Ok(Points(rounded as i64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Points, E> {
                Points::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(PointsVisitor)
    }
}

/// A mean kept exactly as `sum / n` (điểm trung bình). It is never rounded before it is compared:
/// `mean >= threshold` is decided as `sum >= threshold * n`. Two means are equal when their
/// values are (140/2 == 70/1).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Mean {
    pub sum: Points,
    pub n: u32,
}

impl Mean {
    /// `None` for an empty set: there is no mean of nothing.
    #[inline]
    pub fn new(sum: Points, n: u32) -> Option<Mean> {
        (n > 0).then_some(Mean { sum, n })
    }

    pub fn of<I: IntoIterator<Item = Points>>(values: I) -> Option<Mean> {
        let mut sum = Points::ZERO;
        let mut n = 0u32;
        for v in values {
            sum += v;
            n += 1;
        }
        Mean::new(sum, n)
    }

    /// A mean of a single value.
    pub fn exact(p: Points) -> Mean {
        Mean { sum: p, n: 1 }
    }

    /// The mean cut to two decimals for display (floor, i.e. truncation for the non-negative
    /// scores we handle). Truncating rather than rounding keeps the figure on screen and the
    /// band in agreement: a true mean of 69,996 is shown as 69,99 and is 3★, where rounding would
    /// show 70,00 next to a 3★. Because thresholds are whole hundredths,
    /// `to_hundredths() >= t` exactly when `self >= t`.
    pub fn to_hundredths(self) -> Points {
        if self.n == 0 {
            return Points::ZERO;
        }
        Points(self.sum.0.div_euclid(i64::from(self.n)))
    }

    /// Exact comparison with a threshold: `sum` against `threshold * n`.
    #[inline]
    pub fn cmp_points(self, threshold: Points) -> Ordering {
        i128::from(self.sum.0).cmp(&(i128::from(threshold.0) * i128::from(self.n)))
    }

    /// `mean >= threshold`, exactly.
    #[inline]
    pub fn at_least(self, threshold: Points) -> bool {
        self.cmp_points(threshold) != Ordering::Less
    }

    /// `mean < threshold`, exactly.
    #[inline]
    pub fn below(self, threshold: Points) -> bool {
        self.cmp_points(threshold) == Ordering::Less
    }

    pub fn format_vi(self) -> String {
        self.to_hundredths().format_vi()
    }

    pub fn format_en(self) -> String {
        self.to_hundredths().format_en()
    }

    /// The mean as a float, for charts and standard deviation only — never for a decision.
    pub fn to_f64_for_display(self) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        self.sum.0 as f64 / 100.0 / f64::from(self.n)
    }
}

impl PartialEq for Mean {
    fn eq(&self, other: &Mean) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Mean {}

impl PartialOrd for Mean {
    fn partial_cmp(&self, other: &Mean) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Means compare by value (cross-multiplied), so 140/2 == 70/1.
impl Ord for Mean {
    #[inline]
    fn cmp(&self, other: &Mean) -> Ordering {
        let a = i128::from(self.sum.0) * i128::from(other.n);
        let b = i128::from(other.sum.0) * i128::from(self.n);
        a.cmp(&b)
    }
}

impl fmt::Display for Mean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_vi())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(Points::from_hundredths(6999).format_vi(), "69,99");
        assert_eq!(Points::from_hundredths(337_450).format_vi(), "3.374,50");
        assert_eq!(Points::from_hundredths(6999).format_en(), "69.99");
        assert_eq!(Points::from_hundredths(337_450).format_en(), "3,374.50");
        assert_eq!(Points::from_hundredths(-50).format_vi(), "-0,50");
        assert_eq!(Points::from_whole(35).format_vi_compact(), "35");
        assert_eq!(Points::from_hundredths(50).format_vi_compact(), "0,5");
        assert_eq!(Points::from_hundredths(25).format_en_compact(), "0.25");
        assert_eq!(Points::from_whole(70).to_string(), "70,00");
    }

    #[test]
    fn parses() {
        assert_eq!(Points::parse("69,99"), Ok(Points::from_hundredths(6999)));
        assert_eq!(Points::parse("69.99"), Ok(Points::from_hundredths(6999)));
        assert_eq!(Points::parse(" 70 "), Ok(Points::from_whole(70)));
        assert_eq!(Points::parse("3.374,5"), Ok(Points::from_hundredths(337_450)));
        assert_eq!(Points::parse("0,5"), Ok(Points::from_hundredths(50)));
        assert!(matches!(Points::parse("1,234"), Err(PointsParseError::TooManyDecimals(_))));
        assert_eq!(Points::parse("9.931"), Ok(Points::from_whole(9931)));
        assert_eq!(Points::parse("1.234.567"), Ok(Points::from_whole(1_234_567)));
        assert!(Points::parse("3,374.5").is_err());
        assert!(Points::parse("").is_err());
        assert!(Points::parse("abc").is_err());
        assert!(Points::parse("1,2,3").is_err());
    }

    #[test]
    fn mean_truncates_for_display_and_compares_exactly() {
        // 209 / 3 = 69,666…: shown 69,66, below 70 and at least 69,66.
        let m = Mean::new(Points::from_whole(209), 3).unwrap();
        assert_eq!(m.to_hundredths(), Points::from_hundredths(6966));
        assert!(m.below(Points::from_whole(70)));
        assert!(m.at_least(Points::from_hundredths(6966)));
        assert!(m.below(Points::from_hundredths(6967)));
        assert_eq!(Mean::new(Points::from_whole(140), 2), Some(Mean::exact(Points::from_whole(70))));
        assert_eq!(Mean::new(Points::ZERO, 0), None);
    }

    #[test]
    fn serde_forms() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct W {
            a: Points,
            b: Points,
            c: Points,
        }
        let w: W = toml::from_str("a = 35\nb = \"0.25\"\nc = 0.5\n").unwrap();
        assert_eq!(
            w,
            W { a: Points::from_whole(35), b: Points::from_hundredths(25), c: Points::from_hundredths(50) }
        );
        let s = toml::to_string(&w).unwrap();
        assert_eq!(toml::from_str::<W>(&s).unwrap(), w);
        assert!(toml::from_str::<W>("a = 0.333\nb = 1\nc = 1\n").is_err());
    }
}
