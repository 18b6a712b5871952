//! All SQL of the catalog.

use chrono::{DateTime, NaiveDate, Utc};
use kernel::id::CategoryId;
use kernel::id::{LocationId, ProductId, VariantId, VendorId};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use sqlx::types::Json;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use std::collections::BTreeMap;

use crate::model::{Category, Safety, SearchSort, VatRate, VatRateCode};
use crate::pricing::{PriceChange, PriceSpan, Reduction};
use kernel::money::Money;

/// Serialises changes to the category tree (they are rare), so that two concurrent moves
/// can never build a cycle between them.
pub async fn lock_category_tree(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtextextended('marketplace.categories', 0))")
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn all_categories(conn: &mut PgConnection) -> Result<Vec<Category>, sqlx::Error> {
    sqlx::query_as!(
        Category,
        r#"SELECT id AS "id: CategoryId", parent_id AS "parent_id: CategoryId", slug, name,
                  archived_at, created_at, updated_at
           FROM categories ORDER BY name, id"#
    )
    .fetch_all(conn)
    .await
}

pub async fn fetch_category(
    conn: &mut PgConnection,
    id: CategoryId,
) -> Result<Option<Category>, sqlx::Error> {
    sqlx::query_as!(
        Category,
        r#"SELECT id AS "id: CategoryId", parent_id AS "parent_id: CategoryId", slug, name,
                  archived_at, created_at, updated_at
           FROM categories WHERE id = $1"#,
        id.0,
    )
    .fetch_optional(conn)
    .await
}

/// Inserts a category unless the slug is taken; `false` when it is.
pub async fn insert_category(
    conn: &mut PgConnection,
    id: CategoryId,
    parent_id: Option<CategoryId>,
    slug: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
        "INSERT INTO categories (id, parent_id, slug, name, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (slug) DO NOTHING",
        id.0,
        parent_id.map(|parent| parent.0),
        slug,
        name,
        now,
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub async fn update_category(
    conn: &mut PgConnection,
    id: CategoryId,
    parent_id: Option<CategoryId>,
    slug: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE categories SET parent_id = $2, slug = $3, name = $4, updated_at = $5
         WHERE id = $1",
        id.0,
        parent_id.map(|parent| parent.0),
        slug,
        name,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether `ancestor` is `category` itself or above it in the tree.
pub async fn is_self_or_ancestor(
    conn: &mut PgConnection,
    ancestor: CategoryId,
    category: CategoryId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"WITH RECURSIVE up AS (
               SELECT id, parent_id FROM categories WHERE id = $2
               UNION
               SELECT c.id, c.parent_id FROM categories c JOIN up ON c.id = up.parent_id
           )
           SELECT EXISTS (SELECT 1 FROM up WHERE id = $1) AS "found!""#,
        ancestor.0,
        category.0,
    )
    .fetch_one(conn)
    .await
}

pub async fn has_active_children(
    conn: &mut PgConnection,
    id: CategoryId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM categories WHERE parent_id = $1 AND archived_at IS NULL)
           AS "found!""#,
        id.0,
    )
    .fetch_one(conn)
    .await
}

pub async fn delete_category(conn: &mut PgConnection, id: CategoryId) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM categories WHERE id = $1", id.0)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn archive_category(
    conn: &mut PgConnection,
    id: CategoryId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE categories SET archived_at = $2, updated_at = $2 WHERE id = $1",
        id.0,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The VAT rates valid on `date`, highest first.
pub async fn vat_rates_on(
    conn: &mut PgConnection,
    date: NaiveDate,
) -> Result<Vec<VatRate>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT code, percent, valid_from, valid_until, description FROM vat_rates
         WHERE valid_from <= $1 AND (valid_until IS NULL OR valid_until >= $1)
         ORDER BY percent DESC, code",
        date,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            // The column's CHECK constraint admits only known codes.
            let code = VatRateCode::parse(&row.code)?;
            // Always two places ("0.00"): PostgreSQL sends zero without a scale.
            let mut percent = row.percent;
            percent.rescale(2);
            Some(VatRate {
                code,
                percent,
                valid_from: row.valid_from,
                valid_until: row.valid_until,
                description: row.description,
            })
        })
        .collect())
}

