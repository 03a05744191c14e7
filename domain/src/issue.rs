//! Validation findings for forms and rule sets, each naming its place
//! (e.g. `phần B › nhóm B1 › tiêu chí B1.2: …`), so that an office can fix a file or an editor
//! field without guessing.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::access::AdminLevel;
use crate::points::Points;

/// One step of the path to the place an issue is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum PlaceStep {
    /// Bộ quy tắc.
    RuleSet(String),
    /// Phiếu đánh giá.
    Form(String),
    /// Phần (A, B, C).
    Part(String),
    /// Nhóm tiêu chí.
    Group(String),
    /// Tiêu chí.
    Criterion(String),
    /// Phương án, numbered from 1 as on paper.
    Option(usize),
    /// Nhóm / phân nhóm sản phẩm.
    ProductGroup(String),
    /// Cấp (huyện, tỉnh…).
    Level(AdminLevel),
    /// Hạng sao.
    StarBand(u8),
    /// Văn bản pháp lý (by its id in the file).
    LegalSource(String),
    /// Mục hồ sơ.
    ChecklistItem(String),
    /// A named setting of the rule set (e.g. `aggregation`).
    Setting(String),
}

impl PlaceStep {
    pub fn label_vi(&self) -> String {
        match self {
            PlaceStep::RuleSet(c) => format!("bộ quy tắc {c}"),
            PlaceStep::Form(c) => format!("phiếu {c}"),
            PlaceStep::Part(c) => format!("phần {c}"),
            PlaceStep::Group(c) => format!("nhóm {c}"),
            PlaceStep::Criterion(c) => format!("tiêu chí {c}"),
            PlaceStep::Option(i) => format!("phương án {i}"),
            PlaceStep::ProductGroup(c) => format!("nhóm sản phẩm {c}"),
            PlaceStep::Level(l) => format!("cấp {}", l.name_vi().to_lowercase()),
            PlaceStep::StarBand(s) => format!("hạng {s} sao"),
            PlaceStep::LegalSource(c) => format!("văn bản {c}"),
            PlaceStep::ChecklistItem(c) => format!("mục hồ sơ {c}"),
            PlaceStep::Setting(c) => format!("thiết lập {c}"),
        }
    }

    pub fn label_en(&self) -> String {
        match self {
            PlaceStep::RuleSet(c) => format!("rule set {c}"),
            PlaceStep::Form(c) => format!("form {c}"),
            PlaceStep::Part(c) => format!("part {c}"),
            PlaceStep::Group(c) => format!("group {c}"),
            PlaceStep::Criterion(c) => format!("criterion {c}"),
            PlaceStep::Option(i) => format!("option {i}"),
            PlaceStep::ProductGroup(c) => format!("product group {c}"),
            PlaceStep::Level(l) => format!("{} level", l.name_en().to_lowercase()),
            PlaceStep::StarBand(s) => format!("{s}-star band"),
            PlaceStep::LegalSource(c) => format!("legal source {c}"),
            PlaceStep::ChecklistItem(c) => format!("dossier item {c}"),
            PlaceStep::Setting(c) => format!("setting {c}"),
        }
    }
}

/// A path from the outermost container to the place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place(pub Vec<PlaceStep>);

impl Place {
    pub fn root() -> Place {
        Place(Vec::new())
    }

    pub fn with(&self, step: PlaceStep) -> Place {
        let mut steps = self.0.clone();
        steps.push(step);
        Place(steps)
    }

    pub fn prefixed(mut self, outer: &Place) -> Place {
        let mut steps = outer.0.clone();
        steps.append(&mut self.0);
        Place(steps)
    }

    pub fn vi(&self) -> String {
        self.0.iter().map(PlaceStep::label_vi).collect::<Vec<_>>().join(" › ")
    }

    pub fn en(&self) -> String {
        self.0.iter().map(PlaceStep::label_en).collect::<Vec<_>>().join(" › ")
    }
}

/// What a container lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contents {
    Parts,
    Groups,
    Criteria,
    Options,
    AppliesTo,
    Levels,
    StarBands,
    LegalSources,
    Name,
}

