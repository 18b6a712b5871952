//! All SQL of the vendor domain.

use chrono::{DateTime, Utc};
use kernel::id::{AccountId, ApiKeyId, LocationId, VendorId};
use rust_decimal::Decimal;
use sqlx::types::Json;
use sqlx::PgConnection;

use crate::geo::PostalCodeCentroid;
use crate::hours::{DateException, WeeklyHours};

/// A vendor as stored.
#[derive(Debug, Clone)]
pub struct VendorRow {
    pub id: VendorId,
    pub slug: String,
    pub display_name: String,
    pub description: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub legal_name: String,
    pub legal_form: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub email: String,
    pub phone: String,
    pub register_court: Option<String>,
    pub register_number: Option<String>,
    pub vat_id: Option<String>,
    pub tax_number: Option<String>,
    pub small_business: bool,
    pub representative: String,
    pub payout_iban: String,
    pub payout_holder: String,
    pub submitted_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Kilometres from the `near` point of a listing to the nearest location.
    pub distance_km: Option<f64>,
}

/// The editable columns of a vendor, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorFields {
    pub display_name: String,
    pub description: String,
    pub legal_name: String,
    pub legal_form: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub email: String,
    pub phone: String,
    pub register_court: Option<String>,
    pub register_number: Option<String>,
    pub vat_id: Option<String>,
    pub tax_number: Option<String>,
    pub small_business: bool,
    pub representative: String,
    pub payout_iban: String,
    pub payout_holder: String,
}

/// Inserts a pending vendor unless the slug is taken; `false` when it is.
pub async fn insert_vendor(
    conn: &mut PgConnection,
    id: VendorId,
    slug: &str,
    fields: &VendorFields,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO vendors (
               id, slug, display_name, description, status, legal_name, legal_form, street,
               postal_code, city, country, email, phone, register_court, register_number, vat_id,
               tax_number, small_business, representative, payout_iban, payout_holder,
               self_certified_at, submitted_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                   $16, $17, $18, $19, $20, $21, $21, $21, $21)
           ON CONFLICT (slug) DO NOTHING
           RETURNING id"#,
        id.0,
        slug,
        fields.display_name,
        fields.description,
        fields.legal_name,
        fields.legal_form,
        fields.street,
        fields.postal_code,
        fields.city,
        fields.country,
        fields.email,
        fields.phone,
        fields.register_court,
        fields.register_number,
        fields.vat_id,
        fields.tax_number,
        fields.small_business,
        fields.representative,
        fields.payout_iban,
        fields.payout_holder,
        now,
    )
    .fetch_optional(conn)
    .await?;
    Ok(inserted.is_some())
}