/// A product as stored.
pub struct ProductRow {
    pub id: ProductId,
    pub vendor_id: VendorId,
    pub category_id: Option<CategoryId>,
    pub title: String,
    pub description: String,
    pub brand: Option<String>,
    pub images: Vec<String>,
    pub attributes: Json<BTreeMap<String, String>>,
    pub safety: Json<Safety>,
    pub withdrawal_exempt: Option<String>,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A variant as stored.
pub struct VariantRow {
    pub id: VariantId,
    pub product_id: ProductId,
    pub sku: String,
    pub options: Json<BTreeMap<String, String>>,
    pub gtin: Option<String>,
    pub price: Option<Decimal>,
    pub vat_rate: String,
    pub net_quantity: Option<Decimal>,
    pub unit: Option<String>,
    pub deposit: Option<Decimal>,
    pub weight_grams: Option<i32>,
}

pub async fn insert_product(conn: &mut PgConnection, row: &ProductRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO products (id, vendor_id, category_id, title, description, brand, images,
             attributes, safety, withdrawal_exempt, status, published_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        row.id.0,
        row.vendor_id.0,
        row.category_id.map(|id| id.0),
        row.title,
        row.description,
        row.brand,
        &row.images,
        &row.attributes as _,
        &row.safety as _,
        row.withdrawal_exempt,
        row.status,
        row.published_at,
        row.created_at,
        row.updated_at,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts a variant unless the vendor already has its SKU; `false` when it has.
pub async fn insert_variant(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    position: i32,
    row: &VariantRow,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
        "INSERT INTO product_variants (id, product_id, vendor_id, sku, options, gtin, price,
             vat_rate, net_quantity, unit, deposit, weight_grams, position, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
         ON CONFLICT (vendor_id, sku) DO NOTHING",
        row.id.0,
        row.product_id.0,
        vendor_id.0,
        row.sku,
        &row.options as _,
        row.gtin,
        row.price,
        row.vat_rate,
        row.net_quantity,
        row.unit,
        row.deposit,
        row.weight_grams,
        position,
        now,
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Appends to the price history.
pub async fn record_price(
    conn: &mut PgConnection,
    variant_id: VariantId,
    price: Decimal,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO price_history (id, variant_id, price, valid_from) VALUES ($1, $2, $3, $4)",
        uuid::Uuid::now_v7(),
        variant_id.0,
        price,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A product customers may see: active and not restricted by a moderation decision.
pub struct ListingRow {
    pub vendor_id: VendorId,
    pub title: String,
}

pub async fn fetch_listing(
    conn: &mut PgConnection,
    id: ProductId,
) -> Result<Option<ListingRow>, sqlx::Error> {
    sqlx::query_as!(
        ListingRow,
        r#"SELECT vendor_id AS "vendor_id: VendorId", title
           FROM products WHERE id = $1 AND status = 'active' AND moderation IS NULL"#,
        id.0,
    )
    .fetch_optional(conn)
    .await
}

/// Restricts a product after a notice (`hidden` or `removed`). Returns whether it existed.
pub async fn set_moderation(
    conn: &mut PgConnection,
    id: ProductId,
    moderation: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        // A removal is final: a later "hide" does not soften it.
        "UPDATE products
         SET moderation = CASE WHEN moderation = 'removed' THEN moderation ELSE $2 END,
             updated_at = $3
         WHERE id = $1",
        id.0,
        moderation,
        now,
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn fetch_product(
    conn: &mut PgConnection,
    id: ProductId,
) -> Result<Option<ProductRow>, sqlx::Error> {
    sqlx::query_as!(
        ProductRow,
        r#"SELECT id AS "id: ProductId", vendor_id AS "vendor_id: VendorId",
                  category_id AS "category_id: CategoryId", title, description, brand, images,
                  attributes AS "attributes: Json<BTreeMap<String, String>>",
                  safety AS "safety: Json<Safety>", withdrawal_exempt, status, published_at,
                  created_at, updated_at
           FROM products WHERE id = $1"#,
        id.0,
    )
    .fetch_optional(conn)
    .await
}

/// A vendor's products, newest first, after the `(created_at, id)` cursor.
pub async fn list_products(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    after: Option<(DateTime<Utc>, ProductId)>,
    limit: i64,
) -> Result<Vec<ProductRow>, sqlx::Error> {
    let (after_at, after_id) = after.map(|(at, id)| (at, id.0)).unzip();
    sqlx::query_as!(
        ProductRow,
        r#"SELECT id AS "id: ProductId", vendor_id AS "vendor_id: VendorId",
                  category_id AS "category_id: CategoryId", title, description, brand, images,
                  attributes AS "attributes: Json<BTreeMap<String, String>>",
                  safety AS "safety: Json<Safety>", withdrawal_exempt, status, published_at,
                  created_at, updated_at
           FROM products
           WHERE vendor_id = $1
             AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
           ORDER BY created_at DESC, id DESC
           LIMIT $4"#,
        vendor_id.0,
        after_at,
        after_id,
        limit,
    )
    .fetch_all(conn)
    .await
}

/// The variants of these products, in their order.
pub async fn variants_of(
    conn: &mut PgConnection,
    products: &[ProductId],
) -> Result<Vec<VariantRow>, sqlx::Error> {
    let ids: Vec<uuid::Uuid> = products.iter().map(|id| id.0).collect();
    sqlx::query_as!(
        VariantRow,
        r#"SELECT id AS "id: VariantId", product_id AS "product_id: ProductId", sku,
                  options AS "options: Json<BTreeMap<String, String>>", gtin, price, vat_rate,
                  net_quantity, unit, deposit, weight_grams
           FROM product_variants WHERE product_id = ANY($1)
           ORDER BY product_id, position"#,
        &ids,
    )
    .fetch_all(conn)
    .await
}

pub async fn publish_product(
    conn: &mut PgConnection,
    id: ProductId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE products SET status = 'active', published_at = COALESCE(published_at, $2),
             updated_at = $2
         WHERE id = $1",
        id.0,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The price history of these variants, oldest first.
pub async fn price_histories(
    conn: &mut PgConnection,
    variants: &[VariantId],
) -> Result<Vec<(VariantId, PriceChange)>, sqlx::Error> {
    let ids: Vec<uuid::Uuid> = variants.iter().map(|id| id.0).collect();
    let rows = sqlx::query!(
        r#"SELECT variant_id AS "variant_id: VariantId", price, valid_from
           FROM price_history WHERE variant_id = ANY($1) ORDER BY valid_from, id"#,
        &ids,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.variant_id,
                PriceChange {
                    at: row.valid_from,
                    price: Money::rounded(row.price),
                },
            )
        })
        .collect())
}

/// The reductions of these variants, by start.
pub async fn reductions_of(
    conn: &mut PgConnection,
    variants: &[VariantId],
) -> Result<Vec<(VariantId, Reduction)>, sqlx::Error> {
    let ids: Vec<uuid::Uuid> = variants.iter().map(|id| id.0).collect();
    let rows = sqlx::query!(
        r#"SELECT variant_id AS "variant_id: VariantId", price, starts_at, ends_at
           FROM price_reductions WHERE variant_id = ANY($1) ORDER BY starts_at"#,
        &ids,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.variant_id,
                Reduction {
                    price: Money::rounded(row.price),
                    starts_at: row.starts_at,
                    ends_at: row.ends_at,
                },
            )
        })
        .collect())
}

/// The vendor's variant with this SKU, locked until the transaction ends.
pub async fn lock_variant_by_sku(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    sku: &str,
) -> Result<Option<VariantRow>, sqlx::Error> {
    sqlx::query_as!(
        VariantRow,
        r#"SELECT id AS "id: VariantId", product_id AS "product_id: ProductId", sku,
                  options AS "options: Json<BTreeMap<String, String>>", gtin, price, vat_rate,
                  net_quantity, unit, deposit, weight_grams
           FROM product_variants WHERE vendor_id = $1 AND sku = $2 FOR UPDATE"#,
        vendor_id.0,
        sku,
    )
    .fetch_optional(conn)
    .await
}

pub async fn set_variant_price(
    conn: &mut PgConnection,
    id: VariantId,
    price: Decimal,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE product_variants SET price = $2, updated_at = $3 WHERE id = $1",
        id.0,
        price,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts a reduction; an overlap with another of the variant fails with an exclusion
/// violation (`price_reductions_no_overlap`).
pub async fn insert_reduction(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    variant_id: VariantId,
    reduction: &Reduction,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO price_reductions (id, variant_id, price, starts_at, ends_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        variant_id.0,
        reduction.price.amount(),
        reduction.starts_at,
        reduction.ends_at,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// `(sku, variant)` of the vendor's variants with these SKUs.
pub async fn variants_by_skus(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    skus: &[String],
) -> Result<Vec<(String, VariantId)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT sku, id AS "id: VariantId" FROM product_variants
           WHERE vendor_id = $1 AND sku = ANY($2)"#,
        vendor_id.0,
        skus,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|row| (row.sku, row.id)).collect())
}

/// Sets on-hand stock; returns `(before, after)`, or `None` when it would fall below what
/// is reserved.
pub async fn set_stock(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    variant_id: VariantId,
    location_id: LocationId,
    on_hand: i32,
    now: DateTime<Utc>,
) -> Result<Option<(i32, i32)>, sqlx::Error> {
    // Locks an existing row first, so that `before` is the count this change replaces.
    let before = sqlx::query_scalar!(
        "SELECT on_hand FROM stock WHERE variant_id = $1 AND location_id = $2 FOR UPDATE",
        variant_id.0,
        location_id.0,
    )
    .fetch_optional(&mut *conn)
    .await?
    .unwrap_or(0);
    let after = sqlx::query_scalar!(
        "INSERT INTO stock (variant_id, location_id, vendor_id, on_hand, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (variant_id, location_id) DO UPDATE
             SET on_hand = EXCLUDED.on_hand, updated_at = EXCLUDED.updated_at
             WHERE stock.reserved <= EXCLUDED.on_hand
         RETURNING on_hand",
        variant_id.0,
        location_id.0,
        vendor_id.0,
        on_hand,
        now,
    )
    .fetch_optional(conn)
    .await?;
    Ok(after.map(|after| (before, after)))
}

/// Adds `delta` to on-hand stock in one statement (concurrent adjustments never lose an
/// update); returns the new on-hand count, or `None` when it would fall below what is
/// reserved (or below zero).
pub async fn adjust_stock(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    variant_id: VariantId,
    location_id: LocationId,
    delta: i32,
    now: DateTime<Utc>,
) -> Result<Option<i32>, sqlx::Error> {
    if delta >= 0 {
        sqlx::query_scalar!(
            "INSERT INTO stock (variant_id, location_id, vendor_id, on_hand, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (variant_id, location_id) DO UPDATE
                 SET on_hand = stock.on_hand + EXCLUDED.on_hand, updated_at = EXCLUDED.updated_at
             RETURNING on_hand",
            variant_id.0,
            location_id.0,
            vendor_id.0,
            delta,
            now,
        )
        .fetch_optional(conn)
        .await
    } else {
        sqlx::query_scalar!(
            "UPDATE stock SET on_hand = on_hand + $3, updated_at = $4
             WHERE variant_id = $1 AND location_id = $2 AND on_hand + $3 >= reserved
             RETURNING on_hand",
            variant_id.0,
            location_id.0,
            delta,
            now,
        )
        .fetch_optional(conn)
        .await
    }
}

pub async fn record_movement(
    conn: &mut PgConnection,
    variant_id: VariantId,
    location_id: LocationId,
    delta: i32,
    reason: &str,
    on_hand_after: i32,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO stock_movements
             (id, variant_id, location_id, delta, reason, on_hand_after, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        uuid::Uuid::now_v7(),
        variant_id.0,
        location_id.0,
        delta,
        reason,
        on_hand_after,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct StockRow {
    pub sku: String,
    pub location_id: LocationId,
    pub on_hand: i32,
    pub reserved: i32,
}

/// The vendor's stock (of one SKU, or all), by SKU and location, after the cursor.
pub async fn stock_levels(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    sku: Option<&str>,
    after: Option<(String, LocationId)>,
    limit: i64,
) -> Result<Vec<StockRow>, sqlx::Error> {
    let (after_sku, after_location) = after.map(|(sku, id)| (sku, id.0)).unzip();
    sqlx::query_as!(
        StockRow,
        r#"SELECT v.sku, s.location_id AS "location_id: LocationId", s.on_hand, s.reserved
           FROM stock s JOIN product_variants v ON v.id = s.variant_id
           WHERE s.vendor_id = $1
             AND ($2::text IS NULL OR v.sku = $2)
             AND ($3::text IS NULL OR (v.sku, s.location_id) > ($3, $4::uuid))
           ORDER BY v.sku, s.location_id
           LIMIT $5"#,
        vendor_id.0,
        sku,
        after_sku,
        after_location,
        limit,
    )
    .fetch_all(conn)
    .await
}

/// One stock level, for answering an adjustment.
pub async fn stock_level(
    conn: &mut PgConnection,
    variant_id: VariantId,
    location_id: LocationId,
) -> Result<Option<StockRow>, sqlx::Error> {
    sqlx::query_as!(
        StockRow,
        r#"SELECT v.sku, s.location_id AS "location_id: LocationId", s.on_hand, s.reserved
           FROM stock s JOIN product_variants v ON v.id = s.variant_id
           WHERE s.variant_id = $1 AND s.location_id = $2"#,
        variant_id.0,
        location_id.0,
    )
    .fetch_optional(conn)
    .await
}

/// Replaces the editable fields of a product (not its status).
pub async fn update_product(conn: &mut PgConnection, row: &ProductRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE products SET category_id = $2, title = $3, description = $4, brand = $5,
             images = $6, attributes = $7, safety = $8, withdrawal_exempt = $9, updated_at = $10
         WHERE id = $1",
        row.id.0,
        row.category_id.map(|id| id.0),
        row.title,
        row.description,
        row.brand,
        &row.images,
        &row.attributes as _,
        &row.safety as _,
        row.withdrawal_exempt,
        row.updated_at,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the fields of an existing variant (keeps its id, SKU and position).
pub async fn update_variant(
    conn: &mut PgConnection,
    id: VariantId,
    row: &VariantRow,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE product_variants SET options = $2, gtin = $3, price = $4, vat_rate = $5,
             net_quantity = $6, unit = $7, deposit = $8, weight_grams = $9, updated_at = $10
         WHERE id = $1",
        id.0,
        &row.options as _,
        row.gtin,
        row.price,
        row.vat_rate,
        row.net_quantity,
        row.unit,
        row.deposit,
        row.weight_grams,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The position after the product's last variant.
pub async fn next_variant_position(
    conn: &mut PgConnection,
    product_id: ProductId,
) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT COALESCE(max(position) + 1, 0) AS "next!" FROM product_variants
           WHERE product_id = $1"#,
        product_id.0,
    )
    .fetch_one(conn)
    .await
}

/// Locks the product that has a variant with this SKU, so price writes to one product are
/// serialised (the price timeline is rewritten from all its variants). Always taken before
/// variant locks; `NO KEY`, so rows referring to the product can still be inserted.
pub async fn lock_product_of_sku(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    sku: &str,
) -> Result<Option<ProductId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT p.id AS "id: ProductId"
           FROM products p JOIN product_variants v ON v.product_id = p.id
           WHERE v.vendor_id = $1 AND v.sku = $2
           FOR NO KEY UPDATE OF p"#,
        vendor_id.0,
        sku,
    )
    .fetch_optional(conn)
    .await
}

/// Locks the products that have variants with these SKUs, in the order of their ids.
pub async fn lock_products_of_skus(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    skus: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT p.id FROM products p JOIN product_variants v ON v.product_id = p.id
         WHERE v.vendor_id = $1 AND v.sku = ANY($2)
         ORDER BY p.id
         FOR NO KEY UPDATE OF p",
        vendor_id.0,
        skus,
    )
    .fetch_all(conn)
    .await?;
    Ok(())
}