impl Contents {
    fn vi(self) -> &'static str {
        match self {
            Contents::Parts => "chưa có phần nào",
            Contents::Groups => "chưa có nhóm tiêu chí nào",
            Contents::Criteria => "chưa có tiêu chí nào",
            Contents::Options => "chưa có phương án nào",
            Contents::AppliesTo => "chưa ghi áp dụng cho nhóm sản phẩm nào",
            Contents::Levels => "chưa khai báo cấp nào",
            Contents::StarBands => "chưa có thang hạng sao",
            Contents::LegalSources => "chưa ghi căn cứ pháp lý",
            Contents::Name => "chưa có tên",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Contents::Parts => "has no parts",
            Contents::Groups => "has no criteria groups",
            Contents::Criteria => "has no criteria",
            Contents::Options => "has no options",
            Contents::AppliesTo => "does not say which product groups it applies to",
            Contents::Levels => "declares no levels",
            Contents::StarBands => "has no star bands",
            Contents::LegalSources => "cites no legal source",
            Contents::Name => "has no name",
        }
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "issue", rename_all = "snake_case")]
pub enum IssueKind {
    EmptyCode,
    DuplicateCode { code: String },
    Missing { what: Contents },
    NonPositiveMax { max: Points },
    OptionNegative { option: usize, points: Points },
    OptionAboveMax { option: usize, points: Points, max: Points },
    TopOptionNotMax { top: Points, max: Points },
    CriteriaSumMismatch { sum: Points, max: Points },
    PartsSumMismatch { sum: Points, total: Points },
    PartMaxDiffers { expected: Points, found: Points },
    PartMissing { code: String },
    PartNotInRuleSet { code: String },
    FormTotalDiffers { form_total: Points, rule_set_total: Points },
    MandatoryStarOutOfRange { stars: u8 },
    MandatoryDuplicateStar { stars: u8 },
    MandatoryMinNegative { min: Points },
    MandatoryMinAboveMax { min: Points, max: Points },
    NumericMinNegative { min: Points },
    NumericMinAboveMax { min: Points, max: Points },
    NumericStepNotPositive { step: Points },
    NumericStepMisfit { step: Points },
    NumericMaxDiffers { range_max: Points, max: Points },
    UnknownProductGroup { code: String },
    UnknownParentGroup { parent: String },
    GroupClaimedTwice { code: String, other_form: String },
    UnknownLegalSource { id: String },
    BandStarOutOfRange { stars: u8 },
    BandDuplicateStar { stars: u8 },
    BandEmpty { from: Points, below: Points },
    BandsNotFromZero { from: Points },
    BandGap { expected_from: Points, found: Points },
    BandOpenNotLast,
    BandsNotClosed,
    BandCertifiedBelowUncertified,
    UnknownStar { stars: u8 },
    RecognisesUncertified { stars: u8 },
    DuplicateLevel,
    ForwardToUnknownLevel { to: AdminLevel },
    ForwardToSelf,
    DatesReversed,
    QuorumInvalid { numerator: u32, denominator: u32 },
    SpreadNegative { limit: Points },
    StarsNeedBands,
    ProgrammeModeMismatch,
    ThresholdOutOfRange { threshold: Points, total: Points },
    ChecklistZeroCount,
}

