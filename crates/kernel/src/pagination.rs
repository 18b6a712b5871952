//! Cursor pagination: `?limit=` (1–100, default 20) and an opaque `?cursor=`; responses are
//! `{"items": [...], "next_cursor": "..." | null}`. A cursor is the sort key of the last item
//! returned (with the id as tiebreaker), base64url-encoded JSON, so pages stay stable while
//! rows are inserted.

use crate::problem::{FieldError, Problem};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// The query parameters of every list endpoint.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many items to return (1–100, default 20).
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<u32, Problem> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
            Some(_) => Err(Problem::validation(vec![FieldError::new(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            )])),
        }
    }

    /// The decoded position after which the page starts, if any.
    pub fn after<K: DeserializeOwned>(&self) -> Result<Option<K>, Problem> {
        // `?cursor=` (empty) is the first page, as if absent.
        self.cursor
            .as_deref()
            .filter(|cursor| !cursor.is_empty())
            .map(decode_cursor)
            .transpose()
    }
}

pub fn encode_cursor<K: Serialize>(key: &K) -> String {
    // A key made of plain values always serialises.
    let json = serde_json::to_vec(key).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

pub fn decode_cursor<K: DeserializeOwned>(cursor: &str) -> Result<K, Problem> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|json| serde_json::from_slice(&json).ok())
        .ok_or_else(|| {
            Problem::bad_request(
                "invalid_cursor",
                "The cursor is not one this list returned; start again without it.",
            )
        })
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A short list returned at once, in the shape of a page (`next_cursor` is `null`).
    pub fn all(items: Vec<T>) -> Self {
        Self {
            items,
            next_cursor: None,
        }
    }

    /// Builds a page from up to `limit + 1` rows fetched in sort order: the extra row only
    /// tells that another page exists.
    pub fn from_rows<K: Serialize>(mut rows: Vec<T>, limit: u32, key: impl Fn(&T) -> K) -> Self {
        let limit = limit as usize;
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|last| encode_cursor(&key(last)))
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn cursor_round_trips() {
        let key = ("2026-11-22T10:00:00Z".to_owned(), Uuid::nil());
        let cursor = encode_cursor(&key);
        assert!(cursor
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(decode_cursor::<(String, Uuid)>(&cursor).unwrap(), key);
    }

    #[test]
    fn garbage_cursors_are_400() {
        for bad in ["!!!", "bm90IGpzb24"] {
            let problem = decode_cursor::<(String, Uuid)>(bad).unwrap_err();
            assert_eq!(
                (problem.status, problem.code.as_ref()),
                (400, "invalid_cursor")
            );
        }
    }

    #[test]
    fn limit_defaults_and_bounds() {
        let params = |limit| PageParams {
            limit,
            cursor: None,
        };
        assert_eq!(params(None).limit().unwrap(), 20);
        let empty = PageParams {
            limit: None,
            cursor: Some(String::new()),
        };
        assert_eq!(empty.after::<i32>().unwrap(), None);
        assert_eq!(params(Some(100)).limit().unwrap(), 100);
        assert_eq!(
            params(Some(0)).limit().unwrap_err().errors[0].field,
            "limit"
        );
        assert!(params(Some(101)).limit().is_err());
    }

    #[test]
    fn page_has_a_cursor_only_when_more_rows_exist() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |n| *n);
        assert_eq!(page.items, [1, 2]);
        assert_eq!(decode_cursor::<i32>(&page.next_cursor.unwrap()).unwrap(), 2);
        let page = Page::from_rows(vec![1, 2], 2, |n| *n);
        assert_eq!(page.next_cursor, None);
    }
}
