//! Vendor types, the status machine, and the request/response bodies of the vendor API.

use chrono::{DateTime, Utc};
use kernel::auth::{ApiScope, VendorRole};
use kernel::id::{AccountId, ApiKeyId, LocationId, VendorId};
use kernel::money::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::hours::{DateException, Interval, WeeklyHours};

pub const NAME_MAX_CHARS: usize = 100;
pub const DESCRIPTION_MAX_CHARS: usize = 5_000;
pub const REASON_MAX_CHARS: usize = 2_000;

/// Where a vendor is in onboarding and operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VendorStatus {
    /// Applied (or resubmitted); waiting for an operator.
    Pending,
    /// Verified; may publish products and receive orders.
    Approved,
    /// The application was refused.
    Rejected,
    /// An operator asked for corrections; the owner edits and resubmits.
    ChangesRequested,
    /// Temporarily barred from selling by an operator.
    Suspended,
    /// Closed by its owner; final.
    Closed,
}

impl VendorStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VendorStatus::Pending => "pending",
            VendorStatus::Approved => "approved",
            VendorStatus::Rejected => "rejected",
            VendorStatus::ChangesRequested => "changes_requested",
            VendorStatus::Suspended => "suspended",
            VendorStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<VendorStatus> {
        [
            VendorStatus::Pending,
            VendorStatus::Approved,
            VendorStatus::Rejected,
            VendorStatus::ChangesRequested,
            VendorStatus::Suspended,
            VendorStatus::Closed,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }

    /// The one answer to "may this vendor publish products and receive orders?".
    pub fn can_sell(self) -> bool {
        self == VendorStatus::Approved
    }

    /// Whether the trader data may still be edited (before approval).
    pub fn application_editable(self) -> bool {
        matches!(self, VendorStatus::Pending | VendorStatus::ChangesRequested)
    }
}

/// A change of status, by an operator or by the vendor's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Approve,
    Reject,
    RequestChanges,
    Suspend,
    Reinstate,
    Resubmit,
    Close,
}

impl Transition {
    /// The status this transition leads to from `from`, or `None` if it is not allowed.
    pub fn apply(self, from: VendorStatus) -> Option<VendorStatus> {
        use VendorStatus::*;
        match (self, from) {
            (Transition::Approve, Pending) => Some(Approved),
            (Transition::Reject, Pending) => Some(Rejected),
            (Transition::RequestChanges, Pending) => Some(ChangesRequested),
            (Transition::Suspend, Approved) => Some(Suspended),
            (Transition::Reinstate, Suspended) => Some(Approved),
            (Transition::Resubmit, ChangesRequested) => Some(Pending),
            (Transition::Close, Pending | Approved | ChangesRequested | Suspended | Rejected) => {
                Some(Closed)
            }
            _ => None,
        }
    }

    /// The verb, as in "cannot approve a vendor that is rejected".
    pub fn verb(self) -> &'static str {
        match self {
            Transition::Approve => "approve",
            Transition::Reject => "reject",
            Transition::RequestChanges => "request changes of",
            Transition::Suspend => "suspend",
            Transition::Reinstate => "reinstate",
            Transition::Resubmit => "resubmit",
            Transition::Close => "close",
        }
    }

    /// The outbox event announcing the transition.
    pub fn event_type(self) -> &'static str {
        match self {
            Transition::Approve => "vendor.approved",
            Transition::Reject => "vendor.rejected",
            Transition::RequestChanges => "vendor.changes_requested",
            Transition::Suspend => "vendor.suspended",
            Transition::Reinstate => "vendor.reinstated",
            Transition::Resubmit => "vendor.resubmitted",
            Transition::Close => "vendor.closed",
        }
    }

    /// Whether the operator must say why (the vendor has to learn what to do).
    pub fn requires_reason(self) -> bool {
        matches!(
            self,
            Transition::Reject | Transition::RequestChanges | Transition::Suspend
        )
    }
}

/// `true`, the only value the schema admits.
fn must_be_true() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Boolean)
        .enum_values(Some([true]))
        .build()
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[schema(example = "Gerberau 12", min_length = 1, max_length = 200)]
    pub street: String,
    /// In the country's format (DE: 5 digits).
    #[schema(example = "79098", pattern = "^[A-Za-z0-9 -]{2,10}$")]
    pub postal_code: String,
    #[schema(example = "Freiburg im Breisgau", min_length = 1, max_length = 100)]
    pub city: String,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "DE", pattern = "^[A-Za-z]{2}$")]
    pub country: String,
}