impl IssueKind {
    pub fn message_vi(&self) -> String {
        use IssueKind::*;
        match self {
            EmptyCode => "chưa có mã".into(),
            DuplicateCode { code } => format!("mã {code} bị trùng"),
            Missing { what } => what.vi().into(),
            NonPositiveMax { max } => format!("điểm tối đa ({}) phải lớn hơn 0", max.format_vi_compact()),
            OptionNegative { option, points } => {
                format!("điểm của phương án {option} ({}) không được âm", points.format_vi_compact())
            }
            OptionAboveMax { option, points, max } => format!(
                "điểm tối đa của phương án {option} ({}) lớn hơn điểm tối đa của tiêu chí ({})",
                points.format_vi_compact(),
                max.format_vi_compact()
            ),
            TopOptionNotMax { top, max } => format!(
                "phương án cao nhất được {} điểm, phải bằng điểm tối đa của tiêu chí ({})",
                top.format_vi_compact(),
                max.format_vi_compact()
            ),
            CriteriaSumMismatch { sum, max } => format!(
                "tổng điểm tối đa các tiêu chí ({}) khác điểm tối đa của phần ({})",
                sum.format_vi_compact(),
                max.format_vi_compact()
            ),
            PartsSumMismatch { sum, total } => format!(
                "tổng điểm tối đa các phần ({}) khác tổng điểm của phiếu ({})",
                sum.format_vi_compact(),
                total.format_vi_compact()
            ),
            PartMaxDiffers { expected, found } => format!(
                "điểm tối đa của phần là {}, bộ quy tắc quy định {}",
                found.format_vi_compact(),
                expected.format_vi_compact()
            ),
            PartMissing { code } => format!("thiếu phần {code} mà bộ quy tắc quy định"),
            PartNotInRuleSet { code } => format!("phần {code} không có trong bộ quy tắc"),
            FormTotalDiffers { form_total, rule_set_total } => format!(
                "tổng điểm của phiếu ({}) khác tổng điểm của bộ quy tắc ({})",
                form_total.format_vi_compact(),
                rule_set_total.format_vi_compact()
            ),
            MandatoryStarOutOfRange { stars } => {
                format!("tiêu chí bắt buộc ghi hạng {stars} sao, chỉ được từ 1 đến 5")
            }
            MandatoryDuplicateStar { stars } => {
                format!("tiêu chí bắt buộc ghi hai lần cho hạng {stars} sao")
            }
            MandatoryMinNegative { min } => {
                format!("mức tối thiểu bắt buộc ({}) không được âm", min.format_vi_compact())
            }
            MandatoryMinAboveMax { min, max } => format!(
                "mức tối thiểu bắt buộc ({}) lớn hơn điểm tối đa của tiêu chí ({})",
                min.format_vi_compact(),
                max.format_vi_compact()
            ),
            NumericMinNegative { min } => {
                format!("điểm nhỏ nhất được nhập ({}) không được âm", min.format_vi_compact())
            }
            NumericMinAboveMax { min, max } => format!(
                "khoảng điểm sai: nhỏ nhất ({}) lớn hơn lớn nhất ({})",
                min.format_vi_compact(),
                max.format_vi_compact()
            ),
            NumericStepNotPositive { step } => {
                format!("bước điểm ({}) phải lớn hơn 0", step.format_vi_compact())
            }
            NumericStepMisfit { step } => format!(
                "khoảng điểm không chia hết cho bước điểm ({})",
                step.format_vi_compact()
            ),
            NumericMaxDiffers { range_max, max } => format!(
                "điểm lớn nhất được nhập ({}) khác điểm tối đa của tiêu chí ({})",
                range_max.format_vi_compact(),
                max.format_vi_compact()
            ),
            UnknownProductGroup { code } => format!("nhóm sản phẩm {code} không có trong bộ quy tắc"),
            UnknownParentGroup { parent } => {
                format!("nhóm cha {parent} không có (hoặc khai báo sau nhóm con)")
            }
            GroupClaimedTwice { code, other_form } => {
                format!("nhóm sản phẩm {code} đã được phiếu {other_form} áp dụng")
            }
            UnknownLegalSource { id } => format!("căn cứ {id} không có trong danh sách văn bản"),
            BandStarOutOfRange { stars } => format!("hạng {stars} sao: chỉ được từ 1 đến 5"),
            BandDuplicateStar { stars } => format!("hạng {stars} sao khai báo hai lần"),
            BandEmpty { from, below } => format!(
                "khoảng điểm rỗng: từ {} đến dưới {}",
                from.format_vi_compact(),
                below.format_vi_compact()
            ),
            BandsNotFromZero { from } => {
                format!("thang hạng sao phải bắt đầu từ 0, đang bắt đầu từ {}", from.format_vi_compact())
            }
            BandGap { expected_from, found } => format!(
                "hạng này phải bắt đầu từ {} (nối tiếp hạng trước), đang ghi {}",
                expected_from.format_vi_compact(),
                found.format_vi_compact()
            ),
            BandOpenNotLast => "chỉ hạng cao nhất được để trống cận trên".into(),
            BandsNotClosed => "hạng cao nhất phải để trống cận trên (không giới hạn)".into(),
            BandCertifiedBelowUncertified => {
                "hạng được cấp giấy chứng nhận không được thấp hơn hạng không được cấp".into()
            }
            UnknownStar { stars } => format!("hạng {stars} sao không có trong thang hạng sao"),
            RecognisesUncertified { stars } => {
                format!("công nhận hạng {stars} sao nhưng hạng này không được cấp giấy chứng nhận")
            }
            DuplicateLevel => "cấp này khai báo hai lần".into(),
            ForwardToUnknownLevel { to } => {
                format!("chuyển lên cấp {} nhưng cấp đó không được khai báo", to.name_vi().to_lowercase())
            }
            ForwardToSelf => "không thể chuyển lên chính cấp này".into(),
            DatesReversed => "ngày hết hiệu lực phải sau ngày có hiệu lực".into(),
            QuorumInvalid { numerator, denominator } => {
                format!("tỷ lệ tối thiểu {numerator}/{denominator} không hợp lệ")
            }
            SpreadNegative { limit } => {
                format!("mức chênh lệch cho phép ({}) không được âm", limit.format_vi_compact())
            }
            StarsNeedBands => "xếp hạng sao cần có thang hạng sao".into(),
            ProgrammeModeMismatch => {
                "cách công nhận không hợp với chương trình (OCOP xếp sao; SPCNNTTB do hội đồng quyết định)".into()
            }
            ThresholdOutOfRange { threshold, total } => format!(
                "ngưỡng {} nằm ngoài thang điểm 0–{}",
                threshold.format_vi_compact(),
                total.format_vi_compact()
            ),
            ChecklistZeroCount => "số lượng tối thiểu phải từ 1 trở lên".into(),
        }
    }