pub async fn update_vendor(
    conn: &mut PgConnection,
    id: VendorId,
    fields: &VendorFields,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE vendors SET display_name = $2, description = $3, legal_name = $4,
             legal_form = $5, street = $6, postal_code = $7, city = $8, country = $9,
             email = $10, phone = $11, register_court = $12, register_number = $13,
             vat_id = $14, tax_number = $15, small_business = $16, representative = $17,
             payout_iban = $18, payout_holder = $19, updated_at = $20
         WHERE id = $1",
        id.0,
        fields.display_name,
        fields.description,
        fields.legal_name,
        fields.legal_form,
        fields.street,
        fields.postal_code,
        fields.city,
        fields.country,
        fields.email,
        fields.phone,
        fields.register_court,
        fields.register_number,
        fields.vat_id,
        fields.tax_number,
        fields.small_business,
        fields.representative,
        fields.payout_iban,
        fields.payout_holder,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The vendor's status; with `lock`, the row is locked until the transaction ends, which
/// serialises status changes and member changes of one vendor.
pub async fn vendor_status(
    conn: &mut PgConnection,
    id: VendorId,
    lock: bool,
) -> Result<Option<String>, sqlx::Error> {
    if lock {
        // `NO KEY`: it serialises the lockers, but rows referring to the vendor (a new
        // variant of a product being saved meanwhile) can still be inserted, so a publish and
        // a product save cannot deadlock on this row and the product's.
        sqlx::query_scalar!(
            "SELECT status FROM vendors WHERE id = $1 FOR NO KEY UPDATE",
            id.0
        )
        .fetch_optional(conn)
        .await
    } else {
        sqlx::query_scalar!("SELECT status FROM vendors WHERE id = $1", id.0)
            .fetch_optional(conn)
            .await
    }
}

pub async fn set_status(
    conn: &mut PgConnection,
    id: VendorId,
    status: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    // Entering `pending` again puts the application at the end of the review queue.
    sqlx::query!(
        "UPDATE vendors SET status = $2, status_reason = $3, updated_at = $4,
             submitted_at = CASE WHEN $2 = 'pending' THEN $4 ELSE submitted_at END
         WHERE id = $1",
        id.0,
        status,
        reason,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct StatusChangeRow {
    pub from_status: Option<String>,
    pub to_status: String,
    pub by_operator: bool,
    pub reason: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

pub async fn insert_status_change(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    from: Option<&str>,
    to: &str,
    actor: AccountId,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO vendor_status_changes
             (id, vendor_id, from_status, to_status, actor_id, reason, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        uuid::Uuid::now_v7(),
        vendor_id.0,
        from,
        to,
        actor.0,
        reason,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn status_history(
    conn: &mut PgConnection,
    vendor_id: VendorId,
) -> Result<Vec<StatusChangeRow>, sqlx::Error> {
    sqlx::query_as!(
        StatusChangeRow,
        r#"SELECT c.from_status, c.to_status, c.reason, c.occurred_at,
                  (a.role = 'operator') AS "by_operator!"
           FROM vendor_status_changes c JOIN accounts a ON a.id = c.actor_id
           WHERE c.vendor_id = $1
           ORDER BY c.occurred_at, c.id"#,
        vendor_id.0,
    )
    .fetch_all(conn)
    .await
}

/// A vendor by id, or an approved vendor by slug.
pub async fn fetch_vendor(
    conn: &mut PgConnection,
    by: VendorKey<'_>,
) -> Result<Option<VendorRow>, sqlx::Error> {
    let (id, slug) = match by {
        VendorKey::Id(id) => (Some(id.0), None),
        VendorKey::ApprovedSlug(slug) => (None, Some(slug)),
    };
    sqlx::query_as!(
        VendorRow,
        r#"SELECT id AS "id: VendorId", slug, display_name, description, status, status_reason,
                  legal_name, legal_form, street, postal_code, city, country, email::text AS "email!",
                  phone, register_court, register_number, vat_id, tax_number, small_business,
                  representative, payout_iban, payout_holder, submitted_at, created_at, updated_at,
                  NULL::float8 AS distance_km
           FROM vendors
           WHERE id = $1 OR (slug = $2 AND status = 'approved')"#,
        id,
        slug,
    )
    .fetch_optional(conn)
    .await
}

/// How a single vendor is looked up.
#[derive(Debug, Clone, Copy)]
pub enum VendorKey<'a> {
    Id(VendorId),
    ApprovedSlug(&'a str),
}

/// `%text%` for ILIKE, with the pattern's own wildcards escaped.
/// Position in the public vendor list: distance (when `near` is given), name, id.
pub type PublicCursor = (Option<f64>, String, VendorId);

/// Approved vendors matching `q` (a substring of the name, or German full-text search over
/// name and description). With `near` (a point and a radius in km), only vendors with a
/// location within the radius, nearest first; without, by name.
pub async fn list_public_vendors(
    conn: &mut PgConnection,
    near: Option<((f64, f64), f64)>,
    q: Option<&str>,
    after: Option<PublicCursor>,
    limit: i64,
) -> Result<Vec<VendorRow>, sqlx::Error> {
    let ((lat, lon), radius_km) = match near {
        Some(((lat, lon), radius)) => ((Some(lat), Some(lon)), Some(radius)),
        None => ((None, None), None),
    };
    let (after_distance, after_name, after_id) = match after {
        Some((distance, name, id)) => (distance, Some(name), Some(id.0)),
        None => (None, None, None),
    };
    sqlx::query_as!(
        VendorRow,
        r#"WITH nearest AS (
               SELECT l.vendor_id,
                      min(earth_distance(ll_to_earth($1, $2), ll_to_earth(l.latitude, l.longitude)))
                          / 1000.0 AS distance_km
               FROM vendor_locations l
               WHERE $1::float8 IS NOT NULL AND l.archived_at IS NULL
                 AND earth_box(ll_to_earth($1, $2), $3::float8 * 1000.0) @> ll_to_earth(l.latitude, l.longitude)
               GROUP BY l.vendor_id
           )
           SELECT v.id AS "id: VendorId", v.slug, v.display_name, v.description, v.status,
                  v.status_reason, v.legal_name, v.legal_form, v.street, v.postal_code, v.city,
                  v.country, v.email::text AS "email!", v.phone, v.register_court,
                  v.register_number, v.vat_id, v.tax_number, v.small_business, v.representative,
                  v.payout_iban, v.payout_holder, v.submitted_at, v.created_at, v.updated_at,
                  n.distance_km AS "distance_km?"
           FROM vendors v LEFT JOIN nearest n ON n.vendor_id = v.id
           WHERE v.status = 'approved'
             AND ($1::float8 IS NULL OR n.distance_km <= $3)
             AND ($4::text IS NULL OR v.display_name ILIKE $5
                  OR to_tsvector('german', v.display_name || ' ' || v.description)
                     @@ websearch_to_tsquery('german', $4))
             AND ($7::text IS NULL
                  OR (coalesce(n.distance_km, 0), v.display_name, v.id)
                     > (coalesce($6::float8, 0), $7, $8::uuid))
           ORDER BY coalesce(n.distance_km, 0), v.display_name, v.id
           LIMIT $9"#,
        lat,
        lon,
        radius_km,
        q,
        q.map(kernel::db::contains_pattern),
        after_distance,
        after_name,
        after_id,
        limit,
    )
    .fetch_all(conn)
    .await
}

pub struct ReviewRow {
    pub id: VendorId,
    pub slug: String,
    pub display_name: String,
    pub legal_name: String,
    pub status: String,
    pub submitted_at: DateTime<Utc>,
}

/// The operators' queue: vendors (of one status, or all), oldest submission first.
pub async fn list_for_review(
    conn: &mut PgConnection,
    status: Option<&str>,
    after: Option<(DateTime<Utc>, VendorId)>,
    limit: i64,
) -> Result<Vec<ReviewRow>, sqlx::Error> {
    let (after_at, after_id) = after.map(|(at, id)| (at, id.0)).unzip();
    sqlx::query_as!(
        ReviewRow,
        r#"SELECT id AS "id: VendorId", slug, display_name, legal_name, status, submitted_at
           FROM vendors
           WHERE ($1::text IS NULL OR status = $1)
             AND ($2::timestamptz IS NULL OR (submitted_at, id) > ($2, $3::uuid))
           ORDER BY submitted_at, id
           LIMIT $4"#,
        status,
        after_at,
        after_id,
        limit,
    )
    .fetch_all(conn)
    .await
}

pub struct MyVendorRow {
    pub id: VendorId,
    pub slug: String,
    pub display_name: String,
    pub status: String,
    pub role: String,
}

pub async fn vendors_of_account(
    conn: &mut PgConnection,
    account: AccountId,
) -> Result<Vec<MyVendorRow>, sqlx::Error> {
    sqlx::query_as!(
        MyVendorRow,
        r#"SELECT v.id AS "id: VendorId", v.slug, v.display_name, v.status, m.role
           FROM vendor_members m JOIN vendors v ON v.id = m.vendor_id
           WHERE m.account_id = $1
           ORDER BY v.display_name, v.id"#,
        account.0,
    )
    .fetch_all(conn)
    .await
}

/// `(vendor, role)` of every membership of the account.
pub async fn memberships(
    conn: &mut PgConnection,
    account: AccountId,
) -> Result<Vec<(VendorId, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT vendor_id AS "vendor_id: VendorId", role FROM vendor_members WHERE account_id = $1"#,
        account.0,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.vendor_id, row.role))
        .collect())
}

pub struct MemberRow {
    pub account_id: AccountId,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub added_at: DateTime<Utc>,
}

pub async fn list_members(
    conn: &mut PgConnection,
    vendor_id: VendorId,
) -> Result<Vec<MemberRow>, sqlx::Error> {
    sqlx::query_as!(
        MemberRow,
        r#"SELECT m.account_id AS "account_id: AccountId", a.email::text AS "email!",
                  a.display_name, m.role, m.created_at AS added_at
           FROM vendor_members m JOIN accounts a ON a.id = m.account_id
           WHERE m.vendor_id = $1
           ORDER BY m.created_at, m.account_id"#,
        vendor_id.0,
    )
    .fetch_all(conn)
    .await
}

/// The e-mail address and language of every member of a vendor.
pub async fn member_contacts(
    conn: &mut PgConnection,
    vendor_id: VendorId,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT a.email::text AS "email!", a.language
           FROM vendor_members m JOIN accounts a ON a.id = m.account_id
           WHERE m.vendor_id = $1
           ORDER BY m.created_at, m.account_id"#,
        vendor_id.0,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.email, row.language))
        .collect())
}

