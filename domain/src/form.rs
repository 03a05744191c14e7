//! Score forms (phiếu đánh giá): form → part → criteria group → criterion → options.
//!
//! A judge picks exactly one option per criterion, or enters a number in the criterion's range
//! where the form says so (the SPCNNTTB sheet). Forms are data: they are loaded from TOML,
//! edited in the browser and checked here with [`ScoreForm::validate`].

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::issue::{Contents, Issue, IssueKind, LoadError, Place, PlaceStep};
use crate::points::Points;

/// The label every screen shows on a form that is not the official one.
pub const ILLUSTRATIVE_LABEL_VI: &str = "Mẫu minh họa — không phải phiếu chính thức";
pub const ILLUSTRATIVE_LABEL_EN: &str = "Illustrative sample — not the official form";

fn hundred() -> Points {
    Points::from_whole(100)
}

fn one() -> u32 {
    1
}

/// Phiếu đánh giá, chấm điểm — one form for one or more product (sub-)groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreForm {
    /// Stable code, e.g. `ocop-qd1048-i1a`.
    pub code: String,
    /// A change to a form that a round has used makes a new version.
    #[serde(default = "one")]
    pub version: u32,
    pub name_vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// True only for a form copied from an official annex. An illustrative form is shown with
    /// [`ILLUSTRATIVE_LABEL_VI`].
    pub official: bool,
    /// Where the form comes from (document, annex, or how the sample was made).
    pub source: String,
    /// Codes of the product groups or sub-groups this form is used for.
    #[serde(default)]
    pub applies_to: Vec<String>,
    /// The points a perfect sheet gets (100 for both programmes).
    #[serde(default = "hundred")]
    pub total: Points,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_vi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_en: Option<String>,
    #[serde(default)]
    pub parts: Vec<Part>,
}

/// Phần (A. Sản phẩm và sức mạnh cộng đồng; B. Khả năng tiếp thị; C. Chất lượng sản phẩm).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub code: String,
    pub name_vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub max: Points,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_vi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_en: Option<String>,
    #[serde(default)]
    pub groups: Vec<CriteriaGroup>,
}

/// Nhóm tiêu chí (A1 Tổ chức sản xuất, …). Its maximum is the sum of its criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriteriaGroup {
    pub code: String,
    pub name_vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_vi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_en: Option<String>,
    #[serde(default)]
    pub criteria: Vec<Criterion>,
}

impl CriteriaGroup {
    pub fn max(&self) -> Points {
        self.criteria.iter().map(|c| c.max).sum()
    }
}

/// Tiêu chí.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CriterionRepr", into = "CriterionRepr")]
pub struct Criterion {
    pub code: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub help_vi: Option<String>,
    pub help_en: Option<String>,
    pub max: Points,
    pub scale: Scale,
    /// Tiêu chí bắt buộc (*): the minimum this criterion needs for a star level.
    pub mandatory: Vec<MandatoryMinimum>,
}

/// How a judge answers a criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Pick exactly one of these (in paper order).
    Options(Vec<ScoreOption>),
    /// Enter a number in the range.
    Numeric(NumericRange),
}

/// Phương án chấm điểm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreOption {
    pub points: Points,
    pub name_vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_vi: Option<String>,
}

/// A number a judge types, in hundredths: `min..=max` in steps of `step` from `min`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumericRange {
    pub min: Points,
    pub max: Points,
    pub step: Points,
}

impl NumericRange {
    #[inline]
    pub fn contains(&self, v: Points) -> bool {
        v >= self.min && v <= self.max
    }

    #[inline]
    pub fn on_step(&self, v: Points) -> bool {
        self.step.hundredths() > 0 && (v - self.min).hundredths() % self.step.hundredths() == 0
    }
}

/// For a star level, the minimum points the criterion needs (tiêu chí bắt buộc của hạng sao).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MandatoryMinimum {
    pub stars: u8,
    pub min: Points,
}

