//! Catalog types and the request/response bodies of the catalog API.

use chrono::{DateTime, NaiveDate, Utc};
use kernel::id::{CategoryId, ProductId, VariantId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const CATEGORY_NAME_MAX_CHARS: usize = 100;

/// The VAT rates a vendor chooses from; the percentage is the one valid on the day of sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VatRateCode {
    /// Regelsteuersatz, 19 %.
    Standard,
    /// Ermäßigter Steuersatz, 7 % (food, books, ...).
    Reduced,
    /// Nullsteuersatz, 0 %.
    Zero,
}

impl VatRateCode {
    pub fn as_str(self) -> &'static str {
        match self {
            VatRateCode::Standard => "standard",
            VatRateCode::Reduced => "reduced",
            VatRateCode::Zero => "zero",
        }
    }

    pub fn parse(text: &str) -> Option<VatRateCode> {
        [
            VatRateCode::Standard,
            VatRateCode::Reduced,
            VatRateCode::Zero,
        ]
        .into_iter()
        .find(|code| code.as_str() == text)
    }
}

/// A VAT rate and when it applies.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VatRate {
    pub code: VatRateCode,
    /// Percent, e.g. `"19.00"`.
    #[schema(value_type = String, example = "19.00")]
    pub percent: Decimal,
    #[schema(value_type = String, format = Date, example = "2021-01-01")]
    pub valid_from: NaiveDate,
    /// Last day it applies (inclusive); `null` while it applies.
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_until: Option<NaiveDate>,
    #[schema(example = "Regelsteuersatz (§ 12 Abs. 1 UStG)")]
    pub description: String,
}

/// A new category; without `parent_id` it is a top-level category.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCategory {
    #[schema(example = "Kaffee & Tee", min_length = 1, max_length = 100)]
    pub name: String,
    /// Unique; proposed from the name if absent.
    #[schema(
        example = "kaffee-tee",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$",
        min_length = 3,
        max_length = 60
    )]
    pub slug: Option<String>,
    pub parent_id: Option<CategoryId>,
}

/// Renames or moves a category; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryUpdate {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 3, max_length = 60)]
    pub slug: Option<String>,
    /// The new parent; `null` makes it a top-level category. Not the category itself or one
    /// of its descendants (`409 category_cycle`).
    #[serde(default, deserialize_with = "kernel::json::nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub parent_id: Option<Option<CategoryId>>,
}

/// A category as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Category {
    pub id: CategoryId,
    pub parent_id: Option<CategoryId>,
    pub slug: String,
    pub name: String,
    /// Set when archived (hidden from customers; kept because products refer to it).
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A category with its sub-categories, for browsing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryNode {
    pub id: CategoryId,
    pub slug: String,
    pub name: String,
    /// Set only in the operators' tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived_at: Option<DateTime<Utc>>,
    #[schema(no_recursion)]
    pub children: Vec<CategoryNode>,
}

