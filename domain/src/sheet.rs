//! Score sheets (phiếu chấm của một thành viên): one judge's answers for one product, and their
//! total and subtotals on a form.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::form::{Criterion, Scale, ScoreForm};
use crate::points::Points;

/// One answer to one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The chosen option, counted from 0 in paper order.
    Option(usize),
    /// A typed number, for a criterion with a numeric range.
    Number(Points),
}

/// A judge's answers keyed by criterion code. Stored as JSON with the sheet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, Answer>);

impl Answers {
    pub fn new() -> Answers {
        Answers::default()
    }

    pub fn set(&mut self, criterion: impl Into<String>, answer: Answer) {
        self.0.insert(criterion.into(), answer);
    }

    pub fn clear(&mut self, criterion: &str) {
        self.0.remove(criterion);
    }

    pub fn get(&self, criterion: &str) -> Option<Answer> {
        self.0.get(criterion).copied()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<S: Into<String>> FromIterator<(S, Answer)> for Answers {
    fn from_iter<I: IntoIterator<Item = (S, Answer)>>(iter: I) -> Answers {
        Answers(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

/// Points earned out of a maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subtotal {
    pub points: Points,
    pub max: Points,
}

/// The result of scoring one sheet. `parts` follow `form.parts`; `groups` follow
/// [`ScoreForm::groups`]; `criteria` follow [`ScoreForm::criteria`] (`None` = unanswered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetScore {
    pub total: Points,
    pub max: Points,
    pub parts: Vec<Subtotal>,
    pub groups: Vec<Subtotal>,
    pub criteria: Vec<Option<Points>>,
    /// Codes of unanswered criteria, in paper order.
    pub unanswered: Vec<String>,
}

impl SheetScore {
    /// Every criterion answered: the sheet may be submitted.
    pub fn is_complete(&self) -> bool {
        self.unanswered.is_empty()
    }

    /// The score, or [`SheetError::Incomplete`] listing what is missing (for submission).
    pub fn require_complete(self) -> Result<SheetScore, SheetError> {
        if self.is_complete() {
            Ok(self)
        } else {
            Err(SheetError::Incomplete { unanswered: self.unanswered })
        }
    }
}

/// Why answers cannot be scored on a form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum SheetError {
    #[error("tiêu chí {criterion} không có trong phiếu")]
    UnknownCriterion { criterion: String },
    #[error("tiêu chí {criterion}: phương án {chosen} không có (tiêu chí có {count} phương án)")]
    OptionOutOfRange { criterion: String, chosen: usize, count: usize },
    #[error("tiêu chí {criterion}: điểm {value} nằm ngoài khoảng {min} – {max}")]
    NumberOutOfRange { criterion: String, value: Points, min: Points, max: Points },
    #[error("tiêu chí {criterion}: điểm {value} không đúng bước {step} (tính từ {min})")]
    NumberOffStep { criterion: String, value: Points, step: Points, min: Points },
    #[error("tiêu chí {criterion}: phải chọn một phương án, không nhập số")]
    ExpectedOption { criterion: String },
    #[error("tiêu chí {criterion}: phải nhập số điểm, không chọn phương án")]
    ExpectedNumber { criterion: String },
    #[error("còn {} tiêu chí chưa chấm: {}", unanswered.len(), unanswered.join(", "))]
    Incomplete { unanswered: Vec<String> },
}

impl SheetError {
    /// The numbers as a Vietnamese reader expects them are in the `Display` text; this is English.
    pub fn message_en(&self) -> String {
        match self {
            SheetError::UnknownCriterion { criterion } => format!("criterion {criterion} is not on the form"),
            SheetError::OptionOutOfRange { criterion, chosen, count } => {
                format!("criterion {criterion}: option {chosen} does not exist ({count} options)")
            }
            SheetError::NumberOutOfRange { criterion, value, min, max } => format!(
                "criterion {criterion}: {} is outside {} – {}",
                value.format_en(),
                min.format_en(),
                max.format_en()
            ),
            SheetError::NumberOffStep { criterion, value, step, min } => format!(
                "criterion {criterion}: {} is not a multiple of {} from {}",
                value.format_en(),
                step.format_en(),
                min.format_en()
            ),
            SheetError::ExpectedOption { criterion } => format!("criterion {criterion}: pick an option"),
            SheetError::ExpectedNumber { criterion } => format!("criterion {criterion}: enter a number"),
            SheetError::Incomplete { unanswered } => {
                format!("{} criteria not scored: {}", unanswered.len(), unanswered.join(", "))
            }
        }
    }
}

/// Points one answer earns on one criterion.
#[inline]
pub fn answer_points(criterion: &Criterion, answer: Answer) -> Result<Points, SheetError> {
    match (&criterion.scale, answer) {
        (Scale::Options(options), Answer::Option(i)) => options.get(i).map(|o| o.points).ok_or_else(|| {
            SheetError::OptionOutOfRange { criterion: criterion.code.clone(), chosen: i, count: options.len() }
        }),
        (Scale::Numeric(range), Answer::Number(v)) => {
            if !range.contains(v) {
                Err(SheetError::NumberOutOfRange {
                    criterion: criterion.code.clone(),
                    value: v,
                    min: range.min,
                    max: range.max,
                })
            } else if !range.on_step(v) {
                Err(SheetError::NumberOffStep {
                    criterion: criterion.code.clone(),
                    value: v,
                    step: range.step,
                    min: range.min,
                })
            } else {
                Ok(v)
            }
        }
        (Scale::Options(_), Answer::Number(_)) => Err(SheetError::ExpectedOption { criterion: criterion.code.clone() }),
        (Scale::Numeric(_), Answer::Option(_)) => Err(SheetError::ExpectedNumber { criterion: criterion.code.clone() }),
    }
}

/// A form with its criteria indexed, to score many sheets on it quickly (a council scores
/// hundreds). Build once per form with [`PreparedForm::new`].
#[derive(Debug, Clone)]
pub struct PreparedForm<'f> {
    form: &'f ScoreForm,
    criteria: Vec<&'f Criterion>,
    /// Criterion codes sorted, with their position in paper order.
    by_code: Vec<(&'f str, usize)>,
    /// For each criterion, its group's position in [`ScoreForm::groups`].
    group_of: Vec<usize>,
    /// For each criterion, its part's position in `form.parts`.
    part_of_criterion: Vec<usize>,
    group_max: Vec<Points>,
    max_total: Points,
}

impl<'f> PreparedForm<'f> {
    pub fn new(form: &'f ScoreForm) -> PreparedForm<'f> {
        let mut criteria = Vec::new();
        let mut group_of = Vec::new();
        let mut part_of_criterion = Vec::new();
        let mut group_max = Vec::new();
        for (pi, part) in form.parts.iter().enumerate() {
            for group in &part.groups {
                let gi = group_max.len();
                group_max.push(group.max());
                for c in &group.criteria {
                    criteria.push(c);
                    group_of.push(gi);
                    part_of_criterion.push(pi);
                }
            }
        }
        let mut by_code: Vec<(&str, usize)> =
            criteria.iter().enumerate().map(|(i, c)| (c.code.as_str(), i)).collect();
        by_code.sort_unstable();
        PreparedForm { form, criteria, by_code, group_of, part_of_criterion, group_max, max_total: form.max_total() }
    }

    pub fn form(&self) -> &'f ScoreForm {
        self.form
    }

    pub fn criterion_count(&self) -> usize {
        self.criteria.len()
    }

    /// Puts keyed answers in paper order, refusing codes the form does not have.
    pub fn positional(&self, answers: &Answers) -> Result<Vec<Option<Answer>>, SheetError> {
        let mut out = vec![None; self.criteria.len()];
        // Both sides are sorted by code: one merge pass instead of a lookup per answer.
        let mut known = self.by_code.iter();
        for (code, answer) in &answers.0 {
            loop {
                let Some((k, i)) = known.next() else {
                    return Err(SheetError::UnknownCriterion { criterion: code.clone() });
                };
                match (*k).cmp(code.as_str()) {
                    Ordering::Less => {}
                    Ordering::Equal => {
                        out[*i] = Some(*answer);
                        break;
                    }
                    Ordering::Greater => return Err(SheetError::UnknownCriterion { criterion: code.clone() }),
                }
            }
        }
        Ok(out)
    }

    /// Scores keyed answers. Unanswered criteria count 0 and are listed in `unanswered`.
    pub fn score(&self, answers: &Answers) -> Result<SheetScore, SheetError> {
        let mut criteria = vec![None; self.criteria.len()];
        // Both sides are sorted by code: one merge pass, no lookups, no intermediate vector.
        let mut known = self.by_code.iter();
        for (code, answer) in &answers.0 {
            loop {
                let Some((k, i)) = known.next() else {
                    return Err(SheetError::UnknownCriterion { criterion: code.clone() });
                };
                match (*k).cmp(code.as_str()) {
                    Ordering::Less => {}
                    Ordering::Equal => {
                        criteria[*i] = Some(answer_points(self.criteria[*i], *answer)?);
                        break;
                    }
                    Ordering::Greater => return Err(SheetError::UnknownCriterion { criterion: code.clone() }),
                }
            }
        }
        Ok(self.totals(criteria))
    }

    /// Subtotals, total and unanswered codes from per-criterion points in paper order.
    fn totals(&self, criteria: Vec<Option<Points>>) -> SheetScore {
        let mut acc = Accumulator::new(self);
        for (i, p) in criteria.iter().enumerate() {
            acc.add(self, i, *p);
        }
        acc.finish(self, criteria)
    }

    /// Scores answers given in paper order ([`ScoreForm::criteria`]); missing entries at the
    /// end count as unanswered, extra entries are refused.
    pub fn score_positional(&self, answers: &[Option<Answer>]) -> Result<SheetScore, SheetError> {
        if answers.len() > self.criteria.len() {
            return Err(SheetError::UnknownCriterion { criterion: format!("#{}", self.criteria.len() + 1) });
        }
        let mut acc = Accumulator::new(self);
        let mut criteria = Vec::with_capacity(self.criteria.len());
        for (i, c) in self.criteria.iter().enumerate() {
            let p = match answers.get(i) {
                Some(Some(a)) => Some(answer_points(c, *a)?),
                _ => None,
            };
            acc.add(self, i, p);
            criteria.push(p);
        }
        Ok(acc.finish(self, criteria))
    }
}

/// Running subtotals while a sheet is scored.
struct Accumulator {
    total: Points,
    parts: Vec<Subtotal>,
    groups: Vec<Subtotal>,
    unanswered: Vec<String>,
}

impl Accumulator {
    fn new(f: &PreparedForm<'_>) -> Accumulator {
        Accumulator {
            total: Points::ZERO,
            parts: f.form.parts.iter().map(|p| Subtotal { points: Points::ZERO, max: p.max }).collect(),
            groups: f.group_max.iter().map(|&max| Subtotal { points: Points::ZERO, max }).collect(),
            unanswered: Vec::new(),
        }
    }

    #[inline]
    fn add(&mut self, f: &PreparedForm<'_>, i: usize, points: Option<Points>) {
        match points {
            Some(p) => {
                self.groups[f.group_of[i]].points += p;
                self.parts[f.part_of_criterion[i]].points += p;
                self.total += p;
            }
            None => self.unanswered.push(f.criteria[i].code.clone()),
        }
    }

    fn finish(self, f: &PreparedForm<'_>, criteria: Vec<Option<Points>>) -> SheetScore {
        SheetScore {
            total: self.total,
            max: f.max_total,
            parts: self.parts,
            groups: self.groups,
            criteria,
            unanswered: self.unanswered,
        }
    }
}

/// Scores one sheet: total, part and group subtotals, and what is still unanswered.
pub fn score(form: &ScoreForm, answers: &Answers) -> Result<SheetScore, SheetError> {
    PreparedForm::new(form).score(answers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::tests::small_form;
    use crate::form::NumericRange;

    #[test]
    fn scores_subtotals_and_unanswered() {
        let f = small_form();
        let a: Answers = [("A1.1", Answer::Option(2)), ("B1.1", Answer::Option(1))].into_iter().collect();
        let s = score(&f, &a).unwrap();
        assert_eq!(s.total, Points::from_whole(45));
        assert_eq!(s.parts[0], Subtotal { points: Points::from_whole(25), max: Points::from_whole(60) });
        assert_eq!(s.parts[1].points, Points::from_whole(20));
        assert_eq!(s.groups.len(), 2);
        assert_eq!(s.unanswered, vec!["A1.2".to_string()]);
        assert!(!s.is_complete());
        assert!(matches!(s.require_complete(), Err(SheetError::Incomplete { .. })));
    }

    #[test]
    fn refuses_bad_answers() {
        let f = small_form();
        let a: Answers = [("Z9", Answer::Option(0))].into_iter().collect();
        assert_eq!(score(&f, &a), Err(SheetError::UnknownCriterion { criterion: "Z9".into() }));
        let a: Answers = [("A1.2", Answer::Option(3))].into_iter().collect();
        let e = score(&f, &a).unwrap_err();
        assert_eq!(e.to_string(), "tiêu chí A1.2: phương án 3 không có (tiêu chí có 3 phương án)");
        let a: Answers = [("A1.2", Answer::Number(Points::from_whole(3)))].into_iter().collect();
        assert!(matches!(score(&f, &a), Err(SheetError::ExpectedOption { .. })));
        // A code sorting before all known codes is refused too.
        let a: Answers = [("0", Answer::Option(0))].into_iter().collect();
        assert!(matches!(score(&f, &a), Err(SheetError::UnknownCriterion { .. })));
    }

    #[test]
    fn numeric_entries_are_range_and_step_checked() {
        let mut f = small_form();
        f.parts[1].groups[0].criteria[0].scale = Scale::Numeric(NumericRange {
            min: Points::ZERO,
            max: Points::from_whole(40),
            step: Points::from_hundredths(25),
        });
        let ok: Answers = [("B1.1", Answer::Number(Points::from_hundredths(3975)))].into_iter().collect();
        assert_eq!(score(&f, &ok).unwrap().total, Points::from_hundredths(3975));
        let off: Answers = [("B1.1", Answer::Number(Points::from_hundredths(3990)))].into_iter().collect();
        assert_eq!(
            score(&f, &off).unwrap_err().to_string(),
            "tiêu chí B1.1: điểm 39,90 không đúng bước 0,25 (tính từ 0,00)"
        );
        let high: Answers = [("B1.1", Answer::Number(Points::from_whole(41)))].into_iter().collect();
        assert!(matches!(score(&f, &high), Err(SheetError::NumberOutOfRange { .. })));
        assert!(matches!(
            score(&f, &[("B1.1", Answer::Option(0))].into_iter().collect()),
            Err(SheetError::ExpectedNumber { .. })
        ));
    }

    #[test]
    fn answers_round_trip_as_json_shape() {
        let a: Answers = [("A1.1", Answer::Option(2))].into_iter().collect();
        let t = toml::to_string(&a).unwrap();
        assert_eq!(toml::from_str::<Answers>(&t).unwrap(), a);
    }
}