/// Replaces the product's price timeline with `spans`.
pub async fn replace_price_timeline(
    conn: &mut PgConnection,
    product_id: ProductId,
    spans: &[PriceSpan],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM product_prices WHERE product_id = $1",
        product_id.0
    )
    .execute(&mut *conn)
    .await?;
    let prices: Vec<Decimal> = spans.iter().map(|span| span.price.amount()).collect();
    let froms: Vec<DateTime<Utc>> = spans.iter().map(|span| span.from).collect();
    let untils: Vec<Option<DateTime<Utc>>> = spans.iter().map(|span| span.until).collect();
    sqlx::query!(
        r#"INSERT INTO product_prices (product_id, price, during)
           SELECT $1, price, tstzrange(starts, ends)
           FROM unnest($2::numeric[], $3::timestamptz[], $4::timestamptz[]) AS s(price, starts, ends)"#,
        product_id.0,
        &prices,
        &froms,
        &untils as &[Option<DateTime<Utc>>],
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What a store (or several) has of each variant of these products: `(variant, location,
/// available)` for active locations, where something is available.
pub async fn available_stock(
    conn: &mut PgConnection,
    products: &[ProductId],
) -> Result<Vec<(ProductId, VariantId, LocationId, i32)>, sqlx::Error> {
    let ids: Vec<uuid::Uuid> = products.iter().map(|id| id.0).collect();
    let rows = sqlx::query!(
        r#"SELECT v.product_id AS "product_id: ProductId", s.variant_id AS "variant_id: VariantId",
                  s.location_id AS "location_id: LocationId", s.on_hand - s.reserved AS "available!"
           FROM product_variants v
           JOIN stock s ON s.variant_id = v.id AND s.on_hand > s.reserved
           JOIN vendor_locations l ON l.id = s.location_id AND l.archived_at IS NULL
           WHERE v.product_id = ANY($1) AND v.price IS NOT NULL"#,
        &ids,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.product_id,
                row.variant_id,
                row.location_id,
                row.available,
            )
        })
        .collect())
}

