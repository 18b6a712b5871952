//! The signed-in account: reading, renaming, the e-mail language, changing the password.

use crate::helpers::{fields, json_of, problem_of, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_email_language_is_german_unless_chosen_otherwise() {
    let app = TestApp::spawn().await;
    let session = app.signed_in_customer().await;
    let token = Some(session.access_token.as_str());
    let me = json_of(app.me(&session.access_token).await, StatusCode::OK).await;
    assert_eq!(me["language"], "de");

    let updated = json_of(
        app.patch("/v1/me", &json!({"language": "en"}), token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["language"], "en");
    assert_eq!(updated["display_name"], "Kundin", "absent fields stay");
    let problem = problem_of(
        app.patch("/v1/me", &json!({"language": "fr"}), token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["language"]);
    let me = json_of(app.me(&session.access_token).await, StatusCode::OK).await;
    assert_eq!(me["language"], "en");
}

#[tokio::test]
async fn the_display_name_can_be_changed_and_is_validated() {
    let app = TestApp::spawn().await;
    let session = app.signed_in_customer().await;
    let token = Some(session.access_token.as_str());

    let updated = json_of(
        app.patch("/v1/me", &json!({"display_name": "  Anna M. "}), token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["display_name"], "Anna M.");
    let me = json_of(app.me(&session.access_token).await, StatusCode::OK).await;
    assert_eq!(me["display_name"], "Anna M.");

    let problem = problem_of(
        app.patch("/v1/me", &json!({"display_name": "x".repeat(101)}), token)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["display_name"]);
    problem_of(
        app.patch("/v1/me", &json!({"display_name": "Mallory"}), None)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_every_session() {
    let app = TestApp::spawn().await;
    let session = app.signed_in_customer().await;
    let second_device = app.session_for(&session.email, PASSWORD).await;
    let token = Some(session.access_token.as_str());

    let problem = problem_of(
        app.post(
            "/v1/me/password",
            &json!({"current_password": "not the password", "new_password": "a brand new secret"}),
            token,
        )
        .await,
        StatusCode::FORBIDDEN,
        "wrong_current_password",
    )
    .await;
    assert_eq!(fields(&problem), ["current_password"]);

    let problem = problem_of(
        app.post(
            "/v1/me/password",
            &json!({"current_password": PASSWORD, "new_password": "short"}),
            token,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["new_password"]);
    // The failed attempts changed nothing.
    assert_eq!(
        app.refresh(&second_device.refresh_token).await.status(),
        StatusCode::OK
    );

    let changed = app
        .post(
            "/v1/me/password",
            &json!({"current_password": PASSWORD, "new_password": "a brand new secret"}),
            token,
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);

    for refresh in [&session.refresh_token] {
        problem_of(
            app.refresh(refresh).await,
            StatusCode::UNAUTHORIZED,
            "invalid_refresh_token",
        )
        .await;
    }
    problem_of(
        app.login(&session.email, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(
        app.login(&session.email, "a brand new secret")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn tokens_of_a_deleted_account_stop_working() {
    let app = TestApp::spawn().await;
    let session = app.signed_in_customer().await;
    sqlx::query("DELETE FROM accounts")
        .execute(&mut app.db().await)
        .await
        .unwrap();
    problem_of(
        app.me(&session.access_token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    problem_of(
        app.refresh(&session.refresh_token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
}
