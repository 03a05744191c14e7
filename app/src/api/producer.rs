//! The producer's own profile (hồ sơ chủ thể) and the accounts that act for it.

use domain::access::ProducerType;
use leptos::server;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;
#[cfg(feature = "ssr")]
use crate::ctx;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub id: i64,
    pub name: String,
    pub producer_type: ProducerType,
    pub registration_no: Option<String>,
    pub tax_code: Option<String>,
    pub representative: Option<String>,
    pub representative_title: Option<String>,
    pub address: Option<String>,
    pub commune_id: i64,
    pub commune_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub is_owner: bool,
    pub is_active: bool,
}

#[server(endpoint = "producer_profile")]
pub async fn producer_profile() -> Result<ProfileView, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::producers::own_profile(&state.db, &user).await?)
}

#[allow(clippy::too_many_arguments)]
#[server(endpoint = "producer_update")]
pub async fn update_profile(
    name: String,
    producer_type: String,
    registration_no: String,
    tax_code: String,
    representative: String,
    representative_title: String,
    address: String,
    commune_id: Option<i64>,
    phone: String,
    email: String,
) -> Result<ProfileView, AppError> {
    let (user, meta, state) = ctx::caller()?;
    let input = backend::producers::ProfileInput {
        name,
        producer_type,
        registration_no,
        tax_code,
        representative,
        representative_title,
        address,
        commune_id,
        phone,
        email,
    };
    ctx::wire(backend::producers::update_profile(&state.db, &user, &meta, &input).await?)
}

#[server(endpoint = "producer_members")]
pub async fn producer_members() -> Result<Vec<MemberView>, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::producers::members(&state.db, &user).await?)
}

/// The owner adds a staff account; the answer is its temporary password, shown once.
#[server(endpoint = "producer_add_staff")]
pub async fn add_staff(full_name: String, email: String, phone: String) -> Result<String, AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::producers::add_staff(&state.db, &user, &meta, &full_name, &email, &phone).await?)
}