/// A category or vendor named by id or by slug.
#[derive(Debug, Clone)]
pub enum IdOrSlug {
    Id(uuid::Uuid),
    Slug(String),
}

/// Who may be found where: the stores (id, vendor, distance) a product must be available at
/// or near, when `near` or `pickup_today` restrict them.
#[derive(Debug, Clone, Copy)]
pub struct StoreFilter<'a> {
    pub stores: &'a [vendor::service::Place],
    /// The product must be available at one of the stores, not just its shop be there.
    pub stock_required: bool,
}

/// The validated filters of a public product search.
#[derive(Debug, Clone)]
pub struct SearchFilter<'a> {
    pub q: Option<&'a str>,
    /// Also match close spellings of `q` (trigram word similarity). Costly for short words
    /// on a large catalog, so searches use it only when nothing matches exactly.
    pub typo_tolerant: bool,
    /// A category with all its active sub-categories.
    pub categories: Option<Vec<CategoryId>>,
    pub vendor: Option<IdOrSlug>,
    pub min_price: Option<Decimal>,
    pub max_price: Option<Decimal>,
    pub in_stock: bool,
    pub stores: Option<StoreFilter<'a>>,
    pub now: DateTime<Utc>,
}

/// The order of search results and where a page starts: each sort's key and the id.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum SearchPosition {
    Relevance(Decimal, ProductId),
    PriceAsc(Decimal, ProductId),
    PriceDesc(Decimal, ProductId),
    Newest(DateTime<Utc>, ProductId),
    Distance(Decimal, ProductId),
}

