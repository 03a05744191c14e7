//! Server-side services of binhchon. The Leptos server functions (the API) check who is calling
//! and call these; nothing here renders HTML or knows about HTTP.

use std::sync::Arc;

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod cert_imports;
pub mod config;
pub mod councils;
pub mod db;
pub mod dossiers;
pub mod error;
pub mod exports;
pub mod files;
pub mod mail;
pub mod nominations;
pub mod notify;
pub mod paper_files;
pub mod producers;
pub mod products;
pub mod results;
pub mod rounds;
pub mod rules;
pub mod form_files;
pub mod rulesets;
pub mod scoring;
pub mod seed;
pub mod stats;
pub mod units;
pub mod validate;

pub use error::{Error, Msg, Result};

/// What every request handler needs: the database and the configuration.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: db::Db,
    pub config: Arc<config::Config>,
}

impl AppState {
    pub async fn open(config: config::Config) -> Result<Self> {
        let db = db::Db::connect(&config.database_url).await?;
        notify::init(config.public_url.clone());
        Ok(AppState { db, config: Arc::new(config) })
    }
}
