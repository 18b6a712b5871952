//! HTTP handlers of the vendor API: onboarding, the public profile, the operators' review,
//! members, API keys and locations.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use kernel::auth::{Authenticated, Operator};
use kernel::id::{AccountId, ApiKeyId, LocationId, VendorId};
use kernel::json::Json;
use kernel::openapi::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, Unauthorized,
    UnsupportedMediaType, ValidationFailed,
};
use kernel::pagination::{Page, PageParams};
use kernel::Problem;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::model::{
    ApiKey, CreatedApiKey, Location, LocationUpdate, Member, MemberUpdate, MyVendor, NewApiKey,
    NewLocation, NewMember, PublicVendor, Transition, TransitionRequest, VendorApplication,
    VendorDetails, VendorProfile, VendorStatus, VendorSummary, VendorUpdate,
};
use crate::responsiveness::ResponsivenessSource;
use crate::service::{LocationRemoval, VendorSearch, VendorService};

/// Registers the vendor routes (relative to `/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(apply)
        .service(list_vendors)
        .service(my_vendors)
        .service(get_application)
        .service(update_application)
        .service(resubmit_application)
        .service(close_vendor)
        .service(list_members)
        .service(add_member)
        .service(update_member)
        .service(remove_member)
        .service(list_api_keys)
        .service(create_api_key)
        .service(revoke_api_key)
        .service(list_locations)
        .service(create_location)
        .service(get_location)
        .service(update_location)
        .service(delete_location)
        .service(review_queue)
        .service(review_vendor)
        .service(approve_vendor)
        .service(reject_vendor)
        .service(request_vendor_changes)
        .service(suspend_vendor)
        .service(reinstate_vendor)
        // Last: `/vendors/{slug}` must not shadow the literal routes above.
        .service(vendor_profile);
}

/// Where to look for vendors.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NearParams {
    /// `lat,lon` in degrees (e.g. `47.99,7.85`) or a postal code (e.g. `79098`). An unknown
    /// postal code is `422 unknown_postal_code`.
    #[param(
        pattern = r"^(-?[0-8]?[0-9](\.[0-9]+)?, ?-?(1[0-7][0-9]|[0-9]?[0-9])(\.[0-9]+)?|[A-Za-z0-9 -]{2,10})$"
    )]
    pub near: Option<String>,
    /// Country of a postal code in `near` (ISO 3166-1 alpha-2); default `DE`.
    #[param(pattern = "^[A-Za-z]{2}$")]
    pub country: Option<String>,
}

/// Filters of the vendor directory.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryParams {
    /// Only vendors with a location within this many km of `near` (default 25, from 0.1 to 500).
    #[param(minimum = 0.1, maximum = 500)]
    radius_km: Option<f64>,
    /// Words of the shop's name or description (German stemming; part of the name also
    /// matches).
    #[param(max_length = 100)]
    q: Option<String>,
}

/// A query parameter that is absent or empty (`?q=`) is not given.
pub fn given(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.trim().is_empty())
}

