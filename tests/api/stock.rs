//! Stock per store location: the till's bulk sync (all or nothing, idempotent, by API key),
//! adjustments that never lose an update or go negative, and reading it back.

use crate::helpers::{fields, json_of, location, problem_of, ApprovedVendor, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

struct Shop {
    vendor: ApprovedVendor,
    stores: [String; 2],
    till: String,
}

async fn shop(app: &TestApp) -> Shop {
    let vendor = app.approved_vendor("Bäckerei Korn").await;
    let owner = Some(vendor.owner.access_token.as_str());
    let mut stores = Vec::new();
    for name in ["Laden Markt", "Laden Bahnhof"] {
        stores.push(app.store(&vendor, name, 47.99, 7.85).await);
    }
    json_of(
        app.post(
            &format!("/v1/vendors/{}/products", vendor.id),
            &json!({"title": "Brot", "variants": [
                {"sku": "DINKEL", "price": "4.20", "vat_rate": "reduced"},
                {"sku": "ROGGEN", "price": "3.80", "vat_rate": "reduced"}]}),
            owner,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let till = app.api_key(&vendor, &["stock:write", "catalog:read"]).await;
    Shop {
        stores: [stores[0].clone(), stores[1].clone()],
        vendor,
        till,
    }
}

async fn sync(app: &TestApp, shop: &Shop, items: Value) -> reqwest::Response {
    app.send(
        Method::PUT,
        &format!("/v1/vendors/{}/stock", shop.vendor.id),
        Some(&json!({ "items": items })),
        Some(&shop.till),
    )
    .await
}

/// `sku@store-index=on_hand` for every stock row, by SKU.
async fn levels(app: &TestApp, shop: &Shop) -> Vec<String> {
    let page = json_of(
        app.get(
            &format!("/v1/vendors/{}/stock", shop.vendor.id),
            Some(&shop.till),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut levels: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|level| {
            let store = shop
                .stores
                .iter()
                .position(|id| level["location_id"] == id.as_str())
                .unwrap();
            format!(
                "{}@{store}={}",
                level["sku"].as_str().unwrap(),
                level["on_hand"]
            )
        })
        .collect();
    levels.sort();
    levels
}

async fn movements(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM stock_movements")
        .fetch_one(&mut app.db().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_till_syncs_stock_all_or_nothing_and_idempotently() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let [market, station] = &shop.stores;
    let counts = json!([
        {"sku": "DINKEL", "location_id": market, "on_hand": 12},
        {"sku": "DINKEL", "location_id": station, "on_hand": 0},
        {"sku": "ROGGEN", "location_id": market, "on_hand": 7}
    ]);
    let synced = json_of(sync(&app, &shop, counts.clone()).await, StatusCode::OK).await;
    assert_eq!(synced["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        levels(&app, &shop).await,
        ["DINKEL@0=12", "DINKEL@1=0", "ROGGEN@0=7"]
    );
    assert_eq!(
        movements(&app).await,
        2,
        "moving from nothing to 0 is no movement"
    );
    // The same counts again change nothing.
    json_of(sync(&app, &shop, counts).await, StatusCode::OK).await;
    assert_eq!(movements(&app).await, 2);

    // One bad row refuses the whole sync, naming every bad row.
    let other = app.approved_vendor("Bäckerei Fremd").await;
    let foreign = json_of(
        app.post(
            &format!("/v1/vendors/{}/locations", other.id),
            &location("Fremd", 47.99, 7.85),
            Some(&other.owner.access_token),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let problem = problem_of(
        sync(
            &app,
            &shop,
            json!([
                {"sku": "DINKEL", "location_id": market, "on_hand": 3},
                {"sku": "BREZEL", "location_id": market, "on_hand": 3},
                {"sku": "ROGGEN", "location_id": foreign["id"], "on_hand": 3},
                {"sku": "ROGGEN", "location_id": station, "on_hand": -1},
                {"sku": "DINKEL", "location_id": market, "on_hand": 4}
            ]),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        [
            "items[1].sku",
            "items[2].location_id",
            "items[3].on_hand",
            "items[4].sku"
        ]
    );
    assert_eq!(
        levels(&app, &shop).await,
        ["DINKEL@0=12", "DINKEL@1=0", "ROGGEN@0=7"]
    );
    let problem = problem_of(
        sync(&app, &shop, json!([])).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["items"]);

    // A key that only reads cannot sync.
    let reader = app.api_key(&shop.vendor, &["catalog:read"]).await;
    problem_of(
        app.send(
            Method::PUT,
            &format!("/v1/vendors/{}/stock", shop.vendor.id),
            Some(&json!({"items": [{"sku": "DINKEL", "location_id": market, "on_hand": 1}]})),
            Some(&reader),
        )
        .await,
        StatusCode::FORBIDDEN,
        "insufficient_scope",
    )
    .await;
    // A store with stock is archived, not deleted.
    let archived = json_of(
        app.delete(
            &format!("/v1/vendors/{}/locations/{market}", shop.vendor.id),
            Some(&shop.vendor.owner.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(archived["archived_at"].is_string());
}

#[tokio::test]
async fn fifty_concurrent_adjustments_end_exactly_right() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let market = &shop.stores[0];
    json_of(
        sync(
            &app,
            &shop,
            json!([{"sku": "DINKEL", "location_id": market, "on_hand": 100}]),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let path = format!("/v1/vendors/{}/stock/adjustments", shop.vendor.id);
    let sale =
        json!({"sku": "DINKEL", "location_id": market, "delta": -1, "reason": "in_store_sale"});
    let delivery =
        json!({"sku": "DINKEL", "location_id": market, "delta": 2, "reason": "delivery"});
    let requests = (0..50).map(|i| {
        let body = if i % 2 == 0 { &sale } else { &delivery };
        app.post(&path, body, Some(&shop.till))
    });
    for response in futures_util::future::join_all(requests).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
    // 100 - 25 + 50
    assert_eq!(levels(&app, &shop).await, ["DINKEL@0=125"]);
    assert_eq!(movements(&app).await, 51);
}

#[tokio::test]
async fn stock_never_goes_negative() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let [market, station] = &shop.stores;
    sync(
        &app,
        &shop,
        json!([{"sku": "ROGGEN", "location_id": market, "on_hand": 1}]),
    )
    .await;
    let path = format!("/v1/vendors/{}/stock/adjustments", shop.vendor.id);
    for location in [market, station] {
        problem_of(
            app.post(
                &path,
                &json!({"sku": "ROGGEN", "location_id": location, "delta": -2, "reason": "breakage"}),
                Some(&shop.till),
            )
            .await,
            StatusCode::CONFLICT,
            "stock_insufficient",
        )
        .await;
    }
    let level = json_of(
        app.post(
            &path,
            &json!({"sku": "ROGGEN", "location_id": market, "delta": -1, "reason": "breakage"}),
            Some(&shop.till),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (level["on_hand"].as_i64(), level["available"].as_i64()),
        (Some(0), Some(0))
    );
    let problem = problem_of(
        app.post(
            &path,
            &json!({"sku": "NOPE", "location_id": market, "delta": 0, "reason": "correction"}),
            Some(&shop.till),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["delta", "sku"]);
    // Filter by SKU.
    let page = json_of(
        app.get(
            &format!("/v1/vendors/{}/stock?sku=DINKEL", shop.vendor.id),
            Some(&shop.till),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"], json!([]));
}
