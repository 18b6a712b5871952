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
            CatalogError::Problem(problem) => problem,
            CatalogError::Database(error) => error.into(),
        }
    }
}
