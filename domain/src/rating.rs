//! Stars and outcomes (phân hạng sao, kết quả ở từng cấp).
//!
//! Final star = the band of the mean, capped by the mandatory criteria; the cap never raises a
//! star. A result below a level's recognition threshold is recorded, not certified. 5★ is only a
//! nomination until the central level decides. SPCNNTTB has no stars: a mean at or above the
//! threshold makes a product eligible, and the council decides.

use serde::{Deserialize, Serialize};

use crate::access::AdminLevel;
use crate::aggregate::{aggregate, Aggregate};
use crate::form::ScoreForm;
use crate::points::{Mean, Points};
use crate::ruleset::{RecognitionMode, RuleSet};
use crate::sheet::SheetScore;

/// The mandatory-criterion rule, in one place. \[I\] domain.md A.2.2: a (*) criterion is met for a
/// star level when the members' mean points on it reach the level's minimum — compared exactly
/// (`sum >= min · n`). To be confirmed against the QĐ 148 annex; if the annex turns out to
/// require every member (or the median) to reach it, this is the function to change.
pub fn mandatory_met(criterion_mean: Mean, min: Points) -> bool {
    criterion_mean.at_least(min)
}

/// A mandatory minimum that a product misses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub criterion: String,
    pub stars: u8,
    pub min: Points,
    /// The members' mean on the criterion; `None` if nobody answered it.
    pub mean: Option<Mean>,
}

/// The highest star the mandatory criteria allow, and what is missed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MandatoryCheck {
    /// 5 when nothing is missed; otherwise one below the lowest star level with a miss
    /// (missing a 3★ minimum caps at 2★: no certificate).
    pub cap: u8,
    pub shortfalls: Vec<Shortfall>,
}

impl MandatoryCheck {
    pub fn nothing_missed() -> MandatoryCheck {
        MandatoryCheck { cap: 5, shortfalls: Vec::new() }
    }
}

/// Checks every mandatory minimum of the form against the members' sheets (their answers on
/// each mandatory criterion are averaged, then [`mandatory_met`] decides).
pub fn mandatory_check<'a, I>(form: &ScoreForm, sheets: I) -> MandatoryCheck
where
    I: IntoIterator<Item = &'a SheetScore> + Clone,
{
    let mut lowest_missed: Option<u8> = None;
    let mut shortfalls = Vec::new();
    for (idx, c) in form.criteria().enumerate().filter(|(_, c)| c.is_mandatory()) {
        let mut sum = Points::ZERO;
        let mut n = 0u32;
        for sheet in sheets.clone() {
            if let Some(Some(p)) = sheet.criteria.get(idx) {
                sum += *p;
                n += 1;
            }
        }
        let mean = Mean::new(sum, n);
        for m in &c.mandatory {
            if !mean.is_some_and(|mean| mandatory_met(mean, m.min)) {
                shortfalls.push(Shortfall { criterion: c.code.clone(), stars: m.stars, min: m.min, mean });
                lowest_missed = Some(lowest_missed.map_or(m.stars, |l| l.min(m.stars)));
            }
        }
    }
    if shortfalls.len() > 1 {
        shortfalls.sort_by(|a, b| a.stars.cmp(&b.stars).then_with(|| a.criterion.cmp(&b.criterion)));
    }
    MandatoryCheck { cap: lowest_missed.map_or(5, |s| s.saturating_sub(1)), shortfalls }
}

/// A product's stars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StarRating {
    /// Stars of the band the mean falls in.
    pub band_stars: u8,
    /// Final stars: `min(band_stars, mandatory.cap)`; 0 when even 1★ is barred.
    pub stars: u8,
    /// The mandatory criteria lowered the star.
    pub capped: bool,
    /// The final star is a certified band (OCOP: 3–5★).
    pub certified: bool,
    pub mandatory: MandatoryCheck,
}

/// The star for a mean, with the mandatory cap.
pub fn rate(rule_set: &RuleSet, mean: Mean, mandatory: MandatoryCheck) -> StarRating {
    let band_stars = rule_set.band_for(mean).map_or(0, |b| b.stars);
    let stars = band_stars.min(mandatory.cap);
    let certified = stars > 0 && rule_set.band_of_stars(stars).is_some_and(|b| b.certified);
    StarRating { band_stars, stars, capped: stars < band_stars, certified, mandatory }
}

/// Why a result gets no certificate at this level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotCertifiedReason {
    /// The band itself is not certified (OCOP 1–2★).
    BelowCertifiedBand,
    /// The band would be certified, but a mandatory criterion is missed.
    MandatoryCriteria,
    /// The mean is below this level's recognition threshold.
    BelowRecognitionThreshold,
    /// The star is certified, but by another level (e.g. 3★ scored at province under QĐ 148).
    OutsideLevelAuthority,
}