/// The file shape of a criterion: either `options = [...]` or `numeric = {...}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionRepr {
    code: String,
    name_vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    help_vi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    help_en: Option<String>,
    max: Points,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    mandatory: Vec<MandatoryMinimum>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    numeric: Option<NumericRange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    options: Vec<ScoreOption>,
}

impl TryFrom<CriterionRepr> for Criterion {
    type Error = String;

    fn try_from(r: CriterionRepr) -> Result<Criterion, String> {
        let scale = match (r.numeric, r.options.is_empty()) {
            (Some(range), true) => Scale::Numeric(range),
            (None, _) => Scale::Options(r.options),
            (Some(_), false) => {
                return Err(format!(
                    "tiêu chí {}: chỉ được có một trong hai, `options` (chọn phương án) hoặc `numeric` (nhập số)",
                    r.code
                ))
            }
        };
        Ok(Criterion {
            code: r.code,
            name_vi: r.name_vi,
            name_en: r.name_en,
            help_vi: r.help_vi,
            help_en: r.help_en,
            max: r.max,
            scale,
            mandatory: r.mandatory,
        })
    }
}

impl From<Criterion> for CriterionRepr {
    fn from(c: Criterion) -> CriterionRepr {
        let (numeric, options) = match c.scale {
            Scale::Options(o) => (None, o),
            Scale::Numeric(r) => (Some(r), Vec::new()),
        };
        CriterionRepr {
            code: c.code,
            name_vi: c.name_vi,
            name_en: c.name_en,
            help_vi: c.help_vi,
            help_en: c.help_en,
            max: c.max,
            mandatory: c.mandatory,
            numeric,
            options,
        }
    }
}

impl Criterion {
    /// The minimum this criterion needs for `stars`, if it is mandatory for that level.
    pub fn minimum_for(&self, stars: u8) -> Option<Points> {
        self.mandatory.iter().find(|m| m.stars == stars).map(|m| m.min)
    }

    #[inline]
    pub fn is_mandatory(&self) -> bool {
        !self.mandatory.is_empty()
    }
}

impl ScoreForm {
    /// Whether screens must show [`ILLUSTRATIVE_LABEL_VI`] next to this form.
    pub fn is_illustrative(&self) -> bool {
        !self.official
    }

