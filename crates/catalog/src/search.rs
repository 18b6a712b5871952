//! What customers see of the catalog: product search with filters, sorts and facets, and the
//! product page with prices and availability per store.

use kernel::id::{CategoryId, LocationId, ProductId, VariantId, VendorId};
use kernel::money::Money;
use kernel::pagination::{encode_cursor, PageParams};
use kernel::validation::{text, FieldErrors};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use crate::error::CatalogError;
use crate::model::{
    CategoryFacet, PriceBand, ProductSummary, PublicProduct, PublicVariant, SearchFacets,
    SearchPage, SearchSort, ShopSummary, StoreAvailability, VariantStock, VendorFacet,
};
use crate::repo::{self, IdOrSlug, SearchFilter, SearchPosition, SearchRow, StoreFilter};
use crate::service::{product_of, variant_of, CatalogService, PriceBook};

const QUERY_MAX_CHARS: usize = 100;
/// Where the facet price bands start (the first starts at 0), in euros.
const PRICE_BAND_STARTS: [i64; 5] = [10, 25, 50, 100, 250];

/// A product search (`GET /v1/products`) as sent; empty values count as absent.
#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    pub q: Option<String>,
    pub category: Option<String>,
    pub vendor: Option<String>,
    pub min_price: Option<String>,
    pub max_price: Option<String>,
    pub in_stock: bool,
    pub near: Option<String>,
    pub country: Option<String>,
    pub radius_km: Option<f64>,
    pub pickup_today: bool,
    pub sort: Option<SearchSort>,
    pub facets: bool,
}

/// Where the next page of a search starts, and whether the search matches close spellings.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct SearchCursor {
    position: SearchPosition,
    typo_tolerant: bool,
}

/// Where to measure distances from on the product page.
#[derive(Debug, Clone, Default)]
pub struct NearQuery {
    pub near: Option<String>,
    pub country: Option<String>,
}

fn id_or_slug(value: &str) -> IdOrSlug {
    match uuid::Uuid::parse_str(value) {
        Ok(id) => IdOrSlug::Id(id),
        Err(_) => IdOrSlug::Slug(value.to_owned()),
    }
}

