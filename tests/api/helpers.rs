//! The test harness: [`TestApp`] runs the app on port 0 against a fresh database and offers
//! a small typed client.

use api::db;
use api::settings::{DatabaseUrl, Secret, Settings};
use api::startup::Application;
use chrono::{DateTime, TimeZone, Utc};
use kernel::clock::ManualClock;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use sqlx::{Connection, Executor, PgConnection};
use std::num::NonZeroU32;
use std::sync::Arc;
use uuid::Uuid;

pub const TEST_JWT_SECRET: &str = "test-secret-that-is-at-least-32-bytes-long";
pub const PASSWORD: &str = "correct horse battery";

/// The PostgreSQL server the tests use, without a database name.
pub fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@localhost:5432".to_owned())
}

pub fn start_of_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0)
        .single()
        .unwrap()
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub settings: Settings,
    notifier: support::Notifier,
    db_name: String,
    server: actix_web::dev::ServerHandle,
}

/// The tokens and identity of a signed-in test account.
pub struct Session {
    pub email: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the app with settings adjusted by `adjust` (defaults: generous rate limits).
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let db_name = format!("mp_test_{}", Uuid::now_v7().simple());
        let mut settings = Settings {
            listen: "127.0.0.1:0".to_owned(),
            database_url: DatabaseUrl::new(format!("{}/{db_name}", server_url())),
            database_max_connections: 5,
            jwt_secret: Some(Secret::new(TEST_JWT_SECRET)),
            auth_rate_limit_burst: NonZeroU32::new(10_000).unwrap(),
            auth_rate_limit_per_minute: NonZeroU32::new(10_000).unwrap(),
            http_workers: Some(2),
            shutdown_timeout_seconds: 1,
            // Tests run the worker themselves (`deliver_notifications`), so that what it
            // does happens at a known moment.
            notification_worker: false,
            webhook_allow_private_targets: true,
            ..Settings::default()
        };
        adjust(&mut settings);
        if std::env::var_os("TEST_LOG").is_some() {
            api::telemetry::init(&settings);
        }
        db::prepare(&settings)
            .await
            .expect("cannot prepare the test database");
        let clock = Arc::new(ManualClock::new(start_of_time()));
        let application = Application::build(&settings, clock.clone())
            .await
            .expect("cannot build the application");
        let address = format!("http://127.0.0.1:{}", application.port());
        let server = application.handle();
        let notifier = application.notifier();
        tokio::spawn(application.run_until_stopped());
        TestApp {
            address,
            client: reqwest::Client::new(),
            clock,
            settings,
            notifier,
            db_name,
            server,
        }
    }

    /// Starts a graceful stop (no new connections; in-flight requests finish); the future
    /// resolves once the server has stopped.
    pub fn stop_gracefully(&self) -> impl std::future::Future<Output = ()> + 'static {
        self.server.stop(true)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A direct connection to this test's database, to arrange failures.
    pub async fn db(&self) -> PgConnection {
        PgConnection::connect(self.settings.database_url.expose())
            .await
            .unwrap()
    }

    /// Sends a request with an optional JSON body and an optional bearer token.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        token: Option<&str>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.send(reqwest::Method::GET, path, None, token).await
    }

    pub async fn post(&self, path: &str, body: &Value, token: Option<&str>) -> Response {
        self.send(reqwest::Method::POST, path, Some(body), token)
            .await
    }

    pub async fn patch(&self, path: &str, body: &Value, token: Option<&str>) -> Response {
        self.send(reqwest::Method::PATCH, path, Some(body), token)
            .await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.send(reqwest::Method::DELETE, path, None, token).await
    }

    pub async fn register(&self, email: &str, password: &str, display_name: &str) -> Response {
        self.post(
            "/v1/auth/register",
            &json!({"email": email, "password": password, "display_name": display_name}),
            None,
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/v1/auth/login",
            &json!({"email": email, "password": password}),
            None,
        )
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post(
            "/v1/auth/refresh",
            &json!({"refresh_token": refresh_token}),
            None,
        )
        .await
    }

    pub async fn logout(&self, refresh_token: &str) -> Response {
        self.post(
            "/v1/auth/logout",
            &json!({"refresh_token": refresh_token}),
            None,
        )
        .await
    }

    pub async fn me(&self, access_token: &str) -> Response {
        self.get("/v1/me", Some(access_token)).await
    }

    /// Registers a customer with a unique e-mail address and logs in.
    pub async fn signed_in_customer(&self) -> Session {
        let email = format!("kunde-{}@example.de", Uuid::now_v7().simple());
        let registered = self.register(&email, PASSWORD, "Kundin").await;
        assert_eq!(registered.status(), StatusCode::CREATED);
        self.session_for(&email, PASSWORD).await
    }

    /// Registers an account that is then made an operator (as `create-operator` does).
    pub async fn signed_in_operator(&self) -> Session {
        let session = self.signed_in_customer().await;
        sqlx::query("UPDATE accounts SET role = 'operator' WHERE email = $1")
            .bind(&session.email)
            .execute(&mut self.db().await)
            .await
            .unwrap();
        self.session_for(&session.email, PASSWORD).await
    }

    /// Loads the postal-code fixture (GeoNames format) through the import the CLI uses.
    pub async fn import_postal_codes(&self) {
        let pool = sqlx::PgPool::connect(self.settings.database_url.expose())
            .await
            .unwrap();
        let content = std::fs::read_to_string(postal_code_fixture()).unwrap();
        vendor::VendorService::new(pool, self.clock.clone())
            .import_postal_codes(&content)
            .await
            .unwrap();
    }

    /// Applies for a shop as `owner`; returns the created vendor.
    pub async fn apply_vendor(&self, owner: &Session, application: &Value) -> Value {
        json_of(
            self.post("/v1/vendors", application, Some(&owner.access_token))
                .await,
            StatusCode::CREATED,
        )
        .await
    }

    /// Runs an operator transition (`approve`, `suspend`, ...) and returns the response.
    pub async fn operator_action(
        &self,
        operator: &Session,
        vendor_id: &str,
        action: &str,
        reason: Option<&str>,
    ) -> Response {
        self.post(
            &format!("/v1/operator/vendors/{vendor_id}/{action}"),
            &json!({ "reason": reason }),
            Some(&operator.access_token),
        )
        .await
    }

    /// A new customer's shop, approved by a new operator.
    pub async fn approved_vendor(&self, display_name: &str) -> ApprovedVendor {
        let owner = self.signed_in_customer().await;
        let vendor = self.apply_vendor(&owner, &application(display_name)).await;
        let id = vendor["id"].as_str().unwrap().to_owned();
        let operator = self.signed_in_operator().await;
        let approved = self.operator_action(&operator, &id, "approve", None).await;
        assert_eq!(approved.status(), StatusCode::OK);
        ApprovedVendor {
            slug: vendor["slug"].as_str().unwrap().to_owned(),
            id,
            owner,
            operator,
        }
    }

    /// Adds a new account to the vendor in `role` and signs it in.
    pub async fn vendor_member(&self, vendor: &ApprovedVendor, role: &str) -> Session {
        let member = self.signed_in_customer().await;
        let added = self
            .post(
                &format!("/v1/vendors/{}/members", vendor.id),
                &json!({"email": member.email, "role": role}),
                Some(&vendor.owner.access_token),
            )
            .await;
        assert_eq!(added.status(), StatusCode::CREATED);
        member
    }

    /// Creates a category as `operator` (below `parent`, if given); returns its id.
    pub async fn category(&self, operator: &Session, name: &str, parent: Option<&str>) -> String {
        json_of(
            self.post(
                "/v1/operator/categories",
                &json!({"name": name, "parent_id": parent}),
                Some(&operator.access_token),
            )
            .await,
            StatusCode::CREATED,
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Creates a store of the vendor at these coordinates (see [`location`]); returns its id.
    pub async fn store(&self, vendor: &ApprovedVendor, name: &str, lat: f64, lon: f64) -> String {
        json_of(
            self.post(
                &format!("/v1/vendors/{}/locations", vendor.id),
                &location(name, lat, lon),
                Some(&vendor.owner.access_token),
            )
            .await,
            StatusCode::CREATED,
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Creates and publishes a product of the vendor with one variant `sku` at `price`;
    /// returns its id.
    pub async fn published_product(
        &self,
        vendor: &ApprovedVendor,
        title: &str,
        category_id: &str,
        sku: &str,
        price: &str,
    ) -> String {
        let owner = Some(vendor.owner.access_token.as_str());
        let created = json_of(
            self.post(
                &format!("/v1/vendors/{}/products", vendor.id),
                &product_body(title, category_id, sku, price),
                owner,
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        let id = created["id"].as_str().unwrap().to_owned();
        json_of(
            self.post(
                &format!("/v1/vendors/{}/products/{id}/publish", vendor.id),
                &json!({}),
                owner,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        id
    }

    /// Runs the notification worker once, as a background instance would: fans out every
    /// pending event and sends what is due.
    pub async fn deliver_notifications(&self) -> support::notify::RunReport {
        self.notifier.run_once().await
    }

    /// Purges old notification history, as the maintenance job does.
    pub async fn purge_notification_history(&self) -> u64 {
        let pool = sqlx::PgPool::connect(self.settings.database_url.expose())
            .await
            .unwrap();
        support::SupportService::new(pool, self.clock.clone(), true)
            .purge_history()
            .await
            .unwrap()
    }

    /// A second worker on its own connection pool, as another API instance would run it.
    pub async fn second_notifier(&self) -> support::Notifier {
        let pool = sqlx::PgPool::connect(self.settings.database_url.expose())
            .await
            .unwrap();
        self.notifier.with_pool(pool)
    }

    /// The e-mails "sent" so far (the recording transport).
    pub fn mail(&self) -> support::mail::MailRecorder {
        self.notifier.mailer().recorder().unwrap()
    }

    /// Creates an API key of the vendor with these scopes; returns its secret.
    pub async fn api_key(&self, vendor: &ApprovedVendor, scopes: &[&str]) -> String {
        let key = json_of(
            self.post(
                &format!("/v1/vendors/{}/api-keys", vendor.id),
                &json!({"name": "Kasse", "scopes": scopes}),
                Some(&vendor.owner.access_token),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        key["secret"].as_str().unwrap().to_owned()
    }

    /// The outbox event types of a vendor, oldest first.
    pub async fn outbox_events(&self, aggregate_id: &str) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT event_type FROM outbox WHERE aggregate_id = $1::uuid ORDER BY created_at, id",
        )
        .bind(aggregate_id)
        .fetch_all(&mut self.db().await)
        .await
        .unwrap()
    }

    pub async fn session_for(&self, email: &str, password: &str) -> Session {
        let tokens = json_of(self.login(email, password).await, StatusCode::OK).await;
        Session {
            email: email.to_owned(),
            access_token: tokens["access_token"].as_str().unwrap().to_owned(),
            refresh_token: tokens["refresh_token"].as_str().unwrap().to_owned(),
        }
    }
}

/// An approved shop with its owner and the operator who approved it.
pub struct ApprovedVendor {
    pub id: String,
    pub slug: String,
    pub owner: Session,
    pub operator: Session,
}

pub fn postal_code_fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/postal_codes.txt")
}

/// A complete, valid shop application.
pub fn application(display_name: &str) -> Value {
    json!({
        "display_name": display_name,
        "description": "Ein inhabergeführtes Fachgeschäft in der Region.",
        "legal_name": format!("{display_name} GmbH"),
        "legal_form": "GmbH",
        "address": {
            "street": "Gerberau 12",
            "postal_code": "79098",
            "city": "Freiburg im Breisgau",
            "country": "DE"
        },
        "email": "info@kaffee-mueller.de",
        "phone": "+49 761 123456",
        "trade_register": {"court": "Amtsgericht Freiburg", "number": "HRB 701234"},
        "vat_id": "DE123456789",
        "tax_number": "06/123/45678",
        "small_business": false,
        "representative": "Anna Müller",
        "payout_account": {"iban": "DE89 3704 0044 0532 0130 00", "holder": "Anna Müller"},
        "self_certification": true
    })
}

/// A complete product with one variant `sku` at `price`, sold by measure (0.5 kg).
pub fn product_body(title: &str, category_id: &str, sku: &str, price: &str) -> Value {
    json!({
        "title": title,
        "description": format!("{title} aus unserem Laden."),
        "category_id": category_id,
        "safety": {"manufacturer": {
            "name": "Hersteller GmbH",
            "address": {"street": "Talstraße 3", "postal_code": "79183",
                        "city": "Waldkirch", "country": "DE"},
            "email": "service@hersteller.de"}},
        "variants": [{"sku": sku, "price": price, "vat_rate": "standard",
                      "net_quantity": "0.5", "unit": "kg"}]
    })
}

/// A store location at these coordinates, open Monday to Saturday.
pub fn location(name: &str, lat: f64, lon: f64) -> Value {
    json!({
        "name": name,
        "address": {
            "street": "Gerberau 12",
            "postal_code": "79098",
            "city": "Freiburg im Breisgau",
            "country": "DE"
        },
        "coordinates": {"lat": lat, "lon": lon},
        "opening_hours": {
            "monday": [{"opens": "09:00", "closes": "13:00"}, {"opens": "14:00", "closes": "18:30"}],
            "tuesday": [{"opens": "09:00", "closes": "18:30"}],
            "wednesday": [{"opens": "09:00", "closes": "18:30"}],
            "thursday": [{"opens": "09:00", "closes": "18:30"}],
            "friday": [{"opens": "09:00", "closes": "18:30"}],
            "saturday": [{"opens": "09:00", "closes": "14:00"}]
        },
        "pickup": true,
        "local_delivery": {"radius_km": "8.5", "fee": "4.90"}
    })
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the returned future only waits for completion.
        drop(self.server.stop(true));
        let db_name = self.db_name.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on; use a thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&format!("{}/postgres", server_url()))
                    .await
                    .unwrap();
                conn.execute(
                    format!(r#"DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)"#).as_str(),
                )
                .await
                .unwrap();
            });
        })
        .join();
        if dropped.is_err() && !std::thread::panicking() {
            panic!("could not drop the test database");
        }
    }
}

/// Asserts the status and returns the JSON body.
pub async fn json_of(response: Response, expected: StatusCode) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, expected, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("body is not JSON: {text}"))
}

/// Asserts that the response is a problem+json with this status and code; returns the body.
pub async fn problem_of(response: Response, status: StatusCode, code: &str) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned());
    let request_id = response
        .headers()
        .get("x-request-id")
        .map(|value| value.to_str().unwrap().to_owned());
    let body = json_of(response, status).await;
    assert_eq!(
        content_type.as_deref(),
        Some("application/problem+json"),
        "{body}"
    );
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16(), "{body}");
    assert_eq!(body["type"], format!("urn:marketplace:problem:{code}"));
    assert!(
        body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    assert_eq!(body["request_id"].as_str(), request_id.as_deref(), "{body}");
    body
}

/// The field names of a validation problem.
pub fn fields(problem: &Value) -> Vec<String> {
    let mut fields: Vec<String> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap().to_owned())
        .collect();
    fields.sort();
    fields
}
