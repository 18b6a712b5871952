//! Catalog types and the request/response bodies of the catalog API.

use chrono::{DateTime, NaiveDate, Utc};
use kernel::id::CategoryId;
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
