//! The catalog rules: the category tree (no cycles, unique slugs, archive what is in use),
//! VAT rates, products with their variants, publishing, and prices as customers see them.

use account::model::Email;
use chrono::{DateTime, NaiveDate, Utc};
use kernel::auth::Principal;
use kernel::clock::Clock;
use kernel::id::{CategoryId, LocationId, ProductId, VariantId, VendorId};
use kernel::pagination::{Page, PageParams};
use kernel::validation::{text, FieldErrors};
use kernel::{slug, FieldError, Problem, SharedClock};
use rust_decimal::Decimal;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use std::collections::{BTreeMap, HashMap, HashSet};
use vendor::Permission;

use crate::error::CatalogError;
use crate::model::{
    tree, Category, CategoryNode, CategoryUpdate, Contact, ImportResult, NewCategory, NewPrice,
    NewProduct, NewReduction, NewVariant, PriceReduction, Product, ProductImport, ProductStatus,
    Safety, StockAdjustment, StockLevel, StockSync, Variant, VatRate, VatRateCode,
    WithdrawalExempt, CATEGORY_NAME_MAX_CHARS, MAX_IMPORT_ROWS, MAX_STOCK, MAX_STOCK_ROWS,
};
use crate::pricing::{
    self, current_price, lowest_price_timeline, public_price, PriceChange, PriceInput, PublicPrice,
    Reduction, Unit,
};
use crate::repo;

/// What `DELETE` did with a category.
#[derive(Debug)]
pub enum CategoryRemoval {
    Deleted,
    /// Referenced by products or archived sub-categories, so kept but archived.
    Archived(Category),
}

#[derive(Clone)]
pub struct CatalogService {
    pub(crate) pool: PgPool,
    pub(crate) clock: SharedClock,
}

impl CatalogService {
    pub fn new(pool: PgPool, clock: SharedClock) -> Self {
        Self { pool, clock }
    }

    /// The VAT rates valid on `date`, by default today in Germany.
    pub async fn vat_rates(&self, date: Option<NaiveDate>) -> Result<Vec<VatRate>, CatalogError> {
        let date = date.unwrap_or_else(|| {
            self.clock
                .now()
                .with_timezone(&chrono_tz::Europe::Berlin)
                .date_naive()
        });
        let mut conn = self.pool.acquire().await?;
        Ok(repo::vat_rates_on(&mut conn, date).await?)
    }

    /// The nested tree; archived categories (and what is below them) only for operators.
    pub async fn category_tree(
        &self,
        show_archived: bool,
    ) -> Result<Vec<CategoryNode>, CatalogError> {
        let mut conn = self.pool.acquire().await?;
        let categories = repo::all_categories(&mut conn).await?;
        Ok(tree(&categories, show_archived))
    }

    pub async fn create_category(&self, request: NewCategory) -> Result<Category, CatalogError> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", text(&request.name, CATEGORY_NAME_MAX_CHARS, false));
        let slug = match &request.slug {
            Some(chosen) => errors.check("slug", slug::parse(chosen)),
            None => Some(slug::propose(&request.name, "category")),
        };
        let (name, slug) = errors.finish_with(name.zip(slug))?;

        let mut tx = self.pool.begin().await?;
        repo::lock_category_tree(&mut tx).await?;
        if let Some(parent) = request.parent_id {
            ensure_active_parent(&mut tx, parent).await?;
        }
        let id = CategoryId::new();
        if !repo::insert_category(
            &mut tx,
            id,
            request.parent_id,
            &slug,
            &name,
            self.clock.now(),
        )
        .await?
        {
            return Err(CatalogError::SlugTaken);
        }
        let category = repo::fetch_category(&mut tx, id)
            .await?
            .ok_or(CatalogError::CategoryNotFound)?;
        tx.commit().await?;
        Ok(category)
    }

    /// Renames and/or moves a category.
    pub async fn update_category(
        &self,
        id: CategoryId,
        update: CategoryUpdate,
    ) -> Result<Category, CatalogError> {
        let mut errors = FieldErrors::new();
        let name = update
            .name
            .as_deref()
            .map(|name| errors.check("name", text(name, CATEGORY_NAME_MAX_CHARS, false)));
        let slug = update
            .slug
            .as_deref()
            .map(|chosen| errors.check("slug", slug::parse(chosen)));
        errors.finish()?;

        let mut tx = self.pool.begin().await?;
        repo::lock_category_tree(&mut tx).await?;
        let current = repo::fetch_category(&mut tx, id)
            .await?
            .ok_or(CatalogError::CategoryNotFound)?;
        if current.archived_at.is_some() {
            return Err(CatalogError::CategoryArchived);
        }
        let parent = update.parent_id.unwrap_or(current.parent_id);
        if let Some(parent) = parent.filter(|parent| Some(*parent) != current.parent_id) {
            if repo::is_self_or_ancestor(&mut tx, id, parent).await? {
                return Err(CatalogError::CategoryCycle);
            }
            ensure_active_parent(&mut tx, parent).await?;
        }
        let name = name.flatten().unwrap_or(current.name);
        let slug = slug.flatten().unwrap_or(current.slug);
        let now = self.clock.now();
        match repo::update_category(&mut tx, id, parent, &slug, &name, now).await {
            Err(error) if kernel::db::unique_violation(&error).is_some() => {
                return Err(CatalogError::SlugTaken)
            }
            result => result?,
        }
        let category = repo::fetch_category(&mut tx, id)
            .await?
            .ok_or(CatalogError::CategoryNotFound)?;
        tx.commit().await?;
        Ok(category)
    }

    /// Deletes an unused category, or archives it when products (or archived
    /// sub-categories) refer to it. Active sub-categories must move first.
    pub async fn remove_category(&self, id: CategoryId) -> Result<CategoryRemoval, CatalogError> {
        let mut tx = self.pool.begin().await?;
        repo::lock_category_tree(&mut tx).await?;
        repo::fetch_category(&mut tx, id)
            .await?
            .ok_or(CatalogError::CategoryNotFound)?;
        if repo::has_active_children(&mut tx, id).await? {
            return Err(CatalogError::CategoryHasChildren);
        }
        let removal = if kernel::db::delete_unless_referenced(&mut tx, |conn| {
            Box::pin(repo::delete_category(conn, id))
        })
        .await?
        {
            CategoryRemoval::Deleted
        } else {
            repo::archive_category(&mut tx, id, self.clock.now()).await?;
            CategoryRemoval::Archived(
                repo::fetch_category(&mut tx, id)
                    .await?
                    .ok_or(CatalogError::CategoryNotFound)?,
            )
        };
        tx.commit().await?;
        Ok(removal)
    }
}

