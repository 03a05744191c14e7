//! Products (sản phẩm): what a producer enters once and files in round after round. A product
//! keeps its history — the dossiers filed for it, and through them results and certificates.

use std::path::Path;

use domain::access::{Programme, Role};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::{
    audit,
    auth::{CurrentUser, RequestMeta},
    db::{self, Db, Tx},
    error::{Error, Result},
    files::{self, Received},
    rules, validate,
};

/// The angle a photo shows. SPCNNTTB asks for at least front, side and top (TT 14/2018, Mẫu 02).
pub const PHOTO_VIEWS: &[(&str, &str, &str)] = &[
    ("front", "Chính diện", "Front"),
    ("side", "Bên cạnh", "Side"),
    ("top", "Từ trên xuống", "Top"),
    ("other", "Ảnh khác", "Other"),
];

/// The facts that decide who may see and change a product.
#[derive(Debug, Clone)]
pub struct ProductRef {
    pub id: i64,
    pub producer_id: i64,
    pub programme: Programme,
    pub commune_path: String,
}

pub async fn product_ref(db: &Db, id: i64) -> Result<ProductRef> {
    let r = sqlx::query(
        "SELECT p.id, p.producer_id, p.programme, u.path FROM products p JOIN producers pr ON pr.id = p.producer_id \
         JOIN admin_units u ON u.id = pr.commune_id WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(Error::NotFound)?;
    let programme: String = r.try_get("programme")?;
    Ok(ProductRef {
        id: r.try_get("id")?,
        producer_id: r.try_get("producer_id")?,
        programme: Programme::from_code(&programme).ok_or_else(|| Error::Internal(format!("programme {programme}")))?,
        commune_path: r.try_get("path")?,
    })
}

/// The producer's own accounts change the product.
pub fn may_edit(user: &CurrentUser, p: &ProductRef) -> bool {
    user.has_role(Role::Producer) && user.producer_ids.contains(&p.producer_id)
}

/// The producer, the programme's office over the producer's commune, and the commune's officer see it.
pub fn may_view(user: &CurrentUser, p: &ProductRef) -> bool {
    may_edit(user, p)
        || user.covers(rules::office_role(p.programme), &p.commune_path)
        || user.covers(Role::CommuneOfficer, &p.commune_path)
}

/// A caller who may not see a product is told it does not exist, so ids cannot be probed.
pub async fn visible(db: &Db, user: &CurrentUser, id: i64) -> Result<ProductRef> {
    let p = product_ref(db, id).await?;
    if may_view(user, &p) || crate::councils::reads_product(db, user.id, id).await? {
        Ok(p)
    } else {
        Err(Error::NotFound)
    }
}

pub async fn editable(db: &Db, user: &CurrentUser, id: i64) -> Result<ProductRef> {
    let p = visible(db, user, id).await?;
    if may_edit(user, &p) {
        Ok(p)
    } else {
        Err(Error::Forbidden)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    pub programme: String,
    pub name: String,
    pub group_code: String,
    pub description: String,
    pub raw_materials: String,
    pub packaging: String,
    /// Bộ sản phẩm: the items (name, description); empty for a single product.
    pub items: Vec<(String, String)>,
}

struct Clean {
    programme: Programme,
    name: String,
    group_code: String,
    description: String,
    raw_materials: String,
    packaging: String,
    items: Vec<(String, String)>,
}

async fn clean(db: &Db, input: &ProductInput) -> Result<Clean> {
    let programme = Programme::from_code(input.programme.trim())
        .ok_or_else(|| Error::invalid("programme", "Hãy chọn chương trình: OCOP hoặc bình chọn SPCNNTTB.", "Choose the programme: OCOP or SPCNNTTB."))?;
    let name = validate::text("name", "tên sản phẩm", "product name", &input.name, 200)?;
    let (_, rs) = rules::current(db, programme).await?;
    let group_code = rules::check_group(&rs, "group_code", &input.group_code)?;
    let description = validate::text("description", "mô tả sản phẩm", "description", &input.description, 4000)?;
    let raw_materials =
        validate::text("raw_materials", "nguyên liệu và nguồn gốc", "raw materials and their origin", &input.raw_materials, 2000)?;
    let packaging = validate::text("packaging", "bao bì, nhãn mác", "packaging and label", &input.packaging, 2000)?;
    let mut items = Vec::new();
    for (i, (n, d)) in input.items.iter().enumerate() {
        if n.trim().is_empty() && d.trim().is_empty() {
            continue;
        }
        let field = format!("item_{i}");
        let n = validate::text(&field, "tên sản phẩm trong bộ", "item name", n, 200)?;
        let d = validate::optional_text(&field, "mô tả sản phẩm trong bộ", "item description", d, 1000)?.unwrap_or_default();
        items.push((n, d));
    }
    if items.len() == 1 {
        return Err(Error::invalid(
            "item_1",
            "Bộ sản phẩm cần ít nhất 2 sản phẩm. Nếu chỉ có một, hãy bỏ trống phần «Bộ sản phẩm».",
            "A product set needs at least 2 items. For a single product leave the set part empty.",
        ));
    }
    if items.len() > 20 {
        return Err(Error::invalid("item_20", "Bộ sản phẩm có tối đa 20 sản phẩm.", "A product set has at most 20 items."));
    }
    Ok(Clean {
        programme,
        name,
        group_code,
        description,
        raw_materials,
        packaging,
        items,
    })
}

fn snapshot(c: &Clean) -> serde_json::Value {
    json!({
        "programme": c.programme.code(), "name": c.name, "group_code": c.group_code, "description": c.description,
        "raw_materials": c.raw_materials, "packaging": c.packaging, "items": c.items,
    })
}

async fn write_items(tx: &mut Tx, product_id: i64, items: &[(String, String)]) -> Result<()> {
    sqlx::query("DELETE FROM product_items WHERE product_id = $1").bind(product_id).execute(&mut **tx).await?;
    for (i, (n, d)) in items.iter().enumerate() {
        sqlx::query("INSERT INTO product_items (product_id, position, name, description) VALUES ($1, $2, $3, $4)")
            .bind(product_id)
            .bind(i as i64)
            .bind(n)
            .bind(d)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn create(db: &Db, user: &CurrentUser, meta: &RequestMeta, input: &ProductInput) -> Result<i64> {
    let producer_id = crate::producers::own_producer(user)?;
    let c = clean(db, input).await?;
    let now = db::now();
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO products (producer_id, programme, name, group_code, description, raw_materials, packaging, is_set, \
         created_at, updated_at, search_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
    )
    .bind(producer_id)
    .bind(c.programme.code())
    .bind(&c.name)
    .bind(&c.group_code)
    .bind(&c.description)
    .bind(&c.raw_materials)
    .bind(&c.packaging)
    .bind(i64::from(!c.items.is_empty()))
    .bind(&now)
    .bind(domain::text::search_key(&c.name))
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    write_items(&mut tx, id, &c.items).await?;
    audit::record(&mut tx, &user.actor(meta.ip.clone(), meta.request_id.clone()), "product.create", "product", Some(&id.to_string()), None, Some(snapshot(&c))).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(db: &Db, user: &CurrentUser, meta: &RequestMeta, id: i64, input: &ProductInput) -> Result<()> {
    editable(db, user, id).await?;
    let before = get(db, user, id).await?;
    let c = clean(db, input).await?;
    if c.programme.code() != before.programme {
        return Err(Error::invalid(
            "programme",
            "Không đổi được chương trình của sản phẩm đã tạo. Hãy tạo sản phẩm mới cho chương trình kia.",
            "A product's programme cannot change. Create a new product for the other programme.",
        ));
    }
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE products SET name = $1, group_code = $2, description = $3, raw_materials = $4, packaging = $5, is_set = $6, \
         updated_at = $7, search_key = $8 WHERE id = $9",
    )
    .bind(&c.name)
    .bind(&c.group_code)
    .bind(&c.description)
    .bind(&c.raw_materials)
    .bind(&c.packaging)
    .bind(i64::from(!c.items.is_empty()))
    .bind(db::now())
    .bind(domain::text::search_key(&c.name))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    write_items(&mut tx, id, &c.items).await?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "product.update",
        "product",
        Some(&id.to_string()),
        Some(serde_json::to_value(&before).unwrap_or_default()),
        Some(snapshot(&c)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Photo {
    pub id: i64,
    pub view: String,
    pub file_name: String,
}

/// A dossier this product was filed in (its history).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HistoryEntry {
    pub dossier_id: i64,
    pub round_name: String,
    pub year: i64,
    pub state: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Product {
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
    pub photos: Vec<Photo>,
    pub history: Vec<HistoryEntry>,
    pub editable: bool,
}

pub async fn get(db: &Db, user: &CurrentUser, id: i64) -> Result<Product> {
    let p = visible(db, user, id).await?;
    let r = sqlx::query(
        "SELECT p.*, pr.name AS producer_name FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE p.id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    let items = sqlx::query("SELECT name, description FROM product_items WHERE product_id = $1 ORDER BY position")
        .bind(id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("description")?)))
        .collect::<Result<Vec<_>>>()?;
    let photos = sqlx::query("SELECT id, view, file_name FROM product_photos WHERE product_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok(Photo { id: r.try_get("id")?, view: r.try_get("view")?, file_name: r.try_get("file_name")? }))
        .collect::<Result<Vec<_>>>()?;
    let history = sqlx::query(
        "SELECT d.id, d.state, r.name, r.year FROM dossiers d JOIN rounds r ON r.id = d.round_id WHERE d.product_id = $1 \
         ORDER BY r.year DESC, d.id DESC",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(HistoryEntry {
            dossier_id: r.try_get("id")?,
            round_name: r.try_get("name")?,
            year: r.try_get("year")?,
            state: r.try_get("state")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(Product {
        id,
        producer_id: p.producer_id,
        producer_name: r.try_get("producer_name")?,
        programme: r.try_get("programme")?,
        name: r.try_get("name")?,
        group_code: r.try_get("group_code")?,
        description: r.try_get("description")?,
        raw_materials: r.try_get("raw_materials")?,
        packaging: r.try_get("packaging")?,
        items,
        photos,
        history,
        editable: may_edit(user, &p),
    })
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ProductSummary {
    pub id: i64,
    pub programme: String,
    pub name: String,
    pub group_code: Option<String>,
    pub photo_count: i64,
    pub first_photo: Option<i64>,
}

/// The caller's producer's products.
pub async fn list_own(db: &Db, user: &CurrentUser) -> Result<Vec<ProductSummary>> {
    let producer_id = crate::producers::own_producer(user)?;
    let rows = sqlx::query(
        "SELECT p.id, p.programme, p.name, p.group_code, \
         (SELECT COUNT(*) FROM product_photos f WHERE f.product_id = p.id) AS photo_count, \
         (SELECT MIN(f.id) FROM product_photos f WHERE f.product_id = p.id) AS first_photo \
         FROM products p WHERE p.producer_id = $1 ORDER BY p.name",
    )
    .bind(producer_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ProductSummary {
                id: r.try_get("id")?,
                programme: r.try_get("programme")?,
                name: r.try_get("name")?,
                group_code: r.try_get("group_code")?,
                photo_count: r.try_get("photo_count")?,
                first_photo: r.try_get("first_photo")?,
            })
        })
        .collect()
}

pub fn check_view(view: &str) -> Result<&'static str> {
    PHOTO_VIEWS.iter().map(|(v, _, _)| *v).find(|v| *v == view).ok_or_else(|| {
        Error::invalid("view", "Hãy chọn góc chụp: chính diện, bên cạnh, từ trên xuống hoặc ảnh khác.", "Choose the view: front, side, top or other.")
    })
}

/// Photos accepted for a product (colour photos; PDF is not a photo).
pub fn photo_types() -> Vec<String> {
    ["image/jpeg", "image/png", "image/webp"].iter().map(|s| s.to_string()).collect()
}

/// Records an uploaded photo (already in the file store) for a product the caller may edit.
pub async fn add_photo(
    db: &Db,
    data_dir: &Path,
    user: &CurrentUser,
    meta: &RequestMeta,
    product_id: i64,
    view: &str,
    file_name: &str,
    received: &Received,
) -> Result<i64> {
    editable(db, user, product_id).await?;
    let view = check_view(view)?;
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM product_photos WHERE product_id = $1")
        .bind(product_id)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    if n >= 20 {
        return Err(Error::invalid("file", "Mỗi sản phẩm có tối đa 20 ảnh. Hãy xóa bớt ảnh cũ.", "A product has at most 20 photos. Remove some first."));
    }
    let name = files::clean_name(file_name);
    let mut tx = db.begin().await?;
    let file_id = files::record(&mut tx, data_dir, received).await?;
    let id: i64 = sqlx::query(
        "INSERT INTO product_photos (product_id, file_id, view, file_name, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(product_id)
    .bind(file_id)
    .bind(view)
    .bind(&name)
    .bind(db::now())
    .bind(user.id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "product.photo_add",
        "product",
        Some(&product_id.to_string()),
        None,
        Some(json!({"photo_id": id, "view": view, "file_name": name, "sha256": received.sha256, "size": received.size})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn remove_photo(db: &Db, user: &CurrentUser, meta: &RequestMeta, photo_id: i64) -> Result<()> {
    let r = sqlx::query("SELECT product_id, view, file_name FROM product_photos WHERE id = $1")
        .bind(photo_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?;
    let product_id: i64 = r.try_get("product_id")?;
    editable(db, user, product_id).await?;
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM product_photos WHERE id = $1").bind(photo_id).execute(&mut *tx).await?;
    audit::record(
        &mut tx,
        &user.actor(meta.ip.clone(), meta.request_id.clone()),
        "product.photo_remove",
        "product",
        Some(&product_id.to_string()),
        Some(json!({"photo_id": photo_id, "view": r.try_get::<String, _>("view")?, "file_name": r.try_get::<String, _>("file_name")?})),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The stored file behind a photo, for a caller who may see the product.
pub async fn photo_file(db: &Db, user: &CurrentUser, photo_id: i64) -> Result<(i64, String)> {
    let r = sqlx::query("SELECT product_id, file_id, file_name FROM product_photos WHERE id = $1")
        .bind(photo_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?;
    visible(db, user, r.try_get("product_id")?).await?;
    Ok((r.try_get("file_id")?, r.try_get("file_name")?))
}