/// Nests categories (in display order) under their parents. Categories whose parent is not
/// in `categories` become roots only if they have no parent at all; the others are dropped,
/// so hiding an archived category hides its subtree.
pub fn tree(categories: &[Category], show_archived: bool) -> Vec<CategoryNode> {
    fn children_of(
        parent: Option<CategoryId>,
        categories: &[Category],
        show_archived: bool,
    ) -> Vec<CategoryNode> {
        categories
            .iter()
            .filter(|category| category.parent_id == parent)
            .filter(|category| show_archived || category.archived_at.is_none())
            .map(|category| CategoryNode {
                id: category.id,
                slug: category.slug.clone(),
                name: category.name.clone(),
                archived_at: category.archived_at.filter(|_| show_archived),
                children: children_of(Some(category.id), categories, show_archived),
            })
            .collect()
    }
    children_of(None, categories, show_archived)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(name: &str, parent: Option<CategoryId>, archived: bool) -> Category {
        let now = Utc::now();
        Category {
            id: CategoryId::new(),
            parent_id: parent,
            slug: name.to_lowercase(),
            name: name.to_owned(),
            archived_at: archived.then_some(now),
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn archived_categories_hide_their_subtree_from_customers() {
        let food = category("Lebensmittel", None, false);
        let coffee = category("Kaffee", Some(food.id), false);
        let old = category("Alt", Some(food.id), true);
        let below_old = category("Darunter", Some(old.id), false);
        let all = [food, coffee, old, below_old];

        let public = tree(&all, false);
        assert_eq!(public.len(), 1);
        let names: Vec<_> = public[0].children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Kaffee"]);

        let operators = tree(&all, true);
        assert_eq!(operators[0].children.len(), 2);
        assert_eq!(operators[0].children[1].children[0].name, "Darunter");
        assert!(operators[0].children[1].archived_at.is_some());
    }
}

/// Why a product cannot be returned after purchase (§ 312g BGB).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawalExempt {
    /// Goods that spoil quickly.
    Perishable,
    /// Made to the customer's specification.
    Personalised,
    /// Sealed goods not suitable for return for health or hygiene reasons once unsealed.
    SealedHygiene,
    /// Sealed audio, video or software once unsealed.
    SealedMedia,
    /// Newspapers and magazines.
    Periodicals,
}

impl WithdrawalExempt {
    pub fn as_str(self) -> &'static str {
        match self {
            WithdrawalExempt::Perishable => "perishable",
            WithdrawalExempt::Personalised => "personalised",
            WithdrawalExempt::SealedHygiene => "sealed_hygiene",
            WithdrawalExempt::SealedMedia => "sealed_media",
            WithdrawalExempt::Periodicals => "periodicals",
        }
    }

    pub fn parse(text: &str) -> Option<WithdrawalExempt> {
        [
            WithdrawalExempt::Perishable,
            WithdrawalExempt::Personalised,
            WithdrawalExempt::SealedHygiene,
            WithdrawalExempt::SealedMedia,
            WithdrawalExempt::Periodicals,
        ]
        .into_iter()
        .find(|reason| reason.as_str() == text)
    }
}

/// A company named in the product-safety data: postal and electronic address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[schema(
        example = "Röstmanufaktur Schwarzwald GmbH",
        min_length = 1,
        max_length = 200
    )]
    pub name: String,
    pub address: vendor::model::Address,
    #[schema(example = "service@roestmanufaktur.de")]
    pub email: String,
}

/// Product-safety data required for EU listings (GPSR Art. 19).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Safety {
    /// Required to publish.
    pub manufacturer: Option<Contact>,
    /// Required to publish when the manufacturer is outside the EU/EEA.
    pub eu_responsible_person: Option<Contact>,
    /// Warnings and safety information, as on the label.
    #[schema(max_length = 5000)]
    pub warnings: Option<String>,
}

/// A variant: what is bought (size, colour...), with its SKU and price.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVariant {
    /// Unique per vendor: the shop's own article number.
    #[schema(example = "KAF-ESP-500", pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub sku: String,
    /// E.g. `{"Größe": "500 g"}`.
    #[serde(default)]
    pub options: std::collections::BTreeMap<String, String>,
    /// EAN/GTIN with a valid check digit.
    #[schema(example = "4006381333931")]
    pub gtin: Option<String>,
    /// Gross price in euros (incl. VAT); required to publish.
    pub price: Option<kernel::money::Money>,
    pub vat_rate: VatRateCode,
    /// For goods sold by measure, with `unit`: e.g. `"0.5"` kg.
    #[schema(value_type = Option<String>, example = "0.5")]
    pub net_quantity: Option<Decimal>,
    pub unit: Option<crate::pricing::Unit>,
    /// Deposit (Pfand) on top of the price.
    pub deposit: Option<kernel::money::Money>,
    #[schema(example = 540, minimum = 1)]
    pub weight_grams: Option<u32>,
}

/// A new product, created as a `draft`. Drafts may be incomplete; publishing checks.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    #[schema(example = "Espresso Bohne Altstadt", min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub description: String,
    #[schema(example = "Kaffeerösterei Müller", max_length = 100)]
    pub brand: Option<String>,
    pub category_id: Option<CategoryId>,
    /// `https://` image URLs, at most 20.
    #[serde(default)]
    pub images: Vec<String>,
    /// E.g. `{"Röstgrad": "mittel"}`.
    #[serde(default)]
    pub attributes: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub safety: Safety,
    pub withdrawal_exempt: Option<WithdrawalExempt>,
    #[serde(default)]
    pub variants: Vec<NewVariant>,
}

