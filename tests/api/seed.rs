//! Demo and benchmark data (`seed-demo`, `seed-bench`) and the load benchmark (`bench`).

use crate::cli::marketplace;
use crate::helpers::{json_of, TestApp};
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use std::process::Output;
use uuid::Uuid;

fn run(app: &TestApp, args: &[&str]) -> Output {
    marketplace()
        .env("DATABASE_URL", app.settings.database_url.expose())
        .args(args)
        .output()
        .unwrap()
}

fn stdout_of(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    stdout
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&mut app.db().await)
        .await
        .unwrap()
}

/// The commands run on the wall clock; the app looks at the data from just after them.
fn catch_up(app: &TestApp) {
    app.clock.set(Utc::now() + Duration::minutes(1));
}

#[tokio::test]
async fn seed_demo_builds_approved_shops_with_published_products_once() {
    let app = TestApp::spawn().await;
    let stdout = stdout_of(&run(&app, &["seed-demo"]));
    assert!(stdout.contains("6 approved shops"), "{stdout}");
    assert!(stdout.contains("operator@marktplatz.example"), "{stdout}");
    assert!(stdout.contains("\"marktplatz-demo\""), "{stdout}");
    catch_up(&app);

    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM vendors WHERE status = 'approved'"
        )
        .await,
        6
    );
    assert_eq!(count(&app, "SELECT count(*) FROM vendors").await, 6);
    let ids: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM products WHERE status = 'active' ORDER BY id")
            .fetch_all(&mut app.db().await)
            .await
            .unwrap();
    assert!((40..=60).contains(&ids.len()), "{}", ids.len());
    for id in &ids {
        let product = json_of(
            app.get(&format!("/v1/products/{id}"), None).await,
            StatusCode::OK,
        )
        .await;
        let variants = product["variants"].as_array().unwrap();
        assert!(!variants.is_empty(), "{product}");
        assert!(
            variants.iter().all(|v| v["price"]["amount"].is_string()),
            "{product}"
        );
        assert!(product["safety"]["manufacturer"]["name"].is_string());
    }

    // A running reduction shows the § 11 PAngV reference price; food is sold by the kilo.
    let espresso: Uuid =
        sqlx::query_scalar("SELECT id FROM products WHERE title = 'Espresso Bohne Altstadt'")
            .fetch_one(&mut app.db().await)
            .await
            .unwrap();
    let espresso = json_of(
        app.get(&format!("/v1/products/{espresso}"), None).await,
        StatusCode::OK,
    )
    .await;
    let reduced = variant(&espresso, "KMB-ESP-500");
    assert_eq!(reduced["price"]["amount"], "12.90");
    assert_eq!(reduced["price"]["reference_price"], "14.50");
    assert_eq!(reduced["price"]["vat_rate"], "7.00");
    assert_eq!(reduced["price"]["unit_price"]["per"], "1 kg");

    // The small business shows no VAT; bottled water carries its deposit on top.
    let honey: Uuid = sqlx::query_scalar("SELECT id FROM products WHERE title LIKE 'Blütenhonig%'")
        .fetch_one(&mut app.db().await)
        .await
        .unwrap();
    let honey = json_of(
        app.get(&format!("/v1/products/{honey}"), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(honey["seller"]["legal_notice"]["small_business"], true);
    assert_eq!(honey["variants"][0]["price"]["vat_included"], false);
    let water: Uuid =
        sqlx::query_scalar("SELECT id FROM products WHERE title = 'Mineralwasser Classic'")
            .fetch_one(&mut app.db().await)
            .await
            .unwrap();
    let water = json_of(
        app.get(&format!("/v1/products/{water}"), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(variant(&water, "SK-WASSER-075")["price"]["deposit"], "0.15");

    // Shops are public with their stores; the logins work.
    let shop = json_of(
        app.get("/v1/vendors/kaffeeroesterei-muensterblick", None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shop["locations"].as_array().unwrap().len(), 2);
    let operator = app
        .session_for("operator@marktplatz.example", "marktplatz-demo")
        .await;
    let me = json_of(app.me(&operator.access_token).await, StatusCode::OK).await;
    assert_eq!(me["role"], "operator");
    let owner = app
        .session_for("kaffee@marktplatz.example", "marktplatz-demo")
        .await;
    let mine = json_of(
        app.get("/v1/me/vendors", Some(&owner.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"][0]["role"], "owner", "{mine}");
    assert!(
        count(&app, "SELECT count(*) FROM stock WHERE on_hand = 0").await > 0,
        "some things are sold out"
    );

    // A second run changes nothing and says why.
    let products = count(&app, "SELECT count(*) FROM products").await;
    let again = stdout_of(&run(&app, &["seed-demo"]));
    assert!(again.contains("already there"), "{again}");
    assert_eq!(count(&app, "SELECT count(*) FROM products").await, products);
    assert_eq!(count(&app, "SELECT count(*) FROM vendors").await, 6);
}

fn variant<'a>(product: &'a Value, sku: &str) -> &'a Value {
    product["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|variant| variant["sku"] == sku)
        .unwrap_or_else(|| panic!("no variant {sku} in {product}"))
}

/// The run tag printed by `seed-bench` ("seed-bench run abc123:").
fn run_tag(stdout: &str) -> String {
    stdout
        .split_whitespace()
        .nth(2)
        .unwrap()
        .trim_end_matches(':')
        .to_owned()
}

#[tokio::test]
async fn seed_bench_appends_exactly_the_requested_data() {
    let app = TestApp::spawn().await;
    let args = [
        "seed-bench",
        "--vendors",
        "3",
        "--products",
        "50",
        "--seed",
        "7",
    ];
    let first = stdout_of(&run(&app, &args));
    catch_up(&app);

    assert_eq!(count(&app, "SELECT count(*) FROM vendors").await, 3);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM vendors WHERE status = 'approved'"
        )
        .await,
        3
    );
    assert_eq!(count(&app, "SELECT count(*) FROM products").await, 50);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM products WHERE status <> 'active' OR published_at IS NULL"
        )
        .await,
        0
    );
    assert_eq!(count(&app, "SELECT count(*) FROM categories").await, 60);
    // Every vendor has 1–3 locations; every product 1–3 priced variants with their history.
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM vendors v WHERE (SELECT count(*) FROM vendor_locations l
               WHERE l.vendor_id = v.id) NOT BETWEEN 1 AND 3"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM products p WHERE (SELECT count(*) FROM product_variants v
               WHERE v.product_id = p.id AND v.price IS NOT NULL) NOT BETWEEN 1 AND 3"
        )
        .await,
        0
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM price_history").await,
        count(&app, "SELECT count(*) FROM product_variants").await
    );
    // One price-timeline row per product: its lowest variant price, open-ended.
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM product_prices pp WHERE upper_inf(pp.during)
               AND pp.price = (SELECT min(price) FROM product_variants v WHERE v.product_id = pp.product_id)"
        )
        .await,
        50
    );
    assert_eq!(count(&app, "SELECT count(*) FROM product_prices").await, 50);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM stock s JOIN product_variants v ON v.id = s.variant_id
               JOIN vendor_locations l ON l.id = s.location_id
             WHERE s.vendor_id <> v.vendor_id OR l.vendor_id <> v.vendor_id
                OR s.on_hand NOT BETWEEN 0 AND 50 OR s.reserved <> 0"
        )
        .await,
        0
    );
    assert!(count(&app, "SELECT count(*) FROM stock").await > 0);
    // Nothing refers to a row that is not there.
    assert_eq!(
        count(
            &app,
            "SELECT (SELECT count(*) FROM vendor_locations l
                     WHERE NOT EXISTS (SELECT 1 FROM vendors v WHERE v.id = l.vendor_id))
                  + (SELECT count(*) FROM products p
                     WHERE NOT EXISTS (SELECT 1 FROM vendors v WHERE v.id = p.vendor_id)
                        OR NOT EXISTS (SELECT 1 FROM categories c WHERE c.id = p.category_id))
                  + (SELECT count(*) FROM product_variants pv
                     WHERE NOT EXISTS (SELECT 1 FROM products p
                                       WHERE p.id = pv.product_id AND p.vendor_id = pv.vendor_id))
                  + (SELECT count(*) FROM price_history h
                     WHERE NOT EXISTS (SELECT 1 FROM product_variants v WHERE v.id = h.variant_id))
                  + (SELECT count(*) FROM product_prices pp
                     WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = pp.product_id))"
        )
        .await,
        0
    );

    // The products are public, with prices and the seller's legal notice.
    let (id, slug): (Uuid, String) = sqlx::query_as(
        "SELECT p.id, v.slug FROM products p JOIN vendors v ON v.id = p.vendor_id
         ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&mut app.db().await)
    .await
    .unwrap();
    let product = json_of(
        app.get(&format!("/v1/products/{id}"), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(product["seller"]["slug"], slug);
    assert!(
        product["variants"][0]["price"]["amount"].is_string(),
        "{product}"
    );
    let vendor = json_of(
        app.get(&format!("/v1/vendors/{slug}"), None).await,
        StatusCode::OK,
    )
    .await;
    assert!(!vendor["locations"].as_array().unwrap().is_empty());

    // A second run with the same seed appends the same data under a new tag; the category
    // tree is shared.
    let second = stdout_of(&run(&app, &args));
    let (first_tag, second_tag) = (run_tag(&first), run_tag(&second));
    assert_ne!(first_tag, second_tag);
    assert_eq!(count(&app, "SELECT count(*) FROM vendors").await, 6);
    assert_eq!(count(&app, "SELECT count(*) FROM products").await, 100);
    assert_eq!(count(&app, "SELECT count(*) FROM categories").await, 60);
    let titles = |tag: String| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT p.title FROM products p JOIN vendors v ON v.id = p.vendor_id
                 WHERE v.slug LIKE '%-' || $1 || '-%' ORDER BY p.id",
            )
            .bind(tag)
            .fetch_all(&mut app.db().await)
            .await
            .unwrap()
        }
    };
    let first_titles = titles(first_tag).await;
    assert_eq!(first_titles.len(), 50);
    assert_eq!(first_titles, titles(second_tag).await);
}

