//! Rule sets (bộ quy tắc): one version of a programme's official rules, as data with the legal
//! source of each fact. A round pins one rule set version; editing a rule set never changes a
//! finished round.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::access::{AdminLevel, Programme};
use crate::form::ScoreForm;
use crate::issue::{Contents, Issue, IssueKind, LoadError, Place, PlaceStep};
use crate::points::{Mean, Points};

fn hundred() -> Points {
    Points::from_whole(100)
}
fn ten() -> Points {
    Points::from_whole(10)
}
fn three() -> u32 {
    3
}
fn four() -> u32 {
    4
}
fn yes() -> bool {
    true
}
fn thirty() -> u32 {
    30
}
fn six() -> u32 {
    6
}
fn one() -> u32 {
    1
}

/// How sure we are of a fact (domain.md's \[V\]/\[R\]/\[I\]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    /// \[V\] read in a cited source.
    #[serde(alias = "V")]
    Verified,
    /// \[R\] reported by an authority about its own practice.
    #[serde(alias = "R")]
    Reported,
    /// \[I\] inferred, not confirmed: a configurable default.
    #[serde(alias = "I")]
    Inferred,
}

impl SourceStatus {
    pub fn code(self) -> &'static str {
        match self {
            SourceStatus::Verified => "verified",
            SourceStatus::Reported => "reported",
            SourceStatus::Inferred => "inferred",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            SourceStatus::Verified => "đã đối chiếu văn bản",
            SourceStatus::Reported => "theo thực tiễn địa phương",
            SourceStatus::Inferred => "suy luận, chưa xác nhận",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            SourceStatus::Verified => "verified in a source",
            SourceStatus::Reported => "reported local practice",
            SourceStatus::Inferred => "inferred, unconfirmed",
        }
    }
}

/// A document a rule set rests on (văn bản pháp lý, or a press/portal page reporting it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalSource {
    /// Key used by facts in the same file (`basis.source`).
    pub id: String,
    /// Document number, e.g. `148/QĐ-TTg`.
    pub document: String,
    pub title_vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub status: SourceStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Where a fact comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    /// `id` of a [`LegalSource`] of the same rule set.
    pub source: String,
    pub status: SourceStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A part of the score form and its confirmed maximum (e.g. QĐ 148: A 40 / B 25 / C 35).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartSpec {
    pub code: String,
    pub name_vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub max: Points,
    pub basis: Basis,
}

/// Nhóm / phân nhóm sản phẩm. The tree is kept flat: a group names its parent, which must be
/// declared before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductGroup {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub name_vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Bộ chủ trì quản lý.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_ministry: Option<String>,
    pub basis: Basis,
}

/// Sending a result up to the next level (đề nghị cấp trên).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForwardRule {
    pub to: AdminLevel,
    /// Mean needed to be sent up; `None` when sending up follows a decision (SPCNNTTB winners)
    /// or a check (commune pre-check), not a score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Points>,
    /// The result goes up as a potential 5★ (tiềm năng 5 sao): only the central level decides.
    #[serde(default)]
    pub potential_five_star: bool,
    /// Only products recognised at this level may go up (SPCNNTTB ladder).
    #[serde(default)]
    pub requires_recognition: bool,
    pub basis: Basis,
}

/// What one administrative level does under a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    pub level: AdminLevel,
    /// Who acts, e.g. "UBND huyện".
    pub authority_vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_en: Option<String>,
    /// A council at this level scores products.
    #[serde(default)]
    pub evaluates: bool,
    /// This level checks dossiers before they go up (UBND xã after QĐ 1489 / TT 38).
    #[serde(default)]
    pub prechecks: bool,
    /// Star levels this level recognises and certifies (OCOP).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recognises_stars: Vec<u8>,
    /// Title this level confers (SPCNNTTB: "Sản phẩm CNNT tiêu biểu cấp huyện").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recognises_title_vi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recognises_title_en: Option<String>,
    /// When a result is above what this level certifies and is sent up, the level still
    /// certifies its highest star (province: 4★ while nominating a potential 5★).
    #[serde(default)]
    pub recognise_highest_when_above: bool,
    /// Mean needed to be recognised (SPCNNTTB: eligible) at this level, beyond the star band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recognition_threshold: Option<Points>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward: Option<ForwardRule>,
    pub basis: Basis,
}