/// An entry in a commercial register (Handelsregister).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TradeRegister {
    #[schema(example = "Amtsgericht Freiburg", min_length = 1, max_length = 100)]
    pub court: String,
    #[schema(example = "HRB 701234", min_length = 1, max_length = 50)]
    pub number: String,
}

/// The bank account payouts go to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayoutAccount {
    /// Checked by its ISO 13616 check digits; spaces are allowed.
    #[schema(
        example = "DE89 3704 0044 0532 0130 00",
        pattern = "^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 ]{10,40}$"
    )]
    pub iban: String,
    #[schema(
        example = "Kaffeerösterei Müller GmbH",
        min_length = 1,
        max_length = 100
    )]
    pub holder: String,
}

/// An application to open a shop: display data and the trader data the Digital Services
/// Act (Art. 30) requires the marketplace to collect and check.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorApplication {
    /// The shop's name as customers see it.
    #[schema(example = "Kaffeerösterei Müller", min_length = 1, max_length = 100)]
    pub display_name: String,
    /// Unique, URL-safe; proposed from `display_name` if absent.
    #[schema(
        example = "kaffee-mueller",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$",
        min_length = 3,
        max_length = 60
    )]
    pub slug: Option<String>,
    #[serde(default)]
    #[schema(
        example = "Frisch gerösteter Kaffee aus der Freiburger Altstadt.",
        max_length = 5000
    )]
    pub description: String,
    #[schema(
        example = "Kaffeerösterei Müller GmbH",
        min_length = 1,
        max_length = 200
    )]
    pub legal_name: String,
    #[schema(example = "GmbH", min_length = 1, max_length = 100)]
    pub legal_form: String,
    pub address: Address,
    #[schema(example = "info@kaffee-mueller.de")]
    pub email: String,
    /// International form; spaces and punctuation are removed.
    #[schema(
        example = "+49 761 123456",
        pattern = r"^(\+|00)[1-9][0-9 ()./-]{6,24}$"
    )]
    pub phone: String,
    pub trade_register: Option<TradeRegister>,
    /// EU VAT ID; at least one of `vat_id` and `tax_number` is required.
    #[schema(example = "DE123456789", pattern = "^[A-Za-z]{2}[A-Za-z0-9 .-]{2,16}$")]
    pub vat_id: Option<String>,
    #[schema(example = "06/123/45678", pattern = "^[0-9 /-]{5,30}$")]
    pub tax_number: Option<String>,
    /// Kleinunternehmer under §19 UStG: invoices will carry no VAT.
    pub small_business: bool,
    /// The person legally responsible.
    #[schema(example = "Anna Müller", min_length = 1, max_length = 100)]
    pub representative: String,
    pub payout_account: PayoutAccount,
    /// Must be `true`: the trader commits to offering only products that comply with EU law.
    #[schema(schema_with = must_be_true)]
    pub self_certification: bool,
}

/// Changes to a vendor; absent fields stay as they are. Display data and the payout account
/// can change at any time; the trader data only before approval (`pending`,
/// `changes_requested`).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorUpdate {
    #[schema(max_length = 100)]
    pub display_name: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub legal_name: Option<String>,
    pub legal_form: Option<String>,
    pub address: Option<Address>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `null` removes the register entry.
    #[serde(default, deserialize_with = "kernel::json::nullable")]
    #[schema(value_type = Option<TradeRegister>)]
    pub trade_register: Option<Option<TradeRegister>>,
    /// `null` removes the VAT ID.
    #[serde(default, deserialize_with = "kernel::json::nullable")]
    #[schema(value_type = Option<String>)]
    pub vat_id: Option<Option<String>>,
    /// `null` removes the tax number.
    #[serde(default, deserialize_with = "kernel::json::nullable")]
    #[schema(value_type = Option<String>)]
    pub tax_number: Option<Option<String>>,
    pub small_business: Option<bool>,
    pub representative: Option<String>,
    pub payout_account: Option<PayoutAccount>,
}

impl VendorUpdate {
    /// Whether the update touches trader data (which is locked after approval).
    pub fn changes_trader_data(&self) -> bool {
        self.legal_name.is_some()
            || self.legal_form.is_some()
            || self.address.is_some()
            || self.email.is_some()
            || self.phone.is_some()
            || self.trade_register.is_some()
            || self.vat_id.is_some()
            || self.tax_number.is_some()
            || self.small_business.is_some()
            || self.representative.is_some()
    }
}

/// `{reason}` of a status change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// Why; required to reject, request changes or suspend. Shown to the vendor.
    #[schema(
        example = "Bitte laden Sie einen aktuellen Handelsregisterauszug hoch.",
        max_length = 2000
    )]
    pub reason: Option<String>,
}

