//! The API: Leptos server functions. Each one checks on the server who is calling, their role
//! and unit, and whether they own what they touch, then calls the service layer (`backend`).
//! Endpoints are named explicitly (`/api/<name>`) so tests and logs can refer to them.

pub mod admin;
pub mod auth;
pub mod dossiers;
pub mod nominations;
pub mod notifications;
pub mod producer;
pub mod products;
pub mod results;
pub mod rounds;
pub mod rulesets;
pub mod scoring;
pub mod stats;