/// Hạng sao: stars for a mean in `[from, below)`; `below = None` for the top band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StarBand {
    pub stars: u8,
    pub from: Points,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<Points>,
    /// Only certified bands get a certificate (OCOP: 3–5★).
    pub certified: bool,
    pub meaning_vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meaning_en: Option<String>,
    pub basis: Basis,
}

impl StarBand {
    /// `from <= mean < below`, exactly.
    pub fn contains(&self, mean: Mean) -> bool {
        mean.at_least(self.from) && self.below.is_none_or(|b| mean.below(b))
    }
}

/// How members' totals are combined (cách tính điểm của hội đồng).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregationRules {
    /// Members' totals may differ by at most this much; beyond it the council discusses and
    /// re-scores (\[R\] Tây Ninh, Đồng Tháp: 10 points).
    #[serde(default = "ten")]
    pub spread_limit: Points,
    /// Quorum: at least numerator/denominator of the members entitled to score (\[R\] 3/4).
    #[serde(default = "three")]
    pub quorum_numerator: u32,
    #[serde(default = "four")]
    pub quorum_denominator: u32,
    /// The chair (or the authorised vice-chair) must be among them.
    #[serde(default = "yes")]
    pub chair_required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
}

impl Default for AggregationRules {
    fn default() -> AggregationRules {
        AggregationRules {
            spread_limit: ten(),
            quorum_numerator: 3,
            quorum_denominator: 4,
            chair_required: true,
            basis: None,
        }
    }
}

/// Certificate validity and expiry notice (giấy chứng nhận).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateRules {
    /// OCOP: 36 months from the decision. `None`: no validity is set (SPCNNTTB, until a
    /// province configures one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_months: Option<u32>,
    /// The issuing body notifies the holder this many days before expiry.
    #[serde(default = "thirty")]
    pub notice_days: u32,
    /// A re-evaluation may be filed in the last this-many months of validity.
    #[serde(default = "six")]
    pub reevaluation_window_months: u32,
    pub basis: Basis,
}

/// How a result becomes a recognition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecognitionMode {
    /// OCOP: the mean gives stars by band; certified bands are recognised by the level's authority.
    Stars,
    /// SPCNNTTB: a mean at or above the threshold makes a product eligible; the council then
    /// decides which to recognise (it may recognise fewer, ranked).
    CouncilDecision,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecognitionRules {
    pub mode: RecognitionMode,
    /// Council-decision mode: the mean needed to be eligible (configurable; 70 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible_at: Option<Points>,
    /// The council's list is ranked by mean.
    #[serde(default)]
    pub ranked: bool,
    pub basis: Basis,
}

/// Kind of dossier item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An uploaded document (scan or file).
    Document,
    /// Uploaded photos.
    Photo,
    /// Physical product samples handed in (recorded, not uploaded).
    Sample,
}

/// One item of the dossier a producer files (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    pub code: String,
    pub name_vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub required: bool,
    pub kind: ItemKind,
    /// At least this many files (photos) or units (samples).
    #[serde(default = "one")]
    pub min_count: u32,
    /// MIME types accepted for upload.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepted_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_vi: Option<String>,
    pub basis: Basis,
}

/// One version of a programme's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// e.g. `ocop-qd148-2023`.
    pub code: String,
    pub version: u32,
    pub programme: Programme,
    pub name_vi: String,
    pub name_en: String,
    pub effective_from: NaiveDate,
    /// The first day the rule set no longer applies (exclusive); `None` while in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_vi: Option<String>,
    /// Points of a perfect sheet.
    #[serde(default = "hundred")]
    pub total: Points,
    pub legal_sources: Vec<LegalSource>,
    /// Confirmed parts and maxima; every form of the rule set must have exactly these.
    #[serde(default)]
    pub parts: Vec<PartSpec>,
    #[serde(default)]
    pub product_groups: Vec<ProductGroup>,
    pub levels: Vec<LevelRule>,
    #[serde(default)]
    pub star_bands: Vec<StarBand>,
    #[serde(default)]
    pub aggregation: AggregationRules,
    pub certificate: CertificateRules,
    pub recognition: RecognitionRules,
    #[serde(default)]
    pub dossier_checklist: Vec<ChecklistItem>,
    #[serde(default)]
    pub forms: Vec<ScoreForm>,
}

