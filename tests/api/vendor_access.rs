//! Who may do what in a vendor: the authorization matrix over every vendor route, members
//! and their roles, and API keys.

use crate::helpers::{json_of, location, problem_of, ApprovedVendor, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The callers of the matrix, in the order they are tried: the owner last, so that what it
/// changes cannot affect the others' cases.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    OtherVendorsKey,
    Key,
    Operator,
    Customer,
    OtherVendorsOwner,
    Staff,
    Manager,
    Owner,
}

const CALLERS: [Who; 9] = [
    Who::Anonymous,
    Who::OtherVendorsKey,
    Who::Key,
    Who::Operator,
    Who::Customer,
    Who::OtherVendorsOwner,
    Who::Staff,
    Who::Manager,
    Who::Owner,
];

/// Expected statuses in the order of [`CALLERS`].
type Expected = [u16; 9];

/// Only the owner; the key lacks a scope for it.
const OWNER_ONLY: Expected = [401, 404, 403, 404, 404, 404, 403, 403, 0];
/// Managers and owners; keys with the scope.
const MANAGERS_AND_KEYS: Expected = [401, 404, 0, 404, 404, 404, 403, 0, 0];
/// Every member; no key.
const MEMBERS: Expected = [401, 404, 403, 404, 404, 404, 0, 0, 0];

struct World {
    vendor: ApprovedVendor,
    tokens: Vec<(Who, Option<String>)>,
}

impl World {
    fn token(&self, who: Who) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(w, _)| *w == who)
            .and_then(|(_, token)| token.as_deref())
    }
}

async fn world(app: &TestApp) -> World {
    let vendor = app.approved_vendor("Feinkost Abele").await;
    let other = app.approved_vendor("Feinkost Berger").await;
    let manager = app.vendor_member(&vendor, "manager").await;
    let staff = app.vendor_member(&vendor, "staff").await;
    let customer = app.signed_in_customer().await;
    let all_scopes = [
        "catalog:read",
        "catalog:write",
        "stock:write",
        "locations:read",
        "locations:write",
        "orders:read",
        "orders:write",
        "questions:read",
        "questions:write",
    ];
    let key = app.api_key(&vendor, &all_scopes).await;
    let other_key = app.api_key(&other, &all_scopes).await;
    let tokens = vec![
        (Who::Anonymous, None),
        (Who::OtherVendorsKey, Some(other_key)),
        (Who::Key, Some(key)),
        (Who::Operator, Some(vendor.operator.access_token.clone())),
        (Who::Customer, Some(customer.access_token)),
        (Who::OtherVendorsOwner, Some(other.owner.access_token)),
        (Who::Staff, Some(staff.access_token)),
        (Who::Manager, Some(manager.access_token)),
        (Who::Owner, Some(vendor.owner.access_token.clone())),
    ];
    World { vendor, tokens }
}

/// A route of the matrix; `{v}` is the vendor's id, `{l}` a location, `{m}` a member,
/// `{k}` a spare API key; `{fresh-l}` and `{fresh-m}` are made anew for every caller.
struct Route {
    method: Method,
    path: &'static str,
    body: Option<Value>,
    success: u16,
    expected: Expected,
}

fn route(
    method: Method,
    path: &'static str,
    body: Option<Value>,
    success: u16,
    expected: Expected,
) -> Route {
    Route {
        method,
        path,
        body,
        success,
        expected,
    }
}