impl NotCertifiedReason {
    pub fn label_vi(self) -> &'static str {
        match self {
            NotCertifiedReason::BelowCertifiedBand => "hạng sao không được cấp giấy chứng nhận",
            NotCertifiedReason::MandatoryCriteria => "không đạt tiêu chí bắt buộc",
            NotCertifiedReason::BelowRecognitionThreshold => "chưa đạt ngưỡng điểm công nhận",
            NotCertifiedReason::OutsideLevelAuthority => "không thuộc thẩm quyền công nhận của cấp này",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            NotCertifiedReason::BelowCertifiedBand => "this star level is not certified",
            NotCertifiedReason::MandatoryCriteria => "a mandatory criterion is not met",
            NotCertifiedReason::BelowRecognitionThreshold => "below the recognition threshold",
            NotCertifiedReason::OutsideLevelAuthority => "not recognised at this level",
        }
    }
}

/// A result sent up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forwarding {
    pub to: AdminLevel,
    /// Sent up as a potential 5★ (tiềm năng 5 sao): a nomination, not a recognition.
    pub potential_five_star: bool,
}

/// A summary of the outcome, for lists and badges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Recognised,
    RecognisedAndForwarded,
    Forwarded,
    PotentialFiveStar,
    NotCertified,
    EligibleForCouncil,
    NotEligible,
}

impl OutcomeKind {
    pub fn code(self) -> &'static str {
        match self {
            OutcomeKind::Recognised => "recognised",
            OutcomeKind::RecognisedAndForwarded => "recognised_and_forwarded",
            OutcomeKind::Forwarded => "forwarded",
            OutcomeKind::PotentialFiveStar => "potential_five_star",
            OutcomeKind::NotCertified => "not_certified",
            OutcomeKind::EligibleForCouncil => "eligible_for_council",
            OutcomeKind::NotEligible => "not_eligible",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            OutcomeKind::Recognised => "Công nhận",
            OutcomeKind::RecognisedAndForwarded => "Công nhận và đề nghị cấp trên",
            OutcomeKind::Forwarded => "Đề nghị cấp trên đánh giá",
            OutcomeKind::PotentialFiveStar => "Đề nghị tiềm năng 5 sao",
            OutcomeKind::NotCertified => "Ghi nhận kết quả, không cấp giấy chứng nhận",
            OutcomeKind::EligibleForCouncil => "Đủ điều kiện xét công nhận (hội đồng quyết định)",
            OutcomeKind::NotEligible => "Chưa đủ điểm xét công nhận",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            OutcomeKind::Recognised => "Recognised",
            OutcomeKind::RecognisedAndForwarded => "Recognised and forwarded",
            OutcomeKind::Forwarded => "Forwarded to the next level",
            OutcomeKind::PotentialFiveStar => "Nominated as potential 5-star",
            OutcomeKind::NotCertified => "Recorded, not certified",
            OutcomeKind::EligibleForCouncil => "Eligible; the council decides",
            OutcomeKind::NotEligible => "Not eligible",
        }
    }
}

/// What a result means at a level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelOutcome {
    pub level: AdminLevel,
    pub kind: OutcomeKind,
    /// OCOP: final stars (after the mandatory cap).
    pub stars: Option<u8>,
    /// OCOP: the stars this level certifies.
    pub recognised_stars: Option<u8>,
    pub forward: Option<Forwarding>,
    pub not_certified: Option<NotCertifiedReason>,
    /// SPCNNTTB: the mean reaches the threshold; recognition is then the council's decision.
    pub eligible: Option<bool>,
    /// The threshold that was applied (SPCNNTTB eligibility, or the level's recognition).
    pub threshold: Option<Points>,
}

/// Why an outcome cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum RatingError {
    #[error("chưa có phiếu chấm nào được nộp")]
    NoSheets,
    #[error("bộ quy tắc không có cấp {}", .level.name_vi().to_lowercase())]
    LevelNotInRuleSet { level: AdminLevel },
    #[error("cấp {} không đánh giá sản phẩm theo bộ quy tắc này", .level.name_vi().to_lowercase())]
    LevelDoesNotEvaluate { level: AdminLevel },
    #[error("xếp hạng sao cần kết quả xếp hạng (phân hạng) của sản phẩm")]
    MissingRating,
}

