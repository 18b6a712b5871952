//! The vendor rules: applications and their validation, the status machine, members,
//! API keys, locations, and the public profile.

use account::model::Email;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use kernel::auth::{AccountPrincipal, ApiScope, Principal, VendorRole};
use kernel::id::{AccountId, ApiKeyId, LocationId, VendorId};
use kernel::money::Money;
use kernel::pagination::{Page, PageParams};
use kernel::validation::{text, FieldErrors};
use kernel::{outbox, Problem, SharedClock};
use rand::{rngs::OsRng, RngCore};
use rust_decimal::Decimal;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use crate::access::{decide, Actor, Permission, VendorAccess};
use crate::error::{ImportError, VendorError};
use crate::geo::{self, Near};
use crate::hours;
use crate::model::{
    Address, ApiKey, ChangedBy, Coordinates, CreatedApiKey, LegalNotice, LocalDelivery, Location,
    LocationUpdate, Member, MemberUpdate, MyVendor, NewApiKey, NewLocation, NewMember,
    PayoutAccount, PublicLocation, PublicVendor, Seller, StatusChange, TradeRegister, Transition,
    TransitionRequest, VendorApplication, VendorDetails, VendorStatus, VendorSummary, VendorUpdate,
    DESCRIPTION_MAX_CHARS, NAME_MAX_CHARS, REASON_MAX_CHARS,
};
use crate::repo::{self, LocationFields, LocationRow, VendorFields, VendorKey, VendorRow};
use crate::validate;

/// The prefix that marks a bearer token as an API key.
pub const API_KEY_PREFIX: &str = "mpk_";
/// How much of a key's secret is kept in clear to tell keys apart.
const API_KEY_SHOWN_CHARS: usize = 9;
const MAX_SLUG_SUFFIX: u32 = 100;
const MAX_DELIVERY_RADIUS_KM: Decimal = Decimal::ONE_HUNDRED;
const MAX_DELIVERY_FEE: Decimal = Decimal::from_parts(99_999, 0, 0, false, 2);
const QUERY_MAX_CHARS: usize = 100;

/// The filters of the public vendor directory.
#[derive(Debug, Clone, Default)]
pub struct VendorSearch {
    pub near: Option<String>,
    pub radius_km: Option<f64>,
    pub q: Option<String>,
    pub country: Option<String>,
}

/// What `DELETE` did with a location.
#[derive(Debug)]
pub enum LocationRemoval {
    Deleted,
    /// Referenced by stock or orders, so kept but archived.
    Archived(Box<Location>),
}

#[derive(Clone)]
pub struct VendorService {
    pool: PgPool,
    clock: SharedClock,
}

impl VendorService {
    pub fn new(pool: PgPool, clock: SharedClock) -> Self {
        Self { pool, clock }
    }

    /// Admits `principal` to `permission` in the vendor, or explains why not. Later domains
    /// (catalog, orders, questions) call this for their vendor routes.
    pub async fn authorize(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        permission: Permission,
    ) -> Result<VendorAccess, VendorError> {
        let mut conn = self.pool.acquire().await?;
        access(&mut conn, principal, vendor_id, permission, false).await
    }

    // ---- applications and the status machine ----

    /// Opens a shop in `pending`; the applicant becomes its owner.
    pub async fn apply(
        &self,
        principal: &Principal,
        application: VendorApplication,
    ) -> Result<VendorDetails, VendorError> {
        let applicant = principal.account()?;
        let mut errors = FieldErrors::new();
        let slug = match &application.slug {
            Some(slug) => errors
                .check("slug", kernel::slug::parse(slug))
                .map(Slug::Chosen),
            None => Some(Slug::Proposed(kernel::slug::propose(
                &application.display_name,
                "shop",
            ))),
        };
        if !application.self_certification {
            errors.add(
                "self_certification",
                "must be true: the shop certifies it offers only products that comply with EU law",
            );
        }
        let fields = check_vendor_fields(&mut errors, &application);
        let (slug, fields) = errors.finish_with(slug.zip(fields))?;

        let now = self.clock.now();
        let id = VendorId::new();
        let mut tx = self.pool.begin().await?;
        insert_with_free_slug(&mut tx, id, slug, &fields, now).await?;
        repo::insert_member(&mut tx, id, applicant.id, VendorRole::Owner.as_str(), now).await?;
        repo::insert_status_change(
            &mut tx,
            id,
            None,
            VendorStatus::Pending.as_str(),
            applicant.id,
            None,
            now,
        )
        .await?;
        outbox::enqueue(
            &mut tx,
            "vendor.applied",
            id.0,
            &json!({"vendor_id": id, "status": VendorStatus::Pending}),
            now,
        )
        .await?;
        let details = details(&mut tx, id, true).await?;
        tx.commit().await?;
        Ok(details)
    }

