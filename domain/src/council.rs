//! The council (hội đồng đánh giá, phân hạng / hội đồng bình chọn): who in it scores, who is kept
//! from a product by a conflict of interest, and what each person may see of the others' sheets
//! in each phase of a round.
//!
//! Independence is the point: until the council deliberates, a member who scores sees only their
//! own sheets — never another member's total nor the running mean. The secretary (who does not
//! score) and the office see the board, so they can chase missing sheets and flag disagreement.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::values::{Email, Phone, TaxCode};
use crate::workflow::{labelled_enum, round::RoundState, Label};

labelled_enum! {
    /// A person's place in the council (vai trò trong hội đồng). The establishing decision names
    /// the chair, vice-chairs, members and the secretary; the support team (tổ giúp việc) helps
    /// with dossiers and is not part of the vote.
    MemberRole {
        Chair => ("chair", "Chủ tịch hội đồng", "Chair"),
        ViceChair => ("vice_chair", "Phó Chủ tịch hội đồng", "Vice-chair"),
        Member => ("member", "Thành viên hội đồng", "Member"),
        /// Thư ký hội đồng: keeps the board and the minutes; does not score.
        Secretary => ("secretary", "Thư ký hội đồng (không chấm điểm)", "Secretary (does not score)"),
        /// Tổ giúp việc: reads dossiers, never scores nor sees scores.
        Support => ("support", "Tổ giúp việc", "Support team"),
    }
}

impl MemberRole {
    /// Fills in a score sheet and counts in the quorum and the mean.
    pub fn scores(self) -> bool {
        matches!(self, MemberRole::Chair | MemberRole::ViceChair | MemberRole::Member)
    }

    /// Keeps the board: statuses, statistics, reminders, paper sheets, minutes.
    pub fn keeps_board(self) -> bool {
        matches!(self, MemberRole::Chair | MemberRole::Secretary)
    }

    /// May decide on conflicts of interest and re-scoring (the chair presides).
    pub fn presides(self) -> bool {
        self == MemberRole::Chair
    }
}

labelled_enum! {
    /// The tie a member declares with a producer (quan hệ được kê khai).
    Relationship {
        Family => ("family", "Quan hệ gia đình (vợ, chồng, cha, mẹ, con, anh, chị, em)", "Family"),
        Employee => ("employee", "Là thành viên hoặc người lao động của chủ thể", "Member or employee of the producer"),
        Owner => ("owner", "Là chủ sở hữu hoặc góp vốn", "Owner or investor"),
        Adviser => ("adviser", "Đã tư vấn, hỗ trợ chủ thể làm hồ sơ, sản phẩm", "Advised the producer on the dossier or product"),
        Business => ("business", "Có quan hệ mua bán, hợp đồng với chủ thể", "Business relationship"),
        Other => ("other", "Quan hệ khác có thể ảnh hưởng đến tính khách quan", "Another tie that may affect impartiality"),
    }
}

labelled_enum! {
    /// Why a member is held to have a conflict of interest with a product's producer.
    ConflictReason {
        /// The member declared it.
        Declared => ("declared", "Thành viên tự kê khai có quan hệ với chủ thể", "Declared by the member"),
        /// The member's account belongs to the producer (owner or staff).
        BelongsToProducer => ("belongs_to_producer", "Tài khoản của thành viên thuộc chủ thể này", "The member's account belongs to this producer"),
        SameTaxCode => ("same_tax_code", "Trùng mã số thuế với chủ thể", "Same tax code as the producer"),
        SamePhone => ("same_phone", "Trùng số điện thoại với chủ thể", "Same phone number as the producer"),
        SameEmail => ("same_email", "Trùng e-mail với chủ thể", "Same e-mail as the producer"),
    }
}

/// What is known of a council member, to detect obvious conflicts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFacts {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub tax_code: Option<String>,
    /// Producers the member's account belongs to.
    pub producer_ids: Vec<i64>,
}

/// What is known of a producer: its own contacts and those of its accounts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProducerFacts {
    pub producer_id: i64,
    pub tax_code: Option<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
}

fn norm<T: for<'a> TryFrom<&'a str> + AsRef<str>>(s: &str) -> Option<String> {
    T::try_from(s).ok().map(|v| v.as_ref().to_string())
}