#[tokio::test]
async fn bench_reports_requests_errors_and_latencies_per_kind() {
    let app = TestApp::spawn().await;
    stdout_of(&run(
        &app,
        &["seed-bench", "--vendors", "2", "--products", "20"],
    ));
    catch_up(&app);
    let id: Uuid = sqlx::query_scalar("SELECT id FROM products ORDER BY id LIMIT 1")
        .fetch_one(&mut app.db().await)
        .await
        .unwrap();
    let address = app.address.clone();
    // The server runs on this test's runtime: wait for the command without blocking it.
    let output = tokio::task::spawn_blocking(move || {
        marketplace()
            .args([
                "bench",
                "--url",
                &address,
                "--concurrency",
                "4",
                "--requests",
                "40",
                "--duration-seconds",
                "60",
                "--mix",
                "detail=1,search=1",
                "--product-id",
                &id.to_string(),
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = stdout_of(&output);
    let row = |kind: &str| -> Vec<String> {
        stdout
            .lines()
            .find(|line| line.starts_with(kind))
            .unwrap_or_else(|| panic!("no {kind} line in {stdout}"))
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    // kind, requests, errors, req/s, p50, p95, p99, max
    assert_eq!(row("total")[1], "40", "{stdout}");
    assert_eq!(row("detail")[2], "0", "{stdout}");
    let search = row("search");
    let search_errors: usize = search[2].parse().unwrap();
    if search_errors > 0 {
        // Until the search endpoint exists, each error is named with its status.
        assert!(stdout.contains("errors: search 404"), "{stdout}");
    }
    assert!(row("total")[4].parse::<f64>().unwrap() > 0.0, "{stdout}");

    // Other machines are never benchmarked.
    let refused = marketplace()
        .args(["bench", "--url", "http://192.0.2.1:8080"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("must point to this machine"));
}