    /// The vendor as its members see it.
    pub async fn details(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
    ) -> Result<VendorDetails, VendorError> {
        let mut conn = self.pool.acquire().await?;
        let access = access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ViewVendor,
            false,
        )
        .await?;
        details(&mut conn, vendor_id, access.is_owner()).await
    }

    /// The vendor as an operator sees it.
    pub async fn details_for_operator(
        &self,
        vendor_id: VendorId,
    ) -> Result<VendorDetails, VendorError> {
        let mut conn = self.pool.acquire().await?;
        details(&mut conn, vendor_id, true).await
    }

    /// Changes display data and payout account at any time, trader data before approval.
    pub async fn update(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        update: VendorUpdate,
    ) -> Result<VendorDetails, VendorError> {
        let mut tx = self.pool.begin().await?;
        let access = access(
            &mut tx,
            principal,
            vendor_id,
            Permission::ManageVendor,
            true,
        )
        .await?;
        if update.changes_trader_data() && !access.status.application_editable() {
            return Err(VendorError::TraderDataLocked(access.status));
        }
        let current = repo::fetch_vendor(&mut tx, VendorKey::Id(vendor_id))
            .await?
            .ok_or(VendorError::NotFound)?;
        let merged = merge_update(as_application(&current), update);
        let mut errors = FieldErrors::new();
        let fields = check_vendor_fields(&mut errors, &merged);
        let fields = errors.finish_with(fields)?;
        let now = self.clock.now();
        repo::update_vendor(&mut tx, vendor_id, &fields, now).await?;
        outbox::enqueue(
            &mut tx,
            "vendor.updated",
            vendor_id.0,
            &json!({"vendor_id": vendor_id}),
            now,
        )
        .await?;
        let details = details(&mut tx, vendor_id, true).await?;
        tx.commit().await?;
        Ok(details)
    }

    /// A transition by the vendor's owner: resubmit after corrections, or close the shop.
    pub async fn owner_transition(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        transition: Transition,
    ) -> Result<VendorDetails, VendorError> {
        let mut tx = self.pool.begin().await?;
        match access(
            &mut tx,
            principal,
            vendor_id,
            Permission::ManageVendor,
            true,
        )
        .await
        {
            // Closing or resubmitting a closed vendor is a transition the machine refuses.
            Err(VendorError::Closed) => {
                return Err(VendorError::InvalidTransition {
                    transition,
                    from: VendorStatus::Closed,
                })
            }
            result => result?,
        };
        let actor = principal.account()?;
        self.transition(tx, vendor_id, actor.id, transition, None)
            .await
    }

    /// A transition by an operator: approve, reject, request changes, suspend, reinstate.
    pub async fn operator_transition(
        &self,
        operator: AccountPrincipal,
        vendor_id: VendorId,
        transition: Transition,
        request: TransitionRequest,
    ) -> Result<VendorDetails, VendorError> {
        let mut errors = FieldErrors::new();
        let reason = request
            .reason
            .as_deref()
            .filter(|reason| !reason.trim().is_empty())
            .and_then(|reason| errors.check("reason", text(reason, REASON_MAX_CHARS, true)));
        if transition.requires_reason() && reason.is_none() && errors.is_empty() {
            errors.add("reason", "is required: tell the vendor why");
        }
        errors.finish()?;
        let tx = self.pool.begin().await?;
        self.transition(tx, vendor_id, operator.id, transition, reason)
            .await
    }

    /// Applies a transition inside `tx`, locking the vendor row first: status, history,
    /// outbox event; closing also revokes every API key.
    async fn transition(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Postgres>,
        vendor_id: VendorId,
        actor: AccountId,
        transition: Transition,
        reason: Option<String>,
    ) -> Result<VendorDetails, VendorError> {
        let from = repo::vendor_status(&mut tx, vendor_id, true)
            .await?
            .as_deref()
            .and_then(VendorStatus::parse)
            .ok_or(VendorError::NotFound)?;
        let to = transition
            .apply(from)
            .ok_or(VendorError::InvalidTransition { transition, from })?;
        let now = self.clock.now();
        repo::set_status(&mut tx, vendor_id, to.as_str(), reason.as_deref(), now).await?;
        repo::insert_status_change(
            &mut tx,
            vendor_id,
            Some(from.as_str()),
            to.as_str(),
            actor,
            reason.as_deref(),
            now,
        )
        .await?;
        if to == VendorStatus::Closed {
            repo::revoke_all_api_keys(&mut tx, vendor_id, now).await?;
        }
        outbox::enqueue(
            &mut tx,
            transition.event_type(),
            vendor_id.0,
            &json!({"vendor_id": vendor_id, "from": from, "to": to, "reason": reason}),
            now,
        )
        .await?;
        let details = details(&mut tx, vendor_id, true).await?;
        tx.commit().await?;
        Ok(details)
    }

    /// The operators' queue, oldest submission first.
    pub async fn review_queue(
        &self,
        status: Option<VendorStatus>,
        page: &PageParams,
    ) -> Result<Page<VendorSummary>, VendorError> {
        let limit = page.limit()?;
        let after = page.after::<(DateTime<Utc>, VendorId)>()?;
        let mut conn = self.pool.acquire().await?;
        let rows = repo::list_for_review(
            &mut conn,
            status.map(VendorStatus::as_str),
            after,
            i64::from(limit) + 1,
        )
        .await?;
        let items = rows
            .into_iter()
            .map(|row| VendorSummary {
                id: row.id,
                slug: row.slug,
                display_name: row.display_name,
                legal_name: row.legal_name,
                status: parse_status(&row.status),
                submitted_at: row.submitted_at,
            })
            .collect();
        Ok(Page::from_rows(items, limit, |item: &VendorSummary| {
            (item.submitted_at, item.id)
        }))
    }

    /// The vendors the account is a member of.
    pub async fn my_vendors(
        &self,
        account: AccountPrincipal,
    ) -> Result<Vec<MyVendor>, VendorError> {
        let mut conn = self.pool.acquire().await?;
        let rows = repo::vendors_of_account(&mut conn, account.id).await?;
        Ok(rows
            .into_iter()
            .map(|row| MyVendor {
                id: row.id,
                slug: row.slug,
                display_name: row.display_name,
                status: parse_status(&row.status),
                role: parse_role(&row.role),
            })
            .collect())
    }

    // ---- the public profile ----

    /// An approved vendor's public profile.
    pub async fn public_profile(
        &self,
        slug: &str,
        search: &VendorSearch,
    ) -> Result<PublicVendor, VendorError> {
        let mut conn = self.pool.acquire().await?;
        let point = match &search.near {
            Some(near) => Some(resolve_near(&mut conn, near, search.country.as_deref()).await?),
            None => None,
        };
        let vendor = repo::fetch_vendor(&mut conn, VendorKey::ApprovedSlug(slug))
            .await?
            .ok_or(VendorError::NotFound)?;
        let locations = repo::locations_of(&mut conn, &[vendor.id], false, point).await?;
        let now = self.clock.now();
        let locations: Vec<PublicLocation> = locations
            .into_iter()
            .map(|row| public_location(row, now))
            .collect();
        let distance_km = locations
            .iter()
            .filter_map(|location| location.distance_km)
            .min_by(f64::total_cmp);
        Ok(public_vendor(vendor, locations, distance_km))
    }

    /// The public directory of approved vendors.
    pub async fn public_list(
        &self,
        search: &VendorSearch,
        page: &PageParams,
    ) -> Result<Page<PublicVendor>, VendorError> {
        let limit = page.limit()?;
        let after = page.after::<repo::PublicCursor>()?;
        let mut errors = FieldErrors::new();
        let q = search
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .and_then(|q| errors.check("q", text(q, QUERY_MAX_CHARS, false)));
        let radius = errors.check("radius_km", geo::radius_km(search.radius_km));
        if search.radius_km.is_some() && search.near.is_none() {
            errors.add("radius_km", "needs `near`");
        }
        errors.finish()?;
        let mut conn = self.pool.acquire().await?;
        let near = match &search.near {
            Some(near) => {
                let point = resolve_near(&mut conn, near, search.country.as_deref()).await?;
                radius.map(|radius| (point, radius))
            }
            None => None,
        };
        let rows =
            repo::list_public_vendors(&mut conn, near, q.as_deref(), after, i64::from(limit) + 1)
                .await?;
        let ids: Vec<VendorId> = rows.iter().map(|row| row.id).collect();
        let mut locations =
            repo::locations_of(&mut conn, &ids, false, near.map(|(point, _)| point)).await?;
        let now = self.clock.now();
        let items = rows
            .into_iter()
            .map(|vendor| {
                let (mine, others): (Vec<_>, Vec<_>) = locations
                    .drain(..)
                    .partition(|location| location.vendor_id == vendor.id);
                locations = others;
                let distance_km = vendor.distance_km;
                let mine = mine
                    .into_iter()
                    .map(|row| public_location(row, now))
                    .collect();
                public_vendor(vendor, mine, distance_km)
            })
            .collect();
        Ok(Page::from_rows(items, limit, |vendor: &PublicVendor| {
            (vendor.distance_km, vendor.display_name.clone(), vendor.id)
        }))
    }

    // ---- members ----

    pub async fn members(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
    ) -> Result<Vec<Member>, VendorError> {
        let mut conn = self.pool.acquire().await?;
        access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ViewMembers,
            false,
        )
        .await?;
        let rows = repo::list_members(&mut conn, vendor_id).await?;
        Ok(rows.into_iter().map(member).collect())
    }

    pub async fn add_member(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        request: NewMember,
    ) -> Result<Member, VendorError> {
        let mut tx = self.pool.begin().await?;
        access(
            &mut tx,
            principal,
            vendor_id,
            Permission::ManageMembers,
            true,
        )
        .await?;
        let mut errors = FieldErrors::new();
        let email = errors.check("email", Email::parse(&request.email));
        let email = errors.finish_with(email)?;
        let account = repo::account_by_email(&mut tx, email.as_str())
            .await?
            .ok_or(VendorError::UnknownAccount)?;
        let now = self.clock.now();
        if !repo::insert_member(&mut tx, vendor_id, account, request.role.as_str(), now).await? {
            return Err(VendorError::AlreadyMember);
        }
        let added = repo::fetch_member(&mut tx, vendor_id, account)
            .await?
            .ok_or(VendorError::ResourceNotFound("member"))?;
        tx.commit().await?;
        Ok(member(added))
    }

    pub async fn update_member(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        account_id: AccountId,
        update: MemberUpdate,
    ) -> Result<Member, VendorError> {
        let mut tx = self.pool.begin().await?;
        access(
            &mut tx,
            principal,
            vendor_id,
            Permission::ManageMembers,
            true,
        )
        .await?;
        let current = repo::fetch_member(&mut tx, vendor_id, account_id)
            .await?
            .ok_or(VendorError::ResourceNotFound("member"))?;
        if parse_role(&current.role) == VendorRole::Owner
            && update.role != VendorRole::Owner
            && repo::count_owners(&mut tx, vendor_id).await? <= 1
        {
            return Err(VendorError::LastOwner);
        }
        repo::set_member_role(&mut tx, vendor_id, account_id, update.role.as_str()).await?;
        tx.commit().await?;
        Ok(Member {
            role: update.role,
            ..member(current)
        })
    }

    /// Removes a member; every member may leave, only owners remove others.
    pub async fn remove_member(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        account_id: AccountId,
    ) -> Result<(), VendorError> {
        let leaving = principal
            .account()
            .is_ok_and(|account| account.id == account_id);
        let permission = if leaving {
            Permission::ViewVendor
        } else {
            Permission::ManageMembers
        };
        let mut tx = self.pool.begin().await?;
        access(&mut tx, principal, vendor_id, permission, true).await?;
        let current = repo::fetch_member(&mut tx, vendor_id, account_id)
            .await?
            .ok_or(VendorError::ResourceNotFound("member"))?;
        if parse_role(&current.role) == VendorRole::Owner
            && repo::count_owners(&mut tx, vendor_id).await? <= 1
        {
            return Err(VendorError::LastOwner);
        }
        repo::delete_member(&mut tx, vendor_id, account_id).await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- API keys ----

    pub async fn create_api_key(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        request: NewApiKey,
    ) -> Result<CreatedApiKey, VendorError> {
        let mut conn = self.pool.acquire().await?;
        let access = access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ManageApiKeys,
            false,
        )
        .await?;
        let mut errors = FieldErrors::new();
        let name = errors.check("name", text(&request.name, NAME_MAX_CHARS, false));
        let mut scopes: Vec<ApiScope> = Vec::new();
        for scope in request.scopes {
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            errors.add("scopes", "must name at least one scope");
        }
        let name = errors.finish_with(name)?;
        let Actor::Member { account, .. } = access.actor else {
            return Err(VendorError::InsufficientScope(None));
        };
        let mut random = [0u8; 32];
        OsRng.fill_bytes(&mut random);
        let secret = format!("{API_KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(random));
        let secret_prefix: String = secret.chars().take(API_KEY_SHOWN_CHARS).collect();
        let id = ApiKeyId::new();
        let now = self.clock.now();
        let scope_names: Vec<String> = scopes.iter().map(|s| s.as_str().to_owned()).collect();
        repo::insert_api_key(
            &mut conn,
            id,
            vendor_id,
            &name,
            &secret_prefix,
            &hash_secret(&secret),
            &scope_names,
            account.id,
            now,
        )
        .await?;
        Ok(CreatedApiKey {
            key: ApiKey {
                id,
                name,
                scopes,
                secret_prefix,
                created_at: now,
                last_used_at: None,
                revoked_at: None,
            },
            secret,
        })
    }

    pub async fn api_keys(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
    ) -> Result<Vec<ApiKey>, VendorError> {
        let mut conn = self.pool.acquire().await?;
        access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ViewApiKeys,
            false,
        )
        .await?;
        let rows = repo::list_api_keys(&mut conn, vendor_id).await?;
        Ok(rows
            .into_iter()
            .map(|row| ApiKey {
                id: row.id,
                name: row.name,
                scopes: parse_scopes(&row.scopes),
                secret_prefix: row.secret_prefix,
                created_at: row.created_at,
                last_used_at: row.last_used_at,
                revoked_at: row.revoked_at,
            })
            .collect())
    }

    /// Revokes a key; it stops working with the next request.
    pub async fn revoke_api_key(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        key_id: ApiKeyId,
    ) -> Result<(), VendorError> {
        let mut conn = self.pool.acquire().await?;
        access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ManageApiKeys,
            false,
        )
        .await?;
        if repo::revoke_api_key(&mut conn, vendor_id, key_id, self.clock.now()).await? {
            Ok(())
        } else {
            Err(VendorError::ResourceNotFound("API key"))
        }
    }

    // ---- locations ----

    pub async fn locations(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        include_archived: bool,
    ) -> Result<Vec<Location>, VendorError> {
        let mut conn = self.pool.acquire().await?;
        access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ReadLocations,
            false,
        )
        .await?;
        let rows = repo::locations_of(&mut conn, &[vendor_id], include_archived, None).await?;
        Ok(rows.into_iter().map(location).collect())
    }

    pub async fn location(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        location_id: LocationId,
    ) -> Result<Location, VendorError> {
        let mut conn = self.pool.acquire().await?;
        access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ReadLocations,
            false,
        )
        .await?;
        repo::fetch_location(&mut conn, vendor_id, location_id)
            .await?
            .map(location)
            .ok_or(VendorError::ResourceNotFound("location"))
    }

    pub async fn create_location(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        request: NewLocation,
    ) -> Result<Location, VendorError> {
        let mut conn = self.pool.acquire().await?;
        access(
            &mut conn,
            principal,
            vendor_id,
            Permission::WriteLocations,
            false,
        )
        .await?;
        let fields = check_location(&mut conn, &request).await?;
        let id = LocationId::new();
        let now = self.clock.now();
        repo::insert_location(&mut conn, id, vendor_id, &fields, now).await?;
        repo::fetch_location(&mut conn, vendor_id, id)
            .await?
            .map(location)
            .ok_or(VendorError::ResourceNotFound("location"))
    }

    pub async fn update_location(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        location_id: LocationId,
        update: LocationUpdate,
    ) -> Result<Location, VendorError> {
        let mut tx = self.pool.begin().await?;
        access(
            &mut tx,
            principal,
            vendor_id,
            Permission::WriteLocations,
            false,
        )
        .await?;
        let current = repo::fetch_location(&mut tx, vendor_id, location_id)
            .await?
            .ok_or(VendorError::ResourceNotFound("location"))?;
        if current.archived_at.is_some() {
            return Err(Problem::conflict(
                "location_archived",
                "The location is archived and can no longer change.",
            )
            .into());
        }
        let address_changed = update.address.is_some();
        let current_coordinates = Coordinates {
            lat: current.latitude,
            lon: current.longitude,
        };
        let current = as_new_location(location(current));
        let merged = NewLocation {
            name: update.name.unwrap_or(current.name),
            address: update.address.unwrap_or(current.address),
            // A new address without coordinates moves to its postal code's centroid.
            coordinates: update
                .coordinates
                .or_else(|| (!address_changed).then_some(current_coordinates)),
            time_zone: update.time_zone.or(current.time_zone),
            opening_hours: update.opening_hours.unwrap_or(current.opening_hours),
            opening_exceptions: update
                .opening_exceptions
                .unwrap_or(current.opening_exceptions),
            pickup: update.pickup.unwrap_or(current.pickup),
            local_delivery: update.local_delivery.unwrap_or(current.local_delivery),
        };
        let fields = check_location(&mut tx, &merged).await?;
        repo::update_location(&mut tx, location_id, &fields, self.clock.now()).await?;
        let updated = repo::fetch_location(&mut tx, vendor_id, location_id)
            .await?
            .map(location)
            .ok_or(VendorError::ResourceNotFound("location"))?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a location, or archives it when stock or orders refer to it.
    pub async fn remove_location(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        location_id: LocationId,
    ) -> Result<LocationRemoval, VendorError> {
        let mut tx = self.pool.begin().await?;
        access(
            &mut tx,
            principal,
            vendor_id,
            Permission::WriteLocations,
            false,
        )
        .await?;
        repo::fetch_location(&mut tx, vendor_id, location_id)
            .await?
            .ok_or(VendorError::ResourceNotFound("location"))?;
        let removal = if kernel::db::delete_unless_referenced(&mut tx, |conn| {
            Box::pin(repo::delete_location(conn, location_id))
        })
        .await?
        {
            LocationRemoval::Deleted
        } else {
            repo::archive_location(&mut tx, location_id, self.clock.now()).await?;
            let archived = repo::fetch_location(&mut tx, vendor_id, location_id)
                .await?
                .map(location)
                .ok_or(VendorError::ResourceNotFound("location"))?;
            LocationRemoval::Archived(Box::new(archived))
        };
        tx.commit().await?;
        Ok(removal)
    }

    // ---- postal codes ----

    /// Loads a GeoNames postal-code file into `postal_codes`, all or nothing; returns how
    /// many postal codes it holds.
    pub async fn import_postal_codes(&self, content: &str) -> Result<usize, ImportError> {
        let centroids = geo::parse_geonames(content).map_err(ImportError::Format)?;
        let mut tx = self.pool.begin().await?;
        for batch in centroids.chunks(1_000) {
            repo::upsert_postal_codes(&mut tx, batch).await?;
        }
        tx.commit().await?;
        Ok(centroids.len())
    }
}