/// The conflicts that facts alone reveal (the member may declare more). Contacts are compared in
/// their normalised form, so `+84 912 000 001` and `0912000001` are the same phone; a value that
/// does not parse is ignored rather than matched as text.
pub fn detect_conflicts(member: &MemberFacts, producer: &ProducerFacts) -> Vec<ConflictReason> {
    let mut out = Vec::new();
    if member.producer_ids.contains(&producer.producer_id) {
        out.push(ConflictReason::BelongsToProducer);
    }
    let tax = |s: &Option<String>| s.as_deref().and_then(|t| norm::<TaxCode>(t));
    // A dependent unit (`0123456789-001`) shares its parent's first ten digits.
    let head = |t: String| t.split('-').next().unwrap_or_default().to_string();
    if let (Some(a), Some(b)) = (tax(&member.tax_code), tax(&producer.tax_code)) {
        if head(a) == head(b) {
            out.push(ConflictReason::SameTaxCode);
        }
    }
    if let Some(p) = member.phone.as_deref().and_then(norm::<Phone>) {
        if producer.phones.iter().filter_map(|x| norm::<Phone>(x)).any(|x| x == p) {
            out.push(ConflictReason::SamePhone);
        }
    }
    if let Some(e) = member.email.as_deref().and_then(norm::<Email>) {
        if producer.emails.iter().filter_map(|x| norm::<Email>(x)).any(|x| x == e) {
            out.push(ConflictReason::SameEmail);
        }
    }
    out
}

/// Whether a member scores a given product, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entitlement {
    Entitled,
    /// Scores despite a conflict: the chair overrode it, with a recorded reason.
    Overridden { reasons: Vec<ConflictReason> },
    /// The secretary and the support team do not score.
    NotAScoringRole,
    /// The office excluded the member from this product.
    Excluded,
    Conflicted { reasons: Vec<ConflictReason> },
}

impl Entitlement {
    /// Counts in the product's quorum and mean.
    pub fn scores(&self) -> bool {
        matches!(self, Entitlement::Entitled | Entitlement::Overridden { .. })
    }
}

/// Decides a member's entitlement for one product. An exclusion is final; a conflict holds unless
/// the chair overrides it.
pub fn entitlement(role: MemberRole, excluded: bool, conflicts: &[ConflictReason], chair_override: bool) -> Entitlement {
    if !role.scores() {
        return Entitlement::NotAScoringRole;
    }
    if excluded {
        return Entitlement::Excluded;
    }
    match (conflicts.is_empty(), chair_override) {
        (true, _) => Entitlement::Entitled,
        (false, true) => Entitlement::Overridden { reasons: conflicts.to_vec() },
        (false, false) => Entitlement::Conflicted { reasons: conflicts.to_vec() },
    }
}

/// How much of the council's scores a person sees for a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreView {
    /// No scores at all (the support team; anyone before scoring opens).
    Nothing,
    /// Their own sheet only.
    OwnOnly,
    /// Their own sheet, plus whether the product is flagged and whether they are asked to re-score
    /// — still no one else's numbers.
    OwnAndFlags,
    /// Every member's status, totals and the statistics (the board).
    Board,
    /// Every sheet in full, with comments (deliberation and after).
    Everything,
}

/// Who is looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Member(MemberRole),
    /// Staff of the office running the round (not a council member).
    Office,
}

