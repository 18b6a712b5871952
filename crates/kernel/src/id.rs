//! Typed ids: a `VendorId` can never be passed where an `AccountId` is expected.
//! Ids are UUIDv7 generated in Rust, so they sort by creation time.

/// Declares a UUID newtype id with serde, sqlx and OpenAPI support.
#[macro_export]
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sqlx::Type, utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        #[schema(value_type = String, format = Uuid, example = "01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8e")]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<uuid::Uuid> for $name {
            fn from(id: uuid::Uuid) -> Self {
                Self(id)
            }
        }
    };
}

typed_id!(
    /// An account: a customer or an operator (vendor members are accounts too).
    AccountId
);

typed_id!(
    /// A vendor (shop).
    VendorId
);

typed_id!(
    /// A vendor's API key.
    ApiKeyId
);

typed_id!(
    /// A vendor's store location.
    LocationId
);

typed_id!(
    /// A category of the catalog.
    CategoryId
);

typed_id!(
    /// A product of a vendor.
    ProductId
);

typed_id!(
    /// A variant (the thing with a SKU and a price) of a product.
    VariantId
);

typed_id!(
    /// A customer's question about a product.
    QuestionId
);

typed_id!(
    /// A vendor's answer to a question.
    AnswerId
);

typed_id!(
    /// A notice reporting content (DSA Art. 16).
    NoticeId
);

typed_id!(
    /// A vendor's webhook subscription.
    WebhookId
);

typed_id!(
    /// One event's delivery to one webhook.
    DeliveryId
);