/// Who made a status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangedBy {
    Operator,
    Vendor,
}

/// One entry of a vendor's status history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusChange {
    /// `null` for the application itself.
    pub from: Option<VendorStatus>,
    pub to: VendorStatus,
    pub by: ChangedBy,
    pub reason: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// The legal notice (Impressum, DSA Art. 30/31 trader data) buyers must be able to see.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LegalNotice {
    pub legal_name: String,
    pub legal_form: String,
    pub address: Address,
    pub email: String,
    pub phone: String,
    pub trade_register: Option<TradeRegister>,
    pub vat_id: Option<String>,
    pub representative: String,
    /// Kleinunternehmer under §19 UStG: prices and invoices carry no VAT.
    pub small_business: bool,
    /// The trader certified that it offers only products complying with EU law.
    pub self_certified: bool,
}

/// The vendor of a product as buyers see it next to the product.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Seller {
    pub id: VendorId,
    pub slug: String,
    pub display_name: String,
    pub legal_notice: LegalNotice,
}

/// A vendor as its members and the operators see it: everything, including the status
/// history. `payout_account` is only shown to owners and operators.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VendorDetails {
    pub id: VendorId,
    pub slug: String,
    pub display_name: String,
    pub description: String,
    pub status: VendorStatus,
    /// The reason of the latest status change, e.g. what the operator asked to correct.
    pub status_reason: Option<String>,
    /// Whether the vendor may publish products and receive orders (only when approved).
    pub can_sell: bool,
    pub legal_notice: LegalNotice,
    pub tax_number: Option<String>,
    pub payout_account: Option<PayoutAccount>,
    pub submitted_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub history: Vec<StatusChange>,
}

/// A line of the operators' review queue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VendorSummary {
    pub id: VendorId,
    pub slug: String,
    pub display_name: String,
    pub legal_name: String,
    pub status: VendorStatus,
    pub submitted_at: DateTime<Utc>,
}

/// A vendor the signed-in account belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyVendor {
    pub id: VendorId,
    pub slug: String,
    pub display_name: String,
    pub status: VendorStatus,
    pub role: VendorRole,
}

/// Coordinates in WGS 84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Coordinates {
    #[schema(example = 47.9959, minimum = -90, maximum = 90)]
    pub lat: f64,
    #[schema(example = 7.8522, minimum = -180, maximum = 180)]
    pub lon: f64,
}

/// Delivery by the shop itself within a radius around the location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalDelivery {
    /// Kilometres, more than 0 and at most 100, one decimal place.
    #[schema(value_type = String, example = "8.5", pattern = r"^[0-9]{1,3}(\.[0-9])?$")]
    pub radius_km: Decimal,
    /// Gross fee in euros, at most 999.99.
    pub fee: Money,
}

/// A new store location.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLocation {
    #[schema(example = "Laden Altstadt", min_length = 1, max_length = 100)]
    pub name: String,
    pub address: Address,
    /// If absent, the centroid of the postal code is used (422 `unknown_postal_code` when
    /// the postal code is not known).
    pub coordinates: Option<Coordinates>,
    /// IANA time zone of the opening hours; default `Europe/Berlin`.
    #[schema(example = "Europe/Berlin")]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub opening_hours: WeeklyHours,
    #[serde(default)]
    pub opening_exceptions: Vec<DateException>,
    /// Whether customers can pick up orders here.
    #[serde(default)]
    pub pickup: bool,
    /// `null` or absent: no local delivery.
    pub local_delivery: Option<LocalDelivery>,
}

/// Changes to a location; absent fields stay as they are. Changing the address without
/// coordinates moves the location to the new postal code's centroid.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationUpdate {
    #[schema(max_length = 100)]
    pub name: Option<String>,
    pub address: Option<Address>,
    pub coordinates: Option<Coordinates>,
    pub time_zone: Option<String>,
    pub opening_hours: Option<WeeklyHours>,
    pub opening_exceptions: Option<Vec<DateException>>,
    pub pickup: Option<bool>,
    /// `null` ends local delivery.
    #[serde(default, deserialize_with = "kernel::json::nullable")]
    #[schema(value_type = Option<LocalDelivery>)]
    pub local_delivery: Option<Option<LocalDelivery>>,
}

