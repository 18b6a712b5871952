//! What can go wrong in the catalog, and the problem each becomes.

use actix_web::http::StatusCode;
use kernel::{FieldError, Problem};

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

fn with_field(mut problem: Problem, field: &str, message: &str) -> Problem {
    problem.errors = vec![FieldError::new(field, message)];
    problem
}

impl From<CatalogError> for Problem {
    fn from(error: CatalogError) -> Problem {
        match error {
            CatalogError::CategoryNotFound => Problem::not_found("No such category."),
            CatalogError::SlugTaken => with_field(
                Problem::conflict(
                    "slug_taken",
                    "Another category has this slug; choose another.",
                ),
                "slug",
                "is taken",
            ),
            CatalogError::UnknownParent => with_field(
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unknown_parent",
                    "Unknown parent",
                    "The parent category does not exist or is archived.",
                ),
                "parent_id",
                "is not an active category",
            ),
            CatalogError::CategoryCycle => with_field(
                Problem::conflict(
                    "category_cycle",
                    "A category cannot move below itself or one of its sub-categories.",
                ),
                "parent_id",
                "is the category itself or below it",
            ),
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
