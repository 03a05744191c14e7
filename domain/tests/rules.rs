//! The official numbers, pinned: shipped rule sets, band edges, the mandatory cap, SPCNNTTB
//! eligibility, outcomes per level, malformed files and TOML round trips.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use domain::access::{AdminLevel, Programme};
use domain::catalogue;
use domain::form::{Scale, ScoreForm, ILLUSTRATIVE_LABEL_VI};
use domain::issue::{IssueKind, LoadError};
use domain::rating::{evaluate, NotCertifiedReason, OutcomeKind, RatingError};
use domain::ruleset::RuleSet;
use domain::sheet::{score, Answer, Answers, SheetScore};
use domain::{Mean, Points};

fn rule_set(code: &str) -> RuleSet {
    catalogue::shipped_rule_set(code).unwrap().unwrap()
}

fn whole(p: i64) -> Points {
    Points::from_whole(p)
}

/// Answers on an option form whose total is exactly `target`: every criterion starts at its
/// lowest option, then the rest is given out greedily, mandatory criteria first. `fixed` pins
/// some criteria to an option.
fn answers_for_total(form: &ScoreForm, target: i64, fixed: &[(&str, usize)]) -> Answers {
    let mut answers = Answers::new();
    let mut remaining = whole(target);
    let mut choices = Vec::new();
    for c in form.criteria() {
        let Scale::Options(options) = &c.scale else { panic!("option form expected") };
        if let Some((_, i)) = fixed.iter().find(|(code, _)| *code == c.code) {
            remaining = remaining - options[*i].points;
            choices.push((c, Some(*i)));
        } else {
            let low = options.iter().map(|o| o.points).min().unwrap();
            remaining = remaining - low;
            choices.push((c, None));
        }
    }
    // Mandatory criteria get their points first, so a sheet misses a minimum only when a test
    // pins it.
    choices.sort_by_key(|(c, _)| !c.is_mandatory());
    for (c, fixed_choice) in choices {
        let Scale::Options(options) = &c.scale else { unreachable!() };
        let i = match fixed_choice {
            Some(i) => i,
            None => {
                let low = options.iter().map(|o| o.points).min().unwrap();
                let (i, o) = options
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| o.points - low <= remaining)
                    .max_by_key(|(_, o)| o.points)
                    .unwrap();
                remaining = remaining - (o.points - low);
                i
            }
        };
        answers.set(c.code.clone(), Answer::Option(i));
    }
    let s = score(form, &answers).unwrap();
    assert_eq!(s.total, whole(target), "cannot reach {target} on {}", form.code);
    answers
}

fn sheets_with_totals(form: &ScoreForm, totals: &[i64], fixed: &[(&str, usize)]) -> Vec<(u64, SheetScore)> {
    totals
        .iter()
        .enumerate()
        .map(|(i, t)| (i as u64 + 1, score(form, &answers_for_total(form, *t, fixed)).unwrap()))
        .collect()
}

/// SPCNNTTB sheets from four typed numbers each (in hundredths).
fn spcnnttb_sheets(form: &ScoreForm, members: &[[i64; 4]]) -> Vec<(u64, SheetScore)> {
    members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let answers: Answers = ["TC1", "TC2", "TC3", "TC4"]
                .iter()
                .zip(m)
                .map(|(c, h)| (*c, Answer::Number(Points::from_hundredths(*h))))
                .collect();
            (i as u64 + 1, score(form, &answers).unwrap())
        })
        .collect()
}

#[test]
fn every_shipped_rule_set_parses_and_validates() {
    let all = catalogue::shipped().unwrap();
    let codes: Vec<&str> = all.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "ocop-qd148-2023",
            "ocop-qd148-qd1489-2025",
            "ocop-qd1048-2019",
            "spcnnttb-tt26-2014-tt14-2018",
            "spcnnttb-tt38-2025"
        ]
    );
    for rs in &all {
        assert_eq!(rs.validate(), vec![], "{}", rs.code);
        assert!(!rs.forms.is_empty(), "{}", rs.code);
        for f in &rs.forms {
            assert_eq!(f.validate(), vec![], "{}", f.code);
            assert_eq!(f.max_total(), whole(100));
        }
    }
    for (name, text) in catalogue::FORM_FILES {
        ScoreForm::from_toml(name, text).unwrap();
    }
}

