//! Health, readiness, metrics and the API documentation.

use crate::helpers::{json_of, problem_of, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn alive_and_ready_while_the_database_answers() {
    let app = TestApp::spawn().await;
    assert_eq!(
        json_of(app.get("/healthz", None).await, StatusCode::OK).await["status"],
        "ok"
    );
    assert_eq!(
        json_of(app.get("/readyz", None).await, StatusCode::OK).await["status"],
        "ok"
    );
}

#[tokio::test]
async fn not_ready_without_the_database_but_still_alive() {
    let app = TestApp::spawn().await;
    let database = app
        .settings
        .database_url
        .expose()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let mut admin =
        sqlx::PgConnection::connect(&format!("{}/postgres", crate::helpers::server_url()))
            .await
            .unwrap();
    sqlx::query(&format!(
        r#"ALTER DATABASE "{database}" ALLOW_CONNECTIONS false"#
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()")
        .bind(&database)
        .execute(&mut admin)
        .await
        .unwrap();
    drop(admin);

    problem_of(
        app.get("/readyz", None).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
    )
    .await;
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let app = TestApp::spawn().await;
    let session = app.signed_in_customer().await;
    app.me(&session.access_token).await;
    app.get("/v1/no/such/thing", None).await;
    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    for expected in [
        r#"marketplace_http_requests_total{endpoint="/v1/me",method="GET",status="200"} 1"#,
        r#"marketplace_http_requests_total{endpoint="/v1/auth/login",method="POST",status="200"} 1"#,
        r#"marketplace_http_requests_total{endpoint="UNMATCHED",method="GET",status="404"} 1"#,
        "marketplace_http_requests_duration_seconds_bucket{",
        "marketplace_db_pool_connections ",
        "marketplace_db_pool_idle_connections ",
        "marketplace_db_pool_max_connections 5",
    ] {
        assert!(text.contains(expected), "missing {expected} in:\n{text}");
    }
}

#[tokio::test]
async fn the_docs_and_the_spec_are_served() {
    let app = TestApp::spawn().await;
    let spec = json_of(app.get("/openapi.json", None).await, StatusCode::OK).await;
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(spec["paths"]["/v1/auth/login"]["post"].is_object());

    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/docs"))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(redirect.headers()["location"], "/docs/");

    let page = app.get("/docs/", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    // The UI's assets are served by us, not by a CDN.
    let script = app.get("/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(script.status(), StatusCode::OK);
    let initializer = app
        .get("/docs/swagger-initializer.js", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(initializer.contains("/openapi.json"), "{initializer}");
}

#[tokio::test]
async fn in_flight_requests_finish_during_a_graceful_stop() {
    let app = TestApp::spawn_with(|settings| settings.shutdown_timeout_seconds = 30).await;
    let body = json!({"email": "late@example.de", "password": PASSWORD, "display_name": "Late"})
        .to_string();
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /v1/auth/register HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // `100 Continue` means the server is handling this request: it is in flight.
    let mut interim = Vec::new();
    while !interim.ends_with(b"\r\n\r\n") {
        interim.push(stream.read_u8().await.unwrap());
    }
    assert!(
        interim.starts_with(b"HTTP/1.1 100 Continue"),
        "{}",
        String::from_utf8_lossy(&interim)
    );

    let stopped = tokio::spawn(app.stop_gracefully());
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    stopped.await.unwrap();
}
