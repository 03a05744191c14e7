//! State machines for a round, a dossier and a score sheet: which action is allowed from which
//! state, and by whom. States are stored in the database by their snake_case `code()`.
//!
//! Programme offices act only on their own programme; the system administrator manages
//! accounts and is deliberately not given programme actions (a mistake there would be public).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::access::{Programme, Role};

/// A code with its Vietnamese and English labels, carried in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub code: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
}

macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => ($code:literal, $vi:literal, $en:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|s| s.code() == code)
            }

            pub fn label_vi(self) -> &'static str {
                match self { $($name::$variant => $vi),+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            pub fn label(self) -> Label {
                Label { code: self.code(), vi: self.label_vi(), en: self.label_en() }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label_vi())
            }
        }
    };
}

/// Shared with [`crate::council`]; the expansion names `Serialize`, `Deserialize`, `fmt` and
/// `Label`, which the using module imports.
pub(crate) use labelled_enum;

fn role_label(role: Role) -> Label {
    Label { code: role.code(), vi: role.name_vi(), en: role.name_en() }
}

fn programme_label(p: Programme) -> Label {
    Label { code: p.code(), vi: p.name_vi(), en: p.name_en() }
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("không thể «{}» khi đang ở trạng thái «{}»", .action.vi, .from.vi)]
    NotFromState { action: Label, from: Label },
    #[error("{} không được «{}»", .role.vi, .action.vi)]
    RoleNotAllowed { role: Label, action: Label },
    #[error("{} không phụ trách chương trình «{}»", .role.vi, .programme.vi)]
    WrongProgramme { role: Label, programme: Label },
    #[error("bộ quy tắc của đợt này không có bước UBND xã kiểm tra hồ sơ")]
    NoCommunePrecheck,
    #[error("hồ sơ đang chờ UBND xã xác nhận")]
    AwaitingCommune,
    #[error("không thể «{}» khi đợt đánh giá đang ở giai đoạn «{}»", .action.vi, .round.vi)]
    RoundPhase { action: Label, round: Label },
}

impl TransitionError {
    pub fn message_en(&self) -> String {
        match self {
            TransitionError::NotFromState { action, from } => {
                format!("cannot \"{}\" from the state \"{}\"", action.en, from.en)
            }
            TransitionError::RoleNotAllowed { role, action } => format!("{} may not \"{}\"", role.en, action.en),
            TransitionError::WrongProgramme { role, programme } => {
                format!("{} does not run the programme \"{}\"", role.en, programme.en)
            }
            TransitionError::NoCommunePrecheck => "this round's rule set has no commune pre-check".into(),
            TransitionError::AwaitingCommune => "the dossier awaits the commune's confirmation".into(),
            TransitionError::RoundPhase { action, round } => {
                format!("cannot \"{}\" while the round is in the phase \"{}\"", action.en, round.en)
            }
        }
    }
}

/// The caller must be the office of `programme`.
fn require_office(role: Role, programme: Programme, action: Label) -> Result<(), TransitionError> {
    match role.office_programme() {
        Some(p) if p == programme => Ok(()),
        Some(_) => Err(TransitionError::WrongProgramme { role: role_label(role), programme: programme_label(programme) }),
        None => Err(TransitionError::RoleNotAllowed { role: role_label(role), action }),
    }
}

fn require_role(role: Role, wanted: Role, action: Label) -> Result<(), TransitionError> {
    if role == wanted {
        Ok(())
    } else {
        Err(TransitionError::RoleNotAllowed { role: role_label(role), action })
    }
}

pub mod round {
    //! Đợt đánh giá / bình chọn.
    use super::*;

    labelled_enum! {
        /// Trạng thái của đợt.
        RoundState {
            Draft => ("draft", "Đang soạn", "Draft"),
            RegistrationOpen => ("registration_open", "Đang nhận hồ sơ", "Registration open"),
            /// Registration closed, scoring not yet open.
            RegistrationClosed => ("registration_closed", "Hết hạn nhận hồ sơ", "Registration closed"),
            /// Members score independently.
            ScoringOpen => ("scoring_open", "Đang chấm điểm", "Scoring open"),
            /// Discrepancies beyond the spread limit are discussed and re-scored.
            Reconciliation => ("reconciliation", "Rà soát chênh lệch, chấm lại", "Reconciliation"),
            Deliberation => ("deliberation", "Hội đồng thảo luận, biểu quyết", "Deliberation"),
            Finalised => ("finalised", "Đã chốt kết quả", "Finalised"),
            Published => ("published", "Đã công bố", "Published"),
            Archived => ("archived", "Đã lưu trữ", "Archived"),
        }
    }

