//! Statistics of the programmes' results (counts only): the office's view of the rounds it runs,
//! and the public summary of published rounds.

use domain::access::Programme;
use leptos::server;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;
#[cfg(feature = "ssr")]
use crate::ctx;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountView {
    pub label: String,
    pub evaluated: i64,
    pub recognised: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRowView {
    pub programme: Programme,
    pub year: i64,
    pub evaluated: i64,
    pub recognised: i64,
    pub forwarded: i64,
    pub recognised_change: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatisticsView {
    pub years: Vec<i64>,
    pub programme: Option<Programme>,
    pub year: Option<i64>,
    pub by_year: Vec<YearRowView>,
    pub by_stars: Vec<CountView>,
    pub by_group: Vec<CountView>,
    pub by_commune: Vec<CountView>,
}

#[cfg(feature = "ssr")]
fn programme_of(code: Option<String>) -> Result<Option<Programme>, AppError> {
    match code.filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) => Programme::from_code(&c).map(Some).ok_or_else(|| AppError::Invalid {
            field: "programme".into(),
            vi: "Chương trình không đúng: chọn OCOP hoặc sản phẩm công nghiệp nông thôn tiêu biểu.".into(),
            en: "Unknown programme: choose OCOP or outstanding rural industrial products.".into(),
        }),
    }
}

/// The rounds the caller's offices run, once their results are final.
#[server(endpoint = "stats_office")]
pub async fn office_statistics(programme: Option<String>, year: Option<i64>) -> Result<StatisticsView, AppError> {
    let (user, _, state) = ctx::caller()?;
    if !Programme::ALL.into_iter().any(|p| user.has_role(backend::rules::office_role(p))) {
        return Err(AppError::Forbidden);
    }
    let s = backend::stats::statistics(&state.db, backend::stats::Audience::Office(&user), programme_of(programme)?, year).await?;
    ctx::wire(s)
}

/// Published rounds only; no login needed.
#[server(endpoint = "stats_public")]
pub async fn public_statistics(programme: Option<String>, year: Option<i64>) -> Result<StatisticsView, AppError> {
    let state = ctx::state()?;
    let s = backend::stats::statistics(&state.db, backend::stats::Audience::Public, programme_of(programme)?, year).await?;
    ctx::wire(s)
}