#[test]
fn qd1048_fresh_produce_form_sums_to_35_25_40() {
    let rs = rule_set("ocop-qd1048-2019");
    let form = rs.form_for("1.1.1").unwrap();
    assert!(form.official);
    assert_eq!(form.illustrative_label_vi(), None);
    let maxima: Vec<(&str, Points)> = form.parts.iter().map(|p| (p.code.as_str(), p.max)).collect();
    assert_eq!(maxima, [("A", whole(35)), ("B", whole(25)), ("C", whole(40))]);
    for p in &form.parts {
        let sum: Points = p.groups.iter().map(|g| g.max()).sum();
        assert_eq!(sum, p.max, "part {}", p.code);
    }
    let groups: Vec<(&str, i64)> =
        form.groups().map(|g| (g.code.as_str(), g.max().hundredths() / 100)).collect();
    assert_eq!(groups, [("A1", 18), ("A2", 8), ("A3", 9), ("B1", 15), ("B2", 10), ("C1", 25), ("C2", 10), ("C3", 5)]);
    assert_eq!(form.max_total(), whole(100));
    assert_eq!(form.criterion_count(), 31);
    // Spot checks against domain.md A.2.1.
    let (_, colour) = form.find_criterion("C1.2").unwrap();
    let Scale::Options(o) = &colour.scale else { panic!() };
    assert_eq!(o.iter().map(|o| o.points.hundredths() / 100).collect::<Vec<_>>(), [0, 1, 3, 5, 8]);
    let (_, area) = form.find_criterion("B1.1").unwrap();
    let Scale::Options(o) = &area.scale else { panic!() };
    assert_eq!(o.iter().map(|o| o.points.hundredths() / 100).collect::<Vec<_>>(), [1, 2, 3, 5]);
    // A perfect sheet scores 100.
    let perfect = answers_for_total(form, 100, &[]);
    let s = score(form, &perfect).unwrap();
    assert_eq!(s.parts.iter().map(|p| p.points).collect::<Vec<_>>(), [whole(35), whole(25), whole(40)]);
    // The 1048 form does not fit the QĐ 148 parts.
    assert!(rs.form_for("1.1.2").is_none());
}

#[test]
fn qd148_parts_are_40_25_35_and_its_form_is_labelled_illustrative() {
    for code in ["ocop-qd148-2023", "ocop-qd148-qd1489-2025"] {
        let rs = rule_set(code);
        let parts: Vec<(&str, Points)> = rs.parts.iter().map(|p| (p.code.as_str(), p.max)).collect();
        assert_eq!(parts, [("A", whole(40)), ("B", whole(25)), ("C", whole(35))]);
        let form = rs.form_for("I.1.a").unwrap();
        assert!(!form.official);
        assert!(form.is_illustrative());
        assert_eq!(form.illustrative_label_vi(), Some("Mẫu minh họa — không phải phiếu chính thức"));
        assert_eq!(ILLUSTRATIVE_LABEL_VI, "Mẫu minh họa — không phải phiếu chính thức");
        assert_eq!(form.criterion_count(), 35);
        // Every registrable sub-group has a form (through its ancestors).
        for g in rs.leaf_groups() {
            assert!(rs.form_for(&g.code).is_some(), "{}", g.code);
        }
        // No shipped form is official unless it comes from an annex we hold.
        assert!(rs.forms.iter().all(|f| !f.official));
    }
}

#[test]
fn spcnnttb_sheet_is_four_numeric_criteria_40_40_10_10() {
    for code in ["spcnnttb-tt26-2014-tt14-2018", "spcnnttb-tt38-2025"] {
        let rs = rule_set(code);
        assert_eq!(rs.programme, Programme::Spcnnttb);
        assert_eq!(rs.product_groups.len(), 4);
        let form = &rs.forms[0];
        let maxima: Vec<(&str, Points)> = form.criteria().map(|c| (c.code.as_str(), c.max)).collect();
        assert_eq!(maxima, [("TC1", whole(40)), ("TC2", whole(40)), ("TC3", whole(10)), ("TC4", whole(10))]);
        assert!(form.criteria().all(|c| matches!(
            c.scale,
            Scale::Numeric(r) if r.min == Points::ZERO && r.max == c.max && r.step == Points::from_hundredths(1)
        )));
        assert_eq!(rs.recognition.eligible_at, Some(whole(70)));
        assert_eq!(rs.certificate.validity_months, None);
        let photos = rs.dossier_checklist.iter().find(|i| i.code == "anh-san-pham").unwrap();
        assert!(photos.required);
        assert_eq!(photos.min_count, 3);
    }
}