/// Approved vendors, optionally near a place
///
/// The public directory of approved vendors with their legal notice and locations. With
/// `near`, only vendors with a location within `radius_km`, nearest first (`distance_km` is
/// set); otherwise by name.
#[utoipa::path(
    operation_id = "list_vendors",
    tag = "vendors",
    security(()),
    params(NearParams, DirectoryParams, PageParams),
    responses(
        (status = 200, description = "A page of vendors.", body = Page<PublicVendor>),
        (status = 400, response = BadRequest),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors")]
async fn list_vendors(
    service: web::Data<VendorService>,
    near: web::Query<NearParams>,
    filters: web::Query<DirectoryParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<PublicVendor>>, Problem> {
    let near = near.into_inner();
    let filters = filters.into_inner();
    let search = VendorSearch {
        near: given(near.near),
        country: given(near.country),
        radius_km: filters.radius_km,
        q: given(filters.q),
    };
    Ok(web::Json(service.public_list(&search, &page).await?))
}

/// A vendor's public profile
///
/// Display data, the legal notice buyers must be able to see (DSA Art. 30/31, Impressum) and
/// the locations with opening hours, whether each is open now, pickup and local delivery.
/// Only approved vendors have a profile. With `near`, each location has its distance.
/// `responsiveness` shows how quickly the shop answers customers' questions (median time to
/// the first answer, share answered within 24 hours) once enough questions were asked.
#[utoipa::path(
    operation_id = "get_vendor_profile",
    tag = "vendors",
    security(()),
    params(("slug" = String, Path, description = "The vendor's slug."), NearParams),
    responses(
        (status = 200, description = "The public profile.", body = VendorProfile),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{slug}")]
async fn vendor_profile(
    service: web::Data<VendorService>,
    responsiveness: web::Data<dyn ResponsivenessSource>,
    slug: web::Path<String>,
    near: web::Query<NearParams>,
) -> Result<web::Json<VendorProfile>, Problem> {
    let near = near.into_inner();
    let search = VendorSearch {
        near: given(near.near),
        country: given(near.country),
        ..VendorSearch::default()
    };
    let vendor = service.public_profile(&slug, &search).await?;
    let responsiveness = responsiveness.responsiveness(vendor.id).await?;
    Ok(web::Json(VendorProfile {
        vendor,
        responsiveness,
    }))
}

/// Apply to open a shop
///
/// Any signed-in account can apply; it becomes the shop's owner. The application carries
/// the trader data the DSA (Art. 30) requires; each invalid field is named in `errors[]`
/// (IBAN check digits, VAT ID per country prefix, postal code per country, international
/// phone number). Without `self_certification: true` the application is refused. The shop
/// starts `pending` until an operator approves it. A `slug` that is taken is
/// `409 slug_taken`; without a slug one is proposed from the name.
#[utoipa::path(
    operation_id = "apply_for_vendor",
    tag = "vendors",
    security(("bearer" = [])),
    request_body = VendorApplication,
    responses(
        (status = 201, description = "The shop was created in `pending`.", body = VendorDetails),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors")]
async fn apply(
    principal: Authenticated,
    service: web::Data<VendorService>,
    Json(application): Json<VendorApplication>,
) -> Result<HttpResponse, Problem> {
    let vendor = service.apply(&principal.0, application).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/vendors/{}/application", vendor.id)))
        .json(vendor))
}

/// My vendors
///
/// The vendors the signed-in account is a member of, with its role in each.
#[utoipa::path(
    operation_id = "list_my_vendors",
    tag = "vendors",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "All of them (never more than one page).", body = Page<MyVendor>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 500, response = InternalError),
    )
)]
#[get("/me/vendors")]
async fn my_vendors(
    principal: Authenticated,
    service: web::Data<VendorService>,
) -> Result<web::Json<Page<MyVendor>>, Problem> {
    let account = principal.0.account()?;
    Ok(web::Json(Page::all(service.my_vendors(account).await?)))
}