fn price_filter(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<Decimal> {
    let value = value?;
    let parsed = Money::from_str(value)
        .ok()
        .filter(|money| !money.is_negative())
        .map(Money::amount);
    if parsed.is_none() {
        errors.add(field, "must be a non-negative amount such as \"12.90\"");
    }
    parsed
}

impl CatalogService {
    /// Active products of approved vendors that match the query, a page at a time.
    pub async fn search(
        &self,
        query: &ProductQuery,
        page: &PageParams,
    ) -> Result<SearchPage, CatalogError> {
        let limit = page.limit()?;
        let cursor = page.after::<SearchCursor>()?;
        let mut errors = FieldErrors::new();
        let q = query
            .q
            .as_deref()
            .map(str::trim)
            .and_then(|q| errors.check("q", text(q, QUERY_MAX_CHARS, false)));
        let min_price = price_filter(&mut errors, "min_price", query.min_price.as_deref());
        let max_price = price_filter(&mut errors, "max_price", query.max_price.as_deref());
        if min_price.zip(max_price).is_some_and(|(min, max)| min > max) {
            errors.add("max_price", "must not be below `min_price`");
        }
        let radius = errors.check("radius_km", vendor::geo::radius_km(query.radius_km));
        if query.radius_km.is_some() && query.near.is_none() {
            errors.add("radius_km", "needs `near`");
        }
        let sort = match (query.sort.unwrap_or_default(), &q) {
            (SearchSort::Relevance, None) => SearchSort::Newest,
            (sort, _) => sort,
        };
        if sort == SearchSort::Distance && query.near.is_none() {
            errors.add("sort", "`distance` needs `near`");
        }
        let position_fits = matches!(
            (sort, cursor.map(|cursor| cursor.position)),
            (_, None)
                | (SearchSort::Relevance, Some(SearchPosition::Relevance(..)))
                | (SearchSort::PriceAsc, Some(SearchPosition::PriceAsc(..)))
                | (SearchSort::PriceDesc, Some(SearchPosition::PriceDesc(..)))
                | (SearchSort::Newest, Some(SearchPosition::Newest(..)))
                | (SearchSort::Distance, Some(SearchPosition::Distance(..)))
        );
        errors.finish()?;
        if !position_fits {
            return Err(kernel::Problem::bad_request(
                "invalid_cursor",
                "The cursor belongs to another sort order; start again without it.",
            )
            .into());
        }

        let mut conn = self.pool.acquire().await?;
        let now = self.clock.now();
        let near = match &query.near {
            Some(near) => {
                let point =
                    vendor::service::resolve_near(&mut conn, near, query.country.as_deref())
                        .await?;
                radius.map(|radius| (point, radius))
            }
            None => None,
        };
        let stores = match (near, query.pickup_today) {
            (None, false) => None,
            (near, pickup_today) => {
                Some(vendor::service::places(&mut conn, near, pickup_today.then_some(now)).await?)
            }
        };
        let categories = match query.category.as_deref() {
            Some(category) => Some(repo::category_subtree(&mut conn, &id_or_slug(category)).await?),
            None => None,
        };
        let mut filter = SearchFilter {
            q: q.as_deref(),
            typo_tolerant: cursor.is_some_and(|cursor| cursor.typo_tolerant),
            categories,
            vendor: query.vendor.as_deref().map(id_or_slug),
            min_price,
            max_price,
            in_stock: query.in_stock,
            stores: stores.as_deref().map(|stores| StoreFilter {
                stores,
                stock_required: query.in_stock || query.pickup_today,
            }),
            now,
        };
        let after = cursor.map(|cursor| cursor.position);
        let mut rows =
            repo::search_products(&mut conn, &filter, sort, after, i64::from(limit) + 1).await?;
        // Close spellings only when nothing matches as written: a typo finds what was meant,
        // and common words stay fast. The cursor keeps the choice for the following pages.
        if rows.is_empty() && after.is_none() && filter.q.is_some() {
            filter.typo_tolerant = true;
            rows =
                repo::search_products(&mut conn, &filter, sort, None, i64::from(limit) + 1).await?;
        }
        let next_cursor = (rows.len() > limit as usize)
            .then(|| rows.get(limit as usize - 1))
            .flatten()
            .map(|last| {
                encode_cursor(&SearchCursor {
                    position: position_of(sort, last),
                    typo_tolerant: filter.typo_tolerant,
                })
            });
        let rows: Vec<SearchRow> = rows.into_iter().take(limit as usize).collect();
        let items = self.summaries(&mut conn, rows, now).await?;
        let facets = match query.facets {
            true => Some(facets(
                repo::search_facets(&mut conn, &filter, &band_starts()).await?,
            )),
            false => None,
        };
        Ok(SearchPage {
            items,
            next_cursor,
            facets,
        })
    }

    /// Search rows with the price of each product's cheapest variant and its stock state,
    /// loaded for the whole page at once.
    async fn summaries(
        &self,
        conn: &mut sqlx::PgConnection,
        rows: Vec<SearchRow>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<ProductSummary>, CatalogError> {
        let ids: Vec<ProductId> = rows.iter().map(|row| row.id).collect();
        let variants = repo::variants_of(conn, &ids).await?;
        let variant_ids: Vec<VariantId> = variants.iter().map(|variant| variant.id).collect();
        let book = PriceBook::load(conn, &variant_ids, now).await?;
        let stocked: HashSet<ProductId> = repo::available_stock(conn, &ids)
            .await?
            .into_iter()
            .map(|(product, ..)| product)
            .collect();
        let mut variants_by_product: HashMap<ProductId, Vec<crate::model::Variant>> =
            HashMap::new();
        for variant in variants {
            variants_by_product
                .entry(variant.product_id)
                .or_default()
                .push(variant_of(variant));
        }
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let price = variants_by_product
                    .get(&row.id)?
                    .iter()
                    .filter_map(|variant| book.public_price(variant, row.small_business))
                    .min_by_key(|price| price.amount)?;
                Some(ProductSummary {
                    id: row.id,
                    title: row.title,
                    brand: row.brand,
                    image: row.image,
                    category_id: row.category_id,
                    seller: ShopSummary {
                        id: row.vendor_id,
                        slug: row.vendor_slug,
                        display_name: row.vendor_name,
                    },
                    price,
                    in_stock: stocked.contains(&row.id),
                    distance_km: row.distance_km.and_then(|km| km.try_into().ok()),
                    published_at: row.published_at,
                })
            })
            .collect())
    }

    /// A published product of a vendor that may sell, with prices as customers see them and
    /// what each of the shop's stores has (nearest first with `near`).
    pub async fn public_product(
        &self,
        product_id: ProductId,
        near: &NearQuery,
    ) -> Result<PublicProduct, CatalogError> {
        let mut conn = self.pool.acquire().await?;
        crate::service::public_listing(&mut conn, product_id)
            .await?
            .ok_or(CatalogError::ProductNotFound)?;
        let row = repo::fetch_product(&mut conn, product_id)
            .await?
            .ok_or(CatalogError::ProductNotFound)?;
        let seller = vendor::service::seller(&mut conn, row.vendor_id)
            .await?
            .ok_or(CatalogError::ProductNotFound)?;
        let point = match &near.near {
            Some(place) => Some(
                vendor::service::resolve_near(&mut conn, place, near.country.as_deref()).await?,
            ),
            None => None,
        };
        let now = self.clock.now();
        let variants = repo::variants_of(&mut conn, &[product_id]).await?;
        let ids: Vec<VariantId> = variants.iter().map(|variant| variant.id).collect();
        let book = PriceBook::load(&mut conn, &ids, now).await?;
        let product = product_of(row, variants.into_iter().map(variant_of).collect());
        let small_business = seller.legal_notice.small_business;
        let variants: Vec<PublicVariant> = product
            .variants
            .iter()
            .filter_map(|variant| {
                Some(PublicVariant {
                    id: variant.id,
                    sku: variant.sku.clone(),
                    options: variant.options.clone(),
                    gtin: variant.gtin.clone(),
                    price: book.public_price(variant, small_business)?,
                    weight_grams: variant.weight_grams,
                })
            })
            .collect();
        let available: HashMap<(VariantId, LocationId), i32> =
            repo::available_stock(&mut conn, &[product_id])
                .await?
                .into_iter()
                .map(|(_, variant, location, count)| ((variant, location), count))
                .collect();
        let availability: Vec<StoreAvailability> =
            vendor::service::public_locations(&mut conn, product.vendor_id, point, now)
                .await?
                .into_iter()
                .map(|location| StoreAvailability {
                    variants: variants
                        .iter()
                        .map(|variant| VariantStock {
                            variant_id: variant.id,
                            sku: variant.sku.clone(),
                            available: available
                                .get(&(variant.id, location.id))
                                .copied()
                                .unwrap_or(0),
                        })
                        .collect(),
                    location,
                })
                .collect();
        let in_stock = availability
            .iter()
            .flat_map(|store| &store.variants)
            .any(|variant| variant.available > 0);
        Ok(PublicProduct {
            id: product.id,
            title: product.title,
            description: product.description,
            brand: product.brand,
            category_id: product.category_id,
            images: product.images,
            attributes: product.attributes,
            safety: product.safety,
            withdrawal_exempt: product.withdrawal_exempt,
            seller,
            variants,
            in_stock,
            availability,
        })
    }
}