/// Where a product is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Draft,
    Active,
    Archived,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Active => "active",
            ProductStatus::Archived => "archived",
        }
    }

    pub fn parse(text: &str) -> Option<ProductStatus> {
        [
            ProductStatus::Draft,
            ProductStatus::Active,
            ProductStatus::Archived,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// A variant as the vendor sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Variant {
    pub id: VariantId,
    pub sku: String,
    pub options: std::collections::BTreeMap<String, String>,
    pub gtin: Option<String>,
    pub price: Option<kernel::money::Money>,
    pub vat_rate: VatRateCode,
    #[schema(value_type = Option<String>)]
    pub net_quantity: Option<Decimal>,
    pub unit: Option<crate::pricing::Unit>,
    pub deposit: Option<kernel::money::Money>,
    pub weight_grams: Option<u32>,
}

/// A product as the vendor sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Product {
    pub id: ProductId,
    pub vendor_id: kernel::id::VendorId,
    pub category_id: Option<CategoryId>,
    pub title: String,
    pub description: String,
    pub brand: Option<String>,
    pub images: Vec<String>,
    pub attributes: std::collections::BTreeMap<String, String>,
    pub safety: Safety,
    pub withdrawal_exempt: Option<WithdrawalExempt>,
    pub status: ProductStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub variants: Vec<Variant>,
}

/// A variant as customers see it: only priced variants are shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicVariant {
    pub id: VariantId,
    pub sku: String,
    pub options: std::collections::BTreeMap<String, String>,
    pub gtin: Option<String>,
    pub price: crate::pricing::PublicPrice,
    pub weight_grams: Option<u32>,
}

/// A published product as customers see it, with the seller's legal notice and the
/// product-safety data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicProduct {
    pub id: ProductId,
    pub title: String,
    pub description: String,
    pub brand: Option<String>,
    pub category_id: Option<CategoryId>,
    pub images: Vec<String>,
    pub attributes: std::collections::BTreeMap<String, String>,
    pub safety: Safety,
    pub withdrawal_exempt: Option<WithdrawalExempt>,
    pub seller: vendor::model::Seller,
    pub variants: Vec<PublicVariant>,
    /// Available at one of the shop's stores.
    pub in_stock: bool,
    /// The shop's stores (nearest first with `near`) and what each has now.
    pub availability: Vec<StoreAvailability>,
}

/// A new regular price for a variant.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPrice {
    /// Gross, in euros.
    pub price: kernel::money::Money,
}

/// Announces a reduction: a lower price from `starts_at` until `ends_at`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReduction {
    /// Gross, in euros; below the regular price.
    pub price: kernel::money::Money,
    /// Now or later.
    pub starts_at: DateTime<Utc>,
    /// Absent: until further notice.
    pub ends_at: Option<DateTime<Utc>>,
}

/// An announced reduction.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PriceReduction {
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    pub sku: String,
    pub price: kernel::money::Money,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
}

pub const MAX_STOCK_ROWS: usize = 1_000;
pub const MAX_STOCK: i32 = 1_000_000;

/// One row of a stock sync: the on-hand count of a SKU at a location.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockCount {
    #[schema(example = "ESP-500")]
    pub sku: String,
    pub location_id: kernel::id::LocationId,
    #[schema(minimum = 0, maximum = 1000000, example = 12)]
    pub on_hand: i32,
}

/// The stock a shop's till or ERP reports: up to 1,000 rows, applied all or nothing.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockSync {
    #[schema(min_items = 1, max_items = 1000)]
    pub items: Vec<StockCount>,
}

/// Why stock changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StockReason {
    InStoreSale,
    Breakage,
    Delivery,
    Return,
    Correction,
}

