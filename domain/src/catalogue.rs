//! The rule sets binhchon ships (`seeds/rulesets/`), embedded at compile time so the seed step,
//! the browser and the tests all read the same files.

use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::access::Programme;
use crate::issue::LoadError;
use crate::ruleset::RuleSet;

/// Rule-set files: (file name under `seeds/rulesets/`, text).
pub const RULE_SET_FILES: &[(&str, &str)] = &[
    ("ocop-qd148-2023.toml", include_str!("../../seeds/rulesets/ocop-qd148-2023.toml")),
    ("ocop-qd148-qd1489-2025.toml", include_str!("../../seeds/rulesets/ocop-qd148-qd1489-2025.toml")),
    ("ocop-qd1048-2019.toml", include_str!("../../seeds/rulesets/ocop-qd1048-2019.toml")),
    (
        "spcnnttb-tt26-2014-tt14-2018.toml",
        include_str!("../../seeds/rulesets/spcnnttb-tt26-2014-tt14-2018.toml"),
    ),
    ("spcnnttb-tt38-2025.toml", include_str!("../../seeds/rulesets/spcnnttb-tt38-2025.toml")),
];

/// Form files the rule sets refer to (`form_files`), by path relative to `seeds/rulesets/`.
pub const FORM_FILES: &[(&str, &str)] = &[
    (
        "forms/ocop-qd1048-rau-cu-qua-hat-tuoi.toml",
        include_str!("../../seeds/rulesets/forms/ocop-qd1048-rau-cu-qua-hat-tuoi.toml"),
    ),
    ("forms/ocop-qd148-minh-hoa.toml", include_str!("../../seeds/rulesets/forms/ocop-qd148-minh-hoa.toml")),
    (
        "forms/spcnnttb-phieu-cham-diem.toml",
        include_str!("../../seeds/rulesets/forms/spcnnttb-phieu-cham-diem.toml"),
    ),
];

/// The text of a shipped form file.
pub fn form_file(path: &str) -> Option<String> {
    FORM_FILES.iter().find(|(p, _)| *p == path).map(|(_, t)| (*t).to_string())
}

/// Every shipped rule set, parsed and validated; the first broken file is an error. The files
/// are parsed once per process and cloned on each call.
pub fn shipped() -> Result<Vec<RuleSet>, LoadError> {
    static PARSED: OnceLock<Result<Vec<RuleSet>, LoadError>> = OnceLock::new();
    PARSED
        .get_or_init(|| RULE_SET_FILES.iter().map(|(name, text)| RuleSet::from_toml(name, text, &form_file)).collect())
        .clone()
}

/// One shipped rule set by code (e.g. `ocop-qd148-2023`).
pub fn shipped_rule_set(code: &str) -> Result<Option<RuleSet>, LoadError> {
    Ok(shipped()?.into_iter().find(|r| r.code == code))
}

/// The shipped rule set of a programme in force on a date (a round's start date), if any.
pub fn in_force(programme: Programme, date: NaiveDate) -> Result<Option<RuleSet>, LoadError> {
    Ok(shipped()?.into_iter().find(|r| r.programme == programme && r.in_force_on(date)))
}