async fn ensure_active_parent(
    conn: &mut PgConnection,
    parent: CategoryId,
) -> Result<(), CatalogError> {
    match repo::fetch_category(conn, parent).await? {
        Some(category) if category.archived_at.is_none() => Ok(()),
        _ => Err(CatalogError::UnknownParent),
    }
}

/// EU and EEA countries: a manufacturer elsewhere needs an EU responsible person (GPSR).
const EU_EEA: [&str; 30] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO",
];
const MAX_VARIANTS: usize = 100;
const MAX_IMAGES: usize = 20;
const MAX_ATTRIBUTES: usize = 50;
const MAX_PRICE: Decimal = Decimal::from_parts(99_999_999, 0, 0, false, 2);

impl CatalogService {
    /// Creates a product as a `draft`, with its variants.
    pub async fn create_product(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        request: NewProduct,
    ) -> Result<Product, CatalogError> {
        let mut tx = self.pool.begin().await?;
        vendor::service::access(
            &mut tx,
            principal,
            vendor_id,
            Permission::WriteCatalog,
            false,
        )
        .await?;
        let (product_id, _) =
            save_product(&mut tx, vendor_id, None, &request, self.clock.as_ref()).await?;
        let created = load_product(&mut tx, vendor_id, product_id).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Creates or replaces the product that has a variant with `sku` (for integrators).
    pub async fn upsert_product(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        sku: &str,
        request: NewProduct,
    ) -> Result<(Product, bool), CatalogError> {
        let mut tx = self.pool.begin().await?;
        vendor::service::access(
            &mut tx,
            principal,
            vendor_id,
            Permission::WriteCatalog,
            false,
        )
        .await?;
        let (product_id, created) =
            save_product(&mut tx, vendor_id, Some(sku), &request, self.clock.as_ref()).await?;
        let saved = load_product(&mut tx, vendor_id, product_id).await?;
        tx.commit().await?;
        Ok((saved, created))
    }

    /// Creates or replaces up to 1,000 products by SKU in one transaction: all or nothing,
    /// with each error named `items[i]....`.
    pub async fn import_products(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        import: ProductImport,
    ) -> Result<ImportResult, CatalogError> {
        let mut tx = self.pool.begin().await?;
        vendor::service::access(
            &mut tx,
            principal,
            vendor_id,
            Permission::WriteCatalog,
            false,
        )
        .await?;
        if import.items.is_empty() || import.items.len() > MAX_IMPORT_ROWS {
            return Err(Problem::validation(vec![FieldError::new(
                "items",
                format!("must have 1 to {MAX_IMPORT_ROWS} products"),
            )])
            .into());
        }
        // Every row's own fields first, so a client learns all of them at once.
        let now = self.clock.now();
        let mut errors = FieldErrors::new();
        for (index, item) in import.items.iter().enumerate() {
            if let Err(problem) = check_product(vendor_id, &item.product, now) {
                for error in problem.errors {
                    errors.add(
                        &format!("items[{index}].product.{}", error.field),
                        error.message,
                    );
                }
            }
        }
        errors.finish()?;
        // All the products up front and in one order, so that two imports naming the same
        // products cannot deadlock.
        let skus: Vec<String> = import.items.iter().map(|item| item.sku.clone()).collect();
        repo::lock_products_of_skus(&mut tx, vendor_id, &skus).await?;
        let (mut created, mut updated) = (0, 0);
        for (index, item) in import.items.iter().enumerate() {
            let saved = save_product(
                &mut tx,
                vendor_id,
                Some(&item.sku),
                &item.product,
                self.clock.as_ref(),
            )
            .await;
            match saved {
                Ok((_, true)) => created += 1,
                Ok((_, false)) => updated += 1,
                Err(error) => {
                    let mut problem = Problem::from(error);
                    for error in &mut problem.errors {
                        error.field = format!("items[{index}].product.{}", error.field);
                    }
                    return Err(problem.into());
                }
            }
        }
        tx.commit().await?;
        Ok(ImportResult { created, updated })
    }

    pub async fn product(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        product_id: ProductId,
    ) -> Result<Product, CatalogError> {
        let mut conn = self.pool.acquire().await?;
        vendor::service::access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ReadCatalog,
            false,
        )
        .await?;
        load_product(&mut conn, vendor_id, product_id).await
    }