/// What a viewer sees of a product's scores in a round phase. Members who score see others'
/// numbers only once the council deliberates; before that, only their own.
pub fn score_view(phase: RoundState, viewer: Viewer) -> ScoreView {
    use RoundState as S;
    let scoring_started = matches!(
        phase,
        S::ScoringOpen | S::Reconciliation | S::Deliberation | S::Finalised | S::Published | S::Archived
    );
    if !scoring_started {
        return ScoreView::Nothing;
    }
    let together = matches!(phase, S::Deliberation | S::Finalised | S::Published | S::Archived);
    match viewer {
        Viewer::Member(MemberRole::Support) => ScoreView::Nothing,
        _ if together => ScoreView::Everything,
        Viewer::Office | Viewer::Member(MemberRole::Secretary) => ScoreView::Board,
        Viewer::Member(_) if phase == S::Reconciliation => ScoreView::OwnAndFlags,
        Viewer::Member(_) => ScoreView::OwnOnly,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_chair_vice_chair_and_members_score() {
        let scoring: Vec<_> = MemberRole::ALL.iter().filter(|r| r.scores()).map(|r| r.code()).collect();
        assert_eq!(scoring, ["chair", "vice_chair", "member"]);
        assert!(MemberRole::Secretary.keeps_board() && !MemberRole::Member.keeps_board());
        for r in MemberRole::ALL {
            assert_eq!(MemberRole::from_code(r.code()), Some(*r));
        }
    }

    fn producer() -> ProducerFacts {
        ProducerFacts {
            producer_id: 7,
            tax_code: Some("4300123456".into()),
            phones: vec!["0912 000 001".into()],
            emails: vec!["HTX@Example.vn".into()],
        }
    }

    #[test]
    fn obvious_conflicts_are_found_in_normalised_form() {
        let none = MemberFacts { email: Some("judge@example.vn".into()), phone: Some("0935111222".into()), ..Default::default() };
        assert!(detect_conflicts(&none, &producer()).is_empty());

        let all = MemberFacts {
            email: Some(" htx@example.VN ".into()),
            phone: Some("+84 912 000 001".into()),
            tax_code: Some("4300123456-002".into()),
            producer_ids: vec![3, 7],
        };
        assert_eq!(
            detect_conflicts(&all, &producer()),
            vec![ConflictReason::BelongsToProducer, ConflictReason::SameTaxCode, ConflictReason::SamePhone, ConflictReason::SameEmail]
        );
        // Text that is not a phone or tax code never matches by accident.
        let junk = MemberFacts { phone: Some("n/a".into()), tax_code: Some("n/a".into()), ..Default::default() };
        let p = ProducerFacts { phones: vec!["n/a".into()], tax_code: Some("n/a".into()), ..producer() };
        assert!(detect_conflicts(&junk, &p).is_empty());
    }

    #[test]
    fn a_conflict_blocks_unless_the_chair_overrides_and_exclusion_is_final() {
        let c = [ConflictReason::Declared];
        assert_eq!(entitlement(MemberRole::Member, false, &[], false), Entitlement::Entitled);
        assert!(!entitlement(MemberRole::Member, false, &c, false).scores());
        assert_eq!(entitlement(MemberRole::Member, false, &c, true), Entitlement::Overridden { reasons: c.to_vec() });
        assert!(entitlement(MemberRole::Member, false, &c, true).scores());
        assert_eq!(entitlement(MemberRole::Chair, true, &[], true), Entitlement::Excluded);
        assert_eq!(entitlement(MemberRole::Secretary, false, &[], false), Entitlement::NotAScoringRole);
        assert_eq!(entitlement(MemberRole::Support, false, &[], false), Entitlement::NotAScoringRole);
    }

    #[test]
    fn members_who_score_see_only_their_own_until_the_council_deliberates() {
        use RoundState as S;
        for role in [MemberRole::Chair, MemberRole::ViceChair, MemberRole::Member] {
            let m = Viewer::Member(role);
            assert_eq!(score_view(S::RegistrationClosed, m), ScoreView::Nothing);
            assert_eq!(score_view(S::ScoringOpen, m), ScoreView::OwnOnly);
            assert_eq!(score_view(S::Reconciliation, m), ScoreView::OwnAndFlags);
            assert!(score_view(S::Reconciliation, m) < ScoreView::Board, "no one else's numbers");
            assert_eq!(score_view(S::Deliberation, m), ScoreView::Everything);
            assert_eq!(score_view(S::Finalised, m), ScoreView::Everything);
        }
        for v in [Viewer::Office, Viewer::Member(MemberRole::Secretary)] {
            assert_eq!(score_view(S::ScoringOpen, v), ScoreView::Board);
            assert_eq!(score_view(S::Reconciliation, v), ScoreView::Board);
        }
        assert_eq!(score_view(S::Deliberation, Viewer::Office), ScoreView::Everything);
        for s in RoundState::ALL {
            assert_eq!(score_view(*s, Viewer::Member(MemberRole::Support)), ScoreView::Nothing);
        }
    }
}
