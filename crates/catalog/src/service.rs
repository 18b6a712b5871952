//! The catalog rules: the category tree (no cycles, unique slugs, archive what is in use).

use chrono::NaiveDate;
use kernel::id::CategoryId;
use kernel::validation::{text, FieldErrors};
use kernel::{slug, SharedClock};
use sqlx::{PgConnection, PgPool};

use crate::error::CatalogError;
use crate::model::{
    tree, Category, CategoryNode, CategoryUpdate, NewCategory, VatRate, CATEGORY_NAME_MAX_CHARS,
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
    pool: PgPool,
    clock: SharedClock,
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