    /// The vendor's products, newest first.
    pub async fn products(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        page: &PageParams,
    ) -> Result<Page<Product>, CatalogError> {
        let limit = page.limit()?;
        let after = page.after::<(DateTime<Utc>, ProductId)>()?;
        let mut conn = self.pool.acquire().await?;
        vendor::service::access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ReadCatalog,
            false,
        )
        .await?;
        let rows = repo::list_products(&mut conn, vendor_id, after, i64::from(limit) + 1).await?;
        let ids: Vec<ProductId> = rows.iter().map(|row| row.id).collect();
        let mut variants: std::collections::HashMap<ProductId, Vec<Variant>> =
            std::collections::HashMap::new();
        for variant in repo::variants_of(&mut conn, &ids).await? {
            variants
                .entry(variant.product_id)
                .or_default()
                .push(variant_of(variant));
        }
        let items = rows
            .into_iter()
            .map(|row| {
                let mine = variants.remove(&row.id).unwrap_or_default();
                product_of(row, mine)
            })
            .collect();
        Ok(Page::from_rows(items, limit, |product: &Product| {
            (product.created_at, product.id)
        }))
    }

    /// Makes a draft visible to customers: the vendor must be approved and the product
    /// complete; otherwise a 422 names every missing field.
    pub async fn publish(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        product_id: ProductId,
    ) -> Result<Product, CatalogError> {
        let mut tx = self.pool.begin().await?;
        // The vendor row stays locked, so a suspension cannot slip in between.
        vendor::service::access(
            &mut tx,
            principal,
            vendor_id,
            Permission::WriteCatalog,
            true,
        )
        .await?;
        vendor::ensure_can_sell(&mut tx, vendor_id).await?;
        let product = load_product(&mut tx, vendor_id, product_id).await?;
        if product.status == ProductStatus::Archived {
            return Err(CatalogError::ProductArchived);
        }
        let missing = missing_for_publishing(&product);
        if !missing.is_empty() {
            return Err(CatalogError::PublishIncomplete(missing));
        }
        repo::publish_product(&mut tx, product_id, self.clock.now()).await?;
        let published = load_product(&mut tx, vendor_id, product_id).await?;
        tx.commit().await?;
        Ok(published)
    }
}

/// The price histories and reductions of some variants, and the VAT rates of the day: all
/// that is needed to show their prices at `now`.
pub(crate) struct PriceBook {
    history: HashMap<VariantId, Vec<PriceChange>>,
    reductions: HashMap<VariantId, Vec<Reduction>>,
    rates: Vec<VatRate>,
    now: DateTime<Utc>,
}

impl PriceBook {
    pub(crate) async fn load(
        conn: &mut PgConnection,
        variants: &[VariantId],
        now: DateTime<Utc>,
    ) -> Result<PriceBook, sqlx::Error> {
        let mut history: HashMap<VariantId, Vec<PriceChange>> = HashMap::new();
        for (variant, change) in repo::price_histories(conn, variants).await? {
            history.entry(variant).or_default().push(change);
        }
        let mut reductions: HashMap<VariantId, Vec<Reduction>> = HashMap::new();
        for (variant, reduction) in repo::reductions_of(conn, variants).await? {
            reductions.entry(variant).or_default().push(reduction);
        }
        let today = now.with_timezone(&chrono_tz::Europe::Berlin).date_naive();
        Ok(PriceBook {
            history,
            reductions,
            rates: repo::vat_rates_on(conn, today).await?,
            now,
        })
    }

    /// A variant's price history and reductions.
    fn of(&self, variant: VariantId) -> (Vec<PriceChange>, Vec<Reduction>) {
        (
            self.history.get(&variant).cloned().unwrap_or_default(),
            self.reductions.get(&variant).cloned().unwrap_or_default(),
        )
    }

    /// The variant's price as customers see it now; `None` while it has no price.
    pub(crate) fn public_price(
        &self,
        variant: &Variant,
        small_business: bool,
    ) -> Option<PublicPrice> {
        // A variant whose price was taken away is not on sale, whatever its history says.
        variant.price?;
        let (history, reductions) = self.of(variant.id);
        let (gross, reference) = current_price(&history, &reductions, self.now)?;
        let vat_percent = self
            .rates
            .iter()
            .find(|rate| rate.code == variant.vat_rate)?
            .percent;
        Some(public_price(PriceInput {
            gross,
            reference,
            vat_percent,
            small_business,
            measure: variant.net_quantity.zip(variant.unit),
            deposit: variant.deposit,
        }))
    }
}

