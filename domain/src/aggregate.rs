//! Combining the council members' totals for one product (tổng hợp điểm của hội đồng).
//!
//! The final score is the arithmetic mean of the submitted members' totals, kept exactly
//! ([`Mean`]). The statistics around it help the secretariat see disagreement.

use serde::{Deserialize, Serialize};

use crate::points::{Mean, Points};
use crate::ruleset::AggregationRules;

/// The statistics of one product's submitted totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregate<M> {
    pub n: u32,
    pub sum: Points,
    /// Điểm trung bình — the figure that decides stars and eligibility.
    pub mean: Mean,
    /// The middle total, or the mean of the two middle ones (kept exact as a [`Mean`]).
    pub median: Mean,
    pub min: Points,
    pub max: Points,
    /// `max - min`.
    pub spread: Points,
    /// Population standard deviation, in points. Display only: never compared with anything.
    pub std_dev: f64,
    /// `spread > spread_limit`: the council must discuss and re-score before it decides.
    pub spread_exceeded: bool,
    /// When the spread is exceeded: the members whose totals lie more than half the limit from
    /// the median (`2·|total − median| > limit`), in input order; empty otherwise.
    ///
    /// Why this definition: flagging "both extremes" would name a member who agrees with the
    /// rest whenever one member is far off; "farther than the whole limit from the median" can
    /// name nobody while the product is flagged. With half the limit, a flagged product always
    /// names at least one member (if `max − min > limit`, the max or the min is more than half
    /// of it from the median), and a lone outlier is named alone.
    pub outliers: Vec<M>,
}

/// Combines submitted totals. `None` when nobody has submitted.
pub fn aggregate<M: Clone>(totals: &[(M, Points)], rules: &AggregationRules) -> Option<Aggregate<M>> {
    let n = u32::try_from(totals.len()).ok()?;
    let mean = Mean::of(totals.iter().map(|(_, p)| *p))?;
    // A council has a handful of members: sort on the stack when it fits.
    let mut small = [Points::ZERO; 16];
    let mut large = Vec::new();
    let sorted: &mut [Points] = if totals.len() <= small.len() {
        for (slot, (_, p)) in small.iter_mut().zip(totals) {
            *slot = *p;
        }
        &mut small[..totals.len()]
    } else {
        large.extend(totals.iter().map(|(_, p)| *p));
        &mut large
    };
    sorted.sort_unstable();
    let sorted: &[Points] = sorted;
    let min = sorted[0];
    let max = sorted[sorted.len() - 1];
    let mid = sorted.len() / 2;
    let median = if sorted.len() % 2 == 1 {
        Mean::exact(sorted[mid])
    } else {
        Mean { sum: sorted[mid - 1] + sorted[mid], n: 2 }
    };
    let spread = max - min;
    let spread_exceeded = spread > rules.spread_limit;
    let outliers = if spread_exceeded {
        // 2·|t − median| > limit, all in hundredths: median·2 = median.sum·2 / median.n.
        let median_x2 = median.sum.hundredths() * 2 / i64::from(median.n);
        totals
            .iter()
            .filter(|(_, t)| (2 * t.hundredths() - median_x2).abs() > rules.spread_limit.hundredths())
            .map(|(m, _)| m.clone())
            .collect()
    } else {
        Vec::new()
    };
    let mean_f = mean.to_f64_for_display();
    let var = sorted
        .iter()
        .map(|p| {
            let d = p.hundredths() as f64 / 100.0 - mean_f;
            d * d
        })
        .sum::<f64>()
        / f64::from(n);
    Some(Aggregate {
        n,
        sum: mean.sum,
        mean,
        median,
        min,
        max,
        spread,
        std_dev: var.sqrt(),
        spread_exceeded,
        outliers,
    })
}

/// Whether enough members took part (điều kiện hợp lệ của phiên họp).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuorumCheck {
    /// Members entitled to score this product (after conflicts of interest are removed).
    pub entitled: u32,
    pub submitted: u32,
    /// The smallest number of submissions that meets the fraction.
    pub required: u32,
    pub chair_present: bool,
    pub chair_required: bool,
    pub met: bool,
}

/// `submitted / entitled >= numerator / denominator` (decided as
/// `submitted · denominator >= entitled · numerator`), and the chair present if required.
pub fn quorum(entitled: u32, submitted: u32, chair_present: bool, rules: &AggregationRules) -> QuorumCheck {
    let num = u64::from(rules.quorum_numerator);
    let den = u64::from(rules.quorum_denominator.max(1));
    let required_u64 = (u64::from(entitled) * num).div_ceil(den);
    let required = u32::try_from(required_u64).unwrap_or(u32::MAX);
    let enough = entitled > 0 && u64::from(submitted) * den >= u64::from(entitled) * num;
    let met = enough && (chair_present || !rules.chair_required);
    QuorumCheck { entitled, submitted, required, chair_present, chair_required: rules.chair_required, met }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[i64]) -> Vec<(u64, Points)> {
        v.iter().enumerate().map(|(i, p)| (i as u64 + 1, Points::from_whole(*p))).collect()
    }

    #[test]
    fn statistics() {
        let a = aggregate(&pts(&[70, 72, 75, 80]), &AggregationRules::default()).unwrap();
        assert_eq!(a.n, 4);
        assert_eq!(a.sum, Points::from_whole(297));
        assert_eq!(a.mean.to_hundredths(), Points::from_hundredths(7425));
        assert_eq!(a.median.to_hundredths(), Points::from_hundredths(7350));
        assert_eq!((a.min, a.max, a.spread), (Points::from_whole(70), Points::from_whole(80), Points::from_whole(10)));
        // Exactly 10 apart is allowed ("không chênh lệch quá 10 điểm").
        assert!(!a.spread_exceeded);
        assert!(a.outliers.is_empty());
        assert!((a.std_dev - 3.766_630).abs() < 1e-5);
        assert!(aggregate::<u64>(&[], &AggregationRules::default()).is_none());
    }

    #[test]
    fn a_lone_outlier_is_named_alone() {
        let a = aggregate(&pts(&[71, 72, 72, 73, 84]), &AggregationRules::default()).unwrap();
        assert!(a.spread_exceeded);
        assert_eq!(a.outliers, vec![5]);
    }

    #[test]
    fn a_flagged_product_names_someone() {
        // Spread 11, median 45: 51 is 6 (> 5) away, 40 is 5 (not > 5).
        let a = aggregate(&pts(&[40, 45, 51]), &AggregationRules::default()).unwrap();
        assert!(a.spread_exceeded);
        assert_eq!(a.outliers, vec![3]);
        // Two camps: both ends named.
        let a = aggregate(&pts(&[60, 60, 80, 80]), &AggregationRules::default()).unwrap();
        assert_eq!(a.outliers, vec![1, 2, 3, 4]);
    }

    #[test]
    fn quorum_three_quarters_with_chair() {
        let r = AggregationRules::default();
        assert!(quorum(8, 6, true, &r).met);
        assert_eq!(quorum(8, 6, true, &r).required, 6);
        assert!(!quorum(8, 5, true, &r).met);
        assert!(!quorum(8, 8, false, &r).met);
        assert_eq!(quorum(7, 6, true, &r).required, 6);
        assert!(!quorum(7, 5, true, &r).met);
        assert!(!quorum(0, 0, true, &r).met);
        let no_chair = AggregationRules { chair_required: false, ..r };
        assert!(quorum(4, 3, false, &no_chair).met);
    }
}