impl StockReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StockReason::InStoreSale => "in_store_sale",
            StockReason::Breakage => "breakage",
            StockReason::Delivery => "delivery",
            StockReason::Return => "return",
            StockReason::Correction => "correction",
        }
    }
}

/// A change of on-hand stock by a number of units.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockAdjustment {
    #[schema(example = "ESP-500")]
    pub sku: String,
    pub location_id: kernel::id::LocationId,
    /// Units added (positive) or taken away (negative); not 0.
    #[schema(example = -1, minimum = -1000000, maximum = 1000000)]
    pub delta: i32,
    pub reason: StockReason,
}

/// The stock of a SKU at a location.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockLevel {
    pub sku: String,
    pub location_id: kernel::id::LocationId,
    pub on_hand: i32,
    /// Held by open orders.
    pub reserved: i32,
    /// What can be sold: `on_hand - reserved`.
    pub available: i32,
}

pub const MAX_IMPORT_ROWS: usize = 1_000;

/// One product of an import, identified by the SKU of one of its variants.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportItem {
    #[schema(example = "ESP-500")]
    pub sku: String,
    pub product: NewProduct,
}

/// Up to 1,000 products, created or replaced by SKU, all or nothing.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductImport {
    #[schema(min_items = 1, max_items = 1000)]
    pub items: Vec<ImportItem>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportResult {
    pub created: u32,
    pub updated: u32,
}

/// How search results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    /// Best matches of `q` first; without `q` the same as `newest`.
    #[default]
    Relevance,
    /// Cheapest current price first (reductions applied).
    PriceAsc,
    /// Dearest current price first.
    PriceDesc,
    /// Most recently published first.
    Newest,
    /// Nearest store first; needs `near`.
    Distance,
}

/// The shop selling a product, as shown in search results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShopSummary {
    pub id: kernel::id::VendorId,
    pub slug: String,
    pub display_name: String,
}

/// A product in search results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductSummary {
    pub id: ProductId,
    pub title: String,
    pub brand: Option<String>,
    /// The first image, if any.
    pub image: Option<String>,
    pub category_id: Option<CategoryId>,
    pub seller: ShopSummary,
    /// The price of the cheapest variant now ("ab"), as German law wants it shown.
    pub price: crate::pricing::PublicPrice,
    /// Available at one of the shop's stores.
    pub in_stock: bool,
    /// Kilometres from `near` to the nearest store of the shop that matches the location
    /// filters (`in_stock`, `pickup_today`); `null` without `near`.
    pub distance_km: Option<f64>,
    pub published_at: DateTime<Utc>,
}

/// How many results fall into a category.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryFacet {
    pub id: CategoryId,
    pub slug: String,
    pub name: String,
    pub count: i64,
}

/// How many results a shop has.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VendorFacet {
    pub id: kernel::id::VendorId,
    pub slug: String,
    pub display_name: String,
    pub count: i64,
}

/// How many results cost from `min` up to (not including) `max`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PriceBand {
    pub min: kernel::money::Money,
    /// `null`: no upper bound.
    pub max: Option<kernel::money::Money>,
    pub count: i64,
}

/// Counts over all results of the search (not only the page), most results first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchFacets {
    /// By the products' own category.
    pub categories: Vec<CategoryFacet>,
    pub vendors: Vec<VendorFacet>,
    /// Only bands with results, cheapest first.
    pub price_bands: Vec<PriceBand>,
}

/// A page of search results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchPage {
    pub items: Vec<ProductSummary>,
    /// Pass as `cursor` (with the same filters and sort) for the next page; `null` on the
    /// last page.
    pub next_cursor: Option<String>,
    /// Only with `facets=true`.
    pub facets: Option<SearchFacets>,
}

/// What a store has of a variant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VariantStock {
    pub variant_id: VariantId,
    pub sku: String,
    /// Units that can be bought or picked up there now.
    pub available: i32,
}

/// One store of the shop and what it has of the product.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreAvailability {
    /// The store: address, opening hours, `open_now`, pickup, local delivery, and the
    /// distance from `near` when given.
    pub location: vendor::model::PublicLocation,
    /// Every variant on sale, with 0 where the store has none.
    pub variants: Vec<VariantStock>,
}
