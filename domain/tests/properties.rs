//! Properties that must hold for every sheet and every council, not just the examples.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::aggregate::aggregate;
use domain::catalogue;
use domain::form::{Scale, ScoreForm};
use domain::rating::{mandatory_check, rate};
use domain::ruleset::{AggregationRules, RuleSet};
use domain::sheet::{score, Answer, Answers, PreparedForm};
use domain::{Mean, Points};
use proptest::prelude::*;
use std::sync::OnceLock;

/// Parsed once: proptest calls these hundreds of times.
fn rule_set(code: &str) -> &'static RuleSet {
    static ALL: OnceLock<Vec<RuleSet>> = OnceLock::new();
    ALL.get_or_init(|| catalogue::shipped().unwrap()).iter().find(|r| r.code == code).unwrap()
}

fn option_forms() -> Vec<ScoreForm> {
    vec![
        rule_set("ocop-qd148-2023").forms[0].clone(),
        rule_set("ocop-qd1048-2019").forms[0].clone(),
    ]
}

/// Random answers: for each criterion, maybe an option index (by a raw number reduced later).
fn raw_answers() -> impl Strategy<Value = Vec<Option<u32>>> {
    prop::collection::vec(prop::option::weighted(0.9, any::<u32>()), 35)
}

fn to_answers(form: &ScoreForm, raw: &[Option<u32>]) -> (Answers, Points) {
    let mut answers = Answers::new();
    let mut expected = Points::ZERO;
    for (c, r) in form.criteria().zip(raw) {
        let Scale::Options(options) = &c.scale else { unreachable!() };
        if let Some(r) = r {
            let i = *r as usize % options.len();
            answers.set(c.code.clone(), Answer::Option(i));
            expected += options[i].points;
        }
    }
    (answers, expected)
}

fn points_vec(max_len: usize) -> impl Strategy<Value = Vec<Points>> {
    prop::collection::vec((0i64..=10_000).prop_map(Points::from_hundredths), 1..max_len)
}

proptest! {
    #[test]
    fn a_sheet_total_is_the_sum_of_its_chosen_options_and_never_exceeds_the_maximum(
        which in 0usize..2, raw in raw_answers()
    ) {
        let form = &option_forms()[which];
        let (answers, expected) = to_answers(form, &raw);
        let s = score(form, &answers).unwrap();
        prop_assert_eq!(s.total, expected);
        prop_assert!(s.total <= form.max_total());
        prop_assert_eq!(s.parts.iter().map(|p| p.points).sum::<Points>(), s.total);
        prop_assert_eq!(s.groups.iter().map(|g| g.points).sum::<Points>(), s.total);
        prop_assert!(s.parts.iter().all(|p| p.points <= p.max));
        prop_assert_eq!(s.unanswered.len(), raw.iter().take(form.criterion_count()).filter(|r| r.is_none()).count());
        prop_assert_eq!(s.is_complete(), s.unanswered.is_empty());
        // The keyed and positional paths agree.
        let prepared = PreparedForm::new(form);
        let positional = prepared.positional(&answers).unwrap();
        prop_assert_eq!(prepared.score_positional(&positional).unwrap(), s);
    }

    #[test]
    fn the_mean_lies_between_min_and_max(values in points_vec(20)) {
        let totals: Vec<(usize, Points)> = values.iter().copied().enumerate().collect();
        let a = aggregate(&totals, &AggregationRules::default()).unwrap();
        prop_assert!(a.mean.at_least(a.min));
        prop_assert!(!a.mean.cmp_points(a.max).is_gt());
        prop_assert!(a.median >= Mean::exact(a.min) && a.median <= Mean::exact(a.max));
        prop_assert!(a.to_hundredths_in_range());
        prop_assert_eq!(a.spread_exceeded, a.spread > Points::from_whole(10));
        prop_assert_eq!(a.spread_exceeded, !a.outliers.is_empty());
    }

    #[test]
    fn adding_a_sheet_higher_than_the_mean_never_lowers_it(values in points_vec(20), extra in 0i64..=10_000) {
        let before = Mean::of(values.iter().copied()).unwrap();
        let new = Points::from_hundredths(extra);
        prop_assume!(before.cmp_points(new).is_le());
        let after = Mean::of(values.iter().copied().chain([new])).unwrap();
        prop_assert!(after >= before);
    }

    #[test]
    fn displayed_mean_and_exact_comparison_agree(values in points_vec(10), t in 0i64..=10_000) {
        // Truncation to hundredths never moves a mean across a threshold on the hundredths grid.
        let m = Mean::of(values).unwrap();
        let t = Points::from_hundredths(t);
        prop_assert_eq!(m.to_hundredths() >= t, m.at_least(t));
    }

    #[test]
    fn the_mandatory_cap_never_raises_a_star(members in prop::collection::vec(raw_answers(), 1..8)) {
        let rs = rule_set("ocop-qd148-2023");
        let form = &rs.forms[0];
        let sheets: Vec<_> = members
            .iter()
            .map(|raw| {
                let complete: Vec<Option<u32>> = raw.iter().map(|r| Some(r.unwrap_or(0))).collect();
                score(form, &to_answers(form, &complete).0).unwrap()
            })
            .collect();
        let mean = Mean::of(sheets.iter().map(|s| s.total)).unwrap();
        let check = mandatory_check(form, &sheets);
        let cap = check.cap;
        let r = rate(rs, mean, check);
        prop_assert!(r.stars <= r.band_stars);
        prop_assert_eq!(r.stars, r.band_stars.min(cap));
        prop_assert_eq!(r.capped, r.stars < r.band_stars);
        prop_assert!(!r.certified || r.stars >= 3);
        // With no mandatory markers the star is the band's.
        let mut plain = form.clone();
        for p in &mut plain.parts { for g in &mut p.groups { for c in &mut g.criteria { c.mandatory.clear(); } } }
        prop_assert_eq!(rate(rs, mean, mandatory_check(&plain, &sheets)).stars, r.band_stars);
    }

    #[test]
    fn points_format_and_parse_round_trip(h in -1_000_000i64..=1_000_000) {
        let p = Points::from_hundredths(h);
        prop_assert_eq!(Points::parse(&p.format_vi()).unwrap(), p);
        prop_assert_eq!(Points::parse(&p.format_en().replace(',', "")).unwrap(), p);
        prop_assert_eq!(Points::parse(&p.format_vi_compact()).unwrap(), p);
    }
}

/// Helper trait so the property reads plainly.
trait InRange {
    fn to_hundredths_in_range(&self) -> bool;
}

impl<M> InRange for domain::aggregate::Aggregate<M> {
    fn to_hundredths_in_range(&self) -> bool {
        let shown = self.mean.to_hundredths();
        shown >= self.min && shown <= self.max
    }
}