/// The outcome of a mean (and, for OCOP, its star rating) at a level.
///
/// \[I\] Sending up needs the mean at the level's forward threshold *and* a final star at least
/// the band of that threshold, so a product capped by its mandatory criteria is not sent up for
/// a star it cannot receive.
pub fn outcome(
    rule_set: &RuleSet,
    level: AdminLevel,
    mean: Mean,
    rating: Option<&StarRating>,
) -> Result<LevelOutcome, RatingError> {
    let rule = rule_set.level(level).ok_or(RatingError::LevelNotInRuleSet { level })?;
    if !rule.evaluates {
        return Err(RatingError::LevelDoesNotEvaluate { level });
    }
    let threshold = rule_set.recognition_threshold(level);
    match rule_set.recognition.mode {
        RecognitionMode::CouncilDecision => {
            let eligible = threshold.is_none_or(|t| mean.at_least(t));
            Ok(LevelOutcome {
                level,
                kind: if eligible { OutcomeKind::EligibleForCouncil } else { OutcomeKind::NotEligible },
                stars: None,
                recognised_stars: None,
                forward: None,
                not_certified: None,
                eligible: Some(eligible),
                threshold,
            })
        }
        RecognitionMode::Stars => {
            let rating = rating.ok_or(RatingError::MissingRating)?;
            let stars = rating.stars;
            let forward = rule.forward.as_ref().and_then(|f| {
                let t = f.threshold?;
                let star_of_threshold = rule_set.band_for(Mean::exact(t)).map_or(0, |b| b.stars);
                (mean.at_least(t) && stars >= star_of_threshold)
                    .then_some(Forwarding { to: f.to, potential_five_star: f.potential_five_star })
            });
            let above_threshold = threshold.is_none_or(|t| mean.at_least(t));
            let recognised_stars = if rating.certified && above_threshold {
                let highest = rule.recognises_stars.iter().copied().max();
                if rule.recognises_stars.contains(&stars) {
                    Some(stars)
                } else if forward.is_some() && rule.recognise_highest_when_above {
                    highest.filter(|h| *h < stars && rule_set.band_of_stars(*h).is_some_and(|b| b.certified))
                } else {
                    None
                }
            } else {
                None
            };
            let not_certified = if recognised_stars.is_some() || forward.is_some() {
                None
            } else if rating.band_stars == 0
                || !rule_set.band_of_stars(rating.band_stars).is_some_and(|b| b.certified)
            {
                Some(NotCertifiedReason::BelowCertifiedBand)
            } else if !rating.certified {
                Some(NotCertifiedReason::MandatoryCriteria)
            } else if !above_threshold {
                Some(NotCertifiedReason::BelowRecognitionThreshold)
            } else {
                Some(NotCertifiedReason::OutsideLevelAuthority)
            };
            let kind = match (recognised_stars, forward) {
                (_, Some(f)) if f.potential_five_star => OutcomeKind::PotentialFiveStar,
                (Some(_), Some(_)) => OutcomeKind::RecognisedAndForwarded,
                (None, Some(_)) => OutcomeKind::Forwarded,
                (Some(_), None) => OutcomeKind::Recognised,
                (None, None) => OutcomeKind::NotCertified,
            };
            Ok(LevelOutcome {
                level,
                kind,
                stars: Some(stars),
                recognised_stars,
                forward,
                not_certified,
                eligible: None,
                threshold,
            })
        }
    }
}

/// The star one judge's sheet alone would give (the preview beside the judge's subtotal);
/// `None` under a council-decision rule set (SPCNNTTB has no stars).
pub fn sheet_preview(rule_set: &RuleSet, form: &ScoreForm, sheet: &SheetScore) -> Option<StarRating> {
    match rule_set.recognition.mode {
        RecognitionMode::Stars => {
            Some(rate(rule_set, Mean::exact(sheet.total), mandatory_check(form, std::iter::once(sheet))))
        }
        RecognitionMode::CouncilDecision => None,
    }
}

/// A place in a ranked list (SPCNNTTB: the council's list of eligible products, by mean).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked<K> {
    /// 1 for the highest mean; equal means share a rank and the next rank is skipped (1, 2, 2, 4).
    pub rank: u32,
    pub key: K,
    pub mean: Mean,
}

/// Ranks products by mean, highest first, comparing means exactly; ties keep their input order.
pub fn rank_by_mean<K: Clone>(means: &[(K, Mean)]) -> Vec<Ranked<K>> {
    let mut order: Vec<usize> = (0..means.len()).collect();
    order.sort_by(|a, b| means[*b].1.cmp(&means[*a].1));
    let mut out: Vec<Ranked<K>> = Vec::with_capacity(means.len());
    for (pos, i) in order.into_iter().enumerate() {
        let (key, mean) = &means[i];
        let rank = match out.last() {
            Some(prev) if prev.mean == *mean => prev.rank,
            _ => u32::try_from(pos + 1).unwrap_or(u32::MAX),
        };
        out.push(Ranked { rank, key: key.clone(), mean: *mean });
    }
    out
}

/// Everything the council sees for one product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductResult<M> {
    pub aggregate: Aggregate<M>,
    /// OCOP only.
    pub rating: Option<StarRating>,
    pub outcome: LevelOutcome,
}

/// Aggregates the submitted sheets of one product and gives its stars and outcome at a level.
/// `sheets` are the submitted sheets of the members entitled to score it.
pub fn evaluate<M: Clone>(
    rule_set: &RuleSet,
    form: &ScoreForm,
    level: AdminLevel,
    sheets: &[(M, SheetScore)],
) -> Result<ProductResult<M>, RatingError> {
    let totals: Vec<(M, Points)> = sheets.iter().map(|(m, s)| (m.clone(), s.total)).collect();
    let aggregate = aggregate(&totals, &rule_set.aggregation).ok_or(RatingError::NoSheets)?;
    let rating = match rule_set.recognition.mode {
        RecognitionMode::Stars => {
            let check = mandatory_check(form, sheets.iter().map(|(_, s)| s));
            Some(rate(rule_set, aggregate.mean, check))
        }
        RecognitionMode::CouncilDecision => None,
    };
    let outcome = outcome(rule_set, level, aggregate.mean, rating.as_ref())?;
    Ok(ProductResult { aggregate, rating, outcome })
}