#[test]
fn levels_and_precheck_per_rule_set() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert!(!rule_set("ocop-qd148-2023").commune_precheck());
    assert!(rule_set("ocop-qd148-qd1489-2025").commune_precheck());
    assert!(!rule_set("ocop-qd1048-2019").commune_precheck());
    assert!(!rule_set("spcnnttb-tt26-2014-tt14-2018").commune_precheck());
    assert!(rule_set("spcnnttb-tt38-2025").commune_precheck());
    assert_eq!(rule_set("ocop-qd148-2023").first_evaluating_level(), Some(AdminLevel::District));
    assert_eq!(rule_set("ocop-qd148-qd1489-2025").first_evaluating_level(), Some(AdminLevel::Province));
    assert_eq!(rule_set("spcnnttb-tt38-2025").first_evaluating_level(), Some(AdminLevel::Commune));
    let ocop_2024 = catalogue::in_force(Programme::Ocop, d(2024, 6, 1)).unwrap().unwrap();
    assert_eq!(ocop_2024.code, "ocop-qd148-2023");
    assert_eq!(catalogue::in_force(Programme::Ocop, d(2025, 7, 5)).unwrap().unwrap().code, "ocop-qd148-2023");
    assert_eq!(catalogue::in_force(Programme::Ocop, d(2025, 7, 6)).unwrap().unwrap().code, "ocop-qd148-qd1489-2025");
    assert_eq!(catalogue::in_force(Programme::Ocop, d(2020, 1, 1)).unwrap().unwrap().code, "ocop-qd1048-2019");
    assert_eq!(
        catalogue::in_force(Programme::Spcnnttb, d(2024, 6, 1)).unwrap().unwrap().code,
        "spcnnttb-tt26-2014-tt14-2018"
    );
    assert_eq!(catalogue::in_force(Programme::Spcnnttb, d(2025, 7, 1)).unwrap().unwrap().code, "spcnnttb-tt38-2025");
    let agg = &ocop_2024.aggregation;
    assert_eq!((agg.spread_limit, agg.quorum_numerator, agg.quorum_denominator, agg.chair_required), (whole(10), 3, 4, true));
    assert_eq!(ocop_2024.certificate.validity_months, Some(36));
    assert_eq!(ocop_2024.certificate.notice_days, 30);
}

#[test]
fn band_edges_from_real_sheets() {
    let rs = rule_set("ocop-qd148-2023");
    let form = rs.form_for("I.1.a").unwrap();
    // Three members with whole totals: fractional means just below each edge.
    let cases: [(&[i64], u8, i64); 8] = [
        (&[30, 30, 29], 1, 2966),
        (&[30, 30, 30], 2, 3000),
        (&[50, 50, 49], 2, 4966),
        (&[50, 50, 50], 3, 5000),
        (&[70, 70, 69], 3, 6966),
        (&[70, 70, 70], 4, 7000),
        (&[90, 90, 89], 4, 8966),
        (&[90, 90, 90], 5, 9000),
    ];
    for (totals, stars, shown) in cases {
        let sheets = sheets_with_totals(form, totals, &[]);
        let r = evaluate(&rs, form, AdminLevel::Province, &sheets).unwrap();
        assert_eq!(r.aggregate.mean.to_hundredths(), Points::from_hundredths(shown), "{totals:?}");
        assert_eq!(r.rating.as_ref().unwrap().band_stars, stars, "{totals:?}");
        assert_eq!(r.rating.unwrap().stars, stars, "{totals:?}");
    }
    // Exactly 29,99 / 49,99 / 69,99 / 89,99 from typed sheets (three members each).
    let spc = rule_set("spcnnttb-tt26-2014-tt14-2018");
    let sheet = &spc.forms[0];
    for (total_h, stars) in [(2999, 1), (3000, 2), (4999, 2), (5000, 3), (6999, 3), (7000, 4), (8999, 4), (9000, 5)] {
        let members = [split4(total_h), split4(total_h), split4(total_h)];
        let sheets = spcnnttb_sheets(sheet, &members);
        let mean = Mean::of(sheets.iter().map(|(_, s)| s.total)).unwrap();
        assert_eq!(mean.to_hundredths(), Points::from_hundredths(total_h));
        assert_eq!(rs.band_for(mean).unwrap().stars, stars, "{total_h}");
    }
    // A true mean of 69,9966… is shown 69,99 and is 3★ — display and band agree.
    let sheets = spcnnttb_sheets(sheet, &[split4(7000), split4(7000), split4(6999)]);
    let mean = Mean::of(sheets.iter().map(|(_, s)| s.total)).unwrap();
    assert_eq!(mean.format_vi(), "69,99");
    assert_eq!(rs.band_for(mean).unwrap().stars, 3);
}

