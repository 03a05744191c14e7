//! Certificate dates (giấy chứng nhận): valid-until, the notice before expiry, status on a date
//! and the re-evaluation window. Dates are arguments: nothing here reads the clock.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ruleset::CertificateRules;

/// `date + months`, clamped to the end of a shorter month: 31/01/2024 + 1 month = 29/02/2024.
/// `None` only past the end of the calendar.
pub fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// The dates of one certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateTerm {
    pub issued_on: NaiveDate,
    /// The last day the certificate is valid (inclusive); `None` when the rule set sets no
    /// validity.
    pub valid_until: Option<NaiveDate>,
    /// The day the issuing body must have notified the holder (valid_until − notice days).
    pub notice_on: Option<NaiveDate>,
    /// First day a re-evaluation may be filed (valid_until − window months, clamped).
    pub reevaluation_from: Option<NaiveDate>,
}

/// The state of a certificate on a given date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    /// Before the issue date (a decision dated ahead).
    NotYetValid,
    Valid,
    /// Within the notice period: still valid, the holder should re-register.
    ExpiringSoon,
    Expired,
}

impl CertificateStatus {
    pub fn code(self) -> &'static str {
        match self {
            CertificateStatus::NotYetValid => "not_yet_valid",
            CertificateStatus::Valid => "valid",
            CertificateStatus::ExpiringSoon => "expiring_soon",
            CertificateStatus::Expired => "expired",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            CertificateStatus::NotYetValid => "Chưa có hiệu lực",
            CertificateStatus::Valid => "Còn hiệu lực",
            CertificateStatus::ExpiringSoon => "Sắp hết hiệu lực",
            CertificateStatus::Expired => "Hết hiệu lực",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            CertificateStatus::NotYetValid => "Not yet valid",
            CertificateStatus::Valid => "Valid",
            CertificateStatus::ExpiringSoon => "Expiring soon",
            CertificateStatus::Expired => "Expired",
        }
    }

    /// Still counts as a valid certificate (e.g. for a regional SPCNNTTB entry).
    pub fn is_valid(self) -> bool {
        matches!(self, CertificateStatus::Valid | CertificateStatus::ExpiringSoon)
    }
}

impl CertificateTerm {
    /// The dates of a certificate issued on `issued_on` under `rules`.
    ///
    /// \[I\] "36 tháng kể từ ngày ký": a certificate signed on 15/03/2024 is valid through
    /// 15/03/2027 (the same calendar day, inclusive); from 16/03/2027 it has expired.
    pub fn new(issued_on: NaiveDate, rules: &CertificateRules) -> CertificateTerm {
        match rules.validity_months.and_then(|m| add_months(issued_on, m)) {
            Some(until) => CertificateTerm::until(issued_on, until, rules),
            None => CertificateTerm { issued_on, valid_until: None, notice_on: None, reevaluation_from: None },
        }
    }

    /// The dates of a certificate whose last valid day is already known (one issued before the
    /// system, as its paper says): the notice and the re-evaluation window follow `rules`.
    pub fn until(issued_on: NaiveDate, valid_until: NaiveDate, rules: &CertificateRules) -> CertificateTerm {
        let notice_on = valid_until.checked_sub_days(Days::new(u64::from(rules.notice_days)));
        let reevaluation_from = valid_until.checked_sub_months(Months::new(rules.reevaluation_window_months)).map(|d| d.max(issued_on));
        CertificateTerm { issued_on, valid_until: Some(valid_until), notice_on, reevaluation_from }
    }

    pub fn status_on(&self, date: NaiveDate) -> CertificateStatus {
        if date < self.issued_on {
            return CertificateStatus::NotYetValid;
        }
        match (self.valid_until, self.notice_on) {
            (Some(until), _) if date > until => CertificateStatus::Expired,
            (Some(_), Some(notice)) if date >= notice => CertificateStatus::ExpiringSoon,
            _ => CertificateStatus::Valid,
        }
    }

    /// A re-evaluation (đánh giá lại) may be filed on this date: within the last months of
    /// validity, up to and including the last valid day.
    pub fn reevaluation_open_on(&self, date: NaiveDate) -> bool {
        match (self.reevaluation_from, self.valid_until) {
            (Some(from), Some(until)) => date >= from && date <= until,
            _ => false,
        }
    }

