//! Products: the producer's list, one product with its photos and history, create and edit,
//! and the product groups of a programme to classify it.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;
#[cfg(feature = "ssr")]
use crate::ctx;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoView {
    pub id: i64,
    pub view: String,
    pub file_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryView {
    pub dossier_id: i64,
    pub round_name: String,
    pub year: i64,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductView {
    pub id: i64,
    pub producer_id: i64,
    pub producer_name: String,
    pub programme: String,
    pub name: String,
    pub group_code: Option<String>,
    pub description: String,
    pub raw_materials: String,
    pub packaging: String,
    pub items: Vec<(String, String)>,
    pub photos: Vec<PhotoView>,
    pub history: Vec<HistoryView>,
    pub editable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    pub id: i64,
    pub programme: String,
    pub name: String,
    pub group_code: Option<String>,
    pub photo_count: i64,
    pub first_photo: Option<i64>,
}

/// A product group to choose from: code and full name in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupOption {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// Everything the product form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductForm {
    pub programme: String,
    pub name: String,
    pub group_code: String,
    pub description: String,
    pub raw_materials: String,
    pub packaging: String,
    pub items: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
impl From<ProductForm> for backend::products::ProductInput {
    fn from(f: ProductForm) -> Self {
        backend::products::ProductInput {
            programme: f.programme,
            name: f.name,
            group_code: f.group_code,
            description: f.description,
            raw_materials: f.raw_materials,
            packaging: f.packaging,
            items: f.items,
        }
    }
}

#[server(endpoint = "products_list")]
pub async fn list_products() -> Result<Vec<ProductRow>, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::products::list_own(&state.db, &user).await?)
}

#[server(endpoint = "product_get")]
pub async fn get_product(id: i64) -> Result<ProductView, AppError> {
    let (user, _, state) = ctx::caller()?;
    ctx::wire(backend::products::get(&state.db, &user, id).await?)
}

#[server(endpoint = "product_create", input = server_fn::codec::Json)]
pub async fn create_product(form: ProductForm) -> Result<i64, AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::products::create(&state.db, &user, &meta, &form.into()).await?)
}

#[server(endpoint = "product_update", input = server_fn::codec::Json)]
pub async fn update_product(id: i64, form: ProductForm) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::products::update(&state.db, &user, &meta, id, &form.into()).await?)
}

#[server(endpoint = "product_photo_remove")]
pub async fn remove_photo(photo_id: i64) -> Result<(), AppError> {
    let (user, meta, state) = ctx::caller()?;
    Ok(backend::products::remove_photo(&state.db, &user, &meta, photo_id).await?)
}

/// The product groups of the rule set in force for a programme. Public: the lists are official.
#[server(endpoint = "product_groups")]
pub async fn product_groups(programme: String) -> Result<Vec<GroupOption>, AppError> {
    let p = domain::access::Programme::from_code(&programme).ok_or(AppError::NotFound)?;
    let state = ctx::state()?;
    let (_, rs) = backend::rules::current(&state.db, p).await?;
    Ok(groups_of(&rs))
}

#[cfg(feature = "ssr")]
pub fn groups_of(rs: &domain::ruleset::RuleSet) -> Vec<GroupOption> {
    backend::rules::group_options(rs)
        .into_iter()
        .map(|(code, name_vi, name_en)| GroupOption { code, name_vi, name_en })
        .collect()
}