    pub fn message_en(&self) -> String {
        use IssueKind::*;
        match self {
            EmptyCode => "has no code".into(),
            DuplicateCode { code } => format!("code {code} is used twice"),
            Missing { what } => what.en().into(),
            NonPositiveMax { max } => format!("maximum ({}) must be above 0", max.format_en_compact()),
            OptionNegative { option, points } => {
                format!("option {option} has negative points ({})", points.format_en_compact())
            }
            OptionAboveMax { option, points, max } => format!(
                "option {option} gives {} points, more than the criterion's maximum ({})",
                points.format_en_compact(),
                max.format_en_compact()
            ),
            TopOptionNotMax { top, max } => format!(
                "the top option gives {} points; it must equal the criterion's maximum ({})",
                top.format_en_compact(),
                max.format_en_compact()
            ),
            CriteriaSumMismatch { sum, max } => format!(
                "criteria maxima add up to {}, not the part's maximum ({})",
                sum.format_en_compact(),
                max.format_en_compact()
            ),
            PartsSumMismatch { sum, total } => format!(
                "part maxima add up to {}, not the form's total ({})",
                sum.format_en_compact(),
                total.format_en_compact()
            ),
            PartMaxDiffers { expected, found } => format!(
                "part maximum is {}; the rule set says {}",
                found.format_en_compact(),
                expected.format_en_compact()
            ),
            PartMissing { code } => format!("part {code} required by the rule set is missing"),
            PartNotInRuleSet { code } => format!("part {code} is not in the rule set"),
            FormTotalDiffers { form_total, rule_set_total } => format!(
                "form total ({}) differs from the rule set's total ({})",
                form_total.format_en_compact(),
                rule_set_total.format_en_compact()
            ),
            MandatoryStarOutOfRange { stars } => {
                format!("mandatory marker for {stars} stars: stars must be 1 to 5")
            }
            MandatoryDuplicateStar { stars } => format!("two mandatory markers for {stars} stars"),
            MandatoryMinNegative { min } => {
                format!("mandatory minimum ({}) is negative", min.format_en_compact())
            }
            MandatoryMinAboveMax { min, max } => format!(
                "mandatory minimum ({}) exceeds the criterion's maximum ({})",
                min.format_en_compact(),
                max.format_en_compact()
            ),
            NumericMinNegative { min } => {
                format!("lowest allowed entry ({}) is negative", min.format_en_compact())
            }
            NumericMinAboveMax { min, max } => format!(
                "range minimum ({}) is above its maximum ({})",
                min.format_en_compact(),
                max.format_en_compact()
            ),
            NumericStepNotPositive { step } => {
                format!("step ({}) must be above 0", step.format_en_compact())
            }
            NumericStepMisfit { step } => {
                format!("the range is not a whole number of steps ({})", step.format_en_compact())
            }
            NumericMaxDiffers { range_max, max } => format!(
                "highest allowed entry ({}) differs from the criterion's maximum ({})",
                range_max.format_en_compact(),
                max.format_en_compact()
            ),
            UnknownProductGroup { code } => format!("product group {code} is not in the rule set"),
            UnknownParentGroup { parent } => {
                format!("parent group {parent} is unknown (or declared after its child)")
            }
            GroupClaimedTwice { code, other_form } => {
                format!("product group {code} is already covered by form {other_form}")
            }
            UnknownLegalSource { id } => format!("source {id} is not among the legal sources"),
            BandStarOutOfRange { stars } => format!("{stars} stars: must be 1 to 5"),
            BandDuplicateStar { stars } => format!("{stars} stars declared twice"),
            BandEmpty { from, below } => format!(
                "empty interval: from {} to below {}",
                from.format_en_compact(),
                below.format_en_compact()
            ),
            BandsNotFromZero { from } => {
                format!("star bands must start at 0, not {}", from.format_en_compact())
            }
            BandGap { expected_from, found } => format!(
                "band must start at {} (where the previous one ends), not {}",
                expected_from.format_en_compact(),
                found.format_en_compact()
            ),
            BandOpenNotLast => "only the top band may have no upper bound".into(),
            BandsNotClosed => "the top band must have no upper bound".into(),
            BandCertifiedBelowUncertified => {
                "a certified band cannot lie below an uncertified one".into()
            }
            UnknownStar { stars } => format!("{stars} stars is not a band of this rule set"),
            RecognisesUncertified { stars } => format!("recognises {stars} stars, a band that is not certified"),
            DuplicateLevel => "level declared twice".into(),
            ForwardToUnknownLevel { to } => {
                format!("forwards to the {} level, which is not declared", to.name_en().to_lowercase())
            }
            ForwardToSelf => "cannot forward to the same level".into(),
            DatesReversed => "end date must be after the start date".into(),
            QuorumInvalid { numerator, denominator } => {
                format!("quorum {numerator}/{denominator} is not a valid fraction")
            }
            SpreadNegative { limit } => {
                format!("spread limit ({}) is negative", limit.format_en_compact())
            }
            StarsNeedBands => "star rating needs star bands".into(),
            ProgrammeModeMismatch => {
                "recognition mode does not fit the programme (OCOP rates stars; SPCNNTTB is a council decision)"
                    .into()
            }
            ThresholdOutOfRange { threshold, total } => format!(
                "threshold {} is outside the 0–{} scale",
                threshold.format_en_compact(),
                total.format_en_compact()
            ),
            ChecklistZeroCount => "minimum count must be at least 1".into(),
        }
    }
}