/// Splits a total (hundredths) over the four SPCNNTTB criteria within their maxima.
fn split4(total_h: i64) -> [i64; 4] {
    let mut left = total_h;
    let mut out = [0; 4];
    for (i, max) in [4000, 4000, 1000, 1000].into_iter().enumerate() {
        out[i] = left.min(max);
        left -= out[i];
    }
    out
}

#[test]
fn spcnnttb_eligibility_at_70() {
    let rs = rule_set("spcnnttb-tt26-2014-tt14-2018");
    let form = &rs.forms[0];
    let s6999 = spcnnttb_sheets(form, &[[2800, 2800, 700, 699]; 3]);
    let r = evaluate(&rs, form, AdminLevel::District, &s6999).unwrap();
    assert_eq!(r.aggregate.mean.to_hundredths(), Points::from_hundredths(6999));
    assert_eq!(r.outcome.eligible, Some(false));
    assert_eq!(r.outcome.kind, OutcomeKind::NotEligible);
    assert!(r.rating.is_none());
    let s70 = spcnnttb_sheets(form, &[[2800, 2800, 700, 700]; 3]);
    let r = evaluate(&rs, form, AdminLevel::District, &s70).unwrap();
    assert_eq!(r.outcome.eligible, Some(true));
    assert_eq!(r.outcome.kind, OutcomeKind::EligibleForCouncil);
    // Recognition stays a council decision: nothing is recognised or forwarded by the score.
    assert_eq!(r.outcome.recognised_stars, None);
    assert_eq!(r.outcome.forward, None);
    // Mean 69,9933… (70 + 70 + 69,98) is not 70.
    let close = spcnnttb_sheets(form, &[[2800, 2800, 700, 700], [2800, 2800, 700, 700], [2800, 2800, 700, 698]]);
    let r = evaluate(&rs, form, AdminLevel::Province, &close).unwrap();
    assert_eq!(r.outcome.eligible, Some(false));
    // The TT 38 rule set evaluates at the commune.
    let tt38 = rule_set("spcnnttb-tt38-2025");
    assert!(evaluate(&tt38, &tt38.forms[0], AdminLevel::Commune, &s70).unwrap().outcome.eligible.unwrap());
    assert_eq!(
        evaluate(&tt38, &tt38.forms[0], AdminLevel::District, &s70).unwrap_err(),
        RatingError::LevelNotInRuleSet { level: AdminLevel::District }
    );
}

