//! Notifications: the outbox worker delivering exactly once with instances racing, e-mail
//! retries, signed webhooks with retries and a log, refused SSRF targets, and the live
//! inbox over Server-Sent Events.

use crate::helpers::{fields, json_of, problem_of, Session, TestApp, PASSWORD};
use crate::questions::{ask, customer, shop, Shop};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use chrono::Duration;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::{HashMap, HashSet};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// A request a webhook receiver got.
#[derive(Clone)]
struct Call {
    headers: HashMap<String, String>,
    body: String,
}

/// A webhook endpoint on a random port that answers with `statuses` in turn, then 200.
struct Receiver {
    url: String,
    calls: Arc<Mutex<Vec<Call>>>,
    /// Signalled on every call.
    called: Arc<tokio::sync::Notify>,
    server: actix_web::dev::ServerHandle,
}

impl Receiver {
    async fn start(statuses: Vec<u16>) -> Receiver {
        let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
        let called: Arc<tokio::sync::Notify> = Arc::default();
        let statuses = Arc::new(Mutex::new(statuses.into_iter()));
        let recorded = calls.clone();
        let signal = called.clone();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            let recorded = recorded.clone();
            let statuses = statuses.clone();
            let signal = signal.clone();
            App::new().default_service(web::to(move |request: HttpRequest, body: String| {
                let recorded = recorded.clone();
                let statuses = statuses.clone();
                let signal = signal.clone();
                async move {
                    let headers = request
                        .headers()
                        .iter()
                        .map(|(name, value)| {
                            (name.as_str().to_owned(), value.to_str().unwrap().to_owned())
                        })
                        .collect();
                    recorded.lock().unwrap().push(Call { headers, body });
                    signal.notify_one();
                    let status = statuses.lock().unwrap().next().unwrap_or(200);
                    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                        .finish()
                }
            }))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .disable_signals()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Receiver {
            url: format!("http://127.0.0.1:{port}/hooks/marktplatz"),
            calls,
            called,
            server: handle,
        }
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.server.stop(false));
    }
}

