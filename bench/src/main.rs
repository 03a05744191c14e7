//! Domain benchmark: scores and aggregates 10,000 products × 7 judges × 35 criteria with stars
//! and outcomes, single-threaded. Run with `cargo run --release -p binhchon-bench`; the figures
//! and what they mean are in bench/README.md.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use domain::access::AdminLevel;
use domain::catalogue;
use domain::form::{Scale, ScoreForm};
use domain::rating::{evaluate, OutcomeKind};
use domain::ruleset::RuleSet;
use domain::sheet::{Answer, Answers, PreparedForm, SheetScore};

const PRODUCTS: usize = 10_000;
const JUDGES: usize = 7;
const RUNS: usize = 9;

/// A small deterministic generator (xorshift64*), so every run scores the same sheets.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Answers in paper order, all sheets in one flat vector (product-major, then judge). Each
/// product has a quality; each judge picks options near it with a personal bias and per-criterion
/// noise, so means cover all five bands and some products exceed the spread limit.
fn generate(form: &ScoreForm) -> Vec<Option<Answer>> {
    let mut rng = Rng(0x0C0F_FEE0_B1A5_0123);
    let sizes: Vec<usize> = form
        .criteria()
        .map(|c| match &c.scale {
            Scale::Options(o) => o.len(),
            Scale::Numeric(_) => 1,
        })
        .collect();
    let mut out = Vec::with_capacity(PRODUCTS * JUDGES * sizes.len());
    for _ in 0..PRODUCTS {
        let quality = rng.unit();
        for _ in 0..JUDGES {
            let bias = (rng.unit() - 0.5) * 0.1;
            for &n in &sizes {
                let x = (quality + bias + (rng.unit() - 0.5) * 0.5).clamp(0.0, 0.999);
                out.push(Some(Answer::Option((x * n as f64) as usize)));
            }
        }
    }
    out
}

/// What the council would see, counted, so both paths can be checked to agree.
#[derive(Debug, PartialEq, Eq)]
struct Tally {
    by_kind: [usize; 7],
    stars: [usize; 6],
    spread_exceeded: usize,
}

impl Tally {
    fn new() -> Tally {
        Tally { by_kind: [0; 7], stars: [0; 6], spread_exceeded: 0 }
    }

    fn add(&mut self, rs: &RuleSet, form: &ScoreForm, sheets: &[(u32, SheetScore)]) -> Result<(), String> {
        let result = evaluate(rs, form, AdminLevel::District, sheets).map_err(|e| e.to_string())?;
        let kind = match result.outcome.kind {
            OutcomeKind::Recognised => 0,
            OutcomeKind::RecognisedAndForwarded => 1,
            OutcomeKind::Forwarded => 2,
            OutcomeKind::PotentialFiveStar => 3,
            OutcomeKind::NotCertified => 4,
            OutcomeKind::EligibleForCouncil => 5,
            OutcomeKind::NotEligible => 6,
        };
        self.by_kind[kind] += 1;
        if let Some(r) = &result.rating {
            self.stars[usize::from(r.stars.min(5))] += 1;
        }
        self.spread_exceeded += usize::from(result.aggregate.spread_exceeded);
        Ok(())
    }
}

/// Answers in paper order (as the judge's browser holds them): score every sheet, then
/// aggregate, rate with the mandatory cap and give each product its district outcome.
fn run_positional(rs: &RuleSet, form: &ScoreForm, answers: &[Option<Answer>]) -> Result<Tally, String> {
    let prepared = PreparedForm::new(form);
    let n = prepared.criterion_count();
    let mut tally = Tally::new();
    let mut sheets: Vec<(u32, SheetScore)> = Vec::with_capacity(JUDGES);
    for product in answers.chunks(JUDGES * n) {
        sheets.clear();
        for (j, sheet) in product.chunks(n).enumerate() {
            let s = prepared.score_positional(sheet).map_err(|e| e.to_string())?;
            sheets.push((j as u32, s));
        }
        tally.add(rs, form, &sheets)?;
    }
    Ok(tally)
}

/// The same from answers keyed by criterion code (as stored with each sheet).
fn run_keyed(rs: &RuleSet, form: &ScoreForm, products: &[Vec<Answers>]) -> Result<Tally, String> {
    let prepared = PreparedForm::new(form);
    let mut tally = Tally::new();
    let mut sheets: Vec<(u32, SheetScore)> = Vec::with_capacity(JUDGES);
    for judges in products {
        sheets.clear();
        for (j, answers) in judges.iter().enumerate() {
            let s = prepared.score(answers).map_err(|e| e.to_string())?;
            sheets.push((j as u32, s));
        }
        tally.add(rs, form, &sheets)?;
    }
    Ok(tally)
}

