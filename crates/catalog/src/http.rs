//! HTTP handlers of the catalog API: categories, VAT rates, the vendors' products, prices
//! and stock, and the public product search and product page.

use actix_web::{delete, get, patch, post, put, web, HttpResponse};
use kernel::auth::{Authenticated, Operator};
use kernel::id::{CategoryId, ProductId, VendorId};
use kernel::json::Json;
use kernel::openapi::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, Unauthorized,
    UnsupportedMediaType, ValidationFailed,
};
use kernel::pagination::{Page, PageParams};
use kernel::Problem;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::model::{
    Category, CategoryNode, CategoryUpdate, ImportResult, NewCategory, NewPrice, NewProduct,
    NewReduction, PriceReduction, Product, ProductImport, PublicProduct, SearchPage, SearchSort,
    StockAdjustment, StockLevel, StockSync, Variant, VatRate,
};
use crate::search::{NearQuery, ProductQuery};
use crate::service::{CatalogService, CategoryRemoval};
use vendor::http::{given, NearParams};

/// Registers the catalog routes (relative to `/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(vat_rates)
        .service(category_tree)
        .service(operator_category_tree)
        .service(create_category)
        .service(update_category)
        .service(delete_category)
        .service(create_product)
        .service(list_products)
        .service(get_product)
        .service(publish_product)
        .service(upsert_product)
        .service(import_products)
        .service(set_price)
        .service(add_reduction)
        .service(sync_stock)
        .service(adjust_stock)
        .service(list_stock)
        .service(search_products)
        .service(public_product);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VatRateParams {
    /// The day of sale, `YYYY-MM-DD`; default today (Germany).
    #[param(value_type = Option<String>, format = Date, example = "2026-11-22")]
    date: Option<chrono::NaiveDate>,
}

/// VAT rates
///
/// The rates products are sold at, by code (`standard`, `reduced`, `zero`), as valid on a
/// day. Vendors choose a product's rate by code and never type a percentage.
#[utoipa::path(
    operation_id = "list_vat_rates",
    tag = "catalog",
    security(()),
    params(VatRateParams),
    responses(
        (status = 200, description = "The rates of that day (never more than one page).", body = Page<VatRate>),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
    )
)]
#[get("/vat-rates")]
async fn vat_rates(
    service: web::Data<CatalogService>,
    params: web::Query<VatRateParams>,
) -> Result<web::Json<Page<VatRate>>, Problem> {
    Ok(web::Json(Page::all(service.vat_rates(params.date).await?)))
}

/// The category tree
///
/// Every active category, nested under its parent, by name.
#[utoipa::path(
    operation_id = "list_categories",
    tag = "catalog",
    security(()),
    responses(
        (status = 200, description = "The top-level categories with their sub-categories (never more than one page).", body = Page<CategoryNode>),
        (status = 500, response = InternalError),
    )
)]
#[get("/categories")]
async fn category_tree(
    service: web::Data<CatalogService>,
) -> Result<web::Json<Page<CategoryNode>>, Problem> {
    Ok(web::Json(Page::all(service.category_tree(false).await?)))
}

/// The category tree with archived categories
///
/// Operators only: like `GET /v1/categories`, with archived categories (marked by
/// `archived_at`) and what is below them.
#[utoipa::path(
    operation_id = "list_categories_for_operators",
    tag = "operator",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The whole tree (never more than one page).", body = Page<CategoryNode>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 500, response = InternalError),
    )
)]
#[get("/operator/categories")]
async fn operator_category_tree(
    _: Operator,
    service: web::Data<CatalogService>,
) -> Result<web::Json<Page<CategoryNode>>, Problem> {
    Ok(web::Json(Page::all(service.category_tree(true).await?)))
}