/// A product found, with its sort keys.
#[derive(Debug, sqlx::FromRow)]
pub struct SearchRow {
    pub id: ProductId,
    pub title: String,
    pub brand: Option<String>,
    pub image: Option<String>,
    pub category_id: Option<CategoryId>,
    pub published_at: DateTime<Utc>,
    pub vendor_id: VendorId,
    pub vendor_slug: String,
    pub vendor_name: String,
    pub small_business: bool,
    pub price: Decimal,
    /// Kilometres to the nearest matching store, to the metre.
    pub distance_km: Option<Decimal>,
    pub relevance: Option<Decimal>,
}

/// Pushes the query of all products matching `filter` (active, of approved vendors, with a
/// price now), one row each with the columns of [`SearchRow`]. The page query and the facet
/// counts both select from it.
fn push_matches(sql: &mut QueryBuilder<'_, Postgres>, filter: &SearchFilter<'_>) {
    sql.push(
        "SELECT p.id, p.title, p.brand, p.images[1] AS image, p.category_id, p.published_at,
                v.id AS vendor_id, v.slug AS vendor_slug, v.display_name AS vendor_name,
                v.small_business, pp.price, ",
    );
    match filter.stores {
        Some(_) => sql.push("loc.distance_km, "),
        None => sql.push("NULL::numeric AS distance_km, "),
    };
    match filter.q {
        Some(q) => sql
            .push("round((ts_rank(p.search_vector, websearch_to_tsquery('german', fold_german(")
            .push_bind(q.to_owned())
            .push("))) + word_similarity(fold_german(")
            .push_bind(q.to_owned())
            .push("), p.search_text))::numeric, 6) AS relevance "),
        None => sql.push("NULL::numeric AS relevance "),
    };
    sql.push("FROM ");
    if let Some(stores) = filter.stores {
        let ids: Vec<uuid::Uuid> = stores.stores.iter().map(|store| store.id.0).collect();
        let vendors: Vec<uuid::Uuid> = stores.stores.iter().map(|s| s.vendor_id.0).collect();
        // To the metre, so that equal distances compare equal in cursors.
        let distances: Vec<Option<Decimal>> = stores
            .stores
            .iter()
            .map(|s| {
                s.distance_km
                    .and_then(Decimal::from_f64)
                    .map(|km| km.round_dp(3))
            })
            .collect();
        let places = |sql: &mut QueryBuilder<'_, Postgres>| {
            sql.push("unnest(")
                .push_bind(ids.clone())
                .push("::uuid[], ")
                .push_bind(vendors.clone())
                .push("::uuid[], ")
                .push_bind(distances.clone())
                .push("::numeric[]) AS place(id, vendor_id, distance_km) ");
        };
        // Nearest first, so that `sort=distance` reads only the nearest shops' products.
        if stores.stock_required {
            // Products available at one of the stores, with the nearest such store.
            sql.push("(SELECT pv.product_id, min(place.distance_km) AS distance_km FROM ");
            places(sql);
            sql.push(
                "JOIN stock s ON s.location_id = place.id AND s.on_hand > s.reserved
                 JOIN product_variants pv ON pv.id = s.variant_id AND pv.price IS NOT NULL
                 GROUP BY pv.product_id ORDER BY 2) loc
                 JOIN ",
            );
            push_products(sql, filter);
            sql.push("ON p.id = loc.product_id ");
        } else {
            // Products of shops with one of the stores, with the nearest one.
            sql.push("(SELECT place.vendor_id, min(place.distance_km) AS distance_km FROM ");
            places(sql);
            sql.push("GROUP BY place.vendor_id ORDER BY 2) loc JOIN ");
            push_products(sql, filter);
            sql.push("ON p.vendor_id = loc.vendor_id ");
        }
    } else {
        push_products(sql, filter);
    }
    sql.push(
        "JOIN vendors v ON v.id = p.vendor_id AND v.status = 'approved'
         JOIN product_prices pp ON pp.product_id = p.id AND pp.during @> ",
    )
    .push_bind(filter.now)
    .push("::timestamptz ");
    sql.push("WHERE p.status = 'active' AND p.moderation IS NULL ");
    if let Some(q) = filter.q {
        // Stemmed words, the text inside a word ("mühle" in "Kaffeemühle"), or with
        // `typo_tolerant` a close spelling ("Kaffemühle").
        sql.push("AND (p.search_vector @@ websearch_to_tsquery('german', fold_german(")
            .push_bind(q.to_owned())
            .push(")) OR p.search_text LIKE fold_german(")
            .push_bind(kernel::db::contains_pattern(q))
            .push(")");
        if filter.typo_tolerant {
            sql.push(" OR fold_german(")
                .push_bind(q.to_owned())
                .push(") <% p.search_text");
        }
        sql.push(") ");
    }
    // Without `q` the categories were applied in `push_products`.
    if let (Some(categories), Some(_)) = (&filter.categories, filter.q) {
        sql.push("AND ");
        push_in_categories(sql, categories);
    }
    if let Some(vendor) = &filter.vendor {
        sql.push("AND v.");
        push_id_or_slug(sql, vendor);
    }
    if let Some(min) = filter.min_price {
        sql.push("AND pp.price >= ").push_bind(min).push(" ");
    }
    if let Some(max) = filter.max_price {
        sql.push("AND pp.price <= ").push_bind(max).push(" ");
    }
    if filter.in_stock && filter.stores.is_none_or(|stores| !stores.stock_required) {
        sql.push(
            "AND EXISTS (SELECT 1 FROM product_variants pv
                         JOIN stock s ON s.variant_id = pv.id AND s.on_hand > s.reserved
                         JOIN vendor_locations l ON l.id = s.location_id AND l.archived_at IS NULL
                         WHERE pv.product_id = p.id AND pv.price IS NOT NULL) ",
        );
    }
}

