//! All SQL of the catalog.

use chrono::{DateTime, NaiveDate, Utc};
use kernel::id::CategoryId;
use sqlx::PgConnection;

use crate::model::{Category, VatRate, VatRateCode};

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
            // The column's CHECK constraint admits only these codes.
            let code = match row.code.as_str() {
                "standard" => VatRateCode::Standard,
                "reduced" => VatRateCode::Reduced,
                "zero" => VatRateCode::Zero,
                _ => return None,
            };
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
