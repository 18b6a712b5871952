//! Registration, login, token rotation, logout and access-token checks.

use crate::helpers::{fields, json_of, problem_of, TestApp, PASSWORD, TEST_JWT_SECRET};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::Duration;
use futures_util::future::join_all;
use jsonwebtoken::{encode, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn register_login_me_refresh_logout_story() {
    let app = TestApp::spawn().await;

    let account = json_of(
        app.register("  Anna.Schmidt@Example.DE ", PASSWORD, " Anna ")
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(account["email"], "Anna.Schmidt@example.de");
    assert_eq!(account["display_name"], "Anna");
    assert_eq!(account["role"], "customer");
    assert!(account.get("password_hash").is_none() && account.get("password").is_none());

    // Log in with the address in any letter case.
    let tokens = json_of(
        app.login("anna.schmidt@EXAMPLE.de", PASSWORD).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    let access = tokens["access_token"].as_str().unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();

    let me = json_of(app.me(access).await, StatusCode::OK).await;
    assert_eq!(me["id"], account["id"]);

    let renewed = json_of(app.refresh(refresh).await, StatusCode::OK).await;
    let new_refresh = renewed["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, refresh);
    let me = json_of(
        app.me(renewed["access_token"].as_str().unwrap()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["id"], account["id"]);

    assert_eq!(
        app.logout(new_refresh).await.status(),
        StatusCode::NO_CONTENT
    );
    problem_of(
        app.refresh(new_refresh).await,
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
}

#[tokio::test]
async fn an_email_registers_once_whatever_its_case() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.register("ben@example.de", PASSWORD, "Ben")
            .await
            .status(),
        StatusCode::CREATED
    );
    problem_of(
        app.register("BEN@Example.de", PASSWORD, "Ben 2").await,
        StatusCode::CONFLICT,
        "email_taken",
    )
    .await;
}

#[tokio::test]
async fn twenty_racing_registrations_of_one_email_create_one_account() {
    let app = TestApp::spawn().await;
    let names: Vec<String> = (0..20).map(|i| format!("Racer {i}")).collect();
    let attempts = names
        .iter()
        .map(|name| app.register("race@example.de", PASSWORD, name));
    let statuses: Vec<StatusCode> = join_all(attempts)
        .await
        .into_iter()
        .map(|response| response.status())
        .collect();
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let conflicts = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, conflicts), (1, 19), "{statuses:?}");
}

#[tokio::test]
async fn registration_names_every_invalid_field_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let problem = problem_of(
        app.register("not-an-email", "short", "   ").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["display_name", "email", "password"]);

    let problem = problem_of(
        app.register("carla@example.de", "Carla@Example.de", "Carla")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["password"]);
    assert_eq!(
        problem["errors"][0]["message"],
        "must not be the e-mail address"
    );

    let too_long = "x".repeat(129);
    let problem = problem_of(
        app.register("carla@example.de", &too_long, "Carla").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["password"]);

    // Nothing was stored: the address is still free.
    assert_eq!(
        app.register("carla@example.de", PASSWORD, "Carla")
            .await
            .status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.signed_in_customer().await;
    app.register("dora@example.de", PASSWORD, "Dora").await;

    let wrong_password = problem_of(
        app.login("dora@example.de", "wrong password!").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let unknown = problem_of(
        app.login("nobody@example.de", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let malformed = problem_of(
        app.login("not an address", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    for other in [&unknown, &malformed] {
        assert_eq!(wrong_password["title"], other["title"]);
        assert_eq!(wrong_password["detail"], other["detail"]);
    }
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_its_whole_session() {
    let app = TestApp::spawn().await;
    let session = app.signed_in_customer().await;
    let other_device = app.session_for(&session.email, PASSWORD).await;

    let rotated = json_of(app.refresh(&session.refresh_token).await, StatusCode::OK).await;
    let current = rotated["refresh_token"].as_str().unwrap();

    // The old token comes back: a thief or a replay. The whole family is revoked...
    problem_of(
        app.refresh(&session.refresh_token).await,
        StatusCode::UNAUTHORIZED,
        "refresh_token_reused",
    )
    .await;
    problem_of(
        app.refresh(current).await,
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
    // ...but not the sessions of other logins.
    assert_eq!(
        app.refresh(&other_device.refresh_token).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn racing_refreshes_with_one_token_succeed_at_most_once() {
    let app = TestApp::spawn().await;
    let session = app.signed_in_customer().await;
    let responses = join_all((0..5).map(|_| app.refresh(&session.refresh_token))).await;
    let succeeded = responses
        .iter()
        .filter(|response| response.status() == StatusCode::OK)
        .count();
    assert_eq!(succeeded, 1);
    assert!(responses
        .iter()
        .all(|r| r.status() == StatusCode::OK || r.status() == StatusCode::UNAUTHORIZED));
}

#[tokio::test]
async fn refresh_tokens_expire_and_unknown_ones_are_refused() {
    let app = TestApp::spawn().await;
    let session = app.signed_in_customer().await;
    problem_of(
        app.refresh("mrt_unknown").await,
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
    app.clock.advance(Duration::days(30));
    problem_of(
        app.refresh(&session.refresh_token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
}

#[tokio::test]
async fn logout_of_an_unknown_token_tells_nothing() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.logout("mrt_whatever").await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn access_tokens_expire_after_fifteen_minutes() {
    let app = TestApp::spawn().await;
    let session = app.signed_in_customer().await;
    app.clock.advance(Duration::minutes(14));
    assert_eq!(app.me(&session.access_token).await.status(), StatusCode::OK);
    app.clock.advance(Duration::minutes(1));
    problem_of(
        app.me(&session.access_token).await,
        StatusCode::UNAUTHORIZED,
        "token_expired",
    )
    .await;
}

/// Claims like the server's, for forging tokens.
fn claims(sub: &str, audience: &str) -> serde_json::Value {
    let now = crate::helpers::start_of_time().timestamp();
    json!({
        "iss": "marketplace", "aud": audience, "sub": sub, "iat": now, "exp": now + 900,
        "jti": "01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8e", "role": "operator"
    })
}

#[tokio::test]
async fn forged_and_malformed_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let me = json_of(
        app.me(&app.signed_in_customer().await.access_token).await,
        StatusCode::OK,
    )
    .await;
    let sub = me["id"].as_str().unwrap();

    let other_key = encode(
        &Header::default(),
        &claims(sub, "marketplace-api"),
        &EncodingKey::from_secret(b"another-secret-another-secret-xx"),
    )
    .unwrap();
    let wrong_audience = encode(
        &Header::default(),
        &claims(sub, "someone-else"),
        &EncodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
    )
    .unwrap();
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(sub, "marketplace-api").to_string())
    );
    for token in [
        other_key.as_str(),
        wrong_audience.as_str(),
        unsigned.as_str(),
        "garbage",
    ] {
        let response = app.me(token).await;
        assert_eq!(
            response.headers().get("www-authenticate").unwrap(),
            "Bearer"
        );
        problem_of(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }

    problem_of(
        app.get("/v1/me", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    let basic = app
        .client
        .get(app.url("/v1/me"))
        .header("authorization", "Basic YTpi")
        .send()
        .await
        .unwrap();
    problem_of(basic, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[tokio::test]
async fn credential_endpoints_are_rate_limited_per_client() {
    let app = TestApp::spawn_with(|settings| {
        settings.auth_rate_limit_burst = 3.try_into().unwrap();
        settings.auth_rate_limit_per_minute = 1.try_into().unwrap();
    })
    .await;
    for _ in 0..3 {
        assert_eq!(
            app.login("eve@example.de", "guess guess guess")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let refused = app.login("eve@example.de", "guess guess guess").await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    problem_of(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Registration draws on the same quota.
    problem_of(
        app.register("eve@example.de", PASSWORD, "Eve").await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
    // Other endpoints are not limited.
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
}