    labelled_enum! {
        RoundAction {
            OpenRegistration => ("open_registration", "Mở nhận hồ sơ", "Open registration"),
            CloseRegistration => ("close_registration", "Đóng nhận hồ sơ", "Close registration"),
            ReopenRegistration => ("reopen_registration", "Gia hạn nhận hồ sơ", "Reopen registration"),
            OpenScoring => ("open_scoring", "Mở chấm điểm", "Open scoring"),
            StartReconciliation => ("start_reconciliation", "Rà soát chênh lệch", "Start reconciliation"),
            StartDeliberation => ("start_deliberation", "Chuyển hội đồng thảo luận", "Start deliberation"),
            ResumeReconciliation => ("resume_reconciliation", "Quay lại chấm lại", "Back to re-scoring"),
            Finalise => ("finalise", "Chốt kết quả", "Finalise"),
            Publish => ("publish", "Công bố kết quả", "Publish"),
            Archive => ("archive", "Lưu trữ", "Archive"),
        }
    }

    fn target(from: RoundState, action: RoundAction) -> Option<RoundState> {
        use RoundAction as A;
        use RoundState as S;
        Some(match (from, action) {
            (S::Draft, A::OpenRegistration) => S::RegistrationOpen,
            (S::RegistrationOpen, A::CloseRegistration) => S::RegistrationClosed,
            (S::RegistrationClosed, A::ReopenRegistration) => S::RegistrationOpen,
            (S::RegistrationClosed, A::OpenScoring) => S::ScoringOpen,
            (S::ScoringOpen, A::StartReconciliation) => S::Reconciliation,
            (S::ScoringOpen | S::Reconciliation, A::StartDeliberation) => S::Deliberation,
            (S::Deliberation, A::ResumeReconciliation) => S::Reconciliation,
            (S::Deliberation, A::Finalise) => S::Finalised,
            (S::Finalised, A::Publish) => S::Published,
            (S::Published, A::Archive) => S::Archived,
            _ => return None,
        })
    }

    /// Every round action belongs to the office of the round's programme.
    pub fn transition(
        from: RoundState,
        action: RoundAction,
        role: Role,
        programme: Programme,
    ) -> Result<RoundState, TransitionError> {
        let to = target(from, action)
            .ok_or(TransitionError::NotFromState { action: action.label(), from: from.label() })?;
        require_office(role, programme, action.label())?;
        Ok(to)
    }

    pub fn allowed_actions(from: RoundState, role: Role, programme: Programme) -> Vec<RoundAction> {
        RoundAction::ALL.iter().copied().filter(|a| transition(from, *a, role, programme).is_ok()).collect()
    }

    impl RoundState {
        /// Judges may save and submit sheets.
        pub fn accepts_scores(self) -> bool {
            matches!(self, RoundState::ScoringOpen | RoundState::Reconciliation)
        }

        /// Producers may file dossiers.
        pub fn accepts_registrations(self) -> bool {
            self == RoundState::RegistrationOpen
        }

        /// Results may be shown to the public.
        pub fn is_public(self) -> bool {
            matches!(self, RoundState::Published | RoundState::Archived)
        }
    }
}

pub mod dossier {
    //! Hồ sơ đăng ký của một sản phẩm trong một đợt.
    use super::round::RoundState;
    use super::*;

    labelled_enum! {
        DossierState {
            Draft => ("draft", "Đang soạn", "Draft"),
            Submitted => ("submitted", "Đã nộp", "Submitted"),
            CommuneConfirmed => ("commune_confirmed", "UBND xã đã xác nhận", "Confirmed by the commune"),
            ReturnedByCommune => ("returned_by_commune", "UBND xã trả lại", "Returned by the commune"),
            SupplementRequested => ("supplement_requested", "Yêu cầu bổ sung", "Supplement requested"),
            Supplemented => ("supplemented", "Đã bổ sung", "Supplemented"),
            Accepted => ("accepted", "Hợp lệ, được đánh giá", "Accepted"),
            Rejected => ("rejected", "Không hợp lệ", "Rejected"),
            Withdrawn => ("withdrawn", "Đã rút", "Withdrawn"),
        }
    }