    /// The illustrative label, or `None` for an official form.
    pub fn illustrative_label_vi(&self) -> Option<&'static str> {
        self.is_illustrative().then_some(ILLUSTRATIVE_LABEL_VI)
    }

    pub fn illustrative_label_en(&self) -> Option<&'static str> {
        self.is_illustrative().then_some(ILLUSTRATIVE_LABEL_EN)
    }

    /// All criteria in paper order (part, group, criterion). Sheet scores use this order.
    pub fn criteria(&self) -> impl Iterator<Item = &Criterion> + '_ {
        self.parts
            .iter()
            .flat_map(|p| p.groups.iter())
            .flat_map(|g| g.criteria.iter())
    }

    /// All criteria groups in paper order, across parts.
    pub fn groups(&self) -> impl Iterator<Item = &CriteriaGroup> + '_ {
        self.parts.iter().flat_map(|p| p.groups.iter())
    }

    pub fn criterion_count(&self) -> usize {
        self.criteria().count()
    }

    /// A criterion and its position in [`ScoreForm::criteria`].
    pub fn find_criterion(&self, code: &str) -> Option<(usize, &Criterion)> {
        self.criteria().enumerate().find(|(_, c)| c.code == code)
    }

    /// The sum of the parts' maxima (equal to `total` on a valid form).
    pub fn max_total(&self) -> Points {
        self.parts.iter().map(|p| p.max).sum()
    }

    /// Every problem with the form, each naming its place; empty when the form is valid.
    pub fn validate(&self) -> Vec<Issue> {
        let mut issues = Vec::new();
        let root = Place::root();
        if self.code.trim().is_empty() {
            issues.push(Issue::new(&root, IssueKind::EmptyCode));
        }
        if self.name_vi.trim().is_empty() {
            issues.push(Issue::new(&root, IssueKind::Missing { what: Contents::Name }));
        }
        if self.applies_to.is_empty() {
            issues.push(Issue::new(&root, IssueKind::Missing { what: Contents::AppliesTo }));
        }
        if self.parts.is_empty() {
            issues.push(Issue::new(&root, IssueKind::Missing { what: Contents::Parts }));
        }
        if self.total <= Points::ZERO {
            issues.push(Issue::new(&root, IssueKind::NonPositiveMax { max: self.total }));
        }

        // Codes are unique across the whole form: parts, groups and criteria share one space,
        // because answers and mandatory markers refer to them by code alone.
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut check_code = |code: &str, place: &Place, issues: &mut Vec<Issue>| {
            let code = code.trim();
            if code.is_empty() {
                issues.push(Issue::new(place, IssueKind::EmptyCode));
            } else if !seen.insert(code.to_string()) {
                issues.push(Issue::new(place, IssueKind::DuplicateCode { code: code.to_string() }));
            }
        };

        for part in &self.parts {
            let pp = root.with(PlaceStep::Part(part.code.clone()));
            check_code(&part.code, &pp, &mut issues);
            if part.name_vi.trim().is_empty() {
                issues.push(Issue::new(&pp, IssueKind::Missing { what: Contents::Name }));
            }
            if part.max <= Points::ZERO {
                issues.push(Issue::new(&pp, IssueKind::NonPositiveMax { max: part.max }));
            }
            if part.groups.is_empty() {
                issues.push(Issue::new(&pp, IssueKind::Missing { what: Contents::Groups }));
            }
            let mut part_sum = Points::ZERO;
            for group in &part.groups {
                let gp = pp.with(PlaceStep::Group(group.code.clone()));
                check_code(&group.code, &gp, &mut issues);
                if group.name_vi.trim().is_empty() {
                    issues.push(Issue::new(&gp, IssueKind::Missing { what: Contents::Name }));
                }
                if group.criteria.is_empty() {
                    issues.push(Issue::new(&gp, IssueKind::Missing { what: Contents::Criteria }));
                }
                for criterion in &group.criteria {
                    let cp = gp.with(PlaceStep::Criterion(criterion.code.clone()));
                    check_code(&criterion.code, &cp, &mut issues);
                    validate_criterion(criterion, &cp, &mut issues);
                    part_sum += criterion.max;
                }
            }
            if !part.groups.is_empty() && part_sum != part.max {
                issues.push(Issue::new(
                    &pp,
                    IssueKind::CriteriaSumMismatch { sum: part_sum, max: part.max },
                ));
            }
        }
        let parts_sum = self.max_total();
        if !self.parts.is_empty() && parts_sum != self.total {
            issues.push(Issue::new(
                &root,
                IssueKind::PartsSumMismatch { sum: parts_sum, total: self.total },
            ));
        }
        issues
    }

    /// Reads a form from TOML and validates it. `file` names the source in messages.
    pub fn from_toml(file: &str, text: &str) -> Result<ScoreForm, LoadError> {
        let form: ScoreForm = toml::from_str(text).map_err(|e| LoadError::Syntax {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        let issues = form.validate();
        if issues.is_empty() {
            Ok(form)
        } else {
            Err(LoadError::Invalid { file: file.to_string(), issues })
        }
    }

    /// Writes the form as TOML; [`ScoreForm::from_toml`] gives back the same value.
    pub fn to_toml(&self) -> Result<String, LoadError> {
        toml::to_string_pretty(self).map_err(|e| LoadError::Export(e.to_string()))
    }
}

fn validate_criterion(c: &Criterion, place: &Place, issues: &mut Vec<Issue>) {
    if c.name_vi.trim().is_empty() {
        issues.push(Issue::new(place, IssueKind::Missing { what: Contents::Name }));
    }
    if c.max <= Points::ZERO {
        issues.push(Issue::new(place, IssueKind::NonPositiveMax { max: c.max }));
    }
    match &c.scale {
        Scale::Options(options) => {
            if options.is_empty() {
                issues.push(Issue::new(place, IssueKind::Missing { what: Contents::Options }));
            }
            for (i, o) in options.iter().enumerate() {
                let op = place.with(PlaceStep::Option(i + 1));
                if o.name_vi.trim().is_empty() {
                    issues.push(Issue::new(&op, IssueKind::Missing { what: Contents::Name }));
                }
                if o.points < Points::ZERO {
                    issues.push(Issue::new(place, IssueKind::OptionNegative { option: i + 1, points: o.points }));
                }
                if o.points > c.max {
                    issues.push(Issue::new(
                        place,
                        IssueKind::OptionAboveMax { option: i + 1, points: o.points, max: c.max },
                    ));
                }
            }
            if let Some(top) = options.iter().map(|o| o.points).max() {
                if top < c.max {
                    issues.push(Issue::new(place, IssueKind::TopOptionNotMax { top, max: c.max }));
                }
            }
        }
        Scale::Numeric(r) => {
            if r.min < Points::ZERO {
                issues.push(Issue::new(place, IssueKind::NumericMinNegative { min: r.min }));
            }
            if r.min >= r.max {
                issues.push(Issue::new(place, IssueKind::NumericMinAboveMax { min: r.min, max: r.max }));
            }
            if r.step <= Points::ZERO {
                issues.push(Issue::new(place, IssueKind::NumericStepNotPositive { step: r.step }));
            } else if !r.on_step(r.max) {
                issues.push(Issue::new(place, IssueKind::NumericStepMisfit { step: r.step }));
            }
            if r.max != c.max {
                issues.push(Issue::new(place, IssueKind::NumericMaxDiffers { range_max: r.max, max: c.max }));
            }
        }
    }
    let mut stars_seen = [false; 6];
    for m in &c.mandatory {
        if !(1..=5).contains(&m.stars) {
            issues.push(Issue::new(place, IssueKind::MandatoryStarOutOfRange { stars: m.stars }));
        } else if std::mem::replace(&mut stars_seen[usize::from(m.stars)], true) {
            issues.push(Issue::new(place, IssueKind::MandatoryDuplicateStar { stars: m.stars }));
        }
        if m.min < Points::ZERO {
            issues.push(Issue::new(place, IssueKind::MandatoryMinNegative { min: m.min }));
        }
        if m.min > c.max {
            issues.push(Issue::new(place, IssueKind::MandatoryMinAboveMax { min: m.min, max: c.max }));
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn opt(points: i64, name: &str) -> ScoreOption {
        ScoreOption { points: Points::from_whole(points), name_vi: name.into(), name_en: None, help_vi: None }
    }

    pub(crate) fn crit(code: &str, max: i64, options: &[i64]) -> Criterion {
        Criterion {
            code: code.into(),
            name_vi: format!("Tiêu chí {code}"),
            name_en: None,
            help_vi: None,
            help_en: None,
            max: Points::from_whole(max),
            scale: Scale::Options(options.iter().map(|p| opt(*p, &format!("{p} điểm"))).collect()),
            mandatory: Vec::new(),
        }
    }

    /// A tiny valid form: part A (max 60: A1.1 max 40, A1.2 max 20), part B (max 40: B1.1).
    pub(crate) fn small_form() -> ScoreForm {
        ScoreForm {
            code: "test".into(),
            version: 1,
            name_vi: "Phiếu thử".into(),
            name_en: None,
            official: false,
            source: "kiểm thử".into(),
            applies_to: vec!["X".into()],
            total: Points::from_whole(100),
            help_vi: None,
            help_en: None,
            parts: vec![
                Part {
                    code: "A".into(),
                    name_vi: "Phần A".into(),
                    name_en: None,
                    max: Points::from_whole(60),
                    help_vi: None,
                    help_en: None,
                    groups: vec![CriteriaGroup {
                        code: "A1".into(),
                        name_vi: "Nhóm A1".into(),
                        name_en: None,
                        help_vi: None,
                        help_en: None,
                        criteria: vec![crit("A1.1", 40, &[0, 10, 25, 40]), crit("A1.2", 20, &[0, 5, 20])],
                    }],
                },
                Part {
                    code: "B".into(),
                    name_vi: "Phần B".into(),
                    name_en: None,
                    max: Points::from_whole(40),
                    help_vi: None,
                    help_en: None,
                    groups: vec![CriteriaGroup {
                        code: "B1".into(),
                        name_vi: "Nhóm B1".into(),
                        name_en: None,
                        help_vi: None,
                        help_en: None,
                        criteria: vec![crit("B1.1", 40, &[0, 20, 40])],
                    }],
                },
            ],
        }
    }

    #[test]
    fn small_form_is_valid() {
        assert_eq!(small_form().validate(), vec![]);
    }

    #[test]
    fn option_above_max_names_its_place() {
        let mut f = small_form();
        f.parts[1].groups[0].criteria[0] = crit("B1.1", 40, &[0, 20, 40, 46]);
        let issues = f.validate();
        let msgs: Vec<String> = issues.iter().map(Issue::message_vi).collect();
        assert!(
            msgs.contains(&"phần B › nhóm B1 › tiêu chí B1.1: điểm tối đa của phương án 4 (46) lớn hơn điểm tối đa của tiêu chí (40)".to_string()),
            "{msgs:?}"
        );
        assert!(issues[0].message_en().starts_with("part B › group B1 › criterion B1.1: option 4"));
    }

    #[test]
    fn sums_top_options_codes_and_markers_are_checked() {
        let mut f = small_form();
        f.parts[0].groups[0].criteria[1] = crit("A1.1", 20, &[0, 5, 15]);
        f.parts[0].groups[0].criteria[0].mandatory =
            vec![MandatoryMinimum { stars: 6, min: Points::from_whole(1) }, MandatoryMinimum { stars: 3, min: Points::from_whole(41) }];
        f.parts[1].max = Points::from_whole(35);
        let kinds: Vec<IssueKind> = f.validate().into_iter().map(|i| i.kind).collect();
        assert!(kinds.contains(&IssueKind::DuplicateCode { code: "A1.1".into() }));
        assert!(kinds.contains(&IssueKind::TopOptionNotMax { top: Points::from_whole(15), max: Points::from_whole(20) }));
        assert!(kinds.contains(&IssueKind::MandatoryStarOutOfRange { stars: 6 }));
        assert!(kinds.contains(&IssueKind::MandatoryMinAboveMax { min: Points::from_whole(41), max: Points::from_whole(40) }));
        assert!(kinds.contains(&IssueKind::CriteriaSumMismatch { sum: Points::from_whole(40), max: Points::from_whole(35) }));
        assert!(kinds.contains(&IssueKind::PartsSumMismatch { sum: Points::from_whole(95), total: Points::from_whole(100) }));
    }

    #[test]
    fn numeric_ranges_are_checked() {
        let mut f = small_form();
        f.parts[1].groups[0].criteria[0].scale =
            Scale::Numeric(NumericRange { min: Points::ZERO, max: Points::from_whole(40), step: Points::from_hundredths(30) });
        let kinds: Vec<IssueKind> = f.validate().into_iter().map(|i| i.kind).collect();
        assert_eq!(kinds, vec![IssueKind::NumericStepMisfit { step: Points::from_hundredths(30) }]);
        f.parts[1].groups[0].criteria[0].scale =
            Scale::Numeric(NumericRange { min: Points::ZERO, max: Points::from_whole(40), step: Points::from_hundredths(1) });
        assert_eq!(f.validate(), vec![]);
    }

    #[test]
    fn toml_round_trip_and_refusals() {
        let f = small_form();
        let text = f.to_toml().unwrap();
        assert_eq!(ScoreForm::from_toml("x.toml", &text).unwrap(), f);

        let bad = text.replacen("official = false", "official = false\nmystery = 1", 1);
        assert!(matches!(ScoreForm::from_toml("x.toml", &bad), Err(LoadError::Syntax { .. })));
        let err = ScoreForm::from_toml("x.toml", "code = ").unwrap_err();
        assert!(err.to_string().starts_with("tệp x.toml: không đọc được"), "{err}");
    }
}