/// The file shape: a rule set may list separate form files, resolved at load.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSetFile {
    code: String,
    version: u32,
    programme: Programme,
    name_vi: String,
    name_en: String,
    effective_from: NaiveDate,
    #[serde(default)]
    effective_to: Option<NaiveDate>,
    #[serde(default)]
    note_vi: Option<String>,
    #[serde(default = "hundred")]
    total: Points,
    legal_sources: Vec<LegalSource>,
    #[serde(default)]
    parts: Vec<PartSpec>,
    #[serde(default)]
    product_groups: Vec<ProductGroup>,
    levels: Vec<LevelRule>,
    #[serde(default)]
    star_bands: Vec<StarBand>,
    #[serde(default)]
    aggregation: AggregationRules,
    certificate: CertificateRules,
    recognition: RecognitionRules,
    #[serde(default)]
    dossier_checklist: Vec<ChecklistItem>,
    /// Paths of form files, relative to the rule set file.
    #[serde(default)]
    form_files: Vec<String>,
    #[serde(default)]
    forms: Vec<ScoreForm>,
}

impl RuleSet {
    /// Reads a rule set from TOML, loads the form files it lists through `resolve` (path →
    /// text), and validates the whole. Nothing is returned unless everything is valid.
    pub fn from_toml(
        file: &str,
        text: &str,
        resolve: &dyn Fn(&str) -> Option<String>,
    ) -> Result<RuleSet, LoadError> {
        let f: RuleSetFile = toml::from_str(text)
            .map_err(|e| LoadError::Syntax { file: file.to_string(), message: e.to_string() })?;
        let mut forms = Vec::with_capacity(f.form_files.len() + f.forms.len());
        for path in &f.form_files {
            let form_text = resolve(path).ok_or_else(|| LoadError::MissingFormFile {
                file: file.to_string(),
                form_file: path.clone(),
            })?;
            let form: ScoreForm = toml::from_str(&form_text)
                .map_err(|e| LoadError::Syntax { file: path.clone(), message: e.to_string() })?;
            forms.push(form);
        }
        forms.extend(f.forms);
        let rs = RuleSet {
            code: f.code,
            version: f.version,
            programme: f.programme,
            name_vi: f.name_vi,
            name_en: f.name_en,
            effective_from: f.effective_from,
            effective_to: f.effective_to,
            note_vi: f.note_vi,
            total: f.total,
            legal_sources: f.legal_sources,
            parts: f.parts,
            product_groups: f.product_groups,
            levels: f.levels,
            star_bands: f.star_bands,
            aggregation: f.aggregation,
            certificate: f.certificate,
            recognition: f.recognition,
            dossier_checklist: f.dossier_checklist,
            forms,
        };
        let issues = rs.validate();
        if issues.is_empty() {
            Ok(rs)
        } else {
            Err(LoadError::Invalid { file: file.to_string(), issues })
        }
    }

    /// Writes the rule set as one self-contained TOML file (forms inline);
    /// [`RuleSet::from_toml`] gives back the same value.
    pub fn to_toml(&self) -> Result<String, LoadError> {
        toml::to_string_pretty(self).map_err(|e| LoadError::Export(e.to_string()))
    }

    /// The rule for a level, if the level takes part.
    pub fn level(&self, level: AdminLevel) -> Option<&LevelRule> {
        self.levels.iter().find(|l| l.level == level)
    }

    /// Dossiers are checked by the commune before they go up (QĐ 1489; TT 38/2025).
    pub fn commune_precheck(&self) -> bool {
        self.levels.iter().any(|l| l.level == AdminLevel::Commune && l.prechecks)
    }

    /// The first level whose council scores products.
    pub fn first_evaluating_level(&self) -> Option<AdminLevel> {
        self.levels.iter().find(|l| l.evaluates).map(|l| l.level)
    }

    pub fn legal_source(&self, id: &str) -> Option<&LegalSource> {
        self.legal_sources.iter().find(|s| s.id == id)
    }

    pub fn product_group(&self, code: &str) -> Option<&ProductGroup> {
        self.product_groups.iter().find(|g| g.code == code)
    }