#[test]
fn missing_a_3_star_mandatory_criterion_means_no_certificate_at_any_total() {
    let rs = rule_set("ocop-qd148-2023");
    let form = rs.form_for("I.1.a").unwrap();
    // C2.1 (standard declaration) needs 2 points for 3★ in the illustrative form; option 0 gives 0.
    let max_without = 96;
    for total in 30..=max_without {
        let sheets = sheets_with_totals(form, &[total, total, total], &[("C2.1", 0)]);
        for level in [AdminLevel::District, AdminLevel::Province, AdminLevel::Central] {
            let r = evaluate(&rs, form, level, &sheets).unwrap();
            let rating = r.rating.unwrap();
            assert!(rating.stars <= 2, "total {total}");
            assert!(!rating.certified, "total {total}");
            assert_eq!(rating.mandatory.cap, 2);
            assert!(rating.mandatory.shortfalls.iter().any(|s| s.criterion == "C2.1" && s.stars == 3));
            assert_eq!(r.outcome.kind, OutcomeKind::NotCertified, "total {total}");
            assert_eq!(r.outcome.recognised_stars, None);
            assert_eq!(r.outcome.forward, None);
            if total >= 50 {
                assert_eq!(r.outcome.not_certified, Some(NotCertifiedReason::MandatoryCriteria));
                assert!(rating.capped);
            }
        }
    }
}

#[test]
fn mandatory_minimum_is_met_on_the_members_mean() {
    let rs = rule_set("ocop-qd148-2023");
    let form = rs.form_for("I.1.a").unwrap();
    // C2.1 options give 0/2/4; minimum 2 for 3★. Members 0, 2, 4 → mean 2: met.
    let mut sheets = sheets_with_totals(form, &[80], &[("C2.1", 0)]);
    sheets.extend(sheets_with_totals(form, &[80], &[("C2.1", 1)]));
    sheets.extend(sheets_with_totals(form, &[80], &[("C2.1", 2)]));
    let r = evaluate(&rs, form, AdminLevel::Province, &sheets).unwrap();
    assert_eq!(r.rating.unwrap().stars, 4);
    // Members 0, 2, 2 → mean 1,33: missed.
    let mut sheets = sheets_with_totals(form, &[80], &[("C2.1", 0)]);
    sheets.extend(sheets_with_totals(form, &[80, 80], &[("C2.1", 1)]));
    let r = evaluate(&rs, form, AdminLevel::Province, &sheets).unwrap();
    assert_eq!(r.rating.unwrap().stars, 2);
}

#[test]
fn outcomes_per_level_qd148_2023() {
    let rs = rule_set("ocop-qd148-2023");
    let form = rs.form_for("I.3.c").unwrap();
    let at = |level, totals: &[i64], fixed: &[(&str, usize)]| {
        evaluate(&rs, form, level, &sheets_with_totals(form, totals, fixed)).unwrap().outcome
    };
    let o = at(AdminLevel::District, &[65, 66, 64], &[]);
    assert_eq!((o.kind, o.recognised_stars, o.forward), (OutcomeKind::Recognised, Some(3), None));
    let o = at(AdminLevel::District, &[75, 75, 76], &[]);
    assert_eq!(o.kind, OutcomeKind::Forwarded);
    assert_eq!(o.forward.unwrap().to, AdminLevel::Province);
    assert_eq!(o.recognised_stars, None);
    let o = at(AdminLevel::District, &[45, 45, 45], &[]);
    assert_eq!((o.kind, o.not_certified), (OutcomeKind::NotCertified, Some(NotCertifiedReason::BelowCertifiedBand)));
    // 4★ mandatory missed (A1.1 at 1 < 2): 3★, recognised by the district, not sent up.
    let o = at(AdminLevel::District, &[85, 85, 85], &[("A1.1", 1)]);
    assert_eq!((o.kind, o.stars, o.recognised_stars, o.forward), (OutcomeKind::Recognised, Some(3), Some(3), None));
    let o = at(AdminLevel::Province, &[80, 80, 80], &[]);
    assert_eq!((o.kind, o.recognised_stars), (OutcomeKind::Recognised, Some(4)));
    // ≥ 90 at province: 4★ certificate and a potential-5★ nomination; 5★ is not recognised here.
    let o = at(AdminLevel::Province, &[95, 92, 93], &[]);
    assert_eq!(o.kind, OutcomeKind::PotentialFiveStar);
    assert_eq!(o.stars, Some(5));
    assert_eq!(o.recognised_stars, Some(4));
    let f = o.forward.unwrap();
    assert_eq!((f.to, f.potential_five_star), (AdminLevel::Central, true));
    let o = at(AdminLevel::Province, &[60, 60, 60], &[]);
    assert_eq!(o.not_certified, Some(NotCertifiedReason::OutsideLevelAuthority));
    let o = at(AdminLevel::Central, &[92, 92, 92], &[]);
    assert_eq!((o.kind, o.recognised_stars), (OutcomeKind::Recognised, Some(5)));
}