/// Where the page after `row` starts, in the order of `sort`.
fn position_of(sort: SearchSort, row: &SearchRow) -> SearchPosition {
    let id = row.id;
    match sort {
        SearchSort::Relevance => SearchPosition::Relevance(row.relevance.unwrap_or_default(), id),
        SearchSort::PriceAsc => SearchPosition::PriceAsc(row.price, id),
        SearchSort::PriceDesc => SearchPosition::PriceDesc(row.price, id),
        SearchSort::Newest => SearchPosition::Newest(row.published_at, id),
        SearchSort::Distance => SearchPosition::Distance(row.distance_km.unwrap_or_default(), id),
    }
}

fn band_starts() -> Vec<Decimal> {
    PRICE_BAND_STARTS
        .iter()
        .map(|start| Decimal::from(*start))
        .collect()
}

/// Turns facet count rows into facets: most results first (then by name); price bands
/// cheapest first.
fn facets(rows: Vec<repo::FacetRow>) -> SearchFacets {
    let starts = band_starts();
    let mut facets = SearchFacets {
        categories: Vec::new(),
        vendors: Vec::new(),
        price_bands: Vec::new(),
    };
    for row in rows {
        let id = uuid::Uuid::parse_str(&row.key).ok();
        let (slug, name) = (row.slug.unwrap_or_default(), row.name.unwrap_or_default());
        match (row.facet.as_str(), id) {
            ("category", Some(id)) => facets.categories.push(CategoryFacet {
                id: CategoryId(id),
                slug,
                name,
                count: row.count,
            }),
            ("vendor", Some(id)) => facets.vendors.push(VendorFacet {
                id: VendorId(id),
                slug,
                display_name: name,
                count: row.count,
            }),
            ("price", _) => {
                // `width_bucket` counts from 0 (below the first start) to the number of
                // starts (at or above the last).
                let Ok(index) = row.key.parse::<usize>() else {
                    continue;
                };
                let min = match index {
                    0 => Decimal::ZERO,
                    _ => starts.get(index - 1).copied().unwrap_or_default(),
                };
                facets.price_bands.push(PriceBand {
                    min: Money::rounded(min),
                    max: starts.get(index).copied().map(Money::rounded),
                    count: row.count,
                });
            }
            _ => {}
        }
    }
    facets
        .categories
        .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    facets.vendors.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.display_name.cmp(&b.display_name))
    });
    facets.price_bands.sort_by_key(|band| band.min);
    facets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(facet: &str, key: &str, name: Option<&str>, count: i64) -> repo::FacetRow {
        repo::FacetRow {
            facet: facet.to_owned(),
            key: key.to_owned(),
            slug: name.map(str::to_lowercase),
            name: name.map(str::to_owned),
            count,
        }
    }

    #[test]
    fn price_bands_run_from_each_start_to_the_next() {
        let facets = facets(vec![
            row("price", "5", None, 1),
            row("price", "0", None, 4),
            row("price", "2", None, 2),
        ]);
        let bands: Vec<_> = facets
            .price_bands
            .iter()
            .map(|band| {
                (
                    band.min.to_string(),
                    band.max.map(|max| max.to_string()),
                    band.count,
                )
            })
            .collect();
        assert_eq!(
            bands,
            [
                ("0.00".to_owned(), Some("10.00".to_owned()), 4),
                ("25.00".to_owned(), Some("50.00".to_owned()), 2),
                ("250.00".to_owned(), None, 1),
            ]
        );
    }

    #[test]
    fn facets_with_most_results_come_first() {
        let coffee = uuid::Uuid::now_v7().to_string();
        let tea = uuid::Uuid::now_v7().to_string();
        let facets = facets(vec![
            row("category", &tea, Some("Tee"), 2),
            row("category", &coffee, Some("Kaffee"), 5),
        ]);
        let names: Vec<_> = facets.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Kaffee", "Tee"]);
    }
}