/// The one answer to "may this vendor publish products and receive orders?" for the
/// domains that depend on it; call it inside the transaction that publishes or orders.
pub async fn ensure_can_sell(
    conn: &mut PgConnection,
    vendor_id: VendorId,
) -> Result<(), VendorError> {
    let status = repo::vendor_status(conn, vendor_id, false)
        .await?
        .as_deref()
        .and_then(VendorStatus::parse)
        .ok_or(VendorError::NotFound)?;
    if status.can_sell() {
        Ok(())
    } else {
        Err(VendorError::NotApproved(status))
    }
}

/// The vendor's locations that are not archived (stock can only be kept there).
pub async fn active_location_ids(
    conn: &mut PgConnection,
    vendor_id: VendorId,
) -> Result<Vec<LocationId>, VendorError> {
    let rows = repo::locations_of(conn, &[vendor_id], false, None).await?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// Who sells a product, with the legal notice buyers must see; `None` unless the vendor may
/// sell (approved).
pub async fn seller(
    conn: &mut PgConnection,
    vendor_id: VendorId,
) -> Result<Option<Seller>, VendorError> {
    let vendor = repo::fetch_vendor(conn, VendorKey::Id(vendor_id)).await?;
    Ok(vendor
        .filter(|row| parse_status(&row.status).can_sell())
        .map(|row| Seller {
            legal_notice: legal_notice(&row),
            id: row.id,
            slug: row.slug,
            display_name: row.display_name,
        }))
}

/// Where to write to a vendor's members: every member may answer questions (owner,
/// manager and staff alike), so every member is told about them.
pub async fn member_contacts(
    conn: &mut PgConnection,
    vendor_id: VendorId,
) -> Result<Vec<(String, kernel::Language)>, VendorError> {
    Ok(repo::member_contacts(conn, vendor_id)
        .await?
        .into_iter()
        .map(|(email, language)| (email, kernel::Language::from_code(&language)))
        .collect())
}

/// The public view of a vendor's active locations (open now, today's hours), with the
/// distance from `near` when given; nearest first, else in the order they were created.
pub async fn public_locations(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    near: Option<(f64, f64)>,
    now: DateTime<Utc>,
) -> Result<Vec<PublicLocation>, VendorError> {
    let mut locations: Vec<PublicLocation> = repo::locations_of(conn, &[vendor_id], false, near)
        .await?
        .into_iter()
        .map(|row| public_location(row, now))
        .collect();
    if near.is_some() {
        locations.sort_by(|a, b| {
            a.distance_km
                .unwrap_or_default()
                .total_cmp(&b.distance_km.unwrap_or_default())
        });
    }
    Ok(locations)
}

/// A store where customers can find goods, and how far it is from a requested point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub id: LocationId,
    pub vendor_id: VendorId,
    pub distance_km: Option<f64>,
}

