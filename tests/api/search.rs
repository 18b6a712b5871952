//! Public product search: German words with typos, umlauts and compounds; filters by
//! category, shop, price, stock, distance and pickup today; sorts, cursors and facets; and
//! the product page with what each store has.

use crate::helpers::{
    fields, json_of, problem_of, product_body, start_of_time, ApprovedVendor, TestApp, PASSWORD,
};
use chrono::{Duration, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Freiburg, Altstadt (postal code 79098 in the fixture).
const FREIBURG: (f64, f64) = (47.9961, 7.8526);
/// Lörrach, about 45 km south of Freiburg.
const LOERRACH: (f64, f64) = (47.6156, 7.6614);

struct Shop {
    vendor: ApprovedVendor,
    store: String,
}

struct Market {
    muller: Shop,
    lorrach: Shop,
    /// Product ids by title.
    products: std::collections::HashMap<String, String>,
}

impl Market {
    fn id(&self, title: &str) -> &str {
        &self.products[title]
    }
}

async fn shop(app: &TestApp, name: &str, (lat, lon): (f64, f64)) -> Shop {
    let vendor = app.approved_vendor(name).await;
    let store = app.store(&vendor, "Laden", lat, lon).await;
    Shop { vendor, store }
}

/// Creates and publishes a product with one variant `sku` at `price`; returns its id.
async fn product(
    app: &TestApp,
    shop: &Shop,
    title: &str,
    category_id: &str,
    sku: &str,
    price: &str,
) -> String {
    app.published_product(&shop.vendor, title, category_id, sku, price)
        .await
}

async fn stock(app: &TestApp, shop: &Shop, sku: &str, on_hand: i32) {
    json_of(
        app.send(
            reqwest::Method::PUT,
            &format!("/v1/vendors/{}/stock", shop.vendor.id),
            Some(&json!({"items": [{"sku": sku, "location_id": shop.store, "on_hand": on_hand}]})),
            Some(&shop.vendor.owner.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

/// Two shops 45 km apart: a coffee roaster in Freiburg and a household store in Lörrach.
async fn market(app: &TestApp) -> Market {
    app.import_postal_codes().await;
    let muller = shop(app, "Kaffeerösterei Müller", FREIBURG).await;
    let lorrach = shop(app, "Haushaltswaren Lörrach", LOERRACH).await;
    let operator = &muller.vendor.operator;
    let household = app.category(operator, "Haushalt", None).await;
    let kitchen = app.category(operator, "Küche", Some(&household)).await;
    let food = app.category(operator, "Lebensmittel", None).await;
    let mut products = std::collections::HashMap::new();
    for (shop, title, category, sku, price) in [
        (
            &muller,
            "Kaffeemühle Handbetrieb",
            &kitchen,
            "MUEHLE",
            "34.90",
        ),
        (
            &muller,
            "Espresso Bohne Altstadt",
            &food,
            "ESPRESSO",
            "8.90",
        ),
        (
            &lorrach,
            "Elektrische Kaffeemühle",
            &kitchen,
            "E-MUEHLE",
            "59.00",
        ),
        (
            &lorrach,
            "Brotkasten Emaille",
            &household,
            "BROTKASTEN",
            "24.50",
        ),
    ] {
        let id = product(app, shop, title, category, sku, price).await;
        products.insert(title.to_owned(), id);
    }
    stock(app, &muller, "MUEHLE", 3).await;
    stock(app, &muller, "ESPRESSO", 0).await;
    stock(app, &lorrach, "BROTKASTEN", 5).await;
    Market {
        muller,
        lorrach,
        products,
    }
}

async fn search(app: &TestApp, query: &str) -> Value {
    json_of(
        app.get(&format!("/v1/products?{query}"), None).await,
        StatusCode::OK,
    )
    .await
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["title"].as_str().unwrap().to_owned())
        .collect()
}

fn sorted(mut titles: Vec<String>) -> Vec<String> {
    titles.sort();
    titles
}

#[tokio::test]
async fn german_words_are_found_with_umlauts_typos_stems_and_parts_of_compounds() {
    let app = TestApp::spawn().await;
    market(&app).await;
    for q in [
        "Kaffeemühle",
        "kaffeemuehle",
        "KAFFEEMÜHLE",
        "Kaffemühle",
        "Kaffeemühlen",
    ] {
        let found = titles(&search(&app, &format!("q={q}")).await);
        assert!(
            found.contains(&"Kaffeemühle Handbetrieb".to_owned()),
            "{q}: {found:?}"
        );
        assert!(
            !found.contains(&"Espresso Bohne Altstadt".to_owned()),
            "{q}"
        );
    }
    // A part of the compound finds both grinders, and nothing else.
    assert_eq!(
        sorted(titles(&search(&app, "q=mühle").await)),
        ["Elektrische Kaffeemühle", "Kaffeemühle Handbetrieb"]
    );
    // The best match comes first.
    let best = titles(&search(&app, "q=Kaffeemühle%20Handbetrieb").await);
    assert_eq!(
        best.first().map(String::as_str),
        Some("Kaffeemühle Handbetrieb")
    );
    // Words of the description count too (stemmed).
    assert_eq!(
        titles(&search(&app, "q=Espresso").await),
        ["Espresso Bohne Altstadt"]
    );
    assert!(titles(&search(&app, "q=Staubsauger").await).is_empty());
}

#[tokio::test]
async fn results_carry_the_price_as_german_law_wants_it_and_the_shop() {
    let app = TestApp::spawn().await;
    let market = market(&app).await;
    let page = search(&app, "q=Handbetrieb").await;
    let item = &page["items"][0];
    assert_eq!(item["id"], market.id("Kaffeemühle Handbetrieb"));
    assert_eq!(item["price"]["amount"], "34.90");
    assert_eq!(item["price"]["currency"], "EUR");
    assert_eq!(item["price"]["vat_rate"], "19.00");
    assert_eq!(item["price"]["vat_included"], true);
    assert_eq!(item["price"]["unit_price"]["amount"], "69.80");
    assert_eq!(item["price"]["unit_price"]["per"], "1 kg");
    assert_eq!(item["seller"]["slug"], market.muller.vendor.slug);
    assert_eq!(item["in_stock"], true);
    assert_eq!(item["distance_km"], Value::Null);
    assert_eq!(page["facets"], Value::Null);
}

#[tokio::test]
async fn filters_combine_category_with_subcategories_shop_price_and_stock() {
    let app = TestApp::spawn().await;
    let market = market(&app).await;
    // "Haushalt" includes its sub-category "Küche".
    assert_eq!(
        sorted(titles(&search(&app, "category=haushalt").await)),
        [
            "Brotkasten Emaille",
            "Elektrische Kaffeemühle",
            "Kaffeemühle Handbetrieb"
        ]
    );
    assert_eq!(
        sorted(titles(
            &search(
                &app,
                &format!("category=kueche&vendor={}", market.lorrach.vendor.id)
            )
            .await
        )),
        ["Elektrische Kaffeemühle"]
    );
    assert_eq!(
        sorted(titles(
            &search(&app, &format!("vendor={}", market.muller.vendor.slug)).await
        )),
        ["Espresso Bohne Altstadt", "Kaffeemühle Handbetrieb"]
    );
    assert_eq!(
        titles(&search(&app, "min_price=10&max_price=34.90&sort=price_asc").await),
        ["Brotkasten Emaille", "Kaffeemühle Handbetrieb"]
    );
    // Espresso has a stock row of 0; the electric grinder none at all.
    assert_eq!(
        sorted(titles(&search(&app, "in_stock=true").await)),
        ["Brotkasten Emaille", "Kaffeemühle Handbetrieb"]
    );
    assert_eq!(
        sorted(titles(&search(&app, "q=mühle&category=haushalt").await)),
        ["Elektrische Kaffeemühle", "Kaffeemühle Handbetrieb"]
    );
    assert!(titles(&search(&app, "q=mühle&category=lebensmittel").await).is_empty());
    assert!(titles(&search(&app, "category=no-such-category").await).is_empty());
    // Drafts never show.
    json_of(
        app.post(
            &format!("/v1/vendors/{}/products", market.muller.vendor.id),
            &json!({"title": "Kaffeemühle Prototyp",
                    "variants": [{"sku": "PROTO", "price": "1.00", "vat_rate": "standard"}]}),
            Some(&market.muller.vendor.owner.access_token),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert!(!titles(&search(&app, "q=Prototyp").await).contains(&"Kaffeemühle Prototyp".into()));
}

#[tokio::test]
async fn near_keeps_products_within_the_radius_and_sorts_nearest_first() {
    let app = TestApp::spawn().await;
    market(&app).await;
    let nearby = search(&app, "near=79098&radius_km=10").await;
    assert_eq!(
        sorted(titles(&nearby)),
        ["Espresso Bohne Altstadt", "Kaffeemühle Handbetrieb"]
    );
    assert!(nearby["items"][0]["distance_km"].as_f64().unwrap() < 1.0);

    let all = search(&app, "near=47.9959,7.8522&radius_km=100&sort=distance").await;
    let distances: Vec<f64> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["distance_km"].as_f64().unwrap())
        .collect();
    assert_eq!(distances.len(), 4);
    assert!(distances.windows(2).all(|pair| pair[0] <= pair[1]));
    assert!((40.0..50.0).contains(&distances[3]), "{distances:?}");

    // With stock required, the store within the radius must have it.
    assert_eq!(
        titles(&search(&app, "near=79098&radius_km=10&in_stock=true").await),
        ["Kaffeemühle Handbetrieb"]
    );
    problem_of(
        app.get("/v1/products?near=99999", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_postal_code",
    )
    .await;
}

#[tokio::test]
async fn pickup_today_needs_stock_at_a_pickup_store_that_is_still_open_today() {
    let app = TestApp::spawn().await;
    let market = market(&app).await;
    // Sunday 2026-11-22, 10:00 in Freiburg: the stores are closed all day.
    assert!(pickup(&app).await.is_empty());
    // Monday 07:00 local: they open at 09:00, so pickup today works; only stocked products.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 23, 6, 0, 0).unwrap());
    assert_eq!(
        sorted(pickup(&app).await),
        ["Brotkasten Emaille", "Kaffeemühle Handbetrieb"]
    );
    // Monday 13:30 local, lunch break: still today.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 23, 12, 30, 0).unwrap());
    assert_eq!(pickup(&app).await.len(), 2);
    // Near Freiburg only the grinder.
    assert_eq!(
        titles(&search(&app, "pickup_today=true&near=79098&radius_km=5").await),
        ["Kaffeemühle Handbetrieb"]
    );
    // Monday 18:45 local: closed for the day.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 23, 17, 45, 0).unwrap());
    assert!(pickup(&app).await.is_empty());

    // Tuesday, but the Freiburg store closes for the day by exception, and Lörrach stops
    // offering pickup.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).unwrap());
    for (shop, change) in [
        (
            &market.muller,
            json!({"opening_exceptions": [{"date": "2026-11-24", "hours": [], "note": "Inventur"}]}),
        ),
        (&market.lorrach, json!({"pickup": false})),
    ] {
        json_of(
            app.patch(
                &format!("/v1/vendors/{}/locations/{}", shop.vendor.id, shop.store),
                &change,
                Some(&fresh_token(&app, shop).await),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    assert!(pickup(&app).await.is_empty());
}

#[tokio::test]
async fn price_filters_and_sorts_follow_reductions_over_time() {
    let app = TestApp::spawn().await;
    let market = market(&app).await;
    let start = start_of_time();
    json_of(
        app.post(
            &format!(
                "/v1/vendors/{}/variants/E-MUEHLE/reductions",
                market.lorrach.vendor.id
            ),
            &json!({"price": "19.00", "starts_at": start + Duration::days(1),
                    "ends_at": start + Duration::days(3)}),
            Some(&market.lorrach.vendor.owner.access_token),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let cheap = "max_price=20&sort=price_asc";
    assert_eq!(
        titles(&search(&app, cheap).await),
        ["Espresso Bohne Altstadt"]
    );

    app.clock.set(start + Duration::days(2));
    let page = search(&app, cheap).await;
    assert_eq!(
        titles(&page),
        ["Espresso Bohne Altstadt", "Elektrische Kaffeemühle"]
    );
    assert_eq!(page["items"][1]["price"]["amount"], "19.00");
    assert_eq!(page["items"][1]["price"]["reference_price"], "59.00");
    assert_eq!(
        titles(&search(&app, "sort=price_desc").await)[0],
        "Kaffeemühle Handbetrieb"
    );

    app.clock.set(start + Duration::days(3));
    assert_eq!(
        titles(&search(&app, cheap).await),
        ["Espresso Bohne Altstadt"]
    );
    // A new regular price counts at once.
    json_of(
        app.send(
            reqwest::Method::PUT,
            &format!(
                "/v1/vendors/{}/variants/E-MUEHLE/price",
                market.lorrach.vendor.id
            ),
            Some(&json!({"price": "15.00"})),
            Some(&fresh_token(&app, &market.lorrach).await),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        titles(&search(&app, cheap).await),
        ["Espresso Bohne Altstadt", "Elektrische Kaffeemühle"]
    );
}

#[tokio::test]
async fn a_suspended_shops_products_vanish_at_once_and_come_back() {
    let app = TestApp::spawn().await;
    let market = market(&app).await;
    let grinder = market.id("Kaffeemühle Handbetrieb").to_owned();
    let suspended = app
        .operator_action(
            &market.muller.vendor.operator,
            &market.muller.vendor.id,
            "suspend",
            Some("Beschwerden prüfen"),
        )
        .await;
    assert_eq!(suspended.status(), StatusCode::OK);
    assert_eq!(
        sorted(titles(&search(&app, "q=mühle").await)),
        ["Elektrische Kaffeemühle"]
    );
    assert_eq!(
        app.get(&format!("/v1/products/{grinder}"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let reinstated = app
        .operator_action(
            &market.muller.vendor.operator,
            &market.muller.vendor.id,
            "reinstate",
            None,
        )
        .await;
    assert_eq!(reinstated.status(), StatusCode::OK);
    assert_eq!(titles(&search(&app, "q=mühle").await).len(), 2);
}

/// A new access token of the shop's owner (after the clock moved past the old one's life).
async fn fresh_token(app: &TestApp, shop: &Shop) -> String {
    app.session_for(&shop.vendor.owner.email, PASSWORD)
        .await
        .access_token
}

/// What can be picked up today.
async fn pickup(app: &TestApp) -> Vec<String> {
    titles(&search(app, "pickup_today=true").await)
}

/// Follows `next_cursor` through every page of `query`; returns the ids in order.
async fn all_pages(app: &TestApp, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(cursor) => format!("{query}&limit=2&cursor={cursor}"),
            None => format!("{query}&limit=2"),
        };
        let page = search(app, &url).await;
        for item in page["items"].as_array().unwrap() {
            ids.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
        assert!(ids.len() <= 10, "the cursor does not advance");
    }
}

#[tokio::test]
async fn cursors_walk_every_sort_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let market = market(&app).await;
    // Two more at the same price as others, so ties are broken by id.
    let kitchen = search(&app, "q=Handbetrieb").await["items"][0]["category_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (title, sku) in [
        ("Kaffeemühle Messing", "MESSING"),
        ("Kaffeemühle Holz", "HOLZ"),
    ] {
        product(&app, &market.muller, title, &kitchen, sku, "34.90").await;
    }
    for query in [
        "sort=price_asc",
        "sort=price_desc",
        "sort=newest",
        "q=kaffeemühle",
        // A typo: the following pages keep matching close spellings.
        "q=Kaffemühle",
        "near=79098&radius_km=100&sort=distance",
    ] {
        let ids = all_pages(&app, query).await;
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{query}: repeats");
        let expected = if query.starts_with("q=") { 4 } else { 6 };
        assert_eq!(ids.len(), expected, "{query}");
    }
    let prices: Vec<String> = search(&app, "sort=price_asc&limit=100").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["price"]["amount"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        prices,
        ["8.90", "24.50", "34.90", "34.90", "34.90", "59.00"]
    );
    // A cursor belongs to its sort.
    let cursor = search(&app, "sort=newest&limit=1").await["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    problem_of(
        app.get(
            &format!("/v1/products?sort=price_asc&cursor={cursor}"),
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_cursor",
    )
    .await;
}

#[tokio::test]
async fn facets_count_every_result_by_category_shop_and_price_band() {
    let app = TestApp::spawn().await;
    let market = market(&app).await;
    let page = search(&app, "facets=true&limit=1").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let facets = &page["facets"];
    let categories: Vec<(String, i64)> = facets["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["slug"].as_str().unwrap().to_owned(),
                c["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        categories,
        [
            ("kueche".to_owned(), 2),
            ("haushalt".to_owned(), 1),
            ("lebensmittel".to_owned(), 1)
        ]
    );
    let vendors: Vec<i64> = facets["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["count"].as_i64().unwrap())
        .collect();
    assert_eq!(vendors, [2, 2]);
    assert_eq!(
        facets["price_bands"],
        json!([
            {"min": "0.00", "max": "10.00", "count": 1},
            {"min": "10.00", "max": "25.00", "count": 1},
            {"min": "25.00", "max": "50.00", "count": 1},
            {"min": "50.00", "max": "100.00", "count": 1}
        ])
    );
    // Facets follow the filters.
    let filtered = search(
        &app,
        &format!("facets=true&vendor={}", market.muller.vendor.slug),
    )
    .await;
    assert_eq!(filtered["facets"]["vendors"].as_array().unwrap().len(), 1);
    assert_eq!(filtered["facets"]["vendors"][0]["count"], 2);
}

#[tokio::test]
async fn bad_filters_are_a_problem_naming_each_field() {
    let app = TestApp::spawn().await;
    let invalid = problem_of(
        app.get(
            "/v1/products?min_price=abc&max_price=-1&radius_km=5&sort=distance",
            None,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&invalid),
        ["max_price", "min_price", "radius_km", "sort"]
    );
    let reversed = problem_of(
        app.get("/v1/products?min_price=20&max_price=10", None)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&reversed), ["max_price"]);
    for query in ["sort=cheapest", "in_stock=maybe", "cursor=!!!"] {
        let response = app.get(&format!("/v1/products?{query}"), None).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
    }
    // Empty values count as absent.
    json_of(
        app.get("/v1/products?q=&category=&near=&cursor=", None)
            .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn the_product_page_shows_what_each_store_has_nearest_first() {
    let app = TestApp::spawn().await;
    let market = market(&app).await;
    // A second Müller store, in Waldkirch (about 15 km away), with no grinder.
    let waldkirch = app
        .store(&market.muller.vendor, "Laden Waldkirch", 48.0939, 7.9614)
        .await;
    let grinder = market.id("Kaffeemühle Handbetrieb");
    let page = json_of(
        app.get(&format!("/v1/products/{grinder}?near=79183"), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["in_stock"], true);
    let stores = page["availability"].as_array().unwrap();
    assert_eq!(stores.len(), 2);
    assert_eq!(stores[0]["location"]["id"], waldkirch.as_str());
    assert_eq!(stores[0]["variants"][0]["available"], 0);
    assert_eq!(stores[1]["location"]["id"], market.muller.store.as_str());
    assert_eq!(
        stores[1]["variants"],
        json!([{
        "variant_id": page["variants"][0]["id"], "sku": "MUEHLE", "available": 3}])
    );
    assert!(stores[1]["location"]["distance_km"].as_f64().unwrap() > 10.0);
    assert_eq!(stores[1]["location"]["pickup"], true);
    assert!(stores[1]["location"]["opening_hours"]["monday"].is_array());

    let espresso = market.id("Espresso Bohne Altstadt");
    let page = json_of(
        app.get(&format!("/v1/products/{espresso}"), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["in_stock"], false);
    assert_eq!(
        page["availability"][0]["location"]["distance_km"],
        Value::Null
    );
    problem_of(
        app.get(&format!("/v1/products/{espresso}?near=00000"), None)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_postal_code",
    )
    .await;
}

#[tokio::test]
async fn concurrent_price_changes_to_one_product_leave_its_lowest_price_right() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "Fahrradladen Speiche", FREIBURG).await;
    let bikes = app.category(&shop.vendor.operator, "Fahrrad", None).await;
    let id = product(
        &app,
        &shop,
        "Fahrradschlauch",
        &bikes,
        "SCHLAUCH-0",
        "50.00",
    )
    .await;
    let owner = Some(shop.vendor.owner.access_token.as_str());
    let product_path = format!("/v1/vendors/{}/products/{id}", shop.vendor.id);
    let mut body = json_of(app.get(&product_path, owner).await, StatusCode::OK).await;
    body["variants"] = json!((0..10)
        .map(|i| json!({"sku": format!("SCHLAUCH-{i}"), "price": "50.00", "vat_rate": "standard"}))
        .collect::<Vec<_>>());
    let keep = ["title", "description", "category_id", "safety", "variants"];
    let body: serde_json::Map<String, Value> = body
        .as_object()
        .unwrap()
        .iter()
        .filter(|(key, _)| keep.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    json_of(
        app.send(
            reqwest::Method::PUT,
            &format!("/v1/vendors/{}/products/by-sku/SCHLAUCH-0", shop.vendor.id),
            Some(&Value::Object(body)),
            owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // Every variant gets a lower price at the same time, from 20.00 (variant 0) to 11.00.
    let changes: Vec<(String, Value)> = (0..10)
        .map(|i| {
            (
                format!("/v1/vendors/{}/variants/SCHLAUCH-{i}/price", shop.vendor.id),
                json!({"price": format!("{}.00", 20 - i)}),
            )
        })
        .collect();
    let requests = changes
        .iter()
        .map(|(path, body)| app.send(reqwest::Method::PUT, path, Some(body), owner));
    for response in futures_util::future::join_all(requests).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
    let page = search(&app, "q=Fahrradschlauch").await;
    assert_eq!(page["items"][0]["price"]["amount"], "11.00");
    assert_eq!(
        titles(&search(&app, "min_price=11.00&max_price=11.00").await),
        ["Fahrradschlauch"]
    );
    assert!(titles(&search(&app, "min_price=11.01").await).is_empty());
}

#[tokio::test]
async fn a_variant_whose_price_is_taken_away_is_no_longer_on_sale() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "Weinhandlung Rebstock", FREIBURG).await;
    let wine = app.category(&shop.vendor.operator, "Wein", None).await;
    let id = product(&app, &shop, "Spätburgunder", &wine, "SPB-075", "9.90").await;
    let owner = Some(shop.vendor.owner.access_token.as_str());
    let replace = |variants: Value| {
        json!({
            "title": "Spätburgunder",
            "description": "Trocken, vom Kaiserstuhl.",
            "category_id": wine,
            "safety": {"manufacturer": {
                "name": "Winzerkeller GmbH",
                "address": {"street": "Weinstraße 1", "postal_code": "79235",
                            "city": "Vogtsburg", "country": "DE"},
                "email": "info@winzerkeller.de"}},
            "variants": variants
        })
    };
    let path = format!("/v1/vendors/{}/products/by-sku/SPB-075", shop.vendor.id);
    let both = replace(json!([
        {"sku": "SPB-075", "price": "9.90", "vat_rate": "standard"},
        {"sku": "SPB-150", "price": "18.50", "vat_rate": "standard"}
    ]));
    json_of(
        app.send(reqwest::Method::PUT, &path, Some(&both), owner)
            .await,
        StatusCode::OK,
    )
    .await;
    // The shop takes the small bottle's price away: only the magnum is on sale.
    let magnum_only = replace(json!([
        {"sku": "SPB-075", "vat_rate": "standard"},
        {"sku": "SPB-150", "price": "18.50", "vat_rate": "standard"}
    ]));
    json_of(
        app.send(reqwest::Method::PUT, &path, Some(&magnum_only), owner)
            .await,
        StatusCode::OK,
    )
    .await;
    let found = search(&app, "q=Spätburgunder").await;
    assert_eq!(found["items"][0]["price"]["amount"], "18.50");
    assert!(titles(&search(&app, "max_price=10").await).is_empty());
    let page = json_of(
        app.get(&format!("/v1/products/{id}"), None).await,
        StatusCode::OK,
    )
    .await;
    let skus: Vec<&str> = page["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| variant["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["SPB-150"]);
}

#[tokio::test]
async fn upserts_and_imports_move_the_search_price_and_crossing_imports_both_succeed() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "Hofladen Dreisam", FREIBURG).await;
    let food = app
        .category(&shop.vendor.operator, "Lebensmittel", None)
        .await;
    product(&app, &shop, "Apfelsaft", &food, "SAFT", "10.00").await;
    product(&app, &shop, "Birnensaft", &food, "BIRNE", "20.00").await;
    let owner = Some(shop.vendor.owner.access_token.as_str());
    let price_of = |page: &Value, title: &str| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["title"] == title)
            .map(|item| item["price"]["amount"].as_str().unwrap().to_owned())
    };
    json_of(
        app.send(
            reqwest::Method::PUT,
            &format!("/v1/vendors/{}/products/by-sku/SAFT", shop.vendor.id),
            Some(&product_body("Apfelsaft", &food, "SAFT", "12.00")),
            owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let page = search(&app, "sort=price_asc").await;
    assert_eq!(price_of(&page, "Apfelsaft").as_deref(), Some("12.00"));

    // Two imports naming the same products in opposite orders, at the same time.
    let import = |rows: [(&str, &str, &str); 2]| {
        let items: Vec<Value> = rows
            .iter()
            .map(|(title, sku, price)| {
                json!({"sku": sku, "product": product_body(title, &food, sku, price)})
            })
            .collect();
        json!({ "items": items })
    };
    let forwards = import([
        ("Apfelsaft", "SAFT", "13.00"),
        ("Birnensaft", "BIRNE", "23.00"),
    ]);
    let backwards = import([
        ("Birnensaft", "BIRNE", "24.00"),
        ("Apfelsaft", "SAFT", "14.00"),
    ]);
    let path = format!("/v1/vendors/{}/products/import", shop.vendor.id);
    let (a, b) = tokio::join!(
        app.post(&path, &forwards, owner),
        app.post(&path, &backwards, owner)
    );
    assert_eq!(a.status(), StatusCode::OK);
    assert_eq!(b.status(), StatusCode::OK);
    // Whichever ran last, the search shows what the product page shows.
    let page = search(&app, "sort=price_asc").await;
    for title in ["Apfelsaft", "Birnensaft"] {
        let id = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["title"] == title)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let product = json_of(
            app.get(&format!("/v1/products/{id}"), None).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(
            price_of(&page, title).as_deref(),
            product["variants"][0]["price"]["amount"].as_str(),
            "{title}"
        );
    }
    let filtered = search(&app, "min_price=13.00&max_price=14.00").await;
    assert_eq!(titles(&filtered), ["Apfelsaft"]);
}

#[tokio::test]
async fn products_of_shops_not_yet_approved_are_not_found() {
    let app = TestApp::spawn().await;
    let approved = shop(&app, "Feinkost Sonne", FREIBURG).await;
    let food = app
        .category(&approved.vendor.operator, "Lebensmittel", None)
        .await;
    product(&app, &approved, "Olivenöl", &food, "OEL", "11.00").await;
    // A pending shop's draft with the same words: it cannot publish, and search never shows it.
    let owner = app.signed_in_customer().await;
    let pending = app
        .apply_vendor(&owner, &crate::helpers::application("Feinkost Mond"))
        .await;
    json_of(
        app.post(
            &format!("/v1/vendors/{}/products", pending["id"].as_str().unwrap()),
            &product_body("Olivenöl extra", &food, "OEL-X", "9.00"),
            Some(&owner.access_token),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(titles(&search(&app, "q=Olivenöl").await), ["Olivenöl"]);
}