/// Rewrites the product's price timeline (its lowest price from now on, which search
/// filters and sorts by) after one of its prices or reductions changed. The caller holds
/// the product's row lock, so concurrent price writes to one product cannot interleave.
async fn refresh_price_timeline(
    conn: &mut PgConnection,
    product_id: ProductId,
    now: DateTime<Utc>,
) -> Result<(), CatalogError> {
    // Only variants on sale, i.e. with a price now (see `PriceBook::public_price`).
    let variants: Vec<VariantId> = repo::variants_of(conn, &[product_id])
        .await?
        .iter()
        .filter(|variant| variant.price.is_some())
        .map(|variant| variant.id)
        .collect();
    let book = PriceBook::load(conn, &variants, now).await?;
    let prices: Vec<_> = variants.iter().map(|variant| book.of(*variant)).collect();
    repo::replace_price_timeline(conn, product_id, &lowest_price_timeline(&prices, now)).await?;
    Ok(())
}

/// Creates a product, or with `sku` replaces the product that has a variant with this SKU
/// (creating it if none has): its fields, and its variants by SKU (changed prices go into the
/// history; variants not named stay). An active product must stay complete. Returns the
/// product and whether it was created.
async fn save_product(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    sku: Option<&str>,
    request: &NewProduct,
    clock: &dyn Clock,
) -> Result<(ProductId, bool), CatalogError> {
    if let Some(sku) = sku {
        if !request.variants.iter().any(|variant| variant.sku == sku) {
            return Err(Problem::validation(vec![FieldError::new(
                "variants",
                format!("must contain the variant with the SKU `{sku}`"),
            )])
            .into());
        }
    }
    let (mut product, variants) = check_product(vendor_id, request, clock.now())?;
    if let Some(category) = product.category_id {
        match repo::fetch_category(conn, category).await? {
            Some(category) if category.archived_at.is_none() => {}
            _ => return Err(CatalogError::UnknownCategory),
        }
    }
    let existing = match sku {
        Some(sku) => {
            repo::lock_product_of_sku(conn, vendor_id, sku).await?;
            repo::lock_variant_by_sku(conn, vendor_id, sku).await?
        }
        None => None,
    };
    // Read once the product is locked, so that no price written meanwhile by another
    // transaction can be later than the prices written here.
    let now = clock.now();
    let created = existing.is_none();
    match existing {
        None => repo::insert_product(conn, &product).await?,
        Some(variant) => {
            product.id = variant.product_id;
            repo::update_product(conn, &product).await?;
        }
    }
    let mut position = repo::next_variant_position(conn, product.id).await?;
    for (index, mut variant) in variants.into_iter().enumerate() {
        let taken = || CatalogError::SkuTaken {
            field: format!("variants[{index}].sku"),
        };
        variant.product_id = product.id;
        let current = match created {
            true => None,
            false => repo::lock_variant_by_sku(conn, vendor_id, &variant.sku).await?,
        };
        match current {
            Some(current) if current.product_id != product.id => return Err(taken()),
            Some(current) => {
                repo::update_variant(conn, current.id, &variant, now).await?;
                variant.id = current.id;
                if variant.price == current.price {
                    continue;
                }
            }
            None => {
                if !repo::insert_variant(conn, vendor_id, position, &variant, now).await? {
                    return Err(taken());
                }
                position += 1;
            }
        }
        if let Some(price) = variant.price {
            repo::record_price(conn, variant.id, price, now).await?;
        }
    }
    refresh_price_timeline(conn, product.id, now).await?;
    let saved = load_product(conn, vendor_id, product.id).await?;
    if saved.status == ProductStatus::Active {
        let missing = missing_for_publishing(&saved);
        if !missing.is_empty() {
            return Err(CatalogError::PublishIncomplete(missing));
        }
    }
    Ok((product.id, created))
}

/// The product with its variants, if it belongs to the vendor.
async fn load_product(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    product_id: ProductId,
) -> Result<Product, CatalogError> {
    let row = repo::fetch_product(conn, product_id)
        .await?
        .filter(|row| row.vendor_id == vendor_id)
        .ok_or(CatalogError::ProductNotFound)?;
    let variants = repo::variants_of(conn, &[product_id]).await?;
    Ok(product_of(
        row,
        variants.into_iter().map(variant_of).collect(),
    ))
}

