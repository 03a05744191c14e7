//! Rule sets and score forms: the catalogue (every logged-in person; producers see published
//! versions only) and the form editor (the administrator, or office staff of the rule set's
//! programme). Forms travel as the `domain` types, so the browser checks and previews them with
//! the same code the server uses. File import and export are plain routes (`server/src/form_files.rs`).

use domain::{form::ScoreForm, issue::Issue, ruleset::RuleSet};
use leptos::server;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;
#[cfg(feature = "ssr")]
use crate::ctx;

/// One stored rule-set version, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSetSummary {
    pub id: i64,
    pub code: String,
    pub version: i64,
    /// `ocop` or `spcnnttb`.
    pub programme: String,
    pub title_vi: String,
    pub title_en: String,
    /// `draft`, `published` or `frozen`.
    pub status: String,
    /// Some current form is an illustrative sample.
    pub illustrative: bool,
    pub legal_summary: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
}

/// One stored form version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSummary {
    pub id: i64,
    pub code: String,
    pub version: i64,
    pub status: String,
    pub official: bool,
    pub name_vi: String,
    pub updated_at: String,
    /// The version a round would use now.
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSetDetail {
    pub summary: RuleSetSummary,
    /// The rules with the current forms.
    pub rule_set: RuleSet,
    /// Every form version stored with this rule-set version.
    pub forms: Vec<FormSummary>,
    /// The other versions of the same code.
    pub versions: Vec<RuleSetSummary>,
    pub can_edit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDetail {
    pub summary: FormSummary,
    pub form: ScoreForm,
    pub rule_set: RuleSetSummary,
    /// The whole rule set (with its current forms), for the star preview and the checks that
    /// depend on it (part maxima, product groups).
    pub full_rule_set: RuleSet,
    /// The versions of this form in the rule set.
    pub versions: Vec<FormSummary>,
    pub can_edit: bool,
}

#[cfg(feature = "ssr")]
mod server_side {
    use super::*;
    use backend::rulesets::{FormRow, RuleSetRow};

    pub fn summary(r: RuleSetRow) -> RuleSetSummary {
        RuleSetSummary {
            id: r.id,
            code: r.code,
            version: r.version,
            programme: r.programme,
            title_vi: r.title_vi,
            title_en: r.title_en,
            status: r.status,
            illustrative: r.illustrative,
            legal_summary: r.legal_summary,
            effective_from: r.effective_from,
            effective_to: r.effective_to,
        }
    }

    pub fn form_summary(f: &FormRow, current: &[i64]) -> FormSummary {
        FormSummary {
            id: f.id,
            code: f.code.clone(),
            version: f.version,
            status: f.status.clone(),
            official: f.official,
            name_vi: f.name_vi.clone(),
            updated_at: f.updated_at.clone(),
            current: current.contains(&f.id),
        }
    }

    pub fn programme(code: &str) -> Result<domain::access::Programme, AppError> {
        domain::access::Programme::from_code(code).ok_or_else(|| AppError::Internal { reference: "programme".into() })
    }

    pub fn actor(user: &backend::auth::CurrentUser) -> backend::audit::Actor {
        let meta = ctx::request_meta();
        user.actor(meta.ip, meta.request_id)
    }

    pub fn parse_form(json: &str) -> Result<ScoreForm, AppError> {
        if json.len() > 1_000_000 {
            return Err(AppError::TooLarge);
        }
        serde_json::from_str(json).map_err(|e| AppError::Invalid {
            field: "form".into(),
            vi: format!("Không đọc được nội dung phiếu gửi lên ({e}). Hãy tải lại trang rồi thử lại."),
            en: format!("The form sent could not be read ({e}). Reload the page and try again."),
        })
    }
}

#[cfg(feature = "ssr")]
use server_side::*;

/// Every rule-set version the caller may see.
#[server(endpoint = "rulesets_list")]
pub async fn list_rule_sets() -> Result<Vec<RuleSetSummary>, AppError> {
    let user = ctx::require_user()?;
    let state = ctx::state()?;
    Ok(backend::rulesets::list(&state.db)
        .await?
        .into_iter()
        .filter(|r| backend::rulesets::can_view(&user, &r.status))
        .map(summary)
        .collect())
}

/// One rule-set version with its rules, forms and sibling versions.
#[server(endpoint = "rulesets_get")]
pub async fn get_rule_set(id: i64) -> Result<RuleSetDetail, AppError> {
    let user = ctx::require_user()?;
    let state = ctx::state()?;
    let row = backend::rulesets::row(&state.db, id).await?;
    // A draft the caller may not see does not exist for them.
    if !backend::rulesets::can_view(&user, &row.status) {
        return Err(AppError::NotFound);
    }
    let rule_set = backend::rulesets::get_by_id(&state.db, id).await?;
    let all = backend::rulesets::forms_of(&state.db, id).await?;
    let current: Vec<i64> = backend::rulesets::current_forms(&all).iter().map(|f| f.id).collect();
    let visible = |status: &str| backend::rulesets::can_view(&user, status);
    let forms = all.iter().filter(|f| visible(&f.status)).map(|f| form_summary(f, &current)).collect();
    let versions = backend::rulesets::list(&state.db)
        .await?
        .into_iter()
        .filter(|r| r.code == row.code && visible(&r.status))
        .map(summary)
        .collect();
    let can_edit = backend::rulesets::can_edit(&user, programme(&row.programme)?);
    Ok(RuleSetDetail { summary: summary(row), rule_set, forms, versions, can_edit })
}

/// One form version, with its rule set.
#[server(endpoint = "forms_get")]
pub async fn get_form(id: i64) -> Result<FormDetail, AppError> {
    let user = ctx::require_user()?;
    let state = ctx::state()?;
    let stored = backend::rulesets::form(&state.db, id).await?;
    let visible = |status: &str| backend::rulesets::can_view(&user, status);
    if !visible(&stored.row.status) || !visible(&stored.rule_set.status) {
        return Err(AppError::NotFound);
    }
    let full_rule_set = backend::rulesets::get_by_id(&state.db, stored.row.rule_set_id).await?;
    let all = backend::rulesets::forms_of(&state.db, stored.row.rule_set_id).await?;
    let current: Vec<i64> = backend::rulesets::current_forms(&all).iter().map(|f| f.id).collect();
    let versions = all
        .iter()
        .filter(|f| f.code == stored.row.code && visible(&f.status))
        .map(|f| form_summary(f, &current))
        .collect();
    let can_edit = backend::rulesets::can_edit(&user, programme(&stored.rule_set.programme)?);
    Ok(FormDetail {
        summary: form_summary(&stored.row, &current),
        form: stored.form,
        rule_set: summary(stored.rule_set),
        full_rule_set,
        versions,
        can_edit,
    })
}

/// A draft new version of a form to edit; returns its id (an existing draft is reused).
#[server(endpoint = "forms_new_version")]
pub async fn new_form_version(id: i64) -> Result<i64, AppError> {
    let user = ctx::require_user()?;
    let state = ctx::state()?;
    Ok(backend::rulesets::new_form_version(&state.db, &user, &actor(&user), id).await?)
}

/// A new form in a draft rule-set version; returns its id.
#[server(endpoint = "forms_new")]
pub async fn new_form(rule_set_id: i64, code: String, name_vi: String) -> Result<i64, AppError> {
    let user = ctx::require_user()?;
    let state = ctx::state()?;
    Ok(backend::rulesets::new_form(&state.db, &user, &actor(&user), rule_set_id, &code, &name_vi).await?)
}

/// Saves a draft form (`form_json`: the form as JSON); returns what is still wrong with it.
#[server(endpoint = "forms_save")]
pub async fn save_form(id: i64, form_json: String) -> Result<Vec<Issue>, AppError> {
    let user = ctx::require_user()?;
    backend::rulesets::require_some_editor(&user)?;
    let state = ctx::state()?;
    let form = parse_form(&form_json)?;
    Ok(backend::rulesets::save_draft(&state.db, &user, &actor(&user), id, form).await?)
}

/// Publishes a draft form after the server checks it again.
#[server(endpoint = "forms_publish")]
pub async fn publish_form(id: i64) -> Result<(), AppError> {
    let user = ctx::require_user()?;
    let state = ctx::state()?;
    backend::rulesets::publish_form(&state.db, &user, &actor(&user), id).await?;
    Ok(())
}

/// A draft new version of a rule set; returns its id (an existing draft is reused).
#[server(endpoint = "rulesets_new_version")]
pub async fn new_rule_set_version(id: i64) -> Result<i64, AppError> {
    let user = ctx::require_user()?;
    let state = ctx::state()?;
    Ok(backend::rulesets::new_rule_set_version(&state.db, &user, &actor(&user), id).await?)
}

/// Publishes a draft rule-set version after checking the whole of it.
#[server(endpoint = "rulesets_publish")]
pub async fn publish_rule_set(id: i64) -> Result<(), AppError> {
    let user = ctx::require_user()?;
    let state = ctx::state()?;
    backend::rulesets::publish_rule_set(&state.db, &user, &actor(&user), id).await?;
    Ok(())
}