    labelled_enum! {
        DossierAction {
            Submit => ("submit", "Nộp hồ sơ", "Submit"),
            CommuneConfirm => ("commune_confirm", "Xác nhận (UBND xã)", "Confirm (commune)"),
            CommuneReturn => ("commune_return", "Trả lại (UBND xã)", "Return (commune)"),
            RequestSupplement => ("request_supplement", "Yêu cầu bổ sung", "Request a supplement"),
            Supplement => ("supplement", "Nộp bổ sung", "Send the supplement"),
            Accept => ("accept", "Tiếp nhận hồ sơ hợp lệ", "Accept"),
            Reject => ("reject", "Từ chối hồ sơ", "Reject"),
            Withdraw => ("withdraw", "Rút hồ sơ", "Withdraw"),
        }
    }

    labelled_enum! {
        /// Hình thức đăng ký: lần đầu, nâng hạng, hoặc đánh giá lại khi giấy chứng nhận sắp hết hạn.
        RegistrationType {
            First => ("first", "Đăng ký lần đầu", "First registration"),
            Upgrade => ("upgrade", "Đăng ký nâng hạng", "Upgrade"),
            Reevaluation => ("reevaluation", "Đánh giá lại (giấy chứng nhận sắp hết hạn)", "Re-evaluation (certificate expiring)"),
        }
    }

    /// The round a dossier belongs to, and what its rule set says about dossiers.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DossierContext {
        pub programme: Programme,
        /// The commune confirms a dossier before the office reviews it.
        pub commune_precheck: bool,
        /// The state of the dossier's round.
        pub round: RoundState,
    }

    /// \[I\] When each action may happen: producers submit only while registration is open;
    /// checking, supplementing and withdrawing go on until scoring opens, after which the list
    /// of products is fixed.
    fn phase_allows(action: DossierAction, round: RoundState) -> bool {
        match action {
            DossierAction::Submit => round == RoundState::RegistrationOpen,
            _ => matches!(round, RoundState::RegistrationOpen | RoundState::RegistrationClosed),
        }
    }

    impl DossierState {
        /// The producer can still change its files.
        pub fn editable_by_producer(self) -> bool {
            matches!(
                self,
                DossierState::Draft | DossierState::ReturnedByCommune | DossierState::SupplementRequested
            )
        }

        pub fn is_final(self) -> bool {
            matches!(self, DossierState::Accepted | DossierState::Rejected | DossierState::Withdrawn)
        }
    }

    pub fn transition(
        from: DossierState,
        action: DossierAction,
        role: Role,
        ctx: DossierContext,
    ) -> Result<DossierState, TransitionError> {
        use DossierAction as A;
        use DossierState as S;
        let not_from = || TransitionError::NotFromState { action: action.label(), from: from.label() };
        let label = action.label();
        let phase_error = TransitionError::RoundPhase { action: label, round: ctx.round.label() };
        let to = match action {
            A::Submit => {
                if !matches!(from, S::Draft | S::ReturnedByCommune) {
                    return Err(not_from());
                }
                require_role(role, Role::Producer, label)?;
                S::Submitted
            }
            A::CommuneConfirm | A::CommuneReturn => {
                if from != S::Submitted {
                    return Err(not_from());
                }
                if !ctx.commune_precheck {
                    return Err(TransitionError::NoCommunePrecheck);
                }
                require_role(role, Role::CommuneOfficer, label)?;
                if action == A::CommuneConfirm {
                    S::CommuneConfirmed
                } else {
                    S::ReturnedByCommune
                }
            }
            A::RequestSupplement | A::Accept | A::Reject => {
                let reviewable = match from {
                    S::Submitted if ctx.commune_precheck => return Err(TransitionError::AwaitingCommune),
                    S::Submitted => true,
                    S::CommuneConfirmed => ctx.commune_precheck,
                    S::Supplemented => true,
                    _ => false,
                };
                if !reviewable {
                    return Err(not_from());
                }
                require_office(role, ctx.programme, label)?;
                match action {
                    A::RequestSupplement => S::SupplementRequested,
                    A::Accept => S::Accepted,
                    _ => S::Rejected,
                }
            }
            A::Supplement => {
                if from != S::SupplementRequested {
                    return Err(not_from());
                }
                require_role(role, Role::Producer, label)?;
                S::Supplemented
            }
            A::Withdraw => {
                if from.is_final() {
                    return Err(not_from());
                }
                require_role(role, Role::Producer, label)?;
                S::Withdrawn
            }
        };
        if phase_allows(action, ctx.round) {
            Ok(to)
        } else {
            Err(phase_error)
        }
    }

    pub fn allowed_actions(from: DossierState, role: Role, ctx: DossierContext) -> Vec<DossierAction> {
        DossierAction::ALL.iter().copied().filter(|a| transition(from, *a, role, ctx).is_ok()).collect()
    }
}