#[test]
fn outcomes_per_level_after_qd1489() {
    let rs = rule_set("ocop-qd148-qd1489-2025");
    let form = rs.form_for("II.1.a").unwrap();
    let sheets = |totals: &[i64]| sheets_with_totals(form, totals, &[]);
    let o = evaluate(&rs, form, AdminLevel::Province, &sheets(&[60, 61, 62])).unwrap().outcome;
    assert_eq!((o.kind, o.recognised_stars), (OutcomeKind::Recognised, Some(3)));
    let o = evaluate(&rs, form, AdminLevel::Province, &sheets(&[90, 91, 90])).unwrap().outcome;
    assert_eq!((o.kind, o.recognised_stars), (OutcomeKind::PotentialFiveStar, Some(4)));
    assert_eq!(
        evaluate(&rs, form, AdminLevel::Commune, &sheets(&[60])).unwrap_err(),
        RatingError::LevelDoesNotEvaluate { level: AdminLevel::Commune }
    );
    assert_eq!(
        evaluate(&rs, form, AdminLevel::District, &sheets(&[60])).unwrap_err(),
        RatingError::LevelNotInRuleSet { level: AdminLevel::District }
    );
    assert_eq!(evaluate::<u64>(&rs, form, AdminLevel::Province, &[]).unwrap_err(), RatingError::NoSheets);
}

#[test]
fn spread_limit_flags_products_for_rescoring() {
    let rs = rule_set("ocop-qd148-2023");
    let form = rs.form_for("I.1.a").unwrap();
    let r = evaluate(&rs, form, AdminLevel::District, &sheets_with_totals(form, &[60, 62, 61, 60, 74, 61, 63], &[]))
        .unwrap();
    assert!(r.aggregate.spread_exceeded);
    assert_eq!(r.aggregate.outliers, vec![5]);
    let r = evaluate(&rs, form, AdminLevel::District, &sheets_with_totals(form, &[60, 70], &[])).unwrap();
    assert!(!r.aggregate.spread_exceeded);
}

// ---- Malformed files: refused, with the place named. ----

fn with_form(rule_set_file: &str, form_path: &str, form_text: String) -> Result<RuleSet, LoadError> {
    let text = catalogue::RULE_SET_FILES.iter().find(|(n, _)| *n == rule_set_file).unwrap().1;
    let resolve = move |p: &str| if p == form_path { Some(form_text.clone()) } else { catalogue::form_file(p) };
    RuleSet::from_toml(rule_set_file, text, &resolve)
}

fn fresh_form_text() -> String {
    catalogue::form_file("forms/ocop-qd1048-rau-cu-qua-hat-tuoi.toml").unwrap()
}

fn invalid_messages(r: Result<RuleSet, LoadError>) -> Vec<String> {
    match r {
        Err(LoadError::Invalid { issues, .. }) => issues.iter().map(|i| i.message_vi()).collect(),
        other => panic!("expected validation issues, got {other:?}"),
    }
}

#[test]
fn option_above_its_maximum_is_refused_with_its_place() {
    let text = fresh_form_text().replace(
        "{ points = 5, name_vi = \"Quốc tế\"",
        "{ points = 6, name_vi = \"Quốc tế\"",
    );
    let msgs = invalid_messages(with_form("ocop-qd1048-2019.toml", "forms/ocop-qd1048-rau-cu-qua-hat-tuoi.toml", text));
    assert!(msgs.contains(
        &"bộ quy tắc ocop-qd1048-2019 › phiếu ocop-qd1048-rau-cu-qua-hat-tuoi › phần B › nhóm B1 › tiêu chí B1.1: điểm tối đa của phương án 4 (6) lớn hơn điểm tối đa của tiêu chí (5)".to_string()
    ), "{msgs:#?}");
}

