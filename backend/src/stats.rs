//! Statistics (thống kê) of the programmes' results: products evaluated and recognised by
//! programme and year (with the change from the year before), by star, by product group and by
//! commune. The office sees the rounds it runs, once their results are final; the public sees
//! only published rounds. Only counts leave here — never a product's or a judge's score.

use std::collections::{BTreeMap, HashMap};

use domain::{access::Programme, workflow::round::RoundState};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::{
    auth::CurrentUser,
    db::Db,
    error::Result,
    rounds::{self, Round},
};

/// Whose view: an office (its own rounds, final or published) or anyone (published rounds).
#[derive(Debug, Clone, Copy)]
pub enum Audience<'a> {
    Office(&'a CurrentUser),
    Public,
}

/// Products evaluated and recognised under one heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub label: String,
    pub evaluated: i64,
    pub recognised: i64,
}

/// One programme's year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRow {
    pub programme: Programme,
    pub year: i64,
    pub evaluated: i64,
    pub recognised: i64,
    /// Sent up to the next level (OCOP 4★ to the province, potential 5★, SPCNNTTB winners).
    pub forwarded: i64,
    /// Recognised this year minus the year before (`None` for the first year with results).
    pub recognised_change: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistics {
    /// Every year with results in the audience's view, newest first (the year filter's choices).
    pub years: Vec<i64>,
    pub programme: Option<Programme>,
    pub year: Option<i64>,
    /// Year by year, for every year (the filters other than the programme do not apply).
    pub by_year: Vec<YearRow>,
    /// OCOP final stars (after the mandatory cap), 1★ to 5★.
    pub by_stars: Vec<Count>,
    pub by_group: Vec<Count>,
    pub by_commune: Vec<Count>,
}

/// One stored result with what is counted of it.
struct Fact {
    round_id: i64,
    programme: Programme,
    year: i64,
    stars: Option<i64>,
    outcome: String,
    group_code: String,
    commune: String,
}

fn recognised(outcome: &str) -> bool {
    matches!(outcome, "recognised" | "recognised_and_forwarded")
}

fn forwarded(outcome: &str) -> bool {
    matches!(outcome, "recognised_and_forwarded" | "forwarded" | "potential_five_star")
}

fn visible(audience: Audience<'_>, round: &Round) -> bool {
    match audience {
        Audience::Public => matches!(round.state, RoundState::Published | RoundState::Archived),
        Audience::Office(user) => {
            rounds::may_manage(user, round) && matches!(round.state, RoundState::Finalised | RoundState::Published | RoundState::Archived)
        }
    }
}

fn tally<'a>(facts: impl Iterator<Item = (&'a Fact, String)>) -> Vec<Count> {
    let mut by: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (f, label) in facts {
        let e = by.entry(label).or_default();
        e.0 += 1;
        e.1 += i64::from(recognised(&f.outcome));
    }
    let mut out: Vec<Count> = by.into_iter().map(|(label, (evaluated, recognised))| Count { label, evaluated, recognised }).collect();
    // Largest first; ties by name (the BTreeMap order, kept by a stable sort).
    out.sort_by(|a, b| b.evaluated.cmp(&a.evaluated));
    out
}