/// `products p`, or without `q` only the products of the categories. The `OFFSET 0` keeps
/// the planner from walking the price or date index through the whole catalog in search of
/// a category's products (prices and categories correlate: a category of bicycles has no
/// cheap products); a category's products are found by its index and sorted instead.
fn push_products(sql: &mut QueryBuilder<'_, Postgres>, filter: &SearchFilter<'_>) {
    match (&filter.categories, filter.q) {
        (Some(categories), None) => {
            sql.push("(SELECT * FROM products p WHERE ");
            push_in_categories(sql, categories);
            sql.push("OFFSET 0) p ");
        }
        _ => {
            sql.push("products p ");
        }
    }
}

fn push_in_categories(sql: &mut QueryBuilder<'_, Postgres>, categories: &[CategoryId]) {
    let ids: Vec<uuid::Uuid> = categories.iter().map(|id| id.0).collect();
    sql.push("p.category_id = ANY(").push_bind(ids).push(") ");
}

fn push_id_or_slug(sql: &mut QueryBuilder<'_, Postgres>, key: &IdOrSlug) {
    match key {
        IdOrSlug::Id(id) => sql.push("id = ").push_bind(*id).push(" "),
        IdOrSlug::Slug(slug) => sql.push("slug = ").push_bind(slug.clone()).push(" "),
    };
}