#[test]
fn a_form_that_does_not_add_up_is_refused() {
    // C3.1 max 5 → 6 (with a 6-point option): part C adds up to 41.
    let text = fresh_form_text().replace(
        "code = \"C3.1\"\nname_vi = \"Khả năng xuất khẩu\"\nname_en = \"Export potential\"\nmax = 5",
        "code = \"C3.1\"\nname_vi = \"Khả năng xuất khẩu\"\nname_en = \"Export potential\"\nmax = 6",
    ).replace("{ points = 5, name_vi = \"Thị trường tiêu chuẩn cao", "{ points = 6, name_vi = \"Thị trường tiêu chuẩn cao");
    let msgs = invalid_messages(with_form("ocop-qd1048-2019.toml", "forms/ocop-qd1048-rau-cu-qua-hat-tuoi.toml", text));
    assert_eq!(
        msgs,
        ["bộ quy tắc ocop-qd1048-2019 › phiếu ocop-qd1048-rau-cu-qua-hat-tuoi › phần C: tổng điểm tối đa các tiêu chí (41) khác điểm tối đa của phần (40)"]
    );
    // Part C raised to 41 as well: now the parts add up to 101 and differ from the rule set.
    let text = fresh_form_text()
        .replace("max = 40\n\n[[parts.groups]]\ncode = \"C1\"", "max = 41\n\n[[parts.groups]]\ncode = \"C1\"");
    let r = with_form("ocop-qd1048-2019.toml", "forms/ocop-qd1048-rau-cu-qua-hat-tuoi.toml", text);
    let Err(LoadError::Invalid { issues, .. }) = r else { panic!() };
    let kinds: Vec<IssueKind> = issues.into_iter().map(|i| i.kind).collect();
    assert!(kinds.contains(&IssueKind::CriteriaSumMismatch { sum: whole(40), max: whole(41) }));
    assert!(kinds.contains(&IssueKind::PartsSumMismatch { sum: whole(101), total: whole(100) }));
    assert!(kinds.contains(&IssueKind::PartMaxDiffers { expected: whole(40), found: whole(41) }));
}

#[test]
fn a_form_for_an_unknown_product_group_is_refused() {
    let text = fresh_form_text().replace("applies_to = [\"1.1.1\"]", "applies_to = [\"1.1.9\"]");
    let msgs = invalid_messages(with_form("ocop-qd1048-2019.toml", "forms/ocop-qd1048-rau-cu-qua-hat-tuoi.toml", text));
    assert_eq!(
        msgs,
        ["bộ quy tắc ocop-qd1048-2019 › phiếu ocop-qd1048-rau-cu-qua-hat-tuoi: nhóm sản phẩm 1.1.9 không có trong bộ quy tắc"]
    );
    // The 1048 form (35/25/40) cannot join a QĐ 148 rule set (40/25/35).
    let r = with_form("ocop-qd148-2023.toml", "forms/ocop-qd148-minh-hoa.toml", fresh_form_text());
    let Err(LoadError::Invalid { issues, .. }) = r else { panic!() };
    assert!(issues.iter().any(|i| i.kind == IssueKind::PartMaxDiffers { expected: whole(40), found: whole(35) }));
    assert!(issues.iter().any(|i| i.kind == IssueKind::UnknownProductGroup { code: "1.1.1".into() }));
}

