//! What can go wrong in the catalog, and the problem each becomes.

use actix_web::http::StatusCode;
use kernel::Problem;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("no such category")]
    CategoryNotFound,
    #[error("slug taken")]
    SlugTaken,
    #[error("unknown parent")]
    UnknownParent,
    #[error("the move would make a cycle")]
    CategoryCycle,
    #[error("the category is archived")]
    CategoryArchived,
    #[error("the category has sub-categories")]
    CategoryHasChildren,
    #[error("no such product")]
    ProductNotFound,
    #[error("no such variant")]
    VariantNotFound,
    #[error("not enough stock")]
    StockInsufficient,
    #[error("reductions overlap")]
    ReductionOverlaps,
    #[error("SKU taken")]
    SkuTaken { field: String },
    #[error("unknown category")]
    UnknownCategory,
    #[error("incomplete for publishing")]
    PublishIncomplete(Vec<kernel::FieldError>),
    #[error("archived product")]
    ProductArchived,
    #[error(transparent)]
    Vendor(#[from] vendor::VendorError),
    #[error(transparent)]
    Problem(#[from] Problem),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<CatalogError> for Problem {
    fn from(error: CatalogError) -> Problem {
        match error {
            CatalogError::CategoryNotFound => Problem::not_found("No such category."),
            CatalogError::SlugTaken => Problem::conflict(
                "slug_taken",
                "Another category has this slug; choose another.",
            )
            .with_field("slug", "is taken"),
            CatalogError::UnknownParent => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_parent",
                "Unknown parent",
                "The parent category does not exist or is archived.",
            )
            .with_field("parent_id", "is not an active category"),
            CatalogError::CategoryCycle => Problem::conflict(
                "category_cycle",
                "A category cannot move below itself or one of its sub-categories.",
            )
            .with_field("parent_id", "is the category itself or below it"),
            CatalogError::CategoryArchived => Problem::conflict(
                "category_archived",
                "The category is archived and can no longer change.",
            ),
            CatalogError::CategoryHasChildren => Problem::conflict(
                "category_has_children",
                "Move or remove the sub-categories first.",
            ),
            CatalogError::ProductNotFound => Problem::not_found("No such product."),
            CatalogError::VariantNotFound => {
                Problem::not_found("This vendor has no variant with this SKU.")
            }
            CatalogError::StockInsufficient => Problem::conflict(
                "stock_insufficient",
                "Not enough stock: on-hand stock cannot fall below zero or below what open \
                 orders have reserved. Nothing changed.",
            ),
            CatalogError::ReductionOverlaps => Problem::conflict(
                "reduction_overlaps",
                "The variant has a reduction in this period; let it end first.",
            ),
            CatalogError::SkuTaken { field } => Problem::conflict(
                "sku_taken",
                "This vendor already has a variant with this SKU.",
            )
            .with_field(&field, "is taken"),
            CatalogError::UnknownCategory => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_category",
                "Unknown category",
                "The category does not exist or is archived.",
            )
            .with_field("category_id", "is not an active category"),
            CatalogError::PublishIncomplete(errors) => {
                let mut problem = Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "publish_incomplete",
                    "Not ready to publish",
                    "The product lacks data required to publish it; `errors` names each field.",
                );
                problem.errors = errors;
                problem
            }
            CatalogError::ProductArchived => {
                Problem::conflict("product_archived", "The product is archived.")
            }
            CatalogError::Vendor(error) => error.into(),
            CatalogError::Problem(problem) => problem,
            CatalogError::Database(error) => error.into(),
        }
    }
}