async fn subscribe(app: &TestApp, shop: &Shop, url: &str, events: &[&str]) -> Value {
    json_of(
        app.post(
            &format!("/v1/vendors/{}/webhooks", shop.vendor.id),
            &json!({"url": url, "events": events}),
            Some(&shop.vendor.owner.access_token),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

/// The webhook's delivery log, read by the owner (signed in afresh: tests move the clock
/// past the access token's lifetime).
async fn deliveries(app: &TestApp, shop: &Shop, webhook: &Value) -> Vec<Value> {
    let owner = app.session_for(&shop.vendor.owner.email, PASSWORD).await;
    json_of(
        app.get(
            &format!(
                "/v1/vendors/{}/webhooks/{}/deliveries",
                shop.vendor.id,
                webhook["id"].as_str().unwrap()
            ),
            Some(&owner.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// The README's recipe: HMAC-SHA256 with the secret over "{timestamp}.{raw body}", hex.
fn verify(secret: &str, call: &Call) -> bool {
    let timestamp = &call.headers["marketplace-timestamp"];
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{}", call.body).as_bytes());
    let expected = format!("v1={}", hex::encode(mac.finalize().into_bytes()));
    call.headers["marketplace-signature"] == expected
}

#[tokio::test]
async fn two_workers_racing_deliver_every_event_exactly_once() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    app.vendor_member(&seller.vendor, "staff").await;
    app.vendor_member(&seller.vendor, "manager").await;
    let receiver = Receiver::start(vec![]).await;
    subscribe(&app, &seller, &receiver.url, &["question.created"]).await;
    let askers = [
        app.signed_in_customer().await,
        app.signed_in_customer().await,
    ];
    for n in 0..12 {
        ask(
            &app,
            &askers[n % 2],
            &seller.product,
            &format!("Frage Nummer {n} zur Mühle?"),
        )
        .await;
    }

    let second = app.second_notifier().await;
    let first = app.deliver_notifications();
    let (first, second) = tokio::join!(first, second.run_once());
    let written: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(&mut app.db().await)
        .await
        .unwrap();
    assert_eq!(
        (first.events + second.events) as i64,
        written,
        "each event fanned out once"
    );
    assert_eq!(first.emails + second.emails, 36);
    assert_eq!(first.webhook_calls + second.webhook_calls, 12);

    // Three members, twelve questions: 36 distinct e-mails, none twice.
    let mail = app.mail().messages();
    assert_eq!(mail.len(), 36);
    let distinct: HashSet<(String, String)> = mail
        .into_iter()
        .map(|message| (message.to, message.body))
        .collect();
    assert_eq!(distinct.len(), 36);
    let event_ids: HashSet<String> = receiver
        .calls()
        .iter()
        .map(|call| call.headers["marketplace-event-id"].clone())
        .collect();
    assert_eq!(receiver.calls().len(), 12);
    assert_eq!(event_ids.len(), 12);
    assert_eq!(
        app.deliver_notifications().await,
        Default::default(),
        "nothing left"
    );
}

#[tokio::test]
async fn webhooks_are_signed_retried_with_backoff_and_logged() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let receiver = Receiver::start(vec![500]).await;
    let webhook = subscribe(
        &app,
        &seller,
        &receiver.url,
        &["question.created", "question.answered"],
    )
    .await;
    let secret = webhook["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let listed = json_of(
        app.get(
            &format!("/v1/vendors/{}/webhooks", seller.vendor.id),
            Some(&seller.vendor.owner.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["items"][0]["id"], webhook["id"]);
    assert!(
        listed["items"][0].get("secret").is_none(),
        "the secret is shown once"
    );

    let asker = app.signed_in_customer().await;
    let question = ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;
    app.deliver_notifications().await;
    let calls = receiver.calls();
    assert_eq!(calls.len(), 1);
    let log = deliveries(&app, &seller, &webhook).await;
    assert_eq!(log[0]["status"], "pending");
    assert_eq!(log[0]["event_type"], "question.created");
    assert_eq!(log[0]["attempts"][0]["status_code"], 500);
    assert_eq!(log[0]["next_attempt_at"], "2026-11-22T09:01:00Z");

    // Not before its time; then again, with the same event id and a fresh signature.
    app.deliver_notifications().await;
    assert_eq!(receiver.calls().len(), 1);
    app.clock.advance(Duration::minutes(1));
    app.deliver_notifications().await;
    let calls = receiver.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[0].headers["marketplace-event-id"],
        calls[1].headers["marketplace-event-id"]
    );
    assert_eq!(calls[1].headers["marketplace-event"], "question.created");
    assert_eq!(calls[1].headers["content-type"], "application/json");
    assert!(calls.iter().all(|call| verify(&secret, call)));
    let mut forged = calls[1].clone();
    forged.body = forged.body.replace("Espresso", "Filter");
    assert!(!verify(&secret, &forged));

    let body: Value = serde_json::from_str(&calls[1].body).unwrap();
    assert_eq!(
        body["id"].as_str().unwrap(),
        calls[1].headers["marketplace-event-id"]
    );
    assert_eq!(body["type"], "question.created");
    assert_eq!(body["data"]["question_id"], question["id"]);
    assert_eq!(
        body["data"]["question"],
        "Passt die Mühle auch für Espresso?"
    );
    assert_eq!(body["data"]["product"]["id"], seller.product.as_str());
    assert!(
        !calls[1].body.contains(&asker.email),
        "no e-mail addresses in payloads"
    );

    let log = deliveries(&app, &seller, &webhook).await;
    assert_eq!(log[0]["status"], "delivered");
    assert_eq!(log[0]["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(log[0]["attempts"][1]["status_code"], 200);

    // Only subscribed events; a deleted webhook gets nothing more.
    let path = format!(
        "/v1/vendors/{}/webhooks/{}",
        seller.vendor.id,
        webhook["id"].as_str().unwrap()
    );
    let deleted = app
        .delete(&path, Some(&seller.vendor.owner.access_token))
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    ask(&app, &asker, &seller.product, "Gibt es Ersatzmesser dafür?").await;
    app.deliver_notifications().await;
    assert_eq!(receiver.calls().len(), 2);
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_is_given_up_after_the_last_retry() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let receiver = Receiver::start(vec![503; 20]).await;
    let webhook = subscribe(&app, &seller, &receiver.url, &["question.created"]).await;
    let asker = app.signed_in_customer().await;
    ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;
    for _ in 0..12 {
        app.deliver_notifications().await;
        app.clock.advance(Duration::hours(6));
    }
    assert_eq!(receiver.calls().len(), 10);
    let log = deliveries(&app, &seller, &webhook).await;
    assert_eq!(log[0]["status"], "failed");
    assert!(log[0]["next_attempt_at"].is_null());
    assert_eq!(log[0]["attempts"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn webhooks_refuse_private_loopback_and_link_local_targets() {
    let app = TestApp::spawn_with(|settings| settings.webhook_allow_private_targets = false).await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.0.0.7/hook",
        "http://192.168.178.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://2130706433/hook",
        "ftp://example.de/hook",
        "nicht einmal eine URL",
    ] {
        let problem = problem_of(
            app.post(
                &format!("/v1/vendors/{}/webhooks", seller.vendor.id),
                &json!({"url": url, "events": ["question.created"]}),
                Some(&seller.vendor.owner.access_token),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), ["url"], "{url}");
    }
    let problem = problem_of(
        app.post(
            &format!("/v1/vendors/{}/webhooks", seller.vendor.id),
            &json!({"url": "https://203.0.113.10/hook", "events": []}),
            Some(&seller.vendor.owner.access_token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        ["events", "url"],
        "documentation addresses are not public"
    );

    // Owners only; other vendors do not see the shop's webhooks at all.
    let staff = app.vendor_member(&seller.vendor, "staff").await;
    problem_of(
        app.get(
            &format!("/v1/vendors/{}/webhooks", seller.vendor.id),
            Some(&staff.access_token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "insufficient_role",
    )
    .await;
    let other = shop(&app, "Teeladen Berger").await;
    problem_of(
        app.get(
            &format!("/v1/vendors/{}/webhooks", seller.vendor.id),
            Some(&other.vendor.owner.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn emails_are_retried_with_backoff_and_permanent_failures_recorded() {
    // Nothing listens on port 1: every attempt fails to connect.
    let app = TestApp::spawn_with(|settings| {
        settings.smtp_url = Some(api::settings::Secret::new("smtp://127.0.0.1:1"));
    })
    .await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let asker = app.signed_in_customer().await;
    ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;
    let status = || async {
        let row: (String, i32, Option<String>, bool) = sqlx::query_as(
            "SELECT status, attempts, last_error, body IS NOT NULL FROM email_deliveries",
        )
        .fetch_one(&mut app.db().await)
        .await
        .unwrap();
        row
    };
    app.deliver_notifications().await;
    let (state, attempts, error, _) = status().await;
    assert_eq!((state.as_str(), attempts), ("pending", 1));
    assert!(error.is_some());
    for _ in 0..10 {
        app.clock.advance(Duration::hours(6));
        app.deliver_notifications().await;
    }
    let (state, attempts, error, _) = status().await;
    assert_eq!((state.as_str(), attempts), ("failed", 8));
    assert!(error.is_some());
}

/// Reads the stream until a message with `event: {event}` arrives; returns its `id`.
async fn next_event(stream: &mut reqwest::Response, event: &str) -> (String, Value) {
    let mut buffer = String::new();
    let read = async {
        loop {
            let chunk = stream.chunk().await.unwrap().expect("the stream ended");
            buffer.push_str(std::str::from_utf8(&chunk).unwrap());
            while let Some(end) = buffer.find("\n\n") {
                let message: String = buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    message
                        .lines()
                        .find_map(|line| line.strip_prefix(&format!("{name}: ")))
                        .map(str::to_owned)
                };
                if field("event").as_deref() == Some(event) {
                    return (
                        field("id").unwrap(),
                        serde_json::from_str(&field("data").unwrap()).unwrap(),
                    );
                }
            }
        }
    };
    // A bound, not a pause: the event is expected at once.
    tokio::time::timeout(std::time::Duration::from_secs(20), read)
        .await
        .expect("no event arrived")
}

async fn open_stream(
    app: &TestApp,
    vendor_id: &str,
    member: &Session,
    last: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .get(app.url(&format!("/v1/vendors/{vendor_id}/events")))
        .bearer_auth(&member.access_token);
    if let Some(last) = last {
        request = request.header("Last-Event-ID", last);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_live_inbox_streams_new_questions_and_resumes_after_the_last_event() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let staff = app.vendor_member(&seller.vendor, "staff").await;
    let asker = customer(&app, "Anna Schulz", "de").await;

    let mut stream = open_stream(&app, &seller.vendor.id, &staff, None).await;
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let question = ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;
    app.deliver_notifications().await;
    let (first_id, data) = next_event(&mut stream, "question.created").await;
    assert_eq!(data["type"], "question.created");
    assert_eq!(data["data"]["question_id"], question["id"]);
    assert_eq!(data["data"]["asker_display_name"], "Anna Schulz");

    // The shop answers; the stream shows it too.
    crate::questions::answer(
        &app,
        &seller,
        &seller.vendor.owner.access_token,
        &question,
        "Ja.",
        true,
    )
    .await;
    app.deliver_notifications().await;
    let (answered_id, data) = next_event(&mut stream, "question.answered").await;
    assert_eq!(data["data"]["answer"]["body"], "Ja.");
    drop(stream);

    // A client that was away resumes after the last event it saw.
    let second = ask(&app, &asker, &seller.product, "Gibt es Ersatzmesser dafür?").await;
    app.deliver_notifications().await;
    let mut resumed = open_stream(&app, &seller.vendor.id, &staff, Some(&first_id)).await;
    let (id, _) = next_event(&mut resumed, "question.answered").await;
    assert_eq!(id, answered_id);
    let (_, data) = next_event(&mut resumed, "question.created").await;
    assert_eq!(data["data"]["question_id"], second["id"]);

    // Only the vendor's own people.
    let other = shop(&app, "Teeladen Berger").await;
    for outsider in [&other.vendor.owner, &asker] {
        let refused = open_stream(&app, &seller.vendor.id, outsider, None).await;
        assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    }
    let bad = open_stream(&app, &seller.vendor.id, &staff, Some("banana")).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_deleted_webhook_gets_none_of_its_pending_retries() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let receiver = Receiver::start(vec![500]).await;
    let webhook = subscribe(&app, &seller, &receiver.url, &["question.created"]).await;
    let asker = app.signed_in_customer().await;
    ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;
    app.deliver_notifications().await;
    assert_eq!(receiver.calls().len(), 1);

    let path = format!(
        "/v1/vendors/{}/webhooks/{}",
        seller.vendor.id,
        webhook["id"].as_str().unwrap()
    );
    let deleted = app
        .delete(&path, Some(&seller.vendor.owner.access_token))
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    app.clock.advance(Duration::minutes(5));
    app.deliver_notifications().await;
    assert_eq!(receiver.calls().len(), 1, "the retry is not made");

    // The log stays readable, the delivery given up.
    let log = deliveries(&app, &seller, &webhook).await;
    assert_eq!(log[0]["status"], "failed");
    assert_eq!(log[0]["attempts"].as_array().unwrap().len(), 1);
    let again = app
        .delete(&path, Some(&seller.vendor.owner.access_token))
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn private_targets_are_refused_again_at_delivery() {
    let app = TestApp::spawn_with(|settings| settings.webhook_allow_private_targets = false).await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let receiver = Receiver::start(vec![]).await;
    // Made while private targets were allowed (say, before the setting changed).
    sqlx::query(
        "INSERT INTO webhooks (id, vendor_id, url, events, secret, created_at)
         VALUES (gen_random_uuid(), $1::uuid, $2, '{question.created}', 'whsec_x', now())",
    )
    .bind(&seller.vendor.id)
    .bind(&receiver.url)
    .execute(&mut app.db().await)
    .await
    .unwrap();
    let asker = app.signed_in_customer().await;
    ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;
    app.deliver_notifications().await;
    assert!(receiver.calls().is_empty());
    let (status, error): (String, Option<String>) = sqlx::query_as(
        "SELECT d.status, a.error FROM webhook_deliveries d
         JOIN webhook_attempts a ON a.delivery_id = d.id",
    )
    .fetch_one(&mut app.db().await)
    .await
    .unwrap();
    assert_eq!(status, "failed", "a refused target is not retried");
    assert!(error.unwrap().starts_with("target refused"));
}

#[tokio::test]
async fn an_event_that_cannot_be_delivered_holds_up_nothing_else() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    // A malformed event, older than everything after it.
    sqlx::query(
        "INSERT INTO outbox (id, event_type, aggregate_id, payload, created_at)
         VALUES (gen_random_uuid(), 'question.created', gen_random_uuid(), '{}', now() - interval '1 day')",
    )
    .execute(&mut app.db().await)
    .await
    .unwrap();
    let asker = app.signed_in_customer().await;
    ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;
    app.deliver_notifications().await;
    assert_eq!(
        app.mail().to(&seller.vendor.owner.email).len(),
        1,
        "the next event went out"
    );

    let failed = || async {
        let row: (i32, Option<String>, bool) = sqlx::query_as(
            "SELECT attempts, last_error, failed_at IS NOT NULL FROM outbox WHERE payload = '{}'",
        )
        .fetch_one(&mut app.db().await)
        .await
        .unwrap();
        row
    };
    let (attempts, error, set_aside) = failed().await;
    assert_eq!((attempts, set_aside), (1, false));
    assert!(error.is_some());
    for _ in 0..12 {
        app.clock.advance(Duration::hours(6));
        app.deliver_notifications().await;
    }
    let (attempts, _, set_aside) = failed().await;
    assert_eq!((attempts, set_aside), (10, true));
}

#[tokio::test]
async fn a_removed_member_loses_the_live_inbox_at_once() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let staff = app.vendor_member(&seller.vendor, "staff").await;
    let mut stream = open_stream(&app, &seller.vendor.id, &staff, None).await;
    assert_eq!(stream.status(), StatusCode::OK);
    let me = json_of(app.me(&staff.access_token).await, StatusCode::OK).await;
    let removed = app
        .delete(
            &format!(
                "/v1/vendors/{}/members/{}",
                seller.vendor.id,
                me["id"].as_str().unwrap()
            ),
            Some(&seller.vendor.owner.access_token),
        )
        .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let asker = app.signed_in_customer().await;
    ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;
    app.deliver_notifications().await;
    let mut received = String::new();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while let Some(chunk) = stream.chunk().await.unwrap() {
            received.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream ends");
    assert!(!received.contains("question.created"), "{received}");
}

/// An SMTP server on a random port that refuses every recipient with 550 (quoting the
/// address, as real servers do).
async fn refusing_smtp_server() -> u16 {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 fake ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let reply = if command.starts_with("RCPT TO") {
                        format!("550 5.1.1 {} no such user\r\n", &line[8..])
                    } else if command.starts_with("QUIT") {
                        "221 bye\r\n".to_owned()
                    } else {
                        "250 ok\r\n".to_owned()
                    };
                    if write.write_all(reply.as_bytes()).await.is_err()
                        || command.starts_with("QUIT")
                    {
                        break;
                    }
                }
            });
        }
    });
    port
}

#[tokio::test]
async fn a_recipient_the_server_refuses_is_a_permanent_failure_without_the_address_in_it() {
    let port = refusing_smtp_server().await;
    let app = TestApp::spawn_with(|settings| {
        settings.smtp_url = Some(api::settings::Secret::new(format!(
            "smtp://127.0.0.1:{port}"
        )));
    })
    .await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let asker = app.signed_in_customer().await;
    ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;
    app.deliver_notifications().await;
    let (status, attempts, error): (String, i32, Option<String>) =
        sqlx::query_as("SELECT status, attempts, last_error FROM email_deliveries")
            .fetch_one(&mut app.db().await)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("failed", 1), "not retried");
    let error = error.unwrap();
    assert_eq!(error, "the SMTP server answered 550");
    assert!(!error.contains(&seller.vendor.owner.email));
}

#[tokio::test]
async fn the_background_worker_delivers_as_soon_as_an_event_is_written() {
    // Polling only hourly: whatever arrives within seconds was woken by NOTIFY.
    let app = TestApp::spawn_with(|settings| {
        settings.notification_worker = true;
        settings.notification_poll_seconds = 3600;
    })
    .await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let receiver = Receiver::start(vec![]).await;
    subscribe(&app, &seller, &receiver.url, &["question.created"]).await;
    let mut stream = open_stream(&app, &seller.vendor.id, &seller.vendor.owner, None).await;
    let called = receiver.called.notified();
    let asker = app.signed_in_customer().await;
    let question = ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;

    let (_, data) = next_event(&mut stream, "question.created").await;
    assert_eq!(data["data"]["question_id"], question["id"]);
    tokio::time::timeout(std::time::Duration::from_secs(10), called)
        .await
        .expect("the webhook was called");
    assert_eq!(receiver.calls().len(), 1);
}

#[tokio::test]
async fn delivered_notifications_are_forgotten_after_thirty_days() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let receiver = Receiver::start(vec![]).await;
    let webhook = subscribe(&app, &seller, &receiver.url, &["question.created"]).await;
    let asker = app.signed_in_customer().await;
    ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;
    app.deliver_notifications().await;
    let count = |table: &'static str| {
        let app = &app;
        async move {
            let count: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(&mut app.db().await)
                .await
                .unwrap();
            count
        }
    };
    assert_eq!(count("email_deliveries").await, 1);

    app.clock.advance(Duration::days(29));
    app.purge_notification_history().await;
    assert_eq!(
        count("email_deliveries").await,
        1,
        "kept while it may be asked about"
    );
    assert_eq!(count("vendor_feed").await, 0, "the live feed keeps a week");

    app.clock.advance(Duration::days(2));
    app.purge_notification_history().await;
    assert_eq!(
        count("email_deliveries").await,
        0,
        "no addresses kept longer than needed"
    );
    assert_eq!(count("outbox").await, 0);
    assert!(deliveries(&app, &seller, &webhook).await.is_empty());
}