/// The vendor's application and status
///
/// Everything the marketplace holds about the vendor, its status with the reason of the
/// latest change (e.g. what to correct) and the status history. Any member (staff and up);
/// the payout account only for owners.
#[utoipa::path(
    operation_id = "get_vendor_application",
    tag = "vendors",
    security(("bearer" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    responses(
        (status = 200, description = "The vendor.", body = VendorDetails),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/application")]
async fn get_application(
    principal: Authenticated,
    service: web::Data<VendorService>,
    vendor_id: web::Path<VendorId>,
) -> Result<web::Json<VendorDetails>, Problem> {
    Ok(web::Json(service.details(&principal.0, *vendor_id).await?))
}

/// Edit the vendor
///
/// Owner only. Absent fields stay as they are. Display name, description and payout account
/// can change at any time; the trader data only while the application is `pending` or
/// `changes_requested` (otherwise `409 trader_data_locked`). After changes were requested,
/// edit, then resubmit.
#[utoipa::path(
    operation_id = "update_vendor_application",
    tag = "vendors",
    security(("bearer" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    request_body = VendorUpdate,
    responses(
        (status = 200, description = "The updated vendor.", body = VendorDetails),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[patch("/vendors/{vendor_id}/application")]
async fn update_application(
    principal: Authenticated,
    service: web::Data<VendorService>,
    vendor_id: web::Path<VendorId>,
    Json(update): Json<VendorUpdate>,
) -> Result<web::Json<VendorDetails>, Problem> {
    Ok(web::Json(
        service.update(&principal.0, *vendor_id, update).await?,
    ))
}

/// Resubmit the application
///
/// Owner only: after an operator requested changes and the owner edited the application,
/// it goes back to `pending` (at the end of the review queue). From any other status
/// `409 invalid_transition`.
#[utoipa::path(
    operation_id = "resubmit_vendor_application",
    tag = "vendors",
    security(("bearer" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    responses(
        (status = 200, description = "The vendor, `pending` again.", body = VendorDetails),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/application/resubmit")]
async fn resubmit_application(
    principal: Authenticated,
    service: web::Data<VendorService>,
    vendor_id: web::Path<VendorId>,
) -> Result<web::Json<VendorDetails>, Problem> {
    Ok(web::Json(
        service
            .owner_transition(&principal.0, *vendor_id, Transition::Resubmit)
            .await?,
    ))
}

/// Close the shop
///
/// Owner only; final. The profile disappears and every API key is revoked at once.
#[utoipa::path(
    operation_id = "close_vendor",
    tag = "vendors",
    security(("bearer" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    responses(
        (status = 200, description = "The vendor, `closed`.", body = VendorDetails),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/close")]
async fn close_vendor(
    principal: Authenticated,
    service: web::Data<VendorService>,
    vendor_id: web::Path<VendorId>,
) -> Result<web::Json<VendorDetails>, Problem> {
    Ok(web::Json(
        service
            .owner_transition(&principal.0, *vendor_id, Transition::Close)
            .await?,
    ))
}

/// The vendor's members
///
/// Owner only.
#[utoipa::path(
    operation_id = "list_vendor_members",
    tag = "vendor members",
    security(("bearer" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    responses(
        (status = 200, description = "All members (never more than one page).", body = Page<Member>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/members")]
async fn list_members(
    principal: Authenticated,
    service: web::Data<VendorService>,
    vendor_id: web::Path<VendorId>,
) -> Result<web::Json<Page<Member>>, Problem> {
    Ok(web::Json(Page::all(
        service.members(&principal.0, *vendor_id).await?,
    )))
}

/// Add a member
///
/// Owner only. Adds a registered account by e-mail with a role: `owner` (everything,
/// including members, payout data and API keys), `manager` (catalog, stock, orders,
/// questions, locations) or `staff` (orders and questions). An unknown e-mail is
/// `422 unknown_account`; a member already is `409 already_member`.
#[utoipa::path(
    operation_id = "add_vendor_member",
    tag = "vendor members",
    security(("bearer" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    request_body = NewMember,
    responses(
        (status = 201, description = "The new member.", body = Member),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/members")]
async fn add_member(
    principal: Authenticated,
    service: web::Data<VendorService>,
    vendor_id: web::Path<VendorId>,
    Json(request): Json<NewMember>,
) -> Result<HttpResponse, Problem> {
    let member = service
        .add_member(&principal.0, *vendor_id, request)
        .await?;
    Ok(HttpResponse::Created().json(member))
}

/// Change a member's role
///
/// Owner only. The last owner cannot be demoted (`409 last_owner`).
#[utoipa::path(
    operation_id = "update_vendor_member",
    tag = "vendor members",
    security(("bearer" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("account_id" = uuid::Uuid, Path, description = "The member's account id."),
    ),
    request_body = MemberUpdate,
    responses(
        (status = 200, description = "The member.", body = Member),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[patch("/vendors/{vendor_id}/members/{account_id}")]
async fn update_member(
    principal: Authenticated,
    service: web::Data<VendorService>,
    path: web::Path<(VendorId, AccountId)>,
    Json(update): Json<MemberUpdate>,
) -> Result<web::Json<Member>, Problem> {
    let (vendor_id, account_id) = path.into_inner();
    Ok(web::Json(
        service
            .update_member(&principal.0, vendor_id, account_id, update)
            .await?,
    ))
}

/// Remove a member
///
/// Owners remove anyone; every member may remove themselves (leave). The last owner cannot
/// be removed (`409 last_owner`).
#[utoipa::path(
    operation_id = "remove_vendor_member",
    tag = "vendor members",
    security(("bearer" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("account_id" = uuid::Uuid, Path, description = "The member's account id."),
    ),
    responses(
        (status = 204, description = "The member was removed."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
    )
)]
#[delete("/vendors/{vendor_id}/members/{account_id}")]
async fn remove_member(
    principal: Authenticated,
    service: web::Data<VendorService>,
    path: web::Path<(VendorId, AccountId)>,
) -> Result<HttpResponse, Problem> {
    let (vendor_id, account_id) = path.into_inner();
    service
        .remove_member(&principal.0, vendor_id, account_id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The vendor's API keys
///
/// Owner only. Without secrets; with when each was last used (to the minute) and revoked.
#[utoipa::path(
    operation_id = "list_api_keys",
    tag = "api keys",
    security(("bearer" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    responses(
        (status = 200, description = "All keys (never more than one page).", body = Page<ApiKey>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/api-keys")]
async fn list_api_keys(
    principal: Authenticated,
    service: web::Data<VendorService>,
    vendor_id: web::Path<VendorId>,
) -> Result<web::Json<Page<ApiKey>>, Problem> {
    Ok(web::Json(Page::all(
        service.api_keys(&principal.0, *vendor_id).await?,
    )))
}

/// Create an API key
///
/// Owner only. The response holds the key's `secret` (prefix `mpk_`), shown this once; only
/// its hash is stored. The key authenticates as this vendor with exactly its scopes
/// (`Authorization: Bearer mpk_...`); a key of a suspended vendor can only read.
#[utoipa::path(
    operation_id = "create_api_key",
    tag = "api keys",
    security(("bearer" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    request_body = NewApiKey,
    responses(
        (status = 201, description = "The key with its secret.", body = CreatedApiKey),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/api-keys")]
async fn create_api_key(
    principal: Authenticated,
    service: web::Data<VendorService>,
    vendor_id: web::Path<VendorId>,
    Json(request): Json<NewApiKey>,
) -> Result<HttpResponse, Problem> {
    let key = service
        .create_api_key(&principal.0, *vendor_id, request)
        .await?;
    Ok(HttpResponse::Created().json(key))
}

/// Revoke an API key
///
/// Owner only. The key stops working with the next request. Revoking a revoked key is a
/// no-op.
#[utoipa::path(
    operation_id = "revoke_api_key",
    tag = "api keys",
    security(("bearer" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("key_id" = uuid::Uuid, Path, description = "The key's id."),
    ),
    responses(
        (status = 204, description = "The key is revoked."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
#[delete("/vendors/{vendor_id}/api-keys/{key_id}")]
async fn revoke_api_key(
    principal: Authenticated,
    service: web::Data<VendorService>,
    path: web::Path<(VendorId, ApiKeyId)>,
) -> Result<HttpResponse, Problem> {
    let (vendor_id, key_id) = path.into_inner();
    service
        .revoke_api_key(&principal.0, vendor_id, key_id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocationListParams {
    /// Also list archived locations.
    #[serde(default)]
    include_archived: bool,
}

/// The vendor's locations
///
/// Managers and owners, or an API key with `locations:read`.
#[utoipa::path(
    operation_id = "list_locations",
    tag = "locations",
    security(("bearer" = []), ("api_key" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."), LocationListParams),
    responses(
        (status = 200, description = "All locations (never more than one page).", body = Page<Location>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/locations")]
async fn list_locations(
    principal: Authenticated,
    service: web::Data<VendorService>,
    vendor_id: web::Path<VendorId>,
    params: web::Query<LocationListParams>,
) -> Result<web::Json<Page<Location>>, Problem> {
    Ok(web::Json(Page::all(
        service
            .locations(&principal.0, *vendor_id, params.include_archived)
            .await?,
    )))
}

/// Add a location
///
/// Managers and owners, or an API key with `locations:write`. Without `coordinates` the postal code's centroid is used
/// (`422 unknown_postal_code` when it is not known). Opening hours are local times in
/// `time_zone` (default `Europe/Berlin`).
#[utoipa::path(
    operation_id = "create_location",
    tag = "locations",
    security(("bearer" = []), ("api_key" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    request_body = NewLocation,
    responses(
        (status = 201, description = "The location.", body = Location),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/locations")]
async fn create_location(
    principal: Authenticated,
    service: web::Data<VendorService>,
    vendor_id: web::Path<VendorId>,
    Json(request): Json<NewLocation>,
) -> Result<HttpResponse, Problem> {
    let location = service
        .create_location(&principal.0, *vendor_id, request)
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/v1/vendors/{}/locations/{}", vendor_id, location.id),
        ))
        .json(location))
}

/// A location
///
/// Managers and owners, or an API key with `locations:read`.
#[utoipa::path(
    operation_id = "get_location",
    tag = "locations",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("location_id" = uuid::Uuid, Path, description = "The location's id."),
    ),
    responses(
        (status = 200, description = "The location.", body = Location),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/locations/{location_id}")]
async fn get_location(
    principal: Authenticated,
    service: web::Data<VendorService>,
    path: web::Path<(VendorId, LocationId)>,
) -> Result<web::Json<Location>, Problem> {
    let (vendor_id, location_id) = path.into_inner();
    Ok(web::Json(
        service
            .location(&principal.0, vendor_id, location_id)
            .await?,
    ))
}

/// Edit a location
///
/// Managers and owners, or an API key with `locations:write`. Absent fields stay as they are; `local_delivery: null` ends local
/// delivery. A new address without coordinates moves the location to the postal code's
/// centroid. Archived locations cannot change (`409 location_archived`).
#[utoipa::path(
    operation_id = "update_location",
    tag = "locations",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("location_id" = uuid::Uuid, Path, description = "The location's id."),
    ),
    request_body = LocationUpdate,
    responses(
        (status = 200, description = "The location.", body = Location),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[patch("/vendors/{vendor_id}/locations/{location_id}")]
async fn update_location(
    principal: Authenticated,
    service: web::Data<VendorService>,
    path: web::Path<(VendorId, LocationId)>,
    Json(update): Json<LocationUpdate>,
) -> Result<web::Json<Location>, Problem> {
    let (vendor_id, location_id) = path.into_inner();
    Ok(web::Json(
        service
            .update_location(&principal.0, vendor_id, location_id, update)
            .await?,
    ))
}

/// Delete a location
///
/// Managers and owners, or an API key with `locations:write`. A location that stock or orders refer to is archived instead: the
/// response is then `200` with the archived location (no longer shown to customers);
/// otherwise `204`.
#[utoipa::path(
    operation_id = "delete_location",
    tag = "locations",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("location_id" = uuid::Uuid, Path, description = "The location's id."),
    ),
    responses(
        (status = 200, description = "Referenced elsewhere, so archived.", body = Location),
        (status = 204, description = "Deleted."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
    )
)]
#[delete("/vendors/{vendor_id}/locations/{location_id}")]
async fn delete_location(
    principal: Authenticated,
    service: web::Data<VendorService>,
    path: web::Path<(VendorId, LocationId)>,
) -> Result<HttpResponse, Problem> {
    let (vendor_id, location_id) = path.into_inner();
    Ok(
        match service
            .remove_location(&principal.0, vendor_id, location_id)
            .await?
        {
            LocationRemoval::Deleted => HttpResponse::NoContent().finish(),
            LocationRemoval::Archived(location) => HttpResponse::Ok().json(location),
        },
    )
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewParams {
    /// Only vendors in this status, e.g. `pending` for the review queue.
    status: Option<VendorStatus>,
}

/// The vendor review queue
///
/// Operators only. Vendors (of one status, or all), oldest submission first.
#[utoipa::path(
    operation_id = "list_vendors_for_review",
    tag = "operator",
    security(("bearer" = [])),
    params(ReviewParams, PageParams),
    responses(
        (status = 200, description = "A page of vendors.", body = Page<VendorSummary>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/operator/vendors")]
async fn review_queue(
    _: Operator,
    service: web::Data<VendorService>,
    params: web::Query<ReviewParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<VendorSummary>>, Problem> {
    Ok(web::Json(service.review_queue(params.status, &page).await?))
}

/// A vendor, for review
///
/// Operators only: the whole application, payout account and status history included.
#[utoipa::path(
    operation_id = "get_vendor_for_review",
    tag = "operator",
    security(("bearer" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    responses(
        (status = 200, description = "The vendor.", body = VendorDetails),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
#[get("/operator/vendors/{vendor_id}")]
async fn review_vendor(
    _: Operator,
    service: web::Data<VendorService>,
    vendor_id: web::Path<VendorId>,
) -> Result<web::Json<VendorDetails>, Problem> {
    Ok(web::Json(service.details_for_operator(*vendor_id).await?))
}

/// Declares an operator's status-change endpoint.
macro_rules! operator_transition {
    ($(#[doc = $doc:literal])* $name:ident, $path:literal, $operation_id:literal, $transition:expr) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            operation_id = $operation_id,
            tag = "operator",
            security(("bearer" = [])),
            params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
            request_body = TransitionRequest,
            responses(
                (status = 200, description = "The vendor in its new status.", body = VendorDetails),
                (status = 400, response = BadRequest),
                (status = 401, response = Unauthorized),
                (status = 403, response = Forbidden),
                (status = 404, response = NotFound),
                (status = 409, response = Conflict),
                (status = 413, response = PayloadTooLarge),
                (status = 415, response = UnsupportedMediaType),
                (status = 422, response = ValidationFailed),
                (status = 500, response = InternalError),
            )
        )]
        #[post($path)]
        async fn $name(
            operator: Operator,
            service: web::Data<VendorService>,
            vendor_id: web::Path<VendorId>,
            Json(request): Json<TransitionRequest>,
        ) -> Result<web::Json<VendorDetails>, Problem> {
            Ok(web::Json(
                service
                    .operator_transition(operator.0, *vendor_id, $transition, request)
                    .await?,
            ))
        }
    };
}

operator_transition!(
    /// Approve a vendor
    ///
    /// Operators only: `pending` → `approved`; the vendor may now sell. `reason` is optional.
    /// From any other status `409 invalid_transition`.
    approve_vendor,
    "/operator/vendors/{vendor_id}/approve",
    "approve_vendor",
    Transition::Approve
);
operator_transition!(
    /// Reject a vendor
    ///
    /// Operators only: `pending` → `rejected`, with the `reason` the vendor sees.
    reject_vendor,
    "/operator/vendors/{vendor_id}/reject",
    "reject_vendor",
    Transition::Reject
);
operator_transition!(
    /// Ask a vendor for corrections
    ///
    /// Operators only: `pending` → `changes_requested`, with the `reason` saying what to
    /// correct; the owner edits the application and resubmits it.
    request_vendor_changes,
    "/operator/vendors/{vendor_id}/request-changes",
    "request_vendor_changes",
    Transition::RequestChanges
);
operator_transition!(
    /// Suspend a vendor
    ///
    /// Operators only: `approved` → `suspended`, with a `reason`. The profile and products
    /// disappear at once; API keys can only read.
    suspend_vendor,
    "/operator/vendors/{vendor_id}/suspend",
    "suspend_vendor",
    Transition::Suspend
);
operator_transition!(
    /// Reinstate a vendor
    ///
    /// Operators only: `suspended` → `approved`. `reason` is optional.
    reinstate_vendor,
    "/operator/vendors/{vendor_id}/reinstate",
    "reinstate_vendor",
    Transition::Reinstate
);