/// Create a category
///
/// Operators only. Without `parent_id` a top-level category; the parent must be active
/// (`422 unknown_parent`). A taken slug is `409 slug_taken`; without a slug one is proposed
/// from the name.
#[utoipa::path(
    operation_id = "create_category",
    tag = "operator",
    security(("bearer" = [])),
    request_body = NewCategory,
    responses(
        (status = 201, description = "The category.", body = Category),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/operator/categories")]
async fn create_category(
    _: Operator,
    service: web::Data<CatalogService>,
    Json(request): Json<NewCategory>,
) -> Result<HttpResponse, Problem> {
    let category = service.create_category(request).await?;
    Ok(HttpResponse::Created().json(category))
}

/// Rename or move a category
///
/// Operators only. Moving below itself or one of its own sub-categories is
/// `409 category_cycle`; archived categories cannot change (`409 category_archived`).
#[utoipa::path(
    operation_id = "update_category",
    tag = "operator",
    security(("bearer" = [])),
    params(("category_id" = uuid::Uuid, Path, description = "The category's id.")),
    request_body = CategoryUpdate,
    responses(
        (status = 200, description = "The category.", body = Category),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[patch("/operator/categories/{category_id}")]
async fn update_category(
    _: Operator,
    service: web::Data<CatalogService>,
    id: web::Path<CategoryId>,
    Json(update): Json<CategoryUpdate>,
) -> Result<web::Json<Category>, Problem> {
    Ok(web::Json(service.update_category(*id, update).await?))
}

/// Delete or archive a category
///
/// Operators only. An unused category is deleted (`204`); one that products (or archived
/// sub-categories) refer to is archived instead (`200` with the category): it disappears
/// from `GET /v1/categories`. Active sub-categories must move first
/// (`409 category_has_children`).
#[utoipa::path(
    operation_id = "delete_category",
    tag = "operator",
    security(("bearer" = [])),
    params(("category_id" = uuid::Uuid, Path, description = "The category's id.")),
    responses(
        (status = 200, description = "Referenced elsewhere, so archived.", body = Category),
        (status = 204, description = "Deleted."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
    )
)]
#[delete("/operator/categories/{category_id}")]
async fn delete_category(
    _: Operator,
    service: web::Data<CatalogService>,
    id: web::Path<CategoryId>,
) -> Result<HttpResponse, Problem> {
    Ok(match service.remove_category(*id).await? {
        CategoryRemoval::Deleted => HttpResponse::NoContent().finish(),
        CategoryRemoval::Archived(category) => HttpResponse::Ok().json(category),
    })
}

/// Create a product
///
/// Managers and owners, or an API key with `catalog:write`. The product starts as a `draft`
/// and may be incomplete; prices are gross (incl. VAT) with a VAT rate chosen by code. A SKU
/// the vendor already uses is `409 sku_taken`.
#[utoipa::path(
    operation_id = "create_product",
    tag = "products",
    security(("bearer" = []), ("api_key" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    request_body = NewProduct,
    responses(
        (status = 201, description = "The draft product.", body = Product),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/products")]
async fn create_product(
    principal: Authenticated,
    service: web::Data<CatalogService>,
    vendor_id: web::Path<VendorId>,
    Json(request): Json<NewProduct>,
) -> Result<HttpResponse, Problem> {
    let product = service
        .create_product(&principal.0, *vendor_id, request)
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/v1/vendors/{}/products/{}", vendor_id, product.id),
        ))
        .json(product))
}

/// The vendor's products
///
/// Managers and owners, or an API key with `catalog:read`. Newest first.
#[utoipa::path(
    operation_id = "list_products",
    tag = "products",
    security(("bearer" = []), ("api_key" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."), PageParams),
    responses(
        (status = 200, description = "A page of products.", body = Page<Product>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/products")]
async fn list_products(
    principal: Authenticated,
    service: web::Data<CatalogService>,
    vendor_id: web::Path<VendorId>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<Product>>, Problem> {
    Ok(web::Json(
        service.products(&principal.0, *vendor_id, &page).await?,
    ))
}

/// A product of the vendor
///
/// Managers and owners, or an API key with `catalog:read`.
#[utoipa::path(
    operation_id = "get_product",
    tag = "products",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("product_id" = uuid::Uuid, Path, description = "The product's id."),
    ),
    responses(
        (status = 200, description = "The product.", body = Product),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/products/{product_id}")]
async fn get_product(
    principal: Authenticated,
    service: web::Data<CatalogService>,
    path: web::Path<(VendorId, ProductId)>,
) -> Result<web::Json<Product>, Problem> {
    let (vendor_id, product_id) = path.into_inner();
    Ok(web::Json(
        service.product(&principal.0, vendor_id, product_id).await?,
    ))
}

/// Publish a product
///
/// Managers and owners, or an API key with `catalog:write`. Only an approved vendor can
/// publish (`409 vendor_not_approved`); the product needs a description, a category, the
/// manufacturer's safety data (GPSR; an EU responsible person when the manufacturer is
/// outside the EU) and a priced variant, else `422 publish_incomplete` names every missing
/// field.
#[utoipa::path(
    operation_id = "publish_product",
    tag = "products",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("product_id" = uuid::Uuid, Path, description = "The product's id."),
    ),
    responses(
        (status = 200, description = "The product, now `active`.", body = Product),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/products/{product_id}/publish")]
async fn publish_product(
    principal: Authenticated,
    service: web::Data<CatalogService>,
    path: web::Path<(VendorId, ProductId)>,
) -> Result<web::Json<Product>, Problem> {
    let (vendor_id, product_id) = path.into_inner();
    Ok(web::Json(
        service.publish(&principal.0, vendor_id, product_id).await?,
    ))
}

/// Filters and order of the product search.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find in title, brand and description: German stemming ("Mühlen" finds
    /// "Mühle"), umlauts written out ("muehle"), parts of words ("mühle" finds
    /// "Kaffeemühle") and small typos ("Kaffemühle").
    #[param(max_length = 100, example = "kaffeemühle")]
    q: Option<String>,
    /// A category by slug or id, with its sub-categories.
    #[param(example = "kaffee-tee")]
    category: Option<String>,
    /// A shop by slug or id.
    #[param(example = "kaffeeroesterei-mueller")]
    vendor: Option<String>,
    /// Lowest current price (reductions applied) in euros, inclusive.
    #[param(pattern = r"^\d{1,8}(\.\d{1,2})?$", example = "5.00")]
    min_price: Option<String>,
    /// Highest current price in euros, inclusive; not below `min_price`.
    #[param(pattern = r"^\d{1,8}(\.\d{1,2})?$", example = "50.00")]
    max_price: Option<String>,
    /// Only products available at one of the shop's stores (within `radius_km` of `near`
    /// when given).
    in_stock: Option<bool>,
    /// Only products within this many km of `near` (default 25, from 0.1 to 500): the shop has
    /// a store there (which with `in_stock` or `pickup_today` must have it).
    #[param(minimum = 0.1, maximum = 500)]
    radius_km: Option<f64>,
    /// Only products that can be picked up today: available at a store that offers pickup
    /// and is open now or later today (its own opening hours and exceptions, local time).
    pickup_today: Option<bool>,
    /// The order: `relevance` (default with `q`), `newest` (default without `q`),
    /// `price_asc`, `price_desc`, or `distance` (needs `near`).
    #[param(inline)]
    sort: Option<SearchSort>,
    /// Also count all results by category, shop and price band.
    facets: Option<bool>,
}

/// Search products
///
/// Published products of approved shops, with the price of the cheapest variant as German
/// law wants it shown. Every filter combines with every other; `next_cursor` continues the
/// same search (a cursor of another sort is `400 invalid_cursor`). With `near`, each item
/// has `distance_km` to the nearest matching store. With `facets=true`, `facets` counts all
/// results (not only the page).
#[utoipa::path(
    operation_id = "search_products",
    tag = "products",
    security(()),
    params(SearchParams, NearParams, PageParams),
    responses(
        (status = 200, description = "A page of products.", body = SearchPage),
        (status = 400, response = BadRequest),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/products")]
async fn search_products(
    service: web::Data<CatalogService>,
    params: web::Query<SearchParams>,
    near: web::Query<NearParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<SearchPage>, Problem> {
    let params = params.into_inner();
    let near = near.into_inner();
    let query = ProductQuery {
        q: given(params.q),
        category: given(params.category),
        vendor: given(params.vendor),
        min_price: given(params.min_price),
        max_price: given(params.max_price),
        in_stock: params.in_stock.unwrap_or(false),
        near: given(near.near),
        country: given(near.country),
        radius_km: params.radius_km,
        pickup_today: params.pickup_today.unwrap_or(false),
        sort: params.sort,
        facets: params.facets.unwrap_or(false),
    };
    Ok(web::Json(service.search(&query, &page).await?))
}

/// A product
///
/// A published product of an approved vendor: variants with prices as German law wants
/// them shown (gross with VAT rate, or the small-business note; unit price per 1 kg / l /
/// m / m² / m³; deposit on top; during a reduction the lowest price of the 30 days before),
/// the seller's legal notice, the product-safety data, and what each of the shop's stores
/// has now, with opening hours, pickup and local delivery (nearest first with `near`).
#[utoipa::path(
    operation_id = "get_public_product",
    tag = "products",
    security(()),
    params(("product_id" = uuid::Uuid, Path, description = "The product's id."), NearParams),
    responses(
        (status = 200, description = "The product.", body = PublicProduct),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/products/{product_id}")]
async fn public_product(
    service: web::Data<CatalogService>,
    product_id: web::Path<ProductId>,
    near: web::Query<NearParams>,
) -> Result<web::Json<PublicProduct>, Problem> {
    let near = near.into_inner();
    let near = NearQuery {
        near: given(near.near),
        country: given(near.country),
    };
    Ok(web::Json(service.public_product(*product_id, &near).await?))
}

/// Set a variant's price
///
/// Managers and owners, or an API key with `catalog:write`: the regular gross price of the
/// variant with this SKU. Every change is kept in the price history (the basis of the
/// reference price of later reductions); setting the same price again changes nothing.
#[utoipa::path(
    operation_id = "set_variant_price",
    tag = "products",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("sku" = String, Path, description = "The variant's SKU."),
    ),
    request_body = NewPrice,
    responses(
        (status = 200, description = "The variant.", body = Variant),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[put("/vendors/{vendor_id}/variants/{sku}/price")]
async fn set_price(
    principal: Authenticated,
    service: web::Data<CatalogService>,
    path: web::Path<(VendorId, String)>,
    Json(request): Json<NewPrice>,
) -> Result<web::Json<Variant>, Problem> {
    let (vendor_id, sku) = path.into_inner();
    Ok(web::Json(
        service
            .set_price(&principal.0, vendor_id, &sku, request)
            .await?,
    ))
}

/// Announce a reduction
///
/// Managers and owners, or an API key with `catalog:write`: a sale price below the regular
/// price from `starts_at` (now or later) until `ends_at` (open-ended if absent). While it
/// runs, `GET /v1/products/{id}` shows the reduced price with `reference_price`, the lowest
/// price of the 30 days before the reduction began (§ 11 PAngV; for a reduction deepened in
/// back-to-back steps, before the first step). Reductions of a variant never overlap
/// (`409 reduction_overlaps`).
#[utoipa::path(
    operation_id = "add_price_reduction",
    tag = "products",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("sku" = String, Path, description = "The variant's SKU."),
    ),
    request_body = NewReduction,
    responses(
        (status = 201, description = "The reduction.", body = PriceReduction),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/variants/{sku}/reductions")]
async fn add_reduction(
    principal: Authenticated,
    service: web::Data<CatalogService>,
    path: web::Path<(VendorId, String)>,
    Json(request): Json<NewReduction>,
) -> Result<HttpResponse, Problem> {
    let (vendor_id, sku) = path.into_inner();
    let reduction = service
        .add_reduction(&principal.0, vendor_id, &sku, request)
        .await?;
    Ok(HttpResponse::Created().json(reduction))
}

/// Sync stock from the till
///
/// Managers and owners, or an API key with `stock:write`: sets the on-hand count of up to
/// 1,000 (SKU, location) rows at once, all or nothing — one invalid row (`errors` names each
/// as `items[i].field`) changes nothing. Sending the same counts again changes nothing, so a
/// till can simply send its whole stock. Answers the resulting stock of the rows.
#[utoipa::path(
    operation_id = "sync_stock",
    tag = "stock",
    security(("bearer" = []), ("api_key" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    request_body = StockSync,
    responses(
        (status = 200, description = "The stock of the rows.", body = Page<StockLevel>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[put("/vendors/{vendor_id}/stock")]
async fn sync_stock(
    principal: Authenticated,
    service: web::Data<CatalogService>,
    vendor_id: web::Path<VendorId>,
    Json(sync): Json<StockSync>,
) -> Result<web::Json<Page<StockLevel>>, Problem> {
    Ok(web::Json(Page::all(
        service.sync_stock(&principal.0, *vendor_id, sync).await?,
    )))
}

/// Adjust stock
///
/// Managers and owners, or an API key with `stock:write`: adds or takes away units with a
/// reason (in-store sale, breakage, delivery, return, correction). Concurrent adjustments
/// all count; stock never falls below zero or what open orders reserved
/// (`409 stock_insufficient`, nothing changed).
#[utoipa::path(
    operation_id = "adjust_stock",
    tag = "stock",
    security(("bearer" = []), ("api_key" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    request_body = StockAdjustment,
    responses(
        (status = 200, description = "The stock after the adjustment.", body = StockLevel),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/stock/adjustments")]
async fn adjust_stock(
    principal: Authenticated,
    service: web::Data<CatalogService>,
    vendor_id: web::Path<VendorId>,
    Json(adjustment): Json<StockAdjustment>,
) -> Result<web::Json<StockLevel>, Problem> {
    Ok(web::Json(
        service
            .adjust_stock(&principal.0, *vendor_id, adjustment)
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StockParams {
    /// Only this SKU.
    sku: Option<String>,
}

/// The vendor's stock
///
/// Managers and owners, or an API key with `catalog:read`: on hand, reserved and available
/// per SKU and location, by SKU.
#[utoipa::path(
    operation_id = "list_stock",
    tag = "stock",
    security(("bearer" = []), ("api_key" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."), StockParams, PageParams),
    responses(
        (status = 200, description = "A page of stock levels.", body = Page<StockLevel>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/stock")]
async fn list_stock(
    principal: Authenticated,
    service: web::Data<CatalogService>,
    vendor_id: web::Path<VendorId>,
    params: web::Query<StockParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<StockLevel>>, Problem> {
    let sku = params.sku.as_deref().filter(|sku| !sku.is_empty());
    Ok(web::Json(
        service.stock(&principal.0, *vendor_id, sku, &page).await?,
    ))
}

/// Create or replace a product by SKU
///
/// Managers and owners, or an API key with `catalog:write` — how an ERP keeps the catalog in
/// step: the product that has a variant with this SKU gets the body's fields and variants
/// (matched by SKU; changed prices go into the price history; variants not named stay). If
/// no product has the SKU, the product is created as a `draft` (`201`). The body must
/// contain the variant with this SKU. An active product must stay complete
/// (`422 publish_incomplete`); its status does not change.
#[utoipa::path(
    operation_id = "upsert_product_by_sku",
    tag = "products",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("sku" = String, Path, description = "The SKU of one of the product's variants."),
    ),
    request_body = NewProduct,
    responses(
        (status = 200, description = "The replaced product.", body = Product),
        (status = 201, description = "The created draft product.", body = Product),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[put("/vendors/{vendor_id}/products/by-sku/{sku}")]
async fn upsert_product(
    principal: Authenticated,
    service: web::Data<CatalogService>,
    path: web::Path<(VendorId, String)>,
    Json(request): Json<NewProduct>,
) -> Result<HttpResponse, Problem> {
    let (vendor_id, sku) = path.into_inner();
    let (product, created) = service
        .upsert_product(&principal.0, vendor_id, &sku, request)
        .await?;
    Ok(if created {
        HttpResponse::Created().json(product)
    } else {
        HttpResponse::Ok().json(product)
    })
}

/// Import products
///
/// Managers and owners, or an API key with `catalog:write`: up to 1,000 products, each
/// created or replaced by SKU as in `PUT …/products/by-sku/{sku}`, in one transaction — all
/// or nothing. Errors name the row: `items[3].product.variants[0].gtin`.
#[utoipa::path(
    operation_id = "import_products",
    tag = "products",
    security(("bearer" = []), ("api_key" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    request_body = ProductImport,
    responses(
        (status = 200, description = "How many were created and replaced.", body = ImportResult),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/products/import")]
async fn import_products(
    principal: Authenticated,
    service: web::Data<CatalogService>,
    vendor_id: web::Path<VendorId>,
    Json(import): Json<ProductImport>,
) -> Result<web::Json<ImportResult>, Problem> {
    Ok(web::Json(
        service
            .import_products(&principal.0, *vendor_id, import)
            .await?,
    ))
}