#[test]
fn bad_toml_and_missing_files_are_refused() {
    let text = catalogue::RULE_SET_FILES[0].1;
    let truncated = &text[..text.len() / 2];
    let e = RuleSet::from_toml("ocop-qd148-2023.toml", truncated, &catalogue::form_file).unwrap_err();
    assert!(matches!(e, LoadError::Syntax { .. }), "{e:?}");
    assert!(e.to_string().starts_with("tệp ocop-qd148-2023.toml: không đọc được"), "{e}");
    let e = RuleSet::from_toml("ocop-qd148-2023.toml", text, &|_| None).unwrap_err();
    assert_eq!(e.to_string(), "tệp ocop-qd148-2023.toml: không tìm thấy tệp phiếu forms/ocop-qd148-minh-hoa.toml");
    // An unknown field (a typo) is refused rather than ignored, with its line.
    let typo = fresh_form_text().replace("code = \"A1.1\"\n", "code = \"A1.1\"\nmandatroy = []\n");
    let e = ScoreForm::from_toml("phieu.toml", &typo).unwrap_err();
    let LoadError::Syntax { message, .. } = &e else { panic!("{e:?}") };
    assert!(message.contains("mandatroy"), "{message}");
    // A criterion with both options and a numeric range.
    let both = fresh_form_text().replace(
        "code = \"A1.6\"\n",
        "code = \"A1.6\"\nnumeric = { min = 0, max = 1, step = 1 }\n",
    );
    let e = ScoreForm::from_toml("phieu.toml", &both).unwrap_err();
    assert!(e.to_string().contains("tiêu chí A1.6: chỉ được có một trong hai"), "{e}");
    // A rule set with broken bands and levels names each place.
    let broken = text
        .replace("stars = 3\nfrom = 50\nbelow = 70", "stars = 3\nfrom = 55\nbelow = 70")
        .replace("forward = { to = \"province\", threshold = 70", "forward = { to = \"region\", threshold = 70")
        .replace("recognises_stars = [3]", "recognises_stars = [2]");
    let msgs = invalid_messages(RuleSet::from_toml("x.toml", &broken, &catalogue::form_file));
    assert!(msgs.contains(&"bộ quy tắc ocop-qd148-2023 › hạng 3 sao: hạng này phải bắt đầu từ 50 (nối tiếp hạng trước), đang ghi 55".to_string()), "{msgs:#?}");
    assert!(msgs.contains(&"bộ quy tắc ocop-qd148-2023 › cấp huyện: chuyển lên cấp khu vực nhưng cấp đó không được khai báo".to_string()), "{msgs:#?}");
    assert!(msgs.contains(&"bộ quy tắc ocop-qd148-2023 › cấp huyện: công nhận hạng 2 sao nhưng hạng này không được cấp giấy chứng nhận".to_string()), "{msgs:#?}");
}

// ---- Round trips. ----

#[test]
fn rule_sets_and_forms_round_trip_through_toml() {
    for rs in catalogue::shipped().unwrap() {
        let text = rs.to_toml().unwrap();
        let back = RuleSet::from_toml("export.toml", &text, &|_| None).unwrap();
        assert_eq!(back, rs, "{}", rs.code);
        for f in &rs.forms {
            let t = f.to_toml().unwrap();
            assert_eq!(&ScoreForm::from_toml("f.toml", &t).unwrap(), f);
        }
    }
}

#[test]
fn a_judge_sees_the_star_of_their_own_sheet() {
    use domain::rating::sheet_preview;
    let rs = rule_set("ocop-qd148-2023");
    let form = rs.form_for("I.1.a").unwrap();
    let sheet = score(form, &answers_for_total(form, 72, &[])).unwrap();
    assert_eq!(sheet_preview(&rs, form, &sheet).unwrap().stars, 4);
    let sheet = score(form, &answers_for_total(form, 72, &[("C2.2", 0)])).unwrap();
    let preview = sheet_preview(&rs, form, &sheet).unwrap();
    assert_eq!((preview.band_stars, preview.stars, preview.certified), (4, 2, false));
    let spc = rule_set("spcnnttb-tt38-2025");
    let s = &spcnnttb_sheets(&spc.forms[0], &[[4000, 4000, 1000, 1000]])[0].1;
    assert!(sheet_preview(&spc, &spc.forms[0], s).is_none());
}

#[test]
fn eligible_products_are_ranked_by_exact_mean() {
    use domain::rating::rank_by_mean;
    let m = |sum: i64, n: u32| Mean::new(Points::from_hundredths(sum), n).unwrap();
    // 70 (= 210/3), 75, 70 (= 140/2), 69,99…, 80.
    let means = [("a", m(21_000, 3)), ("b", m(7_500, 1)), ("c", m(14_000, 2)), ("d", m(20_999, 3)), ("e", m(8_000, 1))];
    let ranked: Vec<(u32, &str)> = rank_by_mean(&means).into_iter().map(|r| (r.rank, r.key)).collect();
    assert_eq!(ranked, [(1, "e"), (2, "b"), (3, "a"), (3, "c"), (5, "d")]);
}