/// What a product still lacks to be published, one entry per field.
fn missing_for_publishing(product: &Product) -> Vec<FieldError> {
    let mut missing = Vec::new();
    let mut require = |present: bool, field: &str, message: &str| {
        if !present {
            missing.push(FieldError::new(field, message));
        }
    };
    require(
        !product.description.trim().is_empty(),
        "description",
        "is required to publish",
    );
    require(
        product.category_id.is_some(),
        "category_id",
        "is required to publish",
    );
    let manufacturer = product.safety.manufacturer.as_ref();
    require(
        manufacturer.is_some(),
        "safety.manufacturer",
        "name, postal and e-mail address of the manufacturer are required (GPSR)",
    );
    let outside_eu =
        manufacturer.is_some_and(|contact| !EU_EEA.contains(&contact.address.country.as_str()));
    require(
        !outside_eu || product.safety.eu_responsible_person.is_some(),
        "safety.eu_responsible_person",
        "is required when the manufacturer is outside the EU (GPSR)",
    );
    require(
        product
            .variants
            .iter()
            .any(|variant| variant.price.is_some()),
        "variants",
        "at least one variant needs a price",
    );
    missing
}

/// Validates a new product and turns it into rows, naming every invalid field.
fn check_product(
    vendor_id: VendorId,
    input: &NewProduct,
    now: DateTime<Utc>,
) -> Result<(repo::ProductRow, Vec<repo::VariantRow>), Problem> {
    let mut errors = FieldErrors::new();
    let title = errors.check("title", text(&input.title, 200, false));
    let description = if input.description.trim().is_empty() {
        Some(String::new())
    } else {
        errors.check("description", text(&input.description, 10_000, true))
    };
    let brand = input
        .brand
        .as_deref()
        .map(|brand| errors.check("brand", text(brand, 100, false)));
    if input.images.len() > MAX_IMAGES {
        errors.add("images", format!("must have at most {MAX_IMAGES} entries"));
    }
    for (index, url) in input.images.iter().enumerate() {
        if !url.starts_with("https://") || url.len() > 2_000 || url.chars().any(char::is_whitespace)
        {
            errors.add(&format!("images[{index}]"), "must be an https:// URL");
        }
    }
    check_pairs(&mut errors, "attributes", &input.attributes, MAX_ATTRIBUTES);
    let safety = check_safety(&mut errors, &input.safety);
    if input.variants.len() > MAX_VARIANTS {
        errors.add(
            "variants",
            format!("must have at most {MAX_VARIANTS} entries"),
        );
    }
    let product_id = ProductId::new();
    let mut variants = Vec::new();
    let mut skus = std::collections::HashSet::new();
    for (index, variant) in input.variants.iter().enumerate() {
        let at = |field: &str| format!("variants[{index}].{field}");
        if !skus.insert(variant.sku.as_str()) {
            errors.add(&at("sku"), "appears more than once");
        }
        if let Some(row) = check_variant(&mut errors, &at, product_id, variant) {
            variants.push(row);
        }
    }
    let (title, safety) = errors.finish_with(title.zip(safety))?;
    let row = repo::ProductRow {
        id: product_id,
        vendor_id,
        category_id: input.category_id,
        title,
        description: description.unwrap_or_default(),
        brand: brand.flatten(),
        images: input.images.clone(),
        attributes: Json(input.attributes.clone()),
        safety: Json(safety),
        withdrawal_exempt: input
            .withdrawal_exempt
            .map(|reason| reason.as_str().to_owned()),
        status: ProductStatus::Draft.as_str().to_owned(),
        published_at: None,
        created_at: now,
        updated_at: now,
    };
    Ok((row, variants))
}

/// Key/value pairs (attributes, options): non-empty keys up to 50, values up to 200.
fn check_pairs(
    errors: &mut FieldErrors,
    field: &str,
    pairs: &BTreeMap<String, String>,
    max: usize,
) {
    if pairs.len() > max {
        errors.add(field, format!("must have at most {max} entries"));
    }
    for (key, value) in pairs {
        if text(key, 50, false).is_err() || text(value, 200, false).is_err() {
            errors.add(
                &format!("{field}.{key}"),
                "keys must have 1–50 and values 1–200 characters",
            );
        }
    }
}

fn check_contact(errors: &mut FieldErrors, field: &str, contact: &Contact) -> Option<Contact> {
    let name = errors.check(&format!("{field}.name"), text(&contact.name, 200, false));
    let address =
        vendor::service::check_address(errors, &format!("{field}.address"), &contact.address);
    let email = errors
        .check(&format!("{field}.email"), Email::parse(&contact.email))
        .map(|email| email.as_str().to_owned());
    Some(Contact {
        name: name?,
        address: address?,
        email: email?,
    })
}

fn check_safety(errors: &mut FieldErrors, safety: &Safety) -> Option<Safety> {
    let manufacturer = match &safety.manufacturer {
        Some(contact) => check_contact(errors, "safety.manufacturer", contact).map(Some),
        None => Some(None),
    };
    let responsible = match &safety.eu_responsible_person {
        Some(contact) => check_contact(errors, "safety.eu_responsible_person", contact).map(Some),
        None => Some(None),
    };
    if let Some(contact) = safety.eu_responsible_person.as_ref() {
        if !EU_EEA.contains(&contact.address.country.trim().to_ascii_uppercase().as_str()) {
            errors.add(
                "safety.eu_responsible_person.address.country",
                "must be in the EU or EEA",
            );
        }
    }
    // An empty text is no warning at all.
    let warnings = match safety
        .warnings
        .as_deref()
        .filter(|text| !text.trim().is_empty())
    {
        Some(warnings) => errors
            .check("safety.warnings", text(warnings, 5_000, true))
            .map(Some),
        None => Some(None),
    };
    Some(Safety {
        manufacturer: manufacturer?,
        eu_responsible_person: responsible?,
        warnings: warnings?,
    })
}