/// The active category named by id or slug and its active sub-categories, at any depth;
/// empty when there is no such category.
pub async fn category_subtree(
    conn: &mut PgConnection,
    key: &IdOrSlug,
) -> Result<Vec<CategoryId>, sqlx::Error> {
    let (id, slug) = match key {
        IdOrSlug::Id(id) => (Some(*id), None),
        IdOrSlug::Slug(slug) => (None, Some(slug.as_str())),
    };
    sqlx::query_scalar!(
        r#"WITH RECURSIVE subtree AS (
               SELECT id FROM categories
               WHERE archived_at IS NULL AND (id = $1 OR slug = $2)
               UNION
               SELECT c.id FROM categories c JOIN subtree ON c.parent_id = subtree.id
               WHERE c.archived_at IS NULL
           )
           SELECT id AS "id!: CategoryId" FROM subtree"#,
        id,
        slug,
    )
    .fetch_all(conn)
    .await
}

/// One page of products matching `filter`, in the order of `sort`, after `after`.
pub async fn search_products(
    conn: &mut PgConnection,
    filter: &SearchFilter<'_>,
    sort: SearchSort,
    after: Option<SearchPosition>,
    limit: i64,
) -> Result<Vec<SearchRow>, sqlx::Error> {
    let (key, descending) = match sort {
        SearchSort::Relevance => ("relevance", true),
        SearchSort::PriceAsc => ("price", false),
        SearchSort::PriceDesc => ("price", true),
        SearchSort::Newest => ("published_at", true),
        SearchSort::Distance => ("distance_km", false),
    };
    let mut sql = QueryBuilder::new("SELECT * FROM (");
    push_matches(&mut sql, filter);
    sql.push(") found ");
    if let Some(after) = after {
        let op = if descending { "<" } else { ">" };
        match after {
            SearchPosition::Relevance(value, id)
            | SearchPosition::PriceAsc(value, id)
            | SearchPosition::PriceDesc(value, id)
            | SearchPosition::Distance(value, id) => push_after(&mut sql, key, op, value, id),
            SearchPosition::Newest(value, id) => push_after(&mut sql, key, op, value, id),
        }
    }
    let direction = if descending { "DESC" } else { "ASC" };
    sql.push(format_args!(
        "ORDER BY found.{key} {direction}, found.id LIMIT "
    ))
    .push_bind(limit);
    // Not kept as a prepared statement: a generic plan cannot see whether `q` is a rare or
    // a common word, or how many stores there are, and picks badly for one or the other.
    sql.build_query_as::<SearchRow>()
        .persistent(false)
        .fetch_all(conn)
        .await
}