pub async fn fetch_member(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    account_id: AccountId,
) -> Result<Option<MemberRow>, sqlx::Error> {
    sqlx::query_as!(
        MemberRow,
        r#"SELECT m.account_id AS "account_id: AccountId", a.email::text AS "email!",
                  a.display_name, m.role, m.created_at AS added_at
           FROM vendor_members m JOIN accounts a ON a.id = m.account_id
           WHERE m.vendor_id = $1 AND m.account_id = $2"#,
        vendor_id.0,
        account_id.0,
    )
    .fetch_optional(conn)
    .await
}

pub async fn account_by_email(
    conn: &mut PgConnection,
    email: &str,
) -> Result<Option<AccountId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id: AccountId" FROM accounts WHERE email = $1::text::citext"#,
        email
    )
    .fetch_optional(conn)
    .await
}

/// Adds a member; `false` when the account already is one.
pub async fn insert_member(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    account_id: AccountId,
    role: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
        "INSERT INTO vendor_members (vendor_id, account_id, role, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        vendor_id.0,
        account_id.0,
        role,
        now,
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub async fn set_member_role(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    account_id: AccountId,
    role: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE vendor_members SET role = $3 WHERE vendor_id = $1 AND account_id = $2",
        vendor_id.0,
        account_id.0,
        role,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_member(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    account_id: AccountId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM vendor_members WHERE vendor_id = $1 AND account_id = $2",
        vendor_id.0,
        account_id.0,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn count_owners(
    conn: &mut PgConnection,
    vendor_id: VendorId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM vendor_members WHERE vendor_id = $1 AND role = 'owner'"#,
        vendor_id.0,
    )
    .fetch_one(conn)
    .await
}

pub struct ApiKeyRow {
    pub id: ApiKeyId,
    pub name: String,
    pub scopes: Vec<String>,
    pub secret_prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_api_key(
    conn: &mut PgConnection,
    id: ApiKeyId,
    vendor_id: VendorId,
    name: &str,
    secret_prefix: &str,
    secret_hash: &[u8],
    scopes: &[String],
    created_by: AccountId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO api_keys
             (id, vendor_id, name, secret_prefix, secret_hash, scopes, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        id.0,
        vendor_id.0,
        name,
        secret_prefix,
        secret_hash,
        scopes,
        created_by.0,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list_api_keys(
    conn: &mut PgConnection,
    vendor_id: VendorId,
) -> Result<Vec<ApiKeyRow>, sqlx::Error> {
    sqlx::query_as!(
        ApiKeyRow,
        r#"SELECT id AS "id: ApiKeyId", name, scopes, secret_prefix, created_at, last_used_at,
                  revoked_at
           FROM api_keys WHERE vendor_id = $1 ORDER BY created_at, id"#,
        vendor_id.0,
    )
    .fetch_all(conn)
    .await
}

/// Revokes a key of the vendor; `false` when the vendor has no such key.
pub async fn revoke_api_key(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    key_id: ApiKeyId,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let found = sqlx::query!(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3)
         WHERE vendor_id = $1 AND id = $2",
        vendor_id.0,
        key_id.0,
        now,
    )
    .execute(conn)
    .await?;
    Ok(found.rows_affected() == 1)
}

pub async fn revoke_all_api_keys(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE api_keys SET revoked_at = $2 WHERE vendor_id = $1 AND revoked_at IS NULL",
        vendor_id.0,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct KeyCredential {
    pub id: ApiKeyId,
    pub vendor_id: VendorId,
    pub scopes: Vec<String>,
}

/// The live key with this secret hash: not revoked, of a vendor that is not closed.
/// Records the use, at most once a minute per key to spare the row.
pub async fn use_api_key(
    conn: &mut PgConnection,
    secret_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<KeyCredential>, sqlx::Error> {
    let key = sqlx::query_as!(
        KeyCredential,
        r#"SELECT k.id AS "id: ApiKeyId", k.vendor_id AS "vendor_id: VendorId", k.scopes
           FROM api_keys k JOIN vendors v ON v.id = k.vendor_id
           WHERE k.secret_hash = $1 AND k.revoked_at IS NULL AND v.status <> 'closed'"#,
        secret_hash,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(key) = &key {
        sqlx::query!(
            "UPDATE api_keys SET last_used_at = $2
             WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')",
            key.id.0,
            now,
        )
        .execute(conn)
        .await?;
    }
    Ok(key)
}

/// A location as stored.
pub struct LocationRow {
    pub id: LocationId,
    pub vendor_id: VendorId,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub latitude: f64,
    pub longitude: f64,
    pub time_zone: String,
    pub opening_hours: Json<WeeklyHours>,
    pub opening_exceptions: Json<Vec<DateException>>,
    pub pickup: bool,
    pub delivery_radius_km: Option<Decimal>,
    pub delivery_fee: Option<Decimal>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Kilometres from a requested point, for public listings.
    pub distance_km: Option<f64>,
}

/// The editable columns of a location, validated.
pub struct LocationFields {
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub latitude: f64,
    pub longitude: f64,
    pub time_zone: String,
    pub opening_hours: WeeklyHours,
    pub opening_exceptions: Vec<DateException>,
    pub pickup: bool,
    pub delivery_radius_km: Option<Decimal>,
    pub delivery_fee: Option<Decimal>,
}

pub async fn insert_location(
    conn: &mut PgConnection,
    id: LocationId,
    vendor_id: VendorId,
    fields: &LocationFields,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO vendor_locations
             (id, vendor_id, name, street, postal_code, city, country, latitude, longitude,
              time_zone, opening_hours, opening_exceptions, pickup, delivery_radius_km,
              delivery_fee, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)",
        id.0,
        vendor_id.0,
        fields.name,
        fields.street,
        fields.postal_code,
        fields.city,
        fields.country,
        fields.latitude,
        fields.longitude,
        fields.time_zone,
        Json(&fields.opening_hours) as _,
        Json(&fields.opening_exceptions) as _,
        fields.pickup,
        fields.delivery_radius_km,
        fields.delivery_fee,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update_location(
    conn: &mut PgConnection,
    id: LocationId,
    fields: &LocationFields,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE vendor_locations SET name = $2, street = $3, postal_code = $4, city = $5,
             country = $6, latitude = $7, longitude = $8, time_zone = $9, opening_hours = $10,
             opening_exceptions = $11, pickup = $12, delivery_radius_km = $13,
             delivery_fee = $14, updated_at = $15
         WHERE id = $1",
        id.0,
        fields.name,
        fields.street,
        fields.postal_code,
        fields.city,
        fields.country,
        fields.latitude,
        fields.longitude,
        fields.time_zone,
        Json(&fields.opening_hours) as _,
        Json(&fields.opening_exceptions) as _,
        fields.pickup,
        fields.delivery_radius_km,
        fields.delivery_fee,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Locations of several vendors (archived ones only with `include_archived`), with the
/// distance from `near` when given; ordered by vendor, then creation.
pub async fn locations_of(
    conn: &mut PgConnection,
    vendor_ids: &[VendorId],
    include_archived: bool,
    near: Option<(f64, f64)>,
) -> Result<Vec<LocationRow>, sqlx::Error> {
    let ids: Vec<uuid::Uuid> = vendor_ids.iter().map(|id| id.0).collect();
    let (lat, lon) = near.unzip();
    sqlx::query_as!(
        LocationRow,
        r#"SELECT id AS "id: LocationId", vendor_id AS "vendor_id: VendorId", name, street,
                  postal_code, city, country, latitude, longitude, time_zone,
                  opening_hours AS "opening_hours: Json<WeeklyHours>",
                  opening_exceptions AS "opening_exceptions: Json<Vec<DateException>>",
                  pickup, delivery_radius_km, delivery_fee, archived_at, created_at, updated_at,
                  CASE WHEN $3::float8 IS NULL THEN NULL
                       ELSE earth_distance(ll_to_earth($3, $4), ll_to_earth(latitude, longitude)) / 1000.0
                  END AS distance_km
           FROM vendor_locations
           WHERE vendor_id = ANY($1) AND ($2 OR archived_at IS NULL)
           ORDER BY vendor_id, created_at, id"#,
        &ids,
        include_archived,
        lat,
        lon,
    )
    .fetch_all(conn)
    .await
}

/// The active locations of approved vendors, within `radius_km` of a point when given, only
/// those offering pickup when asked.
pub async fn public_places(
    conn: &mut PgConnection,
    near: Option<((f64, f64), f64)>,
    pickup_only: bool,
) -> Result<Vec<LocationRow>, sqlx::Error> {
    let ((lat, lon), radius_km) = match near {
        Some(((lat, lon), radius)) => ((Some(lat), Some(lon)), Some(radius)),
        None => ((None, None), None),
    };
    sqlx::query_as!(
        LocationRow,
        r#"SELECT l.id AS "id: LocationId", l.vendor_id AS "vendor_id: VendorId", l.name,
                  l.street, l.postal_code, l.city, l.country, l.latitude, l.longitude,
                  l.time_zone,
                  l.opening_hours AS "opening_hours: Json<WeeklyHours>",
                  l.opening_exceptions AS "opening_exceptions: Json<Vec<DateException>>",
                  l.pickup, l.delivery_radius_km, l.delivery_fee, l.archived_at, l.created_at,
                  l.updated_at,
                  CASE WHEN $1::float8 IS NULL THEN NULL
                       ELSE earth_distance(ll_to_earth($1, $2), ll_to_earth(l.latitude, l.longitude)) / 1000.0
                  END AS distance_km
           FROM vendor_locations l JOIN vendors v ON v.id = l.vendor_id
           WHERE l.archived_at IS NULL AND v.status = 'approved' AND (l.pickup OR NOT $4)
             AND ($1::float8 IS NULL
                  OR (earth_box(ll_to_earth($1, $2), $3::float8 * 1000.0) @> ll_to_earth(l.latitude, l.longitude)
                      AND earth_distance(ll_to_earth($1, $2), ll_to_earth(l.latitude, l.longitude))
                          <= $3::float8 * 1000.0))"#,
        lat,
        lon,
        radius_km,
        pickup_only,
    )
    .fetch_all(conn)
    .await
}

pub async fn fetch_location(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    id: LocationId,
) -> Result<Option<LocationRow>, sqlx::Error> {
    sqlx::query_as!(
        LocationRow,
        r#"SELECT id AS "id: LocationId", vendor_id AS "vendor_id: VendorId", name, street,
                  postal_code, city, country, latitude, longitude, time_zone,
                  opening_hours AS "opening_hours: Json<WeeklyHours>",
                  opening_exceptions AS "opening_exceptions: Json<Vec<DateException>>",
                  pickup, delivery_radius_km, delivery_fee, archived_at, created_at, updated_at,
                  NULL::float8 AS distance_km
           FROM vendor_locations WHERE vendor_id = $1 AND id = $2 FOR UPDATE"#,
        vendor_id.0,
        id.0,
    )
    .fetch_optional(conn)
    .await
}

pub async fn delete_location(conn: &mut PgConnection, id: LocationId) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM vendor_locations WHERE id = $1", id.0)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn archive_location(
    conn: &mut PgConnection,
    id: LocationId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE vendor_locations SET archived_at = COALESCE(archived_at, $2), updated_at = $2
         WHERE id = $1",
        id.0,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn postal_code_centroid(
    conn: &mut PgConnection,
    country: &str,
    postal_code: &str,
) -> Result<Option<(f64, f64)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT latitude, longitude FROM postal_codes WHERE country = $1 AND postal_code = $2",
        country,
        postal_code,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| (row.latitude, row.longitude)))
}

/// Inserts or replaces centroids, in one statement per batch.
pub async fn upsert_postal_codes(
    conn: &mut PgConnection,
    batch: &[PostalCodeCentroid],
) -> Result<(), sqlx::Error> {
    let countries: Vec<String> = batch.iter().map(|c| c.country.clone()).collect();
    let codes: Vec<String> = batch.iter().map(|c| c.postal_code.clone()).collect();
    let places: Vec<String> = batch.iter().map(|c| c.place.clone()).collect();
    let latitudes: Vec<f64> = batch.iter().map(|c| c.latitude).collect();
    let longitudes: Vec<f64> = batch.iter().map(|c| c.longitude).collect();
    sqlx::query!(
        "INSERT INTO postal_codes (country, postal_code, place, latitude, longitude)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[])
         ON CONFLICT (country, postal_code) DO UPDATE
             SET place = EXCLUDED.place, latitude = EXCLUDED.latitude,
                 longitude = EXCLUDED.longitude",
        &countries,
        &codes,
        &places,
        &latitudes,
        &longitudes,
    )
    .execute(conn)
    .await?;
    Ok(())
}
