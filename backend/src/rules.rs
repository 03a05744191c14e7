//! Which rule set applies: a round's (by code and version) and the one in force for a programme
//! today. Products and dossiers are classified and checked against these.

use domain::{access::Programme, ruleset::RuleSet};

use crate::error::{Error, Result};

/// The office role that runs a programme (văn phòng thường trực).
pub fn office_role(p: Programme) -> domain::access::Role {
    match p {
        Programme::Ocop => domain::access::Role::OcopOffice,
        Programme::Spcnnttb => domain::access::Role::SpcnnttbOffice,
    }
}

/// The rule set a round was created with.
pub fn rule_set(code: &str, version: i64) -> Result<RuleSet> {
    let rs = domain::catalogue::shipped_rule_set(code)
        .map_err(|e| Error::Internal(format!("rule set {code}: {e}")))?
        .ok_or(Error::NotFound)?;
    if i64::from(rs.version) != version {
        return Err(Error::NotFound);
    }
    Ok(rs)
}

/// Every rule set an office may choose for a new round of its programme.
pub fn available(programme: Programme) -> Result<Vec<RuleSet>> {
    Ok(domain::catalogue::shipped()
        .map_err(|e| Error::Internal(format!("rule sets: {e}")))?
        .into_iter()
        .filter(|r| r.programme == programme)
        .collect())
}

/// The rule set in force today for a programme: products are classified by its groups.
pub fn current(programme: Programme) -> Result<RuleSet> {
    let today = chrono::Utc::now().date_naive();
    let all = available(programme)?;
    all.iter()
        .find(|r| r.in_force_on(today))
        .or_else(|| all.iter().max_by_key(|r| r.effective_from))
        .cloned()
        .ok_or(Error::NotFound)
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