async fn account_id(app: &TestApp, token: &str) -> String {
    json_of(app.me(token).await, StatusCode::OK).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn every_vendor_route_checks_membership_role_and_scope() {
    let app = TestApp::spawn().await;
    let world = world(&app).await;
    let vendor = &world.vendor;
    let owner = Some(vendor.owner.access_token.as_str());
    let location_id = json_of(
        app.post(
            &format!("/v1/vendors/{}/locations", vendor.id),
            &location("Laden", 47.99, 7.85),
            owner,
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let staff_id = account_id(&app, world.token(Who::Staff).unwrap()).await;
    let candidate = app.signed_in_customer().await;

    let routes = [
        route(
            Method::GET,
            "/v1/vendors/{v}/application",
            None,
            200,
            MEMBERS,
        ),
        route(
            Method::PATCH,
            "/v1/vendors/{v}/application",
            Some(json!({"description": "Neu"})),
            200,
            OWNER_ONLY,
        ),
        route(
            Method::GET,
            "/v1/vendors/{v}/members",
            None,
            200,
            OWNER_ONLY,
        ),
        route(
            Method::POST,
            "/v1/vendors/{v}/members",
            Some(json!({"email": candidate.email, "role": "staff"})),
            201,
            OWNER_ONLY,
        ),
        route(
            Method::PATCH,
            "/v1/vendors/{v}/members/{m}",
            Some(json!({"role": "staff"})),
            200,
            OWNER_ONLY,
        ),
        route(
            Method::DELETE,
            "/v1/vendors/{v}/members/{fresh-m}",
            None,
            204,
            OWNER_ONLY,
        ),
        route(
            Method::GET,
            "/v1/vendors/{v}/api-keys",
            None,
            200,
            OWNER_ONLY,
        ),
        route(
            Method::POST,
            "/v1/vendors/{v}/api-keys",
            Some(json!({"name": "ERP", "scopes": ["orders:read"]})),
            201,
            OWNER_ONLY,
        ),
        route(
            Method::DELETE,
            "/v1/vendors/{v}/api-keys/{k}",
            None,
            204,
            OWNER_ONLY,
        ),
        route(
            Method::GET,
            "/v1/vendors/{v}/locations",
            None,
            200,
            MANAGERS_AND_KEYS,
        ),
        route(
            Method::POST,
            "/v1/vendors/{v}/locations",
            Some(location("Lager", 47.9, 7.8)),
            201,
            MANAGERS_AND_KEYS,
        ),
        route(
            Method::GET,
            "/v1/vendors/{v}/locations/{l}",
            None,
            200,
            MANAGERS_AND_KEYS,
        ),
        route(
            Method::PATCH,
            "/v1/vendors/{v}/locations/{l}",
            Some(json!({"name": "Laden Mitte"})),
            200,
            MANAGERS_AND_KEYS,
        ),
        route(
            Method::DELETE,
            "/v1/vendors/{v}/locations/{fresh-l}",
            None,
            204,
            MANAGERS_AND_KEYS,
        ),
        route(
            Method::POST,
            "/v1/vendors/{v}/application/resubmit",
            None,
            409,
            OWNER_ONLY,
        ),
        // Last: closing ends everything.
        route(Method::POST, "/v1/vendors/{v}/close", None, 200, OWNER_ONLY),
    ];

    for route in routes {
        for (index, who) in CALLERS.iter().enumerate() {
            let mut path = route
                .path
                .replace("{v}", &vendor.id)
                .replace("{l}", &location_id)
                .replace("{m}", &staff_id);
            if path.contains("{fresh-l}") {
                let fresh = json_of(
                    app.post(
                        &format!("/v1/vendors/{}/locations", vendor.id),
                        &location("Kurzzeit", 47.9, 7.8),
                        owner,
                    )
                    .await,
                    StatusCode::CREATED,
                )
                .await;
                path = path.replace("{fresh-l}", fresh["id"].as_str().unwrap());
            }
            if path.contains("{fresh-m}") {
                let member = app.vendor_member(vendor, "staff").await;
                path = path.replace("{fresh-m}", &account_id(&app, &member.access_token).await);
            }
            if path.contains("{k}") {
                let spare = app.api_key(vendor, &["orders:read"]).await;
                let keys = json_of(
                    app.get(&format!("/v1/vendors/{}/api-keys", vendor.id), owner)
                        .await,
                    StatusCode::OK,
                )
                .await;
                let prefix: String = spare.chars().take(9).collect();
                let spare_id = keys["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|key| key["secret_prefix"] == prefix.as_str())
                    .unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                path = path.replace("{k}", &spare_id);
            }
            let body = route
                .body
                .clone()
                .or_else(|| (route.method == Method::POST).then(|| json!({})));
            let response = app
                .send(
                    route.method.clone(),
                    &path,
                    body.as_ref(),
                    world.token(*who),
                )
                .await;
            let expected = match route.expected[index] {
                0 => route.success,
                status => status,
            };
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            assert_eq!(
                status, expected,
                "{} {path} as {who:?}: {text}",
                route.method
            );
            let code = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|body| body["code"].as_str().map(str::to_owned));
            let expected_code = match (status, who) {
                (401, _) => Some("unauthenticated"),
                (404, _) => Some("not_found"),
                (403, Who::Key) => Some("insufficient_scope"),
                (403, _) => Some("insufficient_role"),
                _ => None,
            };
            if let Some(expected_code) = expected_code {
                assert_eq!(
                    code.as_deref(),
                    Some(expected_code),
                    "{} {path} as {who:?}",
                    route.method
                );
            }
        }
    }
}

#[tokio::test]
async fn operator_routes_admit_operators_only() {
    let app = TestApp::spawn().await;
    let world = world(&app).await;
    let path = format!("/v1/operator/vendors/{}", world.vendor.id);
    for (who, status, code) in [
        (Who::Anonymous, 401, "unauthenticated"),
        (Who::Key, 403, "account_required"),
        (Who::Owner, 403, "forbidden"),
        (Who::Customer, 403, "forbidden"),
        (Who::Operator, 200, ""),
    ] {
        for path in ["/v1/operator/vendors", path.as_str()] {
            let response = app.get(path, world.token(who)).await;
            if status == 200 {
                assert_eq!(response.status(), StatusCode::OK, "{path} as {who:?}");
            } else {
                problem_of(response, StatusCode::from_u16(status).unwrap(), code).await;
            }
        }
    }
}

#[tokio::test]
async fn owners_manage_members_and_a_vendor_always_keeps_an_owner() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Eisenwaren Kramer").await;
    let owner = Some(vendor.owner.access_token.as_str());
    let members_path = format!("/v1/vendors/{}/members", vendor.id);
    let owner_id = account_id(&app, &vendor.owner.access_token).await;

    let problem = problem_of(
        app.post(
            &members_path,
            &json!({"email": "niemand@example.de", "role": "staff"}),
            owner,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_account",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "email");
    let lena = app.signed_in_customer().await;
    let added = json_of(
        app.post(
            &members_path,
            &json!({"email": lena.email.to_uppercase(), "role": "manager"}),
            owner,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(added["role"], "manager");
    let lena_id = added["account_id"].as_str().unwrap().to_owned();
    problem_of(
        app.post(
            &members_path,
            &json!({"email": lena.email, "role": "staff"}),
            owner,
        )
        .await,
        StatusCode::CONFLICT,
        "already_member",
    )
    .await;
    // Lena's memberships are read on every request: she is a manager at once.
    let mine = json_of(
        app.get("/v1/me/vendors", Some(&lena.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"][0]["role"], "manager");

    // The only owner can neither be demoted nor removed.
    problem_of(
        app.patch(
            &format!("{members_path}/{owner_id}"),
            &json!({"role": "manager"}),
            owner,
        )
        .await,
        StatusCode::CONFLICT,
        "last_owner",
    )
    .await;
    problem_of(
        app.delete(&format!("{members_path}/{owner_id}"), owner)
            .await,
        StatusCode::CONFLICT,
        "last_owner",
    )
    .await;
    // With a second owner, the first may step down.
    app.patch(
        &format!("{members_path}/{lena_id}"),
        &json!({"role": "owner"}),
        owner,
    )
    .await;
    let demoted = json_of(
        app.patch(
            &format!("{members_path}/{owner_id}"),
            &json!({"role": "staff"}),
            owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(demoted["role"], "staff");
    // Now staff, the former owner cannot manage members, but may leave.
    problem_of(
        app.get(&members_path, owner).await,
        StatusCode::FORBIDDEN,
        "insufficient_role",
    )
    .await;
    assert_eq!(
        app.delete(&format!("{members_path}/{owner_id}"), owner)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    // Gone at once: the vendor is none of theirs any more.
    problem_of(
        app.get(&format!("/v1/vendors/{}/application", vendor.id), owner)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem_of(
        app.delete(
            &format!("{members_path}/{owner_id}"),
            Some(&lena.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Optik Scharf").await;
    let second = app.vendor_member(&vendor, "owner").await;
    let members_path = format!("/v1/vendors/{}/members", vendor.id);
    let first_id = account_id(&app, &vendor.owner.access_token).await;
    let second_id = account_id(&app, &second.access_token).await;
    let demote = json!({"role": "manager"});
    let (second_path, first_path) = (
        format!("{members_path}/{second_id}"),
        format!("{members_path}/{first_id}"),
    );
    let (a, b) = tokio::join!(
        app.patch(&second_path, &demote, Some(&vendor.owner.access_token)),
        app.patch(&first_path, &demote, Some(&second.access_token)),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    // One wins; the other is refused as the last owner (or, having just lost ownership,
    // may no longer manage members).
    assert_eq!(statuses[0], 200, "{statuses:?}");
    assert!(matches!(statuses[1], 403 | 409), "{statuses:?}");
    let owners: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM vendor_members WHERE vendor_id = $1::uuid AND role = 'owner'",
    )
    .bind(&vendor.id)
    .fetch_one(&mut app.db().await)
    .await
    .unwrap();
    assert_eq!(owners, 1);
}

#[tokio::test]
async fn api_keys_act_for_their_vendor_with_exactly_their_scopes() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Fahrradladen Speiche").await;
    let owner = Some(vendor.owner.access_token.as_str());
    let keys_path = format!("/v1/vendors/{}/api-keys", vendor.id);
    let locations_path = format!("/v1/vendors/{}/locations", vendor.id);

    let created = json_of(
        app.post(
            &keys_path,
            &json!({"name": "Kasse", "scopes": ["locations:read", "stock:write", "stock:write"]}),
            owner,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("mpk_") && secret.len() > 40, "{secret}");
    assert_eq!(created["scopes"], json!(["locations:read", "stock:write"]));
    assert_eq!(created["secret_prefix"], secret[..9]);
    let problem = problem_of(
        app.post(&keys_path, &json!({"name": " ", "scopes": []}), owner)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(crate::helpers::fields(&problem), ["name", "scopes"]);
    let problem = problem_of(
        app.post(
            &keys_path,
            &json!({"name": "x", "scopes": ["everything"]}),
            owner,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "scopes[0]");

    // The key reads locations; using it is recorded.
    assert_eq!(
        app.get(&locations_path, Some(&secret)).await.status(),
        StatusCode::OK
    );
    let listed = json_of(app.get(&keys_path, owner).await, StatusCode::OK).await;
    let text = listed.to_string();
    assert!(!text.contains(&secret), "the list shows the secret");
    assert_eq!(listed["items"][0]["last_used_at"], "2026-11-22T09:00:00Z");
    // Not a person: it cannot use account endpoints.
    problem_of(
        app.get("/v1/me/vendors", Some(&secret)).await,
        StatusCode::FORBIDDEN,
        "account_required",
    )
    .await;
    problem_of(
        app.get("/v1/me/vendors", Some("mpk_forged")).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;

    // Revoked keys stop working at once.
    let key_id = created["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&format!("{keys_path}/{key_id}"), owner)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    problem_of(
        app.get(&locations_path, Some(&secret)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    let listed = json_of(app.get(&keys_path, owner).await, StatusCode::OK).await;
    assert_eq!(listed["items"][0]["revoked_at"], "2026-11-22T09:00:00Z");
    problem_of(
        app.delete(
            &format!("{keys_path}/01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8e"),
            owner,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // A suspended vendor's key still reads but no longer writes; closing the vendor ends
    // every key.
    let reader = app
        .api_key(&vendor, &["locations:read", "locations:write"])
        .await;
    assert_eq!(
        app.post(
            &locations_path,
            &location("Lager", 47.99, 7.85),
            Some(&reader)
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    app.operator_action(&vendor.operator, &vendor.id, "suspend", Some("Prüfung"))
        .await;
    assert_eq!(
        app.get(&locations_path, Some(&reader)).await.status(),
        StatusCode::OK
    );
    problem_of(
        app.post(
            &locations_path,
            &location("Lager 2", 47.99, 7.85),
            Some(&reader),
        )
        .await,
        StatusCode::FORBIDDEN,
        "vendor_suspended",
    )
    .await;
    app.operator_action(&vendor.operator, &vendor.id, "reinstate", None)
        .await;
    app.post(
        &format!("/v1/vendors/{}/close", vendor.id),
        &json!({}),
        owner,
    )
    .await;
    problem_of(
        app.get(&locations_path, Some(&reader)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
}