fn check_variant(
    errors: &mut FieldErrors,
    at: &dyn Fn(&str) -> String,
    product_id: ProductId,
    variant: &NewVariant,
) -> Option<repo::VariantRow> {
    let sku_ok = (1..=64).contains(&variant.sku.len())
        && variant
            .sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !sku_ok {
        errors.add(&at("sku"), "must be 1–64 letters, digits, `.`, `_` or `-`");
    }
    check_pairs(errors, &at("options"), &variant.options, 10);
    let gtin = match variant.gtin.as_deref() {
        Some(gtin) => errors.check(&at("gtin"), pricing::gtin(gtin)).map(Some),
        None => Some(None),
    };
    for (field, amount) in [("price", variant.price), ("deposit", variant.deposit)] {
        if let Some(message) = amount.and_then(invalid_amount) {
            errors.add(&at(field), message);
        }
    }
    match (variant.net_quantity, variant.unit) {
        (Some(quantity), Some(_)) => {
            let ok = quantity > Decimal::ZERO
                && quantity < Decimal::from(1_000_000)
                && quantity.normalize().scale() <= 3;
            if !ok {
                errors.add(
                    &at("net_quantity"),
                    "must be more than 0, below 1,000,000, with at most 3 decimal places",
                );
            }
        }
        (None, None) => {}
        (Some(_), None) => errors.add(&at("unit"), "is required with `net_quantity`"),
        (None, Some(_)) => errors.add(&at("net_quantity"), "is required with `unit`"),
    }
    let weight = match variant.weight_grams {
        Some(grams) if grams == 0 || grams > 1_000_000 => {
            errors.add(&at("weight_grams"), "must be between 1 and 1,000,000");
            None
        }
        Some(grams) => i32::try_from(grams).ok().map(Some),
        None => Some(None),
    };
    Some(repo::VariantRow {
        id: VariantId::new(),
        product_id,
        sku: variant.sku.clone(),
        options: Json(variant.options.clone()),
        gtin: gtin?,
        price: variant.price.map(|price| price.amount()),
        vat_rate: variant.vat_rate.as_str().to_owned(),
        net_quantity: variant.net_quantity.map(|quantity| quantity.normalize()),
        unit: variant.unit.map(|unit| unit.as_str().to_owned()),
        deposit: variant.deposit.map(|deposit| deposit.amount()),
        weight_grams: weight?,
    })
}

pub(crate) fn variant_of(row: repo::VariantRow) -> Variant {
    Variant {
        id: row.id,
        sku: row.sku,
        options: row.options.0,
        gtin: row.gtin,
        price: row.price.map(kernel::money::Money::rounded),
        // The columns' CHECK constraints admit only known codes and units.
        vat_rate: VatRateCode::parse(&row.vat_rate).unwrap_or(VatRateCode::Standard),
        net_quantity: row.net_quantity.map(|quantity| quantity.normalize()),
        unit: row.unit.as_deref().and_then(Unit::parse),
        deposit: row.deposit.map(kernel::money::Money::rounded),
        weight_grams: row.weight_grams.and_then(|grams| u32::try_from(grams).ok()),
    }
}

pub(crate) fn product_of(row: repo::ProductRow, variants: Vec<Variant>) -> Product {
    Product {
        id: row.id,
        vendor_id: row.vendor_id,
        category_id: row.category_id,
        title: row.title,
        description: row.description,
        brand: row.brand,
        images: row.images,
        attributes: row.attributes.0,
        safety: row.safety.0,
        withdrawal_exempt: row
            .withdrawal_exempt
            .as_deref()
            .and_then(WithdrawalExempt::parse),
        status: ProductStatus::parse(&row.status).unwrap_or(ProductStatus::Draft),
        published_at: row.published_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
        variants,
    }
}

impl CatalogService {
    /// Sets a variant's regular price; each change is appended to the price history.
    pub async fn set_price(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        sku: &str,
        request: NewPrice,
    ) -> Result<Variant, CatalogError> {
        let mut tx = self.pool.begin().await?;
        vendor::service::access(
            &mut tx,
            principal,
            vendor_id,
            Permission::WriteCatalog,
            false,
        )
        .await?;
        let variant = lock_variant_and_product(&mut tx, vendor_id, sku).await?;
        let mut errors = FieldErrors::new();
        if let Some(message) = invalid_amount(request.price) {
            errors.add("price", message);
        }
        errors.finish()?;
        let price = request.price.amount();
        if variant.price != Some(price) {
            let now = self.clock.now();
            repo::set_variant_price(&mut tx, variant.id, price, now).await?;
            repo::record_price(&mut tx, variant.id, price, now).await?;
            refresh_price_timeline(&mut tx, variant.product_id, now).await?;
        }
        let updated = repo::lock_variant_by_sku(&mut tx, vendor_id, sku)
            .await?
            .ok_or(CatalogError::VariantNotFound)?;
        tx.commit().await?;
        Ok(variant_of(updated))
    }

