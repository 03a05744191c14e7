//! Which rule sets apply: the published versions an office may choose for a round, and the one
//! in force for a programme today. Products are classified and checked against these; a round
//! uses the version it was created with ([`crate::rounds::rule_set_of`]).

use domain::{access::Programme, ruleset::RuleSet};

use crate::{
    db::Db,
    error::{Error, Result},
    rulesets,
};

/// The office role that runs a programme (văn phòng thường trực).
pub fn office_role(p: Programme) -> domain::access::Role {
    match p {
        Programme::Ocop => domain::access::Role::OcopOffice,
        Programme::Spcnnttb => domain::access::Role::SpcnnttbOffice,
    }
}

/// The published versions of a programme's rule sets an office may choose for a new round,
/// newest in force first, with their ids. Without their forms: a round loads its own version
/// in full through [`crate::rounds::rule_set_of`].
pub async fn available(db: &Db, programme: Programme) -> Result<Vec<(i64, RuleSet)>> {
    rulesets::published_of(db, programme).await
}

/// The rule set in force today for a programme (products are classified by its groups): among
/// the published versions, the newest one in force, else the newest of all.
pub async fn current(db: &Db, programme: Programme) -> Result<(i64, RuleSet)> {
    let today = chrono::Utc::now().date_naive();
    let mut all = available(db, programme).await?;
    if all.is_empty() {
        return Err(Error::NotFound);
    }
    // `available` lists the newest first, so the first in force is the newest in force.
    let pick = all.iter().position(|(_, r)| r.in_force_on(today)).unwrap_or(0);
    Ok(all.swap_remove(pick))
}

/// A leaf product group of `rs` (the level a product is classified at), or a field error.
pub fn check_group(rs: &RuleSet, field: &str, code: &str) -> Result<String> {
    let code = code.trim();
    let leaf = rs.leaf_groups().any(|g| g.code == code);
    if leaf {
        return Ok(code.to_string());
    }
    Err(Error::invalid(
        field,
        format!("Hãy chọn nhóm sản phẩm trong danh sách của bộ tiêu chí «{}».", rs.name_vi),
        format!("Choose a product group from the list of the rule set \"{}\".", rs.name_en),
    ))
}

/// Leaf groups with their full names ("Thực phẩm › Nông sản tươi sống › Rau, củ…") for pickers.
pub fn group_options(rs: &RuleSet) -> Vec<(String, String, String)> {
    rs.leaf_groups()
        .map(|g| {
            let mut vi = vec![g.name_vi.clone()];
            let mut en = vec![g.name_en.clone().unwrap_or_else(|| g.name_vi.clone())];
            let mut parent = g.parent.clone();
            while let Some(p) = parent.and_then(|c| rs.product_group(&c)) {
                vi.push(p.name_vi.clone());
                en.push(p.name_en.clone().unwrap_or_else(|| p.name_vi.clone()));
                parent = p.parent.clone();
            }
            vi.reverse();
            en.reverse();
            (g.code.clone(), vi.join(" › "), en.join(" › "))
        })
        .collect()
}