/// CPU time of this thread (Linux), so other processes on a busy machine do not inflate the
/// figure; `None` elsewhere.
fn thread_cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

struct Timing {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
}

/// One untimed warm-up, then `RUNS` timed runs.
fn measure(mut f: impl FnMut() -> Result<Tally, String>) -> Result<(Timing, Tally), String> {
    let mut timing = Timing { wall: Vec::new(), cpu: Vec::new() };
    let mut tally = f()?;
    for _ in 0..RUNS {
        let cpu0 = thread_cpu_time();
        let start = Instant::now();
        tally = black_box(f()?);
        timing.wall.push(start.elapsed());
        if let (Some(a), Some(b)) = (cpu0, thread_cpu_time()) {
            timing.cpu.push(b.saturating_sub(a));
        }
    }
    timing.wall.sort();
    timing.cpu.sort();
    Ok((timing, tally))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(label: &str, t: &Timing) {
    let sheets = (PRODUCTS * JUDGES) as f64;
    let median = t.wall[t.wall.len() / 2];
    print!(
        "{label}: wall min {:.1} ms, median {:.1} ms ({:.0} ns/sheet)",
        ms(t.wall[0]),
        ms(median),
        median.as_nanos() as f64 / sheets
    );
    if !t.cpu.is_empty() {
        print!("; thread CPU min {:.1} ms, median {:.1} ms", ms(t.cpu[0]), ms(t.cpu[t.cpu.len() / 2]));
    }
    println!();
}

fn main() -> ExitCode {
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("binhchon-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench() -> Result<(), String> {
    let rs = catalogue::shipped_rule_set("ocop-qd148-2023")
        .map_err(|e| e.to_string())?
        .ok_or("rule set ocop-qd148-2023 is not shipped")?;
    let form = rs.form_for("I.1.a").ok_or("no form for I.1.a")?;
    let criteria = form.criterion_count();
    let flat = generate(form);
    let codes: Vec<&str> = form.criteria().map(|c| c.code.as_str()).collect();
    let keyed: Vec<Vec<Answers>> = flat
        .chunks(JUDGES * criteria)
        .map(|product| {
            product
                .chunks(criteria)
                .map(|sheet| codes.iter().zip(sheet).filter_map(|(c, a)| a.map(|a| (*c, a))).collect())
                .collect()
        })
        .collect();

    println!(
        "binhchon-bench: {PRODUCTS} products × {JUDGES} judges × {criteria} criteria = {} sheets, {} answers; rule set {}, form {}; {RUNS} runs after a warm-up, single thread",
        PRODUCTS * JUDGES,
        PRODUCTS * JUDGES * criteria,
        rs.code,
        form.code
    );
    let (t_pos, tally_pos) = measure(|| run_positional(&rs, form, black_box(&flat)))?;
    report("answers in paper order (score + aggregate + stars + outcome)", &t_pos);
    let (t_key, tally_key) = measure(|| run_keyed(&rs, form, black_box(&keyed)))?;
    report("answers keyed by code, 70,000 maps resident (same work)", &t_key);
    // A server scores sheets it has just loaded, so they are in cache: the same keyed work, on
    // one round of 100 products at a time (100 rounds).
    let round: Vec<Vec<Answers>> = keyed[..100].to_vec();
    let (t_hot, _) = measure(|| {
        let mut t = Tally::new();
        for _ in 0..PRODUCTS / round.len() {
            let r = run_keyed(&rs, form, black_box(&round))?;
            t.spread_exceeded += r.spread_exceeded;
        }
        Ok(t)
    })?;
    report("answers keyed by code, 100 rounds of 100 products (cache-warm)", &t_hot);
    if tally_pos != tally_key {
        return Err(format!("the two paths disagree: {tally_pos:?} vs {tally_key:?}"));
    }
    let t = tally_pos;
    println!(
        "district outcomes: recognised {}, forwarded {}, not certified {}; final stars 0–5: {:?}; spread over the limit: {}",
        t.by_kind[0] + t.by_kind[1],
        t.by_kind[2] + t.by_kind[3],
        t.by_kind[4],
        t.stars,
        t.spread_exceeded
    );
    Ok(())
}
