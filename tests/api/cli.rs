//! The `marketplace` binary: start-up failures, operator creation, graceful shutdown.

use crate::helpers::{json_of, postal_code_fixture, server_url, TestApp};
use reqwest::StatusCode;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

pub fn marketplace() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_marketplace"));
    // Only what a test sets: no developer's MARKETPLACE_* leaks in.
    for (key, _) in std::env::vars() {
        if key.starts_with("MARKETPLACE_") || key == "DATABASE_URL" {
            command.env_remove(key);
        }
    }
    command.env("MARKETPLACE_LOG_FORMAT", "json");
    command.stdin(Stdio::null());
    command
}

#[test]
fn an_unreachable_database_is_one_clear_line() {
    let output = marketplace()
        .env(
            "DATABASE_URL",
            "postgres://app:s3cret@127.0.0.1:1/marketplace",
        )
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "error: cannot reach PostgreSQL at postgres://app:[redacted]@127.0.0.1:1/marketplace"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("docker compose up -d postgres") && stderr.contains("DATABASE_URL"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("s3cret") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn production_refuses_to_start_without_a_jwt_secret() {
    let output = marketplace()
        .env("MARKETPLACE_ENV", "production")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("MARKETPLACE_JWT_SECRET is required in production"),
        "{stderr}"
    );

    let output = marketplace()
        .env("MARKETPLACE_ENV", "production")
        .env("MARKETPLACE_JWT_SECRET", "too short")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8(output.stderr)
        .unwrap()
        .contains("at least 32 bytes"));
}

#[test]
fn the_openapi_command_prints_the_committed_spec() {
    let output = marketplace().arg("openapi").output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        include_str!("../../openapi/openapi.json")
    );
}

#[tokio::test]
async fn create_operator_makes_an_operator_that_can_log_in() {
    let app = TestApp::spawn().await;
    let output = marketplace()
        .env("DATABASE_URL", app.settings.database_url.expose())
        .env("MARKETPLACE_OPERATOR_PASSWORD", "operator password 1")
        .args([
            "create-operator",
            "--email",
            "Olga@Example.de",
            "--name",
            "Olga",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(!stdout.contains("operator password 1") && !stderr.contains("operator password 1"));

    let session = app
        .session_for("olga@example.de", "operator password 1")
        .await;
    let me = json_of(app.me(&session.access_token).await, StatusCode::OK).await;
    assert_eq!(me["role"], "operator");

    // A second time the address is taken; without a password there is no prompt to answer.
    let again = marketplace()
        .env("DATABASE_URL", app.settings.database_url.expose())
        .env("MARKETPLACE_OPERATOR_PASSWORD", "operator password 1")
        .args(["create-operator", "--email", "olga@example.de"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    let no_password = marketplace()
        .env("DATABASE_URL", app.settings.database_url.expose())
        .args(["create-operator", "--email", "other@example.de"])
        .output()
        .unwrap();
    assert_eq!(no_password.status.code(), Some(1));
    assert!(String::from_utf8(no_password.stderr)
        .unwrap()
        .contains("MARKETPLACE_OPERATOR_PASSWORD"));
}

#[tokio::test]
async fn import_postal_codes_loads_a_geonames_file_all_or_nothing() {
    let app = TestApp::spawn().await;
    let import = |file: &std::path::Path| {
        marketplace()
            .env("DATABASE_URL", app.settings.database_url.expose())
            .arg("import-postal-codes")
            .arg(file)
            .output()
            .unwrap()
    };
    let output = import(&postal_code_fixture());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    // Eight lines, two of them for the same postal code.
    assert!(stdout.starts_with("imported 7 postal codes"), "{stdout}");
    // Idempotent.
    assert!(import(&postal_code_fixture()).status.success());
    let near = app.get("/v1/vendors?near=10115", None).await;
    assert_eq!(near.status(), StatusCode::OK);

    let broken = std::env::temp_dir().join(format!("postal-{}.txt", uuid::Uuid::now_v7()));
    std::fs::write(
        &broken,
        "DE\t01067\tDresden\t\t\t\t\t\t\t51.06\t13.74\t4\nDE\t01069\tDresden\tkaputt\n",
    )
    .unwrap();
    let output = import(&broken);
    std::fs::remove_file(&broken).unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("line 2"), "{stderr}");
    // Nothing of the broken file was stored.
    let dresden = app.get("/v1/vendors?near=01067", None).await;
    assert_eq!(dresden.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let database = format!("mp_test_shutdown_{}", uuid::Uuid::now_v7().simple());
    let mut child = marketplace()
        .env("DATABASE_URL", format!("{}/{database}", server_url()))
        .env("MARKETPLACE_LISTEN", format!("127.0.0.1:{port}"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let serving = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.contains("\"serving\""));
    assert!(serving, "the server did not start");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?} {rest:?}");
    assert!(
        rest.iter().any(|line| line.contains("maintenance stopped")),
        "{rest:?}"
    );
    assert!(
        rest.iter()
            .any(|line| line.contains("notification worker stopped")),
        "{rest:?}"
    );
    assert!(
        rest.iter().any(|line| line.contains("\"stopped\"")),
        "{rest:?}"
    );

    let output = Command::new("psql")
        .args([
            &format!("{}/postgres", server_url()),
            "-c",
            &format!(r#"DROP DATABASE IF EXISTS "{database}" WITH (FORCE)"#),
        ])
        .output();
    assert!(output.is_ok_and(|o| o.status.success()));
}