/// The active stores of approved vendors within `radius_km` of a point (when given); with
/// `pickup_at`, only those offering pickup that are open or still open later that local
/// day, so that goods can be picked up today.
pub async fn places(
    conn: &mut PgConnection,
    near: Option<((f64, f64), f64)>,
    pickup_at: Option<DateTime<Utc>>,
) -> Result<Vec<Place>, VendorError> {
    let rows = repo::public_places(conn, near, pickup_at.is_some()).await?;
    Ok(rows
        .into_iter()
        .filter(|row| pickup_at.is_none_or(|now| open_state_of(row, now).open_later_today))
        .map(|row| Place {
            id: row.id,
            vendor_id: row.vendor_id,
            distance_km: row.distance_km,
        })
        .collect())
}

/// Turns `near` (coordinates or a postal code of `country`, default DE) into a point.
pub async fn resolve_near(
    conn: &mut PgConnection,
    near: &str,
    country: Option<&str>,
) -> Result<(f64, f64), VendorError> {
    let mut errors = FieldErrors::new();
    let near = errors.check("near", geo::parse_near(near));
    // The country only matters for a postal code, but a wrong one is wrong either way.
    let country = errors.check("country", validate::country(country.unwrap_or("DE")));
    let (near, country) = errors.finish_with(near.zip(country))?;
    match near {
        Near::Point(point) => Ok((point.lat, point.lon)),
        Near::PostalCode(code) => repo::postal_code_centroid(conn, &country, &code)
            .await?
            .ok_or(VendorError::UnknownPostalCode {
                field: "near".to_owned(),
            }),
    }
}

