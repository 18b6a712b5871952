//! Every error is problem+json with a stable code and the request id; bad input changes
//! nothing.

use crate::helpers::{fields, problem_of, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn unknown_routes_are_404_problems_with_the_request_id() {
    let app = TestApp::spawn().await;
    let response = app.get("/v1/nope", None).await;
    let header_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let problem = problem_of(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(problem["request_id"], header_id);
    problem_of(app.get("/", None).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_wrong_method_is_405_with_the_allowed_ones() {
    let app = TestApp::spawn().await;
    let response = app.client.delete(app.url("/v1/me")).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET, PATCH");
    problem_of(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    let response = app.get("/v1/auth/login", None).await;
    assert_eq!(response.headers()["allow"], "POST");
    problem_of(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
}

#[tokio::test]
async fn a_sane_request_id_is_kept_and_an_insane_one_replaced() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/v1/nope"))
        .header("x-request-id", "client-chosen-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "client-chosen-42");
    let problem = problem_of(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(problem["request_id"], "client-chosen-42");

    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "forged\"log line")
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

async fn post_raw(
    app: &TestApp,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    app.client
        .post(app.url("/v1/auth/register"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = TestApp::spawn().await;
    for body in [
        r#"{"email": "#,
        "not json",
        "",
        r#"{"email":"a@b.de"} trailing"#,
    ] {
        problem_of(
            post_raw(&app, "application/json", body).await,
            StatusCode::BAD_REQUEST,
            "malformed_json",
        )
        .await;
    }
}

#[tokio::test]
async fn missing_and_wrongly_typed_fields_are_named() {
    let app = TestApp::spawn().await;
    let problem = problem_of(
        app.post(
            "/v1/auth/register",
            &json!({"email": "a@b.de", "display_name": "A"}),
            None,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["password"]);
    assert_eq!(problem["errors"][0]["message"], "is required");

    let problem = problem_of(
        app.post(
            "/v1/auth/register",
            &json!({"email": "a@b.de", "password": 1234567890, "display_name": "A"}),
            None,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["password"]);
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("expected a string"));

    let problem = problem_of(
        app.post("/v1/auth/register", &json!(["a", "list"]), None)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["body"]);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_and_change_nothing() {
    let app = TestApp::spawn().await;
    let huge_name = "x".repeat(2 * 1024 * 1024);
    let body = json!({"email": "big@example.de", "password": PASSWORD, "display_name": huge_name});
    problem_of(
        app.post("/v1/auth/register", &body, None).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    // Also when the client streams the body without announcing its length.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(body.to_string().into_bytes())];
    let streamed = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    problem_of(
        post_raw(&app, "application/json", streamed).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    assert_eq!(
        app.register("big@example.de", PASSWORD, "Big")
            .await
            .status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn the_body_limit_is_configurable() {
    let app = TestApp::spawn_with(|settings| settings.max_body_bytes = 64).await;
    let body =
        json!({"email": "small@example.de", "password": PASSWORD, "display_name": "S".repeat(60)});
    problem_of(
        app.post("/v1/auth/register", &body, None).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
}

#[tokio::test]
async fn non_json_content_types_are_415() {
    let app = TestApp::spawn().await;
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
    ] {
        problem_of(
            post_raw(&app, content_type, r#"{"email":"a@b.de"}"#).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
    }
    let no_type = app
        .client
        .post(app.url("/v1/auth/login"))
        .body(r#"{"email":"a@b.de","password":"x"}"#)
        .send()
        .await
        .unwrap();
    problem_of(
        no_type,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    // `application/json; charset=utf-8` and `+json` types are JSON.
    let accepted = post_raw(
        &app,
        "application/merge-patch+json; charset=utf-8",
        json!({"email": "json@example.de", "password": PASSWORD, "display_name": "J"}).to_string(),
    )
    .await;
    assert_eq!(accepted.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn internal_errors_say_nothing_about_their_cause() {
    let app = TestApp::spawn().await;
    sqlx::query("ALTER TABLE accounts RENAME TO accounts_secret_backup")
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let response = app.register("fail@example.de", PASSWORD, "Fail").await;
    let problem = problem_of(
        response,
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
    )
    .await;
    let text = problem.to_string();
    assert!(
        !text.contains("accounts") && !text.contains("relation"),
        "{text}"
    );
}