    /// Announces a reduction of a priced variant. While it runs, customers see the reduced
    /// price and the reference price § 11 PAngV requires.
    pub async fn add_reduction(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        sku: &str,
        request: NewReduction,
    ) -> Result<PriceReduction, CatalogError> {
        let mut tx = self.pool.begin().await?;
        vendor::service::access(
            &mut tx,
            principal,
            vendor_id,
            Permission::WriteCatalog,
            false,
        )
        .await?;
        let variant = lock_variant_and_product(&mut tx, vendor_id, sku).await?;
        let now = self.clock.now();
        let mut errors = FieldErrors::new();
        if let Some(message) = invalid_amount(request.price) {
            errors.add("price", message);
        }
        if request.starts_at < now {
            errors.add("starts_at", "must not be in the past");
        }
        if request.ends_at.is_some_and(|end| end <= request.starts_at) {
            errors.add("ends_at", "must be after `starts_at`");
        }
        errors.finish()?;
        let below_regular = variant
            .price
            .is_some_and(|regular| request.price.amount() < regular);
        if !below_regular {
            return Err(Problem::validation(vec![FieldError::new(
                "price",
                "must be below the variant's regular price",
            )])
            .into());
        }
        let id = uuid::Uuid::now_v7();
        let reduction = Reduction {
            price: request.price,
            starts_at: request.starts_at,
            ends_at: request.ends_at,
        };
        match repo::insert_reduction(&mut tx, id, variant.id, &reduction, now).await {
            Err(error) if kernel::db::exclusion_violation(&error) => {
                return Err(CatalogError::ReductionOverlaps)
            }
            result => result?,
        }
        refresh_price_timeline(&mut tx, variant.product_id, now).await?;
        tx.commit().await?;
        Ok(PriceReduction {
            id,
            sku: variant.sku,
            price: reduction.price,
            starts_at: reduction.starts_at,
            ends_at: reduction.ends_at,
        })
    }
}

/// Locks the product of the variant with this SKU, then the variant (the order every price
/// write takes), and returns the variant.
async fn lock_variant_and_product(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    sku: &str,
) -> Result<repo::VariantRow, CatalogError> {
    repo::lock_product_of_sku(conn, vendor_id, sku).await?;
    repo::lock_variant_by_sku(conn, vendor_id, sku)
        .await?
        .ok_or(CatalogError::VariantNotFound)
}

/// Why an amount cannot be a price or deposit, if it cannot.
fn invalid_amount(amount: kernel::money::Money) -> Option<String> {
    (amount.is_negative() || amount.amount() > MAX_PRICE)
        .then(|| format!("must be between 0.00 and {MAX_PRICE}"))
}

impl CatalogService {
    /// Sets on-hand stock for up to 1,000 (SKU, location) rows, all or nothing; sending the
    /// same counts again changes nothing. Every invalid row is named.
    pub async fn sync_stock(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        sync: StockSync,
    ) -> Result<Vec<StockLevel>, CatalogError> {
        let mut tx = self.pool.begin().await?;
        vendor::service::access(&mut tx, principal, vendor_id, Permission::WriteStock, false)
            .await?;
        let mut errors = FieldErrors::new();
        if sync.items.is_empty() || sync.items.len() > MAX_STOCK_ROWS {
            errors.add("items", format!("must have 1 to {MAX_STOCK_ROWS} rows"));
        }
        let skus: Vec<String> = sync.items.iter().map(|item| item.sku.clone()).collect();
        let variants: HashMap<String, VariantId> =
            repo::variants_by_skus(&mut tx, vendor_id, &skus)
                .await?
                .into_iter()
                .collect();
        let locations = vendor::service::active_location_ids(&mut tx, vendor_id).await?;
        let mut seen = HashSet::new();
        let mut rows = Vec::new();
        for (index, item) in sync.items.iter().enumerate() {
            let at = |field: &str| format!("items[{index}].{field}");
            let variant = variants.get(&item.sku);
            if variant.is_none() {
                errors.add(&at("sku"), "is not a SKU of this vendor");
            }
            if !locations.contains(&item.location_id) {
                errors.add(
                    &at("location_id"),
                    "is not an active location of this vendor",
                );
            }
            if !(0..=MAX_STOCK).contains(&item.on_hand) {
                errors.add(&at("on_hand"), format!("must be between 0 and {MAX_STOCK}"));
            }
            if !seen.insert((item.sku.as_str(), item.location_id)) {
                errors.add(&at("sku"), "appears more than once for this location");
            }
            if let Some(variant) = variant {
                rows.push((*variant, item.location_id, item.on_hand, index));
            }
        }
        errors.finish()?;
        // A fixed order, so that concurrent syncs lock rows in the same order.
        rows.sort_by_key(|(variant, location, _, _)| (*variant, *location));
        let now = self.clock.now();
        let mut levels = Vec::new();
        for (variant, location, on_hand, index) in rows {
            let Some((before, after)) =
                repo::set_stock(&mut tx, vendor_id, variant, location, on_hand, now).await?
            else {
                return Err(Problem::validation(vec![FieldError::new(
                    format!("items[{index}].on_hand"),
                    "is below what open orders have reserved",
                )])
                .into());
            };
            if before != after {
                repo::record_movement(
                    &mut tx,
                    variant,
                    location,
                    after - before,
                    "sync",
                    after,
                    now,
                )
                .await?;
            }
            if let Some(level) = repo::stock_level(&mut tx, variant, location).await? {
                levels.push(stock_level_of(level));
            }
        }
        tx.commit().await?;
        Ok(levels)
    }