pub mod sheet {
    //! Phiếu chấm của một thành viên cho một sản phẩm.
    use super::round::RoundState;
    use super::*;

    labelled_enum! {
        SheetState {
            NotStarted => ("not_started", "Chưa chấm", "Not started"),
            Draft => ("draft", "Đang chấm (nháp)", "Draft"),
            Submitted => ("submitted", "Đã nộp", "Submitted"),
            /// Reopened by the secretariat for re-scoring after a discrepancy.
            Reopened => ("reopened", "Mở lại để chấm lại", "Reopened for re-scoring"),
            Locked => ("locked", "Đã khóa", "Locked"),
        }
    }

    labelled_enum! {
        SheetAction {
            Save => ("save", "Lưu nháp", "Save draft"),
            Submit => ("submit", "Nộp phiếu", "Submit"),
            Reopen => ("reopen", "Mở lại để chấm lại", "Reopen for re-scoring"),
            Lock => ("lock", "Khóa phiếu", "Lock"),
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SheetContext {
        pub programme: Programme,
        /// The state of the sheet's round.
        pub round: RoundState,
    }

    impl SheetState {
        /// Counts in the product's aggregate.
        pub fn counts(self) -> bool {
            matches!(self, SheetState::Submitted | SheetState::Locked)
        }
    }

    /// Judges save and submit while the round accepts scores (the caller also checks the judge
    /// is a member entitled to score the product, and that a submitted sheet is complete).
    /// The office reopens a submitted sheet during scoring or reconciliation, and locks
    /// submitted sheets once the council deliberates.
    pub fn transition(
        from: SheetState,
        action: SheetAction,
        role: Role,
        ctx: SheetContext,
    ) -> Result<SheetState, TransitionError> {
        use SheetAction as A;
        use SheetState as S;
        let to = match (from, action) {
            (S::NotStarted | S::Draft, A::Save) => S::Draft,
            (S::Reopened, A::Save) => S::Reopened,
            (S::NotStarted | S::Draft | S::Reopened, A::Submit) => S::Submitted,
            (S::Submitted, A::Reopen) => S::Reopened,
            (S::Submitted, A::Lock) => S::Locked,
            _ => return Err(TransitionError::NotFromState { action: action.label(), from: from.label() }),
        };
        let phase_ok = match action {
            A::Save | A::Submit | A::Reopen => ctx.round.accepts_scores(),
            A::Lock => matches!(ctx.round, RoundState::Deliberation | RoundState::Finalised),
        };
        if !phase_ok {
            return Err(TransitionError::RoundPhase { action: action.label(), round: ctx.round.label() });
        }
        match action {
            A::Save | A::Submit => require_role(role, Role::Judge, action.label())?,
            A::Reopen | A::Lock => require_office(role, ctx.programme, action.label())?,
        }
        Ok(to)
    }

    pub fn allowed_actions(from: SheetState, role: Role, ctx: SheetContext) -> Vec<SheetAction> {
        SheetAction::ALL.iter().copied().filter(|a| transition(from, *a, role, ctx).is_ok()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::dossier::{DossierAction as DA, DossierContext, DossierState as DS};
    use super::round::{RoundAction as RA, RoundState as RS};
    use super::sheet::{SheetAction as SA, SheetContext, SheetState as SS};
    use super::*;

    const OCOP: Programme = Programme::Ocop;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for s in RS::ALL {
            assert_eq!(RS::from_code(s.code()), Some(*s));
            assert_eq!(toml::Value::try_from(s).unwrap().as_str(), Some(s.code()));
        }
        for s in DS::ALL {
            assert_eq!(DS::from_code(s.code()), Some(*s));
            assert_eq!(toml::Value::try_from(s).unwrap().as_str(), Some(s.code()));
        }
        for s in SS::ALL {
            assert_eq!(SS::from_code(s.code()), Some(*s));
            assert_eq!(toml::Value::try_from(s).unwrap().as_str(), Some(s.code()));
        }
        for a in RA::ALL {
            assert_eq!(toml::Value::try_from(a).unwrap().as_str(), Some(a.code()));
        }
        for a in DA::ALL {
            assert_eq!(toml::Value::try_from(a).unwrap().as_str(), Some(a.code()));
        }
        for a in SA::ALL {
            assert_eq!(toml::Value::try_from(a).unwrap().as_str(), Some(a.code()));
        }
    }

    #[test]
    fn round_happy_path_by_the_right_office() {
        let steps = [
            (RA::OpenRegistration, RS::RegistrationOpen),
            (RA::CloseRegistration, RS::RegistrationClosed),
            (RA::OpenScoring, RS::ScoringOpen),
            (RA::StartReconciliation, RS::Reconciliation),
            (RA::StartDeliberation, RS::Deliberation),
            (RA::Finalise, RS::Finalised),
            (RA::Publish, RS::Published),
            (RA::Archive, RS::Archived),
        ];
        let mut s = RS::Draft;
        for (a, want) in steps {
            s = round::transition(s, a, Role::OcopOffice, OCOP).unwrap();
            assert_eq!(s, want);
        }
        assert_eq!(round::allowed_actions(RS::Archived, Role::OcopOffice, OCOP), vec![]);
    }

    #[test]
    fn round_refusals() {
        assert!(matches!(
            round::transition(RS::Draft, RA::OpenRegistration, Role::SpcnnttbOffice, OCOP),
            Err(TransitionError::WrongProgramme { .. })
        ));
        for role in [Role::Admin, Role::Judge, Role::Producer, Role::CommuneOfficer] {
            assert!(matches!(
                round::transition(RS::Draft, RA::OpenRegistration, role, OCOP),
                Err(TransitionError::RoleNotAllowed { .. })
            ));
        }
        let e = round::transition(RS::Draft, RA::Publish, Role::OcopOffice, OCOP).unwrap_err();
        assert_eq!(e.to_string(), "không thể «Công bố kết quả» khi đang ở trạng thái «Đang soạn»");
        assert!(round::transition(RS::Finalised, RA::ResumeReconciliation, Role::OcopOffice, OCOP).is_err());
        assert!(round::transition(RS::Published, RA::Finalise, Role::OcopOffice, OCOP).is_err());
        assert_eq!(
            round::allowed_actions(RS::Deliberation, Role::OcopOffice, OCOP),
            vec![RA::ResumeReconciliation, RA::Finalise]
        );
    }

    #[test]
    fn dossier_with_commune_precheck() {
        let ctx = DossierContext { programme: OCOP, commune_precheck: true, round: RS::RegistrationOpen };
        let s = dossier::transition(DS::Draft, DA::Submit, Role::Producer, ctx).unwrap();
        assert_eq!(
            dossier::transition(s, DA::Accept, Role::OcopOffice, ctx),
            Err(TransitionError::AwaitingCommune)
        );
        let r = dossier::transition(s, DA::CommuneReturn, Role::CommuneOfficer, ctx).unwrap();
        assert_eq!(r, DS::ReturnedByCommune);
        assert!(r.editable_by_producer());
        let s = dossier::transition(r, DA::Submit, Role::Producer, ctx).unwrap();
        assert!(matches!(
            dossier::transition(s, DA::CommuneConfirm, Role::Producer, ctx),
            Err(TransitionError::RoleNotAllowed { .. })
        ));
        let s = dossier::transition(s, DA::CommuneConfirm, Role::CommuneOfficer, ctx).unwrap();
        let s = dossier::transition(s, DA::RequestSupplement, Role::OcopOffice, ctx).unwrap();
        assert_eq!(s, DS::SupplementRequested);
        assert!(dossier::transition(s, DA::Accept, Role::OcopOffice, ctx).is_err());
        let s = dossier::transition(s, DA::Supplement, Role::Producer, ctx).unwrap();
        let s2 = dossier::transition(s, DA::RequestSupplement, Role::OcopOffice, ctx).unwrap();
        assert_eq!(s2, DS::SupplementRequested);
        assert!(matches!(
            dossier::transition(s, DA::Accept, Role::SpcnnttbOffice, ctx),
            Err(TransitionError::WrongProgramme { .. })
        ));
        assert_eq!(dossier::transition(s, DA::Accept, Role::OcopOffice, ctx), Ok(DS::Accepted));
        assert_eq!(dossier::transition(s, DA::Reject, Role::OcopOffice, ctx), Ok(DS::Rejected));
        assert!(dossier::transition(DS::Accepted, DA::Withdraw, Role::Producer, ctx).is_err());
    }

    #[test]
    fn dossier_without_commune_precheck() {
        let ctx = DossierContext { programme: Programme::Spcnnttb, commune_precheck: false, round: RS::RegistrationOpen };
        assert_eq!(
            dossier::transition(DS::Submitted, DA::CommuneConfirm, Role::CommuneOfficer, ctx),
            Err(TransitionError::NoCommunePrecheck)
        );
        assert_eq!(
            dossier::transition(DS::Submitted, DA::Accept, Role::SpcnnttbOffice, ctx),
            Ok(DS::Accepted)
        );
        assert!(dossier::transition(DS::CommuneConfirmed, DA::Accept, Role::SpcnnttbOffice, ctx).is_err());
        assert_eq!(
            dossier::transition(DS::Submitted, DA::Withdraw, Role::Producer, ctx),
            Ok(DS::Withdrawn)
        );
        assert!(dossier::transition(DS::Submitted, DA::Withdraw, Role::SpcnnttbOffice, ctx).is_err());
        assert_eq!(
            dossier::allowed_actions(DS::Draft, Role::Producer, ctx),
            vec![DA::Submit, DA::Withdraw]
        );
    }

    #[test]
    fn dossier_actions_follow_the_round() {
        let closed = DossierContext { programme: OCOP, commune_precheck: false, round: RS::RegistrationClosed };
        assert!(matches!(
            dossier::transition(DS::Draft, DA::Submit, Role::Producer, closed),
            Err(TransitionError::RoundPhase { .. })
        ));
        assert_eq!(dossier::transition(DS::Submitted, DA::Accept, Role::OcopOffice, closed), Ok(DS::Accepted));
        assert_eq!(
            dossier::transition(DS::SupplementRequested, DA::Supplement, Role::Producer, closed),
            Ok(DS::Supplemented)
        );
        let scoring = DossierContext { round: RS::ScoringOpen, ..closed };
        for a in DA::ALL {
            for s in DS::ALL {
                for r in Role::ALL {
                    assert!(dossier::transition(*s, *a, r, scoring).is_err());
                }
            }
        }
    }

    #[test]
    fn sheet_table() {
        let scoring = SheetContext { programme: OCOP, round: RS::ScoringOpen };
        let s = sheet::transition(SS::NotStarted, SA::Save, Role::Judge, scoring).unwrap();
        assert_eq!(s, SS::Draft);
        let s = sheet::transition(s, SA::Submit, Role::Judge, scoring).unwrap();
        assert!(s.counts());
        assert!(sheet::transition(s, SA::Save, Role::Judge, scoring).is_err());
        assert!(matches!(
            sheet::transition(s, SA::Reopen, Role::Judge, scoring),
            Err(TransitionError::RoleNotAllowed { .. })
        ));
        let rec = SheetContext { round: RS::Reconciliation, ..scoring };
        let s = sheet::transition(s, SA::Reopen, Role::OcopOffice, rec).unwrap();
        assert_eq!(s, SS::Reopened);
        assert!(!s.counts());
        assert_eq!(sheet::transition(s, SA::Save, Role::Judge, rec), Ok(SS::Reopened));
        let s = sheet::transition(s, SA::Submit, Role::Judge, rec).unwrap();
        let delib = SheetContext { round: RS::Deliberation, ..scoring };
        assert!(matches!(
            sheet::transition(s, SA::Reopen, Role::OcopOffice, delib),
            Err(TransitionError::RoundPhase { .. })
        ));
        assert!(matches!(
            sheet::transition(SS::Draft, SA::Submit, Role::Judge, delib),
            Err(TransitionError::RoundPhase { .. })
        ));
        assert!(matches!(
            sheet::transition(s, SA::Lock, Role::OcopOffice, scoring),
            Err(TransitionError::RoundPhase { .. })
        ));
        let s = sheet::transition(s, SA::Lock, Role::OcopOffice, delib).unwrap();
        assert_eq!(s, SS::Locked);
        assert!(sheet::allowed_actions(s, Role::OcopOffice, delib).is_empty());
        assert!(sheet::allowed_actions(s, Role::Judge, scoring).is_empty());
    }
}