/// A store location as the vendor's members see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Location {
    pub id: LocationId,
    pub name: String,
    pub address: Address,
    pub coordinates: Coordinates,
    pub time_zone: String,
    pub opening_hours: WeeklyHours,
    pub opening_exceptions: Vec<DateException>,
    pub pickup: bool,
    pub local_delivery: Option<LocalDelivery>,
    /// Set when the location was archived instead of deleted (it is referenced by stock or
    /// orders); archived locations are not shown to customers.
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A store location as customers see it, with whether it is open right now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicLocation {
    pub id: LocationId,
    pub name: String,
    pub address: Address,
    pub coordinates: Coordinates,
    pub time_zone: String,
    pub opening_hours: WeeklyHours,
    pub opening_exceptions: Vec<DateException>,
    /// Open at the time of the request (local time of the location).
    pub open_now: bool,
    /// Today's hours (local date), exceptions applied; empty when closed all day.
    pub hours_today: Vec<Interval>,
    pub pickup: bool,
    pub local_delivery: Option<LocalDelivery>,
    /// Kilometres from the `near` point, when one was given.
    pub distance_km: Option<f64>,
}

/// An approved vendor's public profile: display data, the legal notice and the locations.
/// Never the payout account, the tax number or internal notes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicVendor {
    pub id: VendorId,
    pub slug: String,
    pub display_name: String,
    pub description: String,
    pub legal_notice: LegalNotice,
    pub locations: Vec<PublicLocation>,
    /// Kilometres from the `near` point to the nearest location, when `near` was given.
    pub distance_km: Option<f64>,
}

/// An approved vendor's public profile page: the public data and how quickly the vendor
/// answers questions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VendorProfile {
    #[serde(flatten)]
    pub vendor: PublicVendor,
    /// `null` until at least 5 questions were asked in the last 90 days.
    pub responsiveness: Option<crate::responsiveness::Responsiveness>,
}

/// A member of a vendor.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    pub account_id: AccountId,
    pub email: String,
    pub display_name: String,
    pub role: VendorRole,
    pub added_at: DateTime<Utc>,
}

/// Adds an existing account to a vendor.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    /// The e-mail of a registered account.
    #[schema(example = "lena@example.de", format = Email)]
    pub email: String,
    pub role: VendorRole,
}

/// Changes a member's role.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberUpdate {
    pub role: VendorRole,
}

/// A new API key.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    /// What the key is for, e.g. the till system's name.
    #[schema(example = "Kasse Laden Altstadt", min_length = 1, max_length = 100)]
    pub name: String,
    /// At least one; the key can do exactly this.
    #[schema(min_items = 1)]
    pub scopes: Vec<ApiScope>,
}

/// An API key, without its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub name: String,
    pub scopes: Vec<ApiScope>,
    /// The first characters of the secret, to tell keys apart.
    #[schema(example = "mpk_3kTz9")]
    pub secret_prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key just created: the only time its secret is shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// Send as `Authorization: Bearer <secret>`. Store it now: it is not shown again.
    #[schema(example = "mpk_3kTz9wQ0b7LrXh2sVfN1cYpE4uJ6aGdM8oKiBtZqRl")]
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use VendorStatus::*;

    const ALL: [VendorStatus; 6] = [
        Pending,
        Approved,
        Rejected,
        ChangesRequested,
        Suspended,
        Closed,
    ];

    #[test]
    fn the_status_machine_allows_exactly_these_transitions() {
        let allowed = [
            (Transition::Approve, Pending, Approved),
            (Transition::Reject, Pending, Rejected),
            (Transition::RequestChanges, Pending, ChangesRequested),
            (Transition::Resubmit, ChangesRequested, Pending),
            (Transition::Suspend, Approved, Suspended),
            (Transition::Reinstate, Suspended, Approved),
            (Transition::Close, Pending, Closed),
            (Transition::Close, Approved, Closed),
            (Transition::Close, ChangesRequested, Closed),
            (Transition::Close, Suspended, Closed),
            (Transition::Close, Rejected, Closed),
        ];
        for transition in [
            Transition::Approve,
            Transition::Reject,
            Transition::RequestChanges,
            Transition::Suspend,
            Transition::Reinstate,
            Transition::Resubmit,
            Transition::Close,
        ] {
            for from in ALL {
                let expected = allowed
                    .iter()
                    .find(|(t, f, _)| *t == transition && *f == from)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    transition.apply(from),
                    expected,
                    "{transition:?} from {from:?}"
                );
            }
        }
    }

    #[test]
    fn only_approved_vendors_sell() {
        for status in ALL {
            assert_eq!(status.can_sell(), status == Approved);
            assert_eq!(VendorStatus::parse(status.as_str()), Some(status));
        }
    }
}