    /// Days from `date` to the last valid day (negative once expired).
    pub fn days_left(&self, date: NaiveDate) -> Option<i64> {
        self.valid_until.map(|u| (u - date).num_days())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::{Basis, SourceStatus};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ocop() -> CertificateRules {
        CertificateRules {
            validity_months: Some(36),
            notice_days: 30,
            reevaluation_window_months: 6,
            basis: Basis { source: "qd148".into(), status: SourceStatus::Verified, note: None },
        }
    }

    #[test]
    fn month_ends_and_leap_years() {
        assert_eq!(add_months(d(2024, 1, 31), 1), Some(d(2024, 2, 29)));
        assert_eq!(add_months(d(2023, 1, 31), 1), Some(d(2023, 2, 28)));
        assert_eq!(add_months(d(2024, 2, 29), 36), Some(d(2027, 2, 28)));
        assert_eq!(add_months(d(2024, 2, 29), 48), Some(d(2028, 2, 29)));
        assert_eq!(add_months(d(2023, 8, 31), 36), Some(d(2026, 8, 31)));
        assert_eq!(add_months(d(2021, 11, 30), 3), Some(d(2022, 2, 28)));
    }

    #[test]
    fn ocop_term_and_status() {
        let t = CertificateTerm::new(d(2024, 3, 15), &ocop());
        assert_eq!(t.valid_until, Some(d(2027, 3, 15)));
        assert_eq!(t.notice_on, Some(d(2027, 2, 13)));
        assert_eq!(t.reevaluation_from, Some(d(2026, 9, 15)));
        assert_eq!(t.status_on(d(2024, 3, 14)), CertificateStatus::NotYetValid);
        assert_eq!(t.status_on(d(2024, 3, 15)), CertificateStatus::Valid);
        assert_eq!(t.status_on(d(2027, 2, 12)), CertificateStatus::Valid);
        assert_eq!(t.status_on(d(2027, 2, 13)), CertificateStatus::ExpiringSoon);
        assert_eq!(t.status_on(d(2027, 3, 15)), CertificateStatus::ExpiringSoon);
        assert_eq!(t.status_on(d(2027, 3, 16)), CertificateStatus::Expired);
        assert!(!t.reevaluation_open_on(d(2026, 9, 14)));
        assert!(t.reevaluation_open_on(d(2026, 9, 15)));
        assert!(t.reevaluation_open_on(d(2027, 3, 15)));
        assert!(!t.reevaluation_open_on(d(2027, 3, 16)));
        assert_eq!(t.days_left(d(2027, 3, 14)), Some(1));
    }

    #[test]
    fn leap_day_issue_and_notice_across_february() {
        let t = CertificateTerm::new(d(2024, 2, 29), &ocop());
        assert_eq!(t.valid_until, Some(d(2027, 2, 28)));
        assert_eq!(t.notice_on, Some(d(2027, 1, 29)));
        let t = CertificateTerm::new(d(2025, 3, 31), &ocop());
        assert_eq!(t.valid_until, Some(d(2028, 3, 31)));
        // 2028 is a leap year: 30 days before 31/03 is 01/03.
        assert_eq!(t.notice_on, Some(d(2028, 3, 1)));
        assert_eq!(t.reevaluation_from, Some(d(2027, 9, 30)));
    }

    #[test]
    fn a_known_last_day_keeps_the_notice_and_window_of_the_rules() {
        // A certificate issued on paper before the system, valid through 30/06/2026.
        let t = CertificateTerm::until(d(2023, 7, 1), d(2026, 6, 30), &ocop());
        assert_eq!(t.notice_on, Some(d(2026, 5, 31)), "30 days before");
        assert_eq!(t.reevaluation_from, Some(d(2025, 12, 30)), "six months before");
        assert_eq!(t.status_on(d(2026, 6, 30)), CertificateStatus::ExpiringSoon);
        assert_eq!(t.status_on(d(2026, 7, 1)), CertificateStatus::Expired);
    }

    #[test]
    fn no_validity_never_expires() {
        let rules = CertificateRules { validity_months: None, ..ocop() };
        let t = CertificateTerm::new(d(2024, 6, 1), &rules);
        assert_eq!(t.valid_until, None);
        assert_eq!(t.status_on(d(2099, 1, 1)), CertificateStatus::Valid);
        assert!(!t.reevaluation_open_on(d(2025, 1, 1)));
    }
}
