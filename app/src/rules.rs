//! The checks the form editor runs in the browser as the office types: the form on its own
//! (`ScoreForm::validate`) and as a form of its rule set (parts and maxima, total, product
//! groups), through `RuleSet::validate` — the same `domain` code the server runs before it
//! saves or publishes (`backend::rulesets::form_issues`).

use domain::{
    form::ScoreForm,
    issue::{Issue, Place, PlaceStep},
    ruleset::RuleSet,
};

/// Every problem with `form` within `rs`, with places relative to the form.
pub fn form_issues(rs: &RuleSet, form: &ScoreForm) -> Vec<Issue> {
    let mut set = rs.clone();
    set.forms.retain(|f| f.code != form.code);
    set.forms.push(form.clone());
    let root = PlaceStep::RuleSet(rs.code.clone());
    let prefix = PlaceStep::Form(form.code.clone());
    let mut out: Vec<Issue> = Vec::new();
    for i in set.validate() {
        if i.place.0.first() == Some(&root) && i.place.0.get(1) == Some(&prefix) {
            let issue = Issue { place: Place(i.place.0[2..].to_vec()), kind: i.kind };
            if !out.contains(&issue) {
                out.push(issue);
            }
        }
    }
    out
}