    /// Top-level groups (ngành / nhóm).
    pub fn root_groups(&self) -> impl Iterator<Item = &ProductGroup> + '_ {
        self.product_groups.iter().filter(|g| g.parent.is_none())
    }

    pub fn child_groups<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a ProductGroup> + 'a {
        self.product_groups.iter().filter(move |g| g.parent.as_deref() == Some(code))
    }

    /// Groups without children: what a producer registers a product under.
    pub fn leaf_groups(&self) -> impl Iterator<Item = &ProductGroup> + '_ {
        self.product_groups
            .iter()
            .filter(|g| !self.product_groups.iter().any(|c| c.parent.as_deref() == Some(g.code.as_str())))
    }

    /// The form for a product group: the one that names the group, else the nearest ancestor.
    pub fn form_for(&self, group_code: &str) -> Option<&ScoreForm> {
        let mut code = Some(group_code);
        let mut hops = 0;
        while let Some(c) = code {
            if let Some(f) = self.forms.iter().find(|f| f.applies_to.iter().any(|a| a == c)) {
                return Some(f);
            }
            code = self.product_group(c).and_then(|g| g.parent.as_deref());
            hops += 1;
            if hops > self.product_groups.len() {
                break;
            }
        }
        None
    }

    pub fn form(&self, code: &str) -> Option<&ScoreForm> {
        self.forms.iter().find(|f| f.code == code)
    }

    /// The band a mean falls in.
    pub fn band_for(&self, mean: Mean) -> Option<&StarBand> {
        self.star_bands.iter().find(|b| b.contains(mean))
    }

    pub fn band_of_stars(&self, stars: u8) -> Option<&StarBand> {
        self.star_bands.iter().find(|b| b.stars == stars)
    }

    /// Whether a rule set is in force on a date (a round's start date chooses its rule set).
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        date >= self.effective_from && self.effective_to.is_none_or(|to| date < to)
    }

    /// The mean that makes a product eligible (SPCNNTTB) or recognisable at a level.
    pub fn recognition_threshold(&self, level: AdminLevel) -> Option<Points> {
        self.level(level)
            .and_then(|l| l.recognition_threshold)
            .or(self.recognition.eligible_at)
    }

    /// Every problem with the rule set and its forms, each naming its place.
    pub fn validate(&self) -> Vec<Issue> {
        let mut issues = Vec::new();
        let root = Place(vec![PlaceStep::RuleSet(self.code.clone())]);
        if self.code.trim().is_empty() {
            issues.push(Issue::new(&root, IssueKind::EmptyCode));
        }
        if self.name_vi.trim().is_empty() {
            issues.push(Issue::new(&root, IssueKind::Missing { what: Contents::Name }));
        }
        if self.effective_to.is_some_and(|to| to <= self.effective_from) {
            issues.push(Issue::new(&root, IssueKind::DatesReversed));
        }
        if self.total <= Points::ZERO {
            issues.push(Issue::new(&root, IssueKind::NonPositiveMax { max: self.total }));
        }

        // Legal sources and every basis that cites one.
        if self.legal_sources.is_empty() {
            issues.push(Issue::new(&root, IssueKind::Missing { what: Contents::LegalSources }));
        }
        let mut source_ids = BTreeSet::new();
        for s in &self.legal_sources {
            let sp = root.with(PlaceStep::LegalSource(s.id.clone()));
            if s.id.trim().is_empty() {
                issues.push(Issue::new(&sp, IssueKind::EmptyCode));
            } else if !source_ids.insert(s.id.as_str()) {
                issues.push(Issue::new(&sp, IssueKind::DuplicateCode { code: s.id.clone() }));
            }
        }
        let check_basis = |b: &Basis, place: &Place, issues: &mut Vec<Issue>| {
            if !source_ids.contains(b.source.as_str()) {
                issues.push(Issue::new(place, IssueKind::UnknownLegalSource { id: b.source.clone() }));
            }
        };

        // Parts.
        let mut part_codes = BTreeSet::new();
        for p in &self.parts {
            let pp = root.with(PlaceStep::Part(p.code.clone()));
            if !part_codes.insert(p.code.as_str()) {
                issues.push(Issue::new(&pp, IssueKind::DuplicateCode { code: p.code.clone() }));
            }
            if p.max <= Points::ZERO {
                issues.push(Issue::new(&pp, IssueKind::NonPositiveMax { max: p.max }));
            }
            check_basis(&p.basis, &pp, &mut issues);
        }
        if !self.parts.is_empty() {
            let sum: Points = self.parts.iter().map(|p| p.max).sum();
            if sum != self.total {
                issues.push(Issue::new(&root, IssueKind::PartsSumMismatch { sum, total: self.total }));
            }
        }

        // Product groups: unique codes, parents declared first (so the tree has no cycles).
        let mut group_codes = BTreeSet::new();
        for g in &self.product_groups {
            let gp = root.with(PlaceStep::ProductGroup(g.code.clone()));
            if g.code.trim().is_empty() {
                issues.push(Issue::new(&gp, IssueKind::EmptyCode));
            }
            if g.name_vi.trim().is_empty() {
                issues.push(Issue::new(&gp, IssueKind::Missing { what: Contents::Name }));
            }
            if let Some(parent) = &g.parent {
                if !group_codes.contains(parent.as_str()) {
                    issues.push(Issue::new(&gp, IssueKind::UnknownParentGroup { parent: parent.clone() }));
                }
            }
            if !group_codes.insert(g.code.as_str()) {
                issues.push(Issue::new(&gp, IssueKind::DuplicateCode { code: g.code.clone() }));
            }
            check_basis(&g.basis, &gp, &mut issues);
        }

        // Star bands: contiguous half-open intervals from 0, the top one open.
        let star_mode = self.recognition.mode == RecognitionMode::Stars;
        if star_mode && self.star_bands.is_empty() {
            issues.push(Issue::new(&root, IssueKind::StarsNeedBands));
        }
        let mut band_stars = BTreeSet::new();
        let mut expected_from = Points::ZERO;
        let mut seen_certified = false;
        for (i, b) in self.star_bands.iter().enumerate() {
            let bp = root.with(PlaceStep::StarBand(b.stars));
            if !(1..=5).contains(&b.stars) {
                issues.push(Issue::new(&bp, IssueKind::BandStarOutOfRange { stars: b.stars }));
            }
            if !band_stars.insert(b.stars) {
                issues.push(Issue::new(&bp, IssueKind::BandDuplicateStar { stars: b.stars }));
            }
            if i == 0 && b.from != Points::ZERO {
                issues.push(Issue::new(&bp, IssueKind::BandsNotFromZero { from: b.from }));
            } else if i > 0 && b.from != expected_from {
                issues.push(Issue::new(&bp, IssueKind::BandGap { expected_from, found: b.from }));
            }
            let last = i + 1 == self.star_bands.len();
            match b.below {
                Some(below) => {
                    if below <= b.from {
                        issues.push(Issue::new(&bp, IssueKind::BandEmpty { from: b.from, below }));
                    }
                    if last {
                        issues.push(Issue::new(&bp, IssueKind::BandsNotClosed));
                    }
                    expected_from = below;
                }
                None => {
                    if !last {
                        issues.push(Issue::new(&bp, IssueKind::BandOpenNotLast));
                    }
                }
            }
            if b.certified {
                seen_certified = true;
            } else if seen_certified {
                issues.push(Issue::new(&bp, IssueKind::BandCertifiedBelowUncertified));
            }
            check_basis(&b.basis, &bp, &mut issues);
        }

        // Levels.
        if self.levels.is_empty() {
            issues.push(Issue::new(&root, IssueKind::Missing { what: Contents::Levels }));
        }
        let declared: BTreeSet<AdminLevel> = self.levels.iter().map(|l| l.level).collect();
        let mut levels_seen = BTreeSet::new();
        for l in &self.levels {
            let lp = root.with(PlaceStep::Level(l.level));
            if !levels_seen.insert(l.level) {
                issues.push(Issue::new(&lp, IssueKind::DuplicateLevel));
            }
            for s in &l.recognises_stars {
                match self.band_of_stars(*s) {
                    None => issues.push(Issue::new(&lp, IssueKind::UnknownStar { stars: *s })),
                    Some(b) if !b.certified => {
                        issues.push(Issue::new(&lp, IssueKind::RecognisesUncertified { stars: *s }))
                    }
                    Some(_) => {}
                }
            }
            if let Some(t) = l.recognition_threshold {
                self.check_threshold(t, &lp, &mut issues);
            }
            if let Some(f) = &l.forward {
                if f.to == l.level {
                    issues.push(Issue::new(&lp, IssueKind::ForwardToSelf));
                } else if !declared.contains(&f.to) {
                    issues.push(Issue::new(&lp, IssueKind::ForwardToUnknownLevel { to: f.to }));
                }
                if let Some(t) = f.threshold {
                    self.check_threshold(t, &lp, &mut issues);
                }
                check_basis(&f.basis, &lp, &mut issues);
            }
            check_basis(&l.basis, &lp, &mut issues);
        }

        // Aggregation, certificate, recognition.
        let ap = root.with(PlaceStep::Setting("aggregation".into()));
        let a = &self.aggregation;
        if a.quorum_denominator == 0 || a.quorum_numerator == 0 || a.quorum_numerator > a.quorum_denominator {
            issues.push(Issue::new(
                &ap,
                IssueKind::QuorumInvalid { numerator: a.quorum_numerator, denominator: a.quorum_denominator },
            ));
        }
        if a.spread_limit < Points::ZERO {
            issues.push(Issue::new(&ap, IssueKind::SpreadNegative { limit: a.spread_limit }));
        }
        if let Some(b) = &a.basis {
            check_basis(b, &ap, &mut issues);
        }
        let cp = root.with(PlaceStep::Setting("certificate".into()));
        check_basis(&self.certificate.basis, &cp, &mut issues);
        let rp = root.with(PlaceStep::Setting("recognition".into()));
        let mode_fits = match (self.programme, self.recognition.mode) {
            (Programme::Ocop, RecognitionMode::Stars) => true,
            (Programme::Spcnnttb, RecognitionMode::CouncilDecision) => self.recognition.eligible_at.is_some(),
            _ => false,
        };
        if !mode_fits {
            issues.push(Issue::new(&rp, IssueKind::ProgrammeModeMismatch));
        }
        if let Some(t) = self.recognition.eligible_at {
            self.check_threshold(t, &rp, &mut issues);
        }
        check_basis(&self.recognition.basis, &rp, &mut issues);

        // Dossier checklist.
        let mut item_codes = BTreeSet::new();
        for item in &self.dossier_checklist {
            let ip = root.with(PlaceStep::ChecklistItem(item.code.clone()));
            if item.code.trim().is_empty() {
                issues.push(Issue::new(&ip, IssueKind::EmptyCode));
            } else if !item_codes.insert(item.code.as_str()) {
                issues.push(Issue::new(&ip, IssueKind::DuplicateCode { code: item.code.clone() }));
            }
            if item.min_count == 0 {
                issues.push(Issue::new(&ip, IssueKind::ChecklistZeroCount));
            }
            check_basis(&item.basis, &ip, &mut issues);
        }

        // Forms: each valid on its own, fitting the rule set's parts and total, and applied to
        // known product groups, each group by one form only.
        let mut form_codes = BTreeSet::new();
        let mut claimed: BTreeMap<&str, &str> = BTreeMap::new();
        for form in &self.forms {
            let fp = root.with(PlaceStep::Form(form.code.clone()));
            if !form_codes.insert(form.code.as_str()) {
                issues.push(Issue::new(&fp, IssueKind::DuplicateCode { code: form.code.clone() }));
            }
            issues.extend(form.validate().into_iter().map(|i| Issue { place: i.place.prefixed(&fp), kind: i.kind }));
            if form.total != self.total {
                issues.push(Issue::new(
                    &fp,
                    IssueKind::FormTotalDiffers { form_total: form.total, rule_set_total: self.total },
                ));
            }
            if !self.parts.is_empty() {
                for spec in &self.parts {
                    match form.parts.iter().find(|p| p.code == spec.code) {
                        None => issues.push(Issue::new(&fp, IssueKind::PartMissing { code: spec.code.clone() })),
                        Some(p) if p.max != spec.max => issues.push(Issue::new(
                            &fp.with(PlaceStep::Part(p.code.clone())),
                            IssueKind::PartMaxDiffers { expected: spec.max, found: p.max },
                        )),
                        Some(_) => {}
                    }
                }
                for p in &form.parts {
                    if !part_codes.contains(p.code.as_str()) {
                        issues.push(Issue::new(&fp, IssueKind::PartNotInRuleSet { code: p.code.clone() }));
                    }
                }
            }
            for g in &form.applies_to {
                if !group_codes.contains(g.as_str()) {
                    issues.push(Issue::new(&fp, IssueKind::UnknownProductGroup { code: g.clone() }));
                } else if let Some(other) = claimed.insert(g.as_str(), form.code.as_str()) {
                    issues.push(Issue::new(
                        &fp,
                        IssueKind::GroupClaimedTwice { code: g.clone(), other_form: other.to_string() },
                    ));
                }
            }
            for c in form.criteria() {
                for m in &c.mandatory {
                    if star_mode && (1..=5).contains(&m.stars) && !band_stars.contains(&m.stars) {
                        issues.push(Issue::new(
                            &fp.with(PlaceStep::Criterion(c.code.clone())),
                            IssueKind::UnknownStar { stars: m.stars },
                        ));
                    }
                }
            }
        }
        issues
    }

    fn check_threshold(&self, t: Points, place: &Place, issues: &mut Vec<Issue>) {
        if t < Points::ZERO || t > self.total {
            issues.push(Issue::new(place, IssueKind::ThresholdOutOfRange { threshold: t, total: self.total }));
        }
    }
}