/// `WHERE (key, id)` comes after `(value, id)` in the order of `op` on the key and
/// ascending ids.
fn push_after<'a, T>(
    sql: &mut QueryBuilder<'a, Postgres>,
    key: &str,
    op: &str,
    value: T,
    id: ProductId,
) where
    T: 'a + Clone + sqlx::Encode<'a, Postgres> + sqlx::Type<Postgres>,
{
    sql.push(format_args!("WHERE (found.{key} {op} "))
        .push_bind(value.clone())
        .push(format_args!(" OR (found.{key} = "))
        .push_bind(value)
        .push(" AND found.id > ")
        .push_bind(id.0)
        .push(")) ");
}

/// What a facet count is of.
#[derive(Debug, sqlx::FromRow)]
pub struct FacetRow {
    /// `category`, `vendor` or `price`.
    pub facet: String,
    /// The category's or vendor's id, or the price band's index.
    pub key: String,
    pub slug: Option<String>,
    pub name: Option<String>,
    pub count: i64,
}

/// Counts of all products matching `filter` by category, vendor and price band (the bands
/// start at 0 and at each of `band_starts`, which are ascending).
pub async fn search_facets(
    conn: &mut PgConnection,
    filter: &SearchFilter<'_>,
    band_starts: &[Decimal],
) -> Result<Vec<FacetRow>, sqlx::Error> {
    let mut sql = QueryBuilder::new("WITH found AS (");
    push_matches(&mut sql, filter);
    sql.push(
        ")
        SELECT 'category' AS facet, c.id::text AS key, c.slug, c.name, count(*) AS count
        FROM found JOIN categories c ON c.id = found.category_id
        GROUP BY c.id
        UNION ALL
        SELECT 'vendor', vendor_id::text, vendor_slug, vendor_name, count(*)
        FROM found GROUP BY vendor_id, vendor_slug, vendor_name
        UNION ALL
        SELECT 'price', width_bucket(price, ",
    )
    .push_bind(band_starts.to_vec())
    .push("::numeric[])::text, NULL, NULL, count(*) FROM found GROUP BY 2");
    sql.build_query_as::<FacetRow>()
        .persistent(false)
        .fetch_all(conn)
        .await
}