/// One finding: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub place: Place,
    pub kind: IssueKind,
}

impl Issue {
    pub fn new(place: &Place, kind: IssueKind) -> Issue {
        Issue { place: place.clone(), kind }
    }

    /// `phần B › nhóm B1 › tiêu chí B1.2: điểm tối đa của phương án …`
    pub fn message_vi(&self) -> String {
        if self.place.0.is_empty() {
            self.kind.message_vi()
        } else {
            format!("{}: {}", self.place.vi(), self.kind.message_vi())
        }
    }

    pub fn message_en(&self) -> String {
        if self.place.0.is_empty() {
            self.kind.message_en()
        } else {
            format!("{}: {}", self.place.en(), self.kind.message_en())
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_vi())
    }
}

/// Why a form or rule-set file could not be loaded. Nothing is half-loaded: either the whole
/// file parses and validates, or this error says where it does not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The text is not valid TOML, or does not have the expected fields.
    #[error("tệp {file}: không đọc được — {message}")]
    Syntax { file: String, message: String },
    /// The file parses but breaks the rules; every finding is listed.
    #[error("tệp {file}: {} lỗi — {}", issues.len(), issues.iter().map(Issue::message_vi).collect::<Vec<_>>().join("; "))]
    Invalid { file: String, issues: Vec<Issue> },
    /// A rule set refers to a form file that was not supplied.
    #[error("tệp {file}: không tìm thấy tệp phiếu {form_file}")]
    MissingFormFile { file: String, form_file: String },
    /// Writing TOML failed (should not happen for valid values).
    #[error("không ghi được TOML: {0}")]
    Export(String),
}

impl LoadError {
    pub fn message_en(&self) -> String {
        match self {
            LoadError::Syntax { file, message } => format!("file {file}: cannot be read — {message}"),
            LoadError::Invalid { file, issues } => format!(
                "file {file}: {} problem(s) — {}",
                issues.len(),
                issues.iter().map(Issue::message_en).collect::<Vec<_>>().join("; ")
            ),
            LoadError::MissingFormFile { file, form_file } => {
                format!("file {file}: form file {form_file} not found")
            }
            LoadError::Export(m) => format!("cannot write TOML: {m}"),
        }
    }
}