    /// Adds or takes away units with a reason; on-hand stock never goes below what is
    /// reserved (`409 stock_insufficient`), and concurrent adjustments all count.
    pub async fn adjust_stock(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        adjustment: StockAdjustment,
    ) -> Result<StockLevel, CatalogError> {
        let mut tx = self.pool.begin().await?;
        vendor::service::access(&mut tx, principal, vendor_id, Permission::WriteStock, false)
            .await?;
        let mut errors = FieldErrors::new();
        if adjustment.delta == 0 || adjustment.delta.abs() > MAX_STOCK {
            errors.add(
                "delta",
                format!("must be between -{MAX_STOCK} and {MAX_STOCK}, not 0"),
            );
        }
        let variant =
            repo::variants_by_skus(&mut tx, vendor_id, std::slice::from_ref(&adjustment.sku))
                .await?
                .pop()
                .map(|(_, id)| id);
        if variant.is_none() {
            errors.add("sku", "is not a SKU of this vendor");
        }
        let locations = vendor::service::active_location_ids(&mut tx, vendor_id).await?;
        if !locations.contains(&adjustment.location_id) {
            errors.add("location_id", "is not an active location of this vendor");
        }
        let variant = errors.finish_with(variant)?;
        let now = self.clock.now();
        let after = repo::adjust_stock(
            &mut tx,
            vendor_id,
            variant,
            adjustment.location_id,
            adjustment.delta,
            now,
        )
        .await?
        .ok_or(CatalogError::StockInsufficient)?;
        repo::record_movement(
            &mut tx,
            variant,
            adjustment.location_id,
            adjustment.delta,
            adjustment.reason.as_str(),
            after,
            now,
        )
        .await?;
        let level = repo::stock_level(&mut tx, variant, adjustment.location_id)
            .await?
            .ok_or(CatalogError::VariantNotFound)?;
        tx.commit().await?;
        Ok(stock_level_of(level))
    }

    /// The vendor's stock, of one SKU or all, by SKU and location.
    pub async fn stock(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        sku: Option<&str>,
        page: &PageParams,
    ) -> Result<Page<StockLevel>, CatalogError> {
        let limit = page.limit()?;
        let after = page.after::<(String, LocationId)>()?;
        let mut conn = self.pool.acquire().await?;
        vendor::service::access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ReadCatalog,
            false,
        )
        .await?;
        let rows =
            repo::stock_levels(&mut conn, vendor_id, sku, after, i64::from(limit) + 1).await?;
        let items = rows.into_iter().map(stock_level_of).collect();
        Ok(Page::from_rows(items, limit, |level: &StockLevel| {
            (level.sku.clone(), level.location_id)
        }))
    }
}

fn stock_level_of(row: repo::StockRow) -> StockLevel {
    StockLevel {
        sku: row.sku,
        location_id: row.location_id,
        on_hand: row.on_hand,
        reserved: row.reserved,
        available: row.on_hand - row.reserved,
    }
}

/// A product as customers see it listed, with the shop that sells it.
#[derive(Debug, Clone)]
pub struct Listing {
    pub title: String,
    pub vendor_id: VendorId,
    pub vendor_name: String,
}

/// The product if customers can see it: published, not restricted after a notice, and
/// sold by a vendor that may sell.
pub async fn public_listing(
    conn: &mut PgConnection,
    product_id: ProductId,
) -> Result<Option<Listing>, CatalogError> {
    let Some(row) = repo::fetch_listing(conn, product_id).await? else {
        return Ok(None);
    };
    Ok(vendor::service::seller(conn, row.vendor_id)
        .await?
        .map(|seller| Listing {
            title: row.title,
            vendor_id: row.vendor_id,
            vendor_name: seller.display_name,
        }))
}

/// Withholds a product from every public endpoint after a notice: `removed` for good,
/// `hidden` while kept for an appeal.
pub async fn restrict_product(
    conn: &mut PgConnection,
    product_id: ProductId,
    removed: bool,
    now: DateTime<Utc>,
) -> Result<(), CatalogError> {
    let moderation = if removed { "removed" } else { "hidden" };
    if repo::set_moderation(conn, product_id, moderation, now).await? {
        Ok(())
    } else {
        Err(CatalogError::ProductNotFound)
    }
}