pub async fn statistics(db: &Db, audience: Audience<'_>, programme: Option<Programme>, year: Option<i64>) -> Result<Statistics> {
    let rows = sqlx::query(
        "SELECT r.round_id, r.stars, r.outcome, d.group_code, u.name AS commune FROM product_results r \
         JOIN dossiers d ON d.id = r.dossier_id JOIN producers p ON p.id = d.producer_id \
         JOIN admin_units u ON u.id = p.commune_id",
    )
    .fetch_all(db.pool())
    .await?;
    let mut rounds_by_id: HashMap<i64, Option<Round>> = HashMap::new();
    let mut group_names: HashMap<(i64, String), String> = HashMap::new();
    let mut facts = Vec::new();
    for r in &rows {
        let round_id: i64 = r.try_get("round_id")?;
        if !rounds_by_id.contains_key(&round_id) {
            let round = rounds::load(db, round_id).await?;
            rounds_by_id.insert(round_id, visible(audience, &round).then_some(round));
        }
        let Some(Some(round)) = rounds_by_id.get(&round_id) else { continue };
        let group_code: String = r.try_get("group_code")?;
        if !group_names.contains_key(&(round_id, group_code.clone())) {
            let rs = rounds::rule_set_of(db, round).await?;
            let name = rs.product_group(&group_code).map_or_else(|| group_code.clone(), |g| g.name_vi.clone());
            group_names.insert((round_id, group_code.clone()), name);
        }
        facts.push(Fact {
            round_id,
            programme: round.programme,
            year: round.year,
            stars: r.try_get("stars")?,
            outcome: r.try_get("outcome")?,
            group_code,
            commune: r.try_get("commune")?,
        });
    }
    let mut years: Vec<i64> = facts.iter().map(|f| f.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();

    let in_programme = |f: &&Fact| programme.is_none_or(|p| f.programme == p);
    let mut per_year: BTreeMap<(Programme, i64), (i64, i64, i64)> = BTreeMap::new();
    for f in facts.iter().filter(in_programme) {
        let e = per_year.entry((f.programme, f.year)).or_default();
        e.0 += 1;
        e.1 += i64::from(recognised(&f.outcome));
        e.2 += i64::from(forwarded(&f.outcome));
    }
    let mut by_year = Vec::new();
    let mut last: HashMap<Programme, (i64, i64)> = HashMap::new();
    for ((p, y), (evaluated, recognised, forwarded)) in per_year {
        // Compared with the programme's previous year only if that year is the one before.
        let recognised_change = last.get(&p).filter(|(prev_year, _)| *prev_year == y - 1).map(|(_, prev)| recognised - prev);
        last.insert(p, (y, recognised));
        by_year.push(YearRow { programme: p, year: y, evaluated, recognised, forwarded, recognised_change });
    }
    by_year.sort_by(|a, b| b.year.cmp(&a.year).then_with(|| a.programme.code().cmp(b.programme.code())));

    let selected: Vec<&Fact> = facts.iter().filter(in_programme).filter(|f| year.is_none_or(|y| f.year == y)).collect();
    let by_stars = (1..=5)
        .map(|s| {
            let of_star: Vec<&&Fact> = selected.iter().filter(|f| f.programme == Programme::Ocop && f.stars == Some(s)).collect();
            Count {
                label: format!("{s}★"),
                evaluated: of_star.len() as i64,
                recognised: of_star.iter().filter(|f| recognised(&f.outcome)).count() as i64,
            }
        })
        .collect();
    let by_group = tally(selected.iter().map(|f| (*f, group_names.get(&(f.round_id, f.group_code.clone())).cloned().unwrap_or_default())));
    let by_commune = tally(selected.iter().map(|f| (*f, f.commune.clone())));
    Ok(Statistics { years, programme, year, by_year, by_stars, by_group, by_commune })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(outcome: &str, commune: &str) -> Fact {
        Fact { round_id: 1, programme: Programme::Ocop, year: 2026, stars: Some(3), outcome: outcome.into(), group_code: "g".into(), commune: commune.into() }
    }

    #[test]
    fn tallies_count_recognised_products_and_put_the_largest_first() {
        let facts = [fact("recognised", "Xã B"), fact("not_certified", "Xã A"), fact("recognised_and_forwarded", "Xã A"), fact("forwarded", "Xã C")];
        let counts = tally(facts.iter().map(|f| (f, f.commune.clone())));
        let got: Vec<(&str, i64, i64)> = counts.iter().map(|c| (c.label.as_str(), c.evaluated, c.recognised)).collect();
        assert_eq!(got, [("Xã A", 2, 1), ("Xã B", 1, 1), ("Xã C", 1, 0)]);
    }

    #[test]
    fn forwarded_outcomes_are_the_ones_sent_up() {
        assert!(forwarded("potential_five_star") && forwarded("forwarded") && forwarded("recognised_and_forwarded"));
        assert!(!forwarded("recognised") && !forwarded("not_certified"));
        assert!(recognised("recognised_and_forwarded") && !recognised("forwarded"));
    }
}