/// Admits `principal` to `permission` in the vendor inside the caller's transaction (`lock`
/// holds the vendor row until it ends). Other domains call this for their vendor routes.
pub async fn access(
    conn: &mut PgConnection,
    principal: &Principal,
    vendor_id: VendorId,
    permission: Permission,
    lock: bool,
) -> Result<VendorAccess, VendorError> {
    let status = repo::vendor_status(conn, vendor_id, lock)
        .await?
        .as_deref()
        .and_then(VendorStatus::parse);
    decide(principal, vendor_id, status, permission)
}

enum Slug {
    Chosen(String),
    Proposed(String),
}

/// Inserts the vendor under its chosen slug (409 when taken) or under the first free one of
/// the proposal, `name`, `name-2`, `name-3`, ...
async fn insert_with_free_slug(
    conn: &mut PgConnection,
    id: VendorId,
    slug: Slug,
    fields: &VendorFields,
    now: DateTime<Utc>,
) -> Result<(), VendorError> {
    match slug {
        Slug::Chosen(slug) => {
            if repo::insert_vendor(conn, id, &slug, fields, now).await? {
                return Ok(());
            }
        }
        Slug::Proposed(base) => {
            for suffix in 1..=MAX_SLUG_SUFFIX {
                let candidate = if suffix == 1 {
                    base.clone()
                } else {
                    format!("{base}-{suffix}")
                };
                if repo::insert_vendor(conn, id, &candidate, fields, now).await? {
                    return Ok(());
                }
            }
        }
    }
    Err(VendorError::SlugTaken)
}

fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// The principal of an API key secret, if it is a live key (not revoked, vendor not closed).
pub async fn api_key_principal(
    conn: &mut PgConnection,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<kernel::auth::ApiKeyPrincipal>, sqlx::Error> {
    let key = repo::use_api_key(conn, &hash_secret(secret), now).await?;
    Ok(key.map(|key| kernel::auth::ApiKeyPrincipal {
        key_id: key.id,
        vendor_id: key.vendor_id,
        scopes: parse_scopes(&key.scopes),
    }))
}

/// The vendor memberships of an account.
pub async fn memberships(
    conn: &mut PgConnection,
    account: AccountId,
) -> Result<Vec<kernel::auth::VendorMembership>, sqlx::Error> {
    let rows = repo::memberships(conn, account).await?;
    Ok(rows
        .into_iter()
        .map(|(vendor_id, role)| kernel::auth::VendorMembership {
            vendor_id,
            role: parse_role(&role),
        })
        .collect())
}

// ---- validation ----

/// Validates an address; field names are prefixed with `prefix` (e.g. `address`).
pub fn check_address(errors: &mut FieldErrors, prefix: &str, address: &Address) -> Option<Address> {
    let street = errors.check(
        &format!("{prefix}.street"),
        text(&address.street, 200, false),
    );
    let city = errors.check(
        &format!("{prefix}.city"),
        text(&address.city, NAME_MAX_CHARS, false),
    );
    let country = errors.check(
        &format!("{prefix}.country"),
        validate::country(&address.country),
    );
    let postal_code = country.as_deref().and_then(|country| {
        errors.check(
            &format!("{prefix}.postal_code"),
            validate::postal_code(&address.postal_code, country),
        )
    });
    Some(Address {
        street: street?,
        postal_code: postal_code?,
        city: city?,
        country: country?,
    })
}

/// Validates display and trader data (everything but slug and self-certification).
fn check_vendor_fields(
    errors: &mut FieldErrors,
    input: &VendorApplication,
) -> Option<VendorFields> {
    let display_name = errors.check(
        "display_name",
        text(&input.display_name, NAME_MAX_CHARS, false),
    );
    let description = if input.description.trim().is_empty() {
        Some(String::new())
    } else {
        errors.check(
            "description",
            text(&input.description, DESCRIPTION_MAX_CHARS, true),
        )
    };
    let legal_name = errors.check("legal_name", text(&input.legal_name, 200, false));
    let legal_form = errors.check("legal_form", text(&input.legal_form, NAME_MAX_CHARS, false));
    let address = check_address(errors, "address", &input.address);
    let email = errors
        .check("email", Email::parse(&input.email))
        .map(|email| email.as_str().to_owned());
    let phone = errors.check("phone", validate::phone(&input.phone));
    let register = match &input.trade_register {
        None => Some(None),
        Some(register) => {
            let court = errors.check(
                "trade_register.court",
                text(&register.court, NAME_MAX_CHARS, false),
            );
            let number = errors.check("trade_register.number", text(&register.number, 50, false));
            court.zip(number).map(Some)
        }
    };
    let vat_id = match input.vat_id.as_deref() {
        None => Some(None),
        Some(vat_id) => errors.check("vat_id", validate::vat_id(vat_id)).map(Some),
    };
    let tax_number = match input.tax_number.as_deref() {
        None => Some(None),
        Some(number) => errors
            .check("tax_number", validate::tax_number(number))
            .map(Some),
    };
    if input.vat_id.is_none() && input.tax_number.is_none() {
        errors.add("vat_id", "give a VAT ID or a tax number (or both)");
    }
    let representative = errors.check(
        "representative",
        text(&input.representative, NAME_MAX_CHARS, false),
    );
    let iban = errors.check(
        "payout_account.iban",
        validate::iban(&input.payout_account.iban),
    );
    let holder = errors.check(
        "payout_account.holder",
        text(&input.payout_account.holder, NAME_MAX_CHARS, false),
    );
    let address = address?;
    let register = register?;
    Some(VendorFields {
        display_name: display_name?,
        description: description?,
        legal_name: legal_name?,
        legal_form: legal_form?,
        street: address.street,
        postal_code: address.postal_code,
        city: address.city,
        country: address.country,
        email: email?,
        phone: phone?,
        register_court: register.as_ref().map(|(court, _)| court.clone()),
        register_number: register.map(|(_, number)| number),
        vat_id: vat_id?,
        tax_number: tax_number?,
        small_business: input.small_business,
        representative: representative?,
        payout_iban: iban?,
        payout_holder: holder?,
    })
}

/// The stored vendor as an application, so an update is validated like an application.
fn as_application(row: &VendorRow) -> VendorApplication {
    VendorApplication {
        display_name: row.display_name.clone(),
        slug: Some(row.slug.clone()),
        description: row.description.clone(),
        legal_name: row.legal_name.clone(),
        legal_form: row.legal_form.clone(),
        address: address_of(row),
        email: row.email.clone(),
        phone: row.phone.clone(),
        trade_register: trade_register_of(row),
        vat_id: row.vat_id.clone(),
        tax_number: row.tax_number.clone(),
        small_business: row.small_business,
        representative: row.representative.clone(),
        payout_account: PayoutAccount {
            iban: row.payout_iban.clone(),
            holder: row.payout_holder.clone(),
        },
        self_certification: true,
    }
}

fn merge_update(current: VendorApplication, update: VendorUpdate) -> VendorApplication {
    VendorApplication {
        display_name: update.display_name.unwrap_or(current.display_name),
        description: update.description.unwrap_or(current.description),
        legal_name: update.legal_name.unwrap_or(current.legal_name),
        legal_form: update.legal_form.unwrap_or(current.legal_form),
        address: update.address.unwrap_or(current.address),
        email: update.email.unwrap_or(current.email),
        phone: update.phone.unwrap_or(current.phone),
        trade_register: update.trade_register.unwrap_or(current.trade_register),
        vat_id: update.vat_id.unwrap_or(current.vat_id),
        tax_number: update.tax_number.unwrap_or(current.tax_number),
        small_business: update.small_business.unwrap_or(current.small_business),
        representative: update.representative.unwrap_or(current.representative),
        payout_account: update.payout_account.unwrap_or(current.payout_account),
        ..current
    }
}

/// Validates a location; resolves missing coordinates from the postal code.
async fn check_location(
    conn: &mut PgConnection,
    input: &NewLocation,
) -> Result<LocationFields, VendorError> {
    let mut errors = FieldErrors::new();
    let name = errors.check("name", text(&input.name, NAME_MAX_CHARS, false));
    let address = check_address(&mut errors, "address", &input.address);
    let coordinates = match input.coordinates {
        Some(point) => errors
            .check("coordinates", geo::coordinates(point.lat, point.lon))
            .map(Some),
        None => Some(None),
    };
    let time_zone = input
        .time_zone
        .clone()
        .unwrap_or_else(|| hours::DEFAULT_TIME_ZONE.to_owned());
    errors.check("time_zone", hours::time_zone(&time_zone));
    hours::check(&mut errors, &input.opening_hours, &input.opening_exceptions);
    let delivery = match &input.local_delivery {
        None => Some(None),
        Some(delivery) => check_delivery(&mut errors, delivery).map(Some),
    };
    let (((name, address), coordinates), delivery) =
        errors.finish_with(name.zip(address).zip(coordinates).zip(delivery))?;
    let (latitude, longitude) = match coordinates {
        Some(point) => (point.lat, point.lon),
        None => repo::postal_code_centroid(conn, &address.country, &address.postal_code)
            .await?
            .ok_or(VendorError::UnknownPostalCode {
                field: "address.postal_code".to_owned(),
            })?,
    };
    Ok(LocationFields {
        name,
        street: address.street,
        postal_code: address.postal_code,
        city: address.city,
        country: address.country,
        latitude,
        longitude,
        time_zone,
        opening_hours: input.opening_hours.clone(),
        opening_exceptions: input.opening_exceptions.clone(),
        pickup: input.pickup,
        delivery_radius_km: delivery.as_ref().map(|(radius, _)| *radius),
        delivery_fee: delivery.map(|(_, fee)| fee),
    })
}

fn check_delivery(
    errors: &mut FieldErrors,
    delivery: &LocalDelivery,
) -> Option<(Decimal, Decimal)> {
    let radius = delivery.radius_km;
    let radius_ok = radius > Decimal::ZERO
        && radius <= MAX_DELIVERY_RADIUS_KM
        && radius.normalize().scale() <= 1;
    if !radius_ok {
        errors.add(
            "local_delivery.radius_km",
            "must be more than 0 and at most 100 km, with at most one decimal place",
        );
    }
    let fee = delivery.fee.amount();
    let fee_ok = fee >= Decimal::ZERO && fee <= MAX_DELIVERY_FEE;
    if !fee_ok {
        errors.add(
            "local_delivery.fee",
            format!("must be between 0.00 and {MAX_DELIVERY_FEE}"),
        );
    }
    (radius_ok && fee_ok).then_some((radius, fee))
}

// ---- rows to responses ----

fn parse_status(text: &str) -> VendorStatus {
    // The column's CHECK constraint admits only known statuses.
    VendorStatus::parse(text).unwrap_or(VendorStatus::Pending)
}

fn parse_role(text: &str) -> VendorRole {
    // The column's CHECK constraint admits only known roles; fall back to the least power.
    VendorRole::parse(text).unwrap_or(VendorRole::Staff)
}

fn parse_scopes(names: &[String]) -> Vec<ApiScope> {
    names
        .iter()
        .filter_map(|name| ApiScope::parse(name))
        .collect()
}

fn address_of(row: &VendorRow) -> Address {
    Address {
        street: row.street.clone(),
        postal_code: row.postal_code.clone(),
        city: row.city.clone(),
        country: row.country.clone(),
    }
}

fn trade_register_of(row: &VendorRow) -> Option<TradeRegister> {
    row.register_court
        .clone()
        .zip(row.register_number.clone())
        .map(|(court, number)| TradeRegister { court, number })
}

fn legal_notice(row: &VendorRow) -> LegalNotice {
    LegalNotice {
        legal_name: row.legal_name.clone(),
        legal_form: row.legal_form.clone(),
        address: address_of(row),
        email: row.email.clone(),
        phone: row.phone.clone(),
        trade_register: trade_register_of(row),
        vat_id: row.vat_id.clone(),
        representative: row.representative.clone(),
        small_business: row.small_business,
        // Applications without self-certification are refused.
        self_certified: true,
    }
}

async fn details(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    show_payout: bool,
) -> Result<VendorDetails, VendorError> {
    let row = repo::fetch_vendor(conn, VendorKey::Id(vendor_id))
        .await?
        .ok_or(VendorError::NotFound)?;
    let history = repo::status_history(conn, vendor_id).await?;
    let status = parse_status(&row.status);
    Ok(VendorDetails {
        id: row.id,
        slug: row.slug.clone(),
        display_name: row.display_name.clone(),
        description: row.description.clone(),
        status,
        status_reason: row.status_reason.clone(),
        can_sell: status.can_sell(),
        legal_notice: legal_notice(&row),
        tax_number: row.tax_number.clone(),
        payout_account: show_payout.then(|| PayoutAccount {
            iban: row.payout_iban.clone(),
            holder: row.payout_holder.clone(),
        }),
        submitted_at: row.submitted_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
        history: history
            .into_iter()
            .map(|change| StatusChange {
                from: change.from_status.as_deref().map(parse_status),
                to: parse_status(&change.to_status),
                by: if change.by_operator {
                    ChangedBy::Operator
                } else {
                    ChangedBy::Vendor
                },
                reason: change.reason,
                occurred_at: change.occurred_at,
            })
            .collect(),
    })
}

fn public_vendor(
    row: VendorRow,
    locations: Vec<PublicLocation>,
    distance_km: Option<f64>,
) -> PublicVendor {
    PublicVendor {
        legal_notice: legal_notice(&row),
        id: row.id,
        slug: row.slug,
        display_name: row.display_name,
        description: row.description,
        locations,
        distance_km,
    }
}

fn member(row: repo::MemberRow) -> Member {
    Member {
        account_id: row.account_id,
        email: row.email,
        display_name: row.display_name,
        role: parse_role(&row.role),
        added_at: row.added_at,
    }
}

fn local_delivery(row: &LocationRow) -> Option<LocalDelivery> {
    row.delivery_radius_km
        .zip(row.delivery_fee)
        .map(|(radius_km, fee)| LocalDelivery {
            radius_km: radius_km.normalize(),
            fee: Money::rounded(fee),
        })
}

fn location(row: LocationRow) -> Location {
    Location {
        local_delivery: local_delivery(&row),
        id: row.id,
        name: row.name,
        address: Address {
            street: row.street,
            postal_code: row.postal_code,
            city: row.city,
            country: row.country,
        },
        coordinates: Coordinates {
            lat: row.latitude,
            lon: row.longitude,
        },
        time_zone: row.time_zone,
        opening_hours: row.opening_hours.0,
        opening_exceptions: row.opening_exceptions.0,
        pickup: row.pickup,
        archived_at: row.archived_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn as_new_location(location: Location) -> NewLocation {
    NewLocation {
        name: location.name,
        address: location.address,
        coordinates: Some(location.coordinates),
        time_zone: Some(location.time_zone),
        opening_hours: location.opening_hours,
        opening_exceptions: location.opening_exceptions,
        pickup: location.pickup,
        local_delivery: location.local_delivery,
    }
}

/// Whether a stored location is open at `now`, in its own time zone.
fn open_state_of(row: &LocationRow, now: DateTime<Utc>) -> hours::OpenState {
    // Time zones are validated on the way in.
    let tz = hours::time_zone(&row.time_zone).unwrap_or(chrono_tz::Europe::Berlin);
    hours::open_state(&row.opening_hours.0, &row.opening_exceptions.0, tz, now)
}

fn public_location(row: LocationRow, now: DateTime<Utc>) -> PublicLocation {
    let distance_km = row.distance_km;
    let state = open_state_of(&row, now);
    let location = location(row);
    PublicLocation {
        id: location.id,
        name: location.name,
        address: location.address,
        coordinates: location.coordinates,
        time_zone: location.time_zone,
        opening_hours: location.opening_hours,
        opening_exceptions: location.opening_exceptions,
        open_now: state.open_now,
        hours_today: state.hours_today,
        pickup: location.pickup,
        local_delivery: location.local_delivery,
        distance_km,
    }
}
