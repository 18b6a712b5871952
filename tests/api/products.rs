//! Products: drafts, publishing rules (approved vendor, GPSR data, a price), prices as
//! German law wants them shown, and who may touch a vendor's catalog.

use crate::helpers::{application, fields, json_of, problem_of, ApprovedVendor, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn manufacturer(country: &str) -> Value {
    json!({
        "name": "Röstmanufaktur Schwarzwald GmbH",
        "address": {"street": "Talstraße 3", "postal_code": if country == "DE" { "79183" } else { "8001" },
                    "city": "Waldkirch", "country": country},
        "email": "service@roestmanufaktur.de"
    })
}

/// A product complete enough to publish.
fn espresso(category_id: &str) -> Value {
    json!({
        "title": "Espresso Bohne Altstadt",
        "description": "Kräftiger Espresso, schonend im Trommelröster geröstet.",
        "brand": "Kaffeerösterei Müller",
        "category_id": category_id,
        "images": ["https://cdn.example.de/espresso.jpg"],
        "attributes": {"Röstgrad": "dunkel"},
        "safety": {"manufacturer": manufacturer("DE"), "warnings": "Kühl und trocken lagern."},
        "withdrawal_exempt": null,
        "variants": [
            {"sku": "ESP-500", "options": {"Größe": "500 g"}, "gtin": "4006381333931",
             "price": "8.90", "vat_rate": "reduced", "net_quantity": "0.5", "unit": "kg",
             "weight_grams": 540},
            {"sku": "ESP-1000", "options": {"Größe": "1 kg"}, "vat_rate": "reduced",
             "net_quantity": "1", "unit": "kg"}
        ]
    })
}

async fn create(app: &TestApp, vendor: &ApprovedVendor, body: &Value) -> Value {
    json_of(
        app.post(
            &format!("/v1/vendors/{}/products", vendor.id),
            body,
            Some(&vendor.owner.access_token),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

async fn publish(app: &TestApp, vendor: &ApprovedVendor, product: &Value) -> reqwest::Response {
    app.post(
        &format!(
            "/v1/vendors/{}/products/{}/publish",
            vendor.id,
            product["id"].as_str().unwrap()
        ),
        &json!({}),
        Some(&vendor.owner.access_token),
    )
    .await
}

#[tokio::test]
async fn a_complete_product_of_an_approved_vendor_is_published_with_german_prices() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Kaffeerösterei Müller").await;
    let category_id = app.category(&vendor.operator, "Kaffee", None).await;
    let draft = create(&app, &vendor, &espresso(&category_id)).await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["variants"][0]["price"], "8.90");
    assert_eq!(draft["variants"][0]["net_quantity"], "0.5");
    let public_path = format!("/v1/products/{}", draft["id"].as_str().unwrap());
    problem_of(
        app.get(&public_path, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let published = json_of(publish(&app, &vendor, &draft).await, StatusCode::OK).await;
    assert_eq!(published["status"], "active");
    assert_eq!(published["published_at"], "2026-11-22T09:00:00Z");

    let product = json_of(app.get(&public_path, None).await, StatusCode::OK).await;
    assert_eq!(product["seller"]["slug"], vendor.slug);
    assert_eq!(product["seller"]["legal_notice"]["vat_id"], "DE123456789");
    assert_eq!(
        product["safety"]["manufacturer"]["address"]["city"],
        "Waldkirch"
    );
    // The unpriced 1 kg variant is not for sale yet.
    let variants = product["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 1);
    assert_eq!(
        variants[0]["price"],
        json!({
            "amount": "8.90",
            "currency": "EUR",
            "vat_rate": "7.00",
            "vat_included": true,
            "unit_price": {"amount": "17.80", "per": "1 kg"},
            "reference_price": null,
            "deposit": null,
            "note": null
        })
    );

    // A suspended vendor's products vanish at once and come back on reinstatement.
    app.operator_action(&vendor.operator, &vendor.id, "suspend", Some("Prüfung"))
        .await;
    problem_of(
        app.get(&public_path, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    app.operator_action(&vendor.operator, &vendor.id, "reinstate", None)
        .await;
    assert_eq!(app.get(&public_path, None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn publishing_names_everything_missing() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Teehaus Ost").await;
    let draft = create(
        &app,
        &vendor,
        &json!({"title": "Grüner Tee", "variants": [{"sku": "GT-1", "vat_rate": "reduced"}]}),
    )
    .await;
    let problem = problem_of(
        publish(&app, &vendor, &draft).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "publish_incomplete",
    )
    .await;
    assert_eq!(
        fields(&problem),
        [
            "category_id",
            "description",
            "safety.manufacturer",
            "variants"
        ]
    );

    // A manufacturer outside the EU needs an EU responsible person.
    let category_id = app.category(&vendor.operator, "Kaffee", None).await;
    let mut swiss = espresso(&category_id);
    swiss["safety"]["manufacturer"] = manufacturer("CH");
    swiss["variants"] = json!([{"sku": "CH-1", "price": "4.50", "vat_rate": "reduced"}]);
    let draft = create(&app, &vendor, &swiss).await;
    let problem = problem_of(
        publish(&app, &vendor, &draft).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "publish_incomplete",
    )
    .await;
    assert_eq!(fields(&problem), ["safety.eu_responsible_person"]);
    assert_eq!(draft["status"], "draft");
}

#[tokio::test]
async fn only_approved_vendors_publish() {
    let app = TestApp::spawn().await;
    let reference = app.approved_vendor("Referenz").await;
    let category_id = app.category(&reference.operator, "Kaffee", None).await;
    let owner = app.signed_in_customer().await;
    let pending = app
        .apply_vendor(&owner, &application("Noch Nicht Geprüft"))
        .await;
    let vendor = ApprovedVendor {
        id: pending["id"].as_str().unwrap().to_owned(),
        slug: pending["slug"].as_str().unwrap().to_owned(),
        owner,
        operator: reference.operator,
    };
    let draft = create(&app, &vendor, &espresso(&category_id)).await;
    let problem = problem_of(
        publish(&app, &vendor, &draft).await,
        StatusCode::CONFLICT,
        "vendor_not_approved",
    )
    .await;
    assert_eq!(
        problem["detail"],
        "Only an approved vendor can sell; this one is pending."
    );
}

#[tokio::test]
async fn small_businesses_sell_without_vat() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_customer().await;
    let mut body = application("Töpferei Klein");
    body["small_business"] = json!(true);
    let applied = app.apply_vendor(&owner, &body).await;
    let operator = app.signed_in_operator().await;
    let id = applied["id"].as_str().unwrap().to_owned();
    app.operator_action(&operator, &id, "approve", None).await;
    let vendor = ApprovedVendor {
        id,
        slug: applied["slug"].as_str().unwrap().to_owned(),
        owner,
        operator,
    };
    let category_id = app.category(&vendor.operator, "Kaffee", None).await;
    let mut mug = espresso(&category_id);
    mug["variants"] = json!([{"sku": "TASSE", "price": "24.00", "vat_rate": "standard",
                              "deposit": "0.15"}]);
    let draft = create(&app, &vendor, &mug).await;
    publish(&app, &vendor, &draft).await;
    let product = json_of(
        app.get(
            &format!("/v1/products/{}", draft["id"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let price = &product["variants"][0]["price"];
    assert_eq!(price["amount"], "24.00");
    assert_eq!(price["vat_rate"], Value::Null);
    assert_eq!(price["vat_included"], false);
    assert_eq!(price["deposit"], "0.15");
    assert_eq!(price["unit_price"], Value::Null);
    assert!(price["note"].as_str().unwrap().contains("§ 19 UStG"));
}

#[tokio::test]
async fn invalid_products_name_each_field_and_skus_are_unique_per_vendor() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Feinkost Fehler").await;
    let path = format!("/v1/vendors/{}/products", vendor.id);
    let owner = Some(vendor.owner.access_token.as_str());
    let bad = json!({
        "title": "",
        "images": ["http://unsicher.example/bild.jpg"],
        "safety": {"manufacturer": {"name": "X", "address": {"street": "A 1",
                   "postal_code": "123", "city": "B", "country": "DE"}, "email": "kaputt"}},
        "variants": [
            {"sku": "A 1", "gtin": "4006381333932", "price": "-1.00", "vat_rate": "standard"},
            {"sku": "DUP", "vat_rate": "standard", "unit": "kg"},
            {"sku": "DUP", "vat_rate": "zero", "net_quantity": "0.0001", "unit": "l"}
        ]
    });
    let problem = problem_of(
        app.post(&path, &bad, owner).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        [
            "images[0]",
            "safety.manufacturer.address.postal_code",
            "safety.manufacturer.email",
            "title",
            "variants[0].gtin",
            "variants[0].price",
            "variants[0].sku",
            "variants[1].net_quantity",
            "variants[2].net_quantity",
            "variants[2].sku"
        ]
    );
    let problem = problem_of(
        app.post(
            &path,
            &json!({"title": "X", "category_id": "01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8e"}),
            owner,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_category",
    )
    .await;
    assert_eq!(fields(&problem), ["category_id"]);

    create(
        &app,
        &vendor,
        &json!({"title": "Erster", "variants": [{"sku": "SKU-1", "vat_rate": "standard"}]}),
    )
    .await;
    let problem = problem_of(
        app.post(
            &path,
            &json!({"title": "Zweiter", "variants": [
                {"sku": "SKU-2", "vat_rate": "standard"}, {"sku": "SKU-1", "vat_rate": "standard"}]}),
            owner,
        )
        .await,
        StatusCode::CONFLICT,
        "sku_taken",
    )
    .await;
    assert_eq!(fields(&problem), ["variants[1].sku"]);
    // All or nothing: the second product was not created.
    let list = json_of(app.get(&path, owner).await, StatusCode::OK).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // Another vendor may use the same SKU.
    let other = app.approved_vendor("Feinkost Anders").await;
    create(
        &app,
        &other,
        &json!({"title": "Auch", "variants": [{"sku": "SKU-1", "vat_rate": "standard"}]}),
    )
    .await;
}

#[tokio::test]
async fn a_vendors_catalog_is_its_own() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Bioladen Sonne").await;
    let other = app.approved_vendor("Bioladen Mond").await;
    let product = create(&app, &vendor, &json!({"title": "Äpfel", "variants": []})).await;
    let product_id = product["id"].as_str().unwrap();
    let path = format!("/v1/vendors/{}/products", vendor.id);
    let new = json!({"title": "Birnen"});

    let staff = app.vendor_member(&vendor, "staff").await;
    problem_of(
        app.post(&path, &new, Some(&staff.access_token)).await,
        StatusCode::FORBIDDEN,
        "insufficient_role",
    )
    .await;
    let manager = app.vendor_member(&vendor, "manager").await;
    assert_eq!(
        app.post(&path, &new, Some(&manager.access_token))
            .await
            .status(),
        StatusCode::CREATED
    );
    for token in [&other.owner.access_token, &vendor.operator.access_token] {
        problem_of(
            app.get(&format!("{path}/{product_id}"), Some(token)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    // Vendor B's path does not reach vendor A's product.
    problem_of(
        app.get(
            &format!("/v1/vendors/{}/products/{product_id}", other.id),
            Some(&other.owner.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let reader = app.api_key(&vendor, &["catalog:read"]).await;
    let listed = json_of(app.get(&path, Some(&reader)).await, StatusCode::OK).await;
    assert_eq!(listed["items"][0]["title"], "Birnen");
    problem_of(
        app.post(&path, &new, Some(&reader)).await,
        StatusCode::FORBIDDEN,
        "insufficient_scope",
    )
    .await;
    let writer = app.api_key(&vendor, &["catalog:write"]).await;
    assert_eq!(
        app.post(&path, &new, Some(&writer)).await.status(),
        StatusCode::CREATED
    );
    let others_key = app
        .api_key(&other, &["catalog:read", "catalog:write"])
        .await;
    problem_of(
        app.get(&path, Some(&others_key)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn reductions_show_the_lowest_price_of_the_30_days_before() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Kaffeehaus Zeitlos").await;
    let category_id = app.category(&vendor.operator, "Kaffee", None).await;
    let draft = create(&app, &vendor, &espresso(&category_id)).await;
    publish(&app, &vendor, &draft).await;
    // Tokens expire as the clock moves days ahead; the till's API key does not.
    let till = app.api_key(&vendor, &["catalog:write"]).await;
    let start = crate::helpers::start_of_time();
    let at = |days: i64| start + chrono::Duration::days(days);
    let price_path = format!("/v1/vendors/{}/variants/ESP-500/price", vendor.id);
    let reductions_path = format!("/v1/vendors/{}/variants/ESP-500/reductions", vendor.id);
    let public_path = format!("/v1/products/{}", draft["id"].as_str().unwrap());
    let shown = |days: i64| {
        let (app, public_path) = (&app, &public_path);
        async move {
            app.clock.set(at(days));
            json_of(app.get(public_path, None).await, StatusCode::OK).await["variants"][0]["price"]
                .clone()
        }
    };
    let set_price = |days: i64, price: &'static str| {
        let (app, price_path, till) = (&app, &price_path, &till);
        async move {
            app.clock.set(at(days));
            let response = app
                .send(
                    reqwest::Method::PUT,
                    price_path,
                    Some(&json!({"price": price})),
                    Some(till),
                )
                .await;
            json_of(response, StatusCode::OK).await
        }
    };

    // 8.90 from day 0, 7.90 from day 10, 9.90 from day 20.
    assert_eq!(set_price(10, "7.90").await["price"], "7.90");
    set_price(20, "9.90").await;
    set_price(21, "9.90").await; // unchanged: no new history entry
    let history: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM price_history h JOIN product_variants v ON v.id = h.variant_id
         WHERE v.sku = 'ESP-500'",
    )
    .fetch_one(&mut app.db().await)
    .await
    .unwrap();
    assert_eq!(history, 3);

    // Announced on day 35 for days 36–46: until then the regular price shows.
    app.clock.set(at(35));
    let reduction = json_of(
        app.post(
            &reductions_path,
            &json!({"price": "6.90", "starts_at": at(36), "ends_at": at(46)}),
            Some(&till),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(reduction["price"], "6.90");
    let before = shown(35).await;
    assert_eq!(
        (&before["amount"], &before["reference_price"]),
        (&json!("9.90"), &Value::Null)
    );
    // Running: the window is days 6–36, in which 7.90 applied (days 10–20).
    let during = shown(37).await;
    assert_eq!(during["amount"], "6.90");
    assert_eq!(during["reference_price"], "7.90");
    assert_eq!(during["unit_price"]["amount"], "13.80");

    // Deepened back to back from day 46: still measured from before the first step.
    app.clock.set(at(40));
    json_of(
        app.post(
            &reductions_path,
            &json!({"price": "5.90", "starts_at": at(46)}),
            Some(&till),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let deeper = shown(47).await;
    assert_eq!(
        (&deeper["amount"], &deeper["reference_price"]),
        (&json!("5.90"), &json!("7.90"))
    );

    // Overlaps, prices not below the regular one, the past and unknown SKUs are refused.
    app.clock.set(at(47));
    problem_of(
        app.post(
            &reductions_path,
            &json!({"price": "4.90", "starts_at": at(50), "ends_at": at(55)}),
            Some(&till),
        )
        .await,
        StatusCode::CONFLICT,
        "reduction_overlaps",
    )
    .await;
    let other_variant = format!("/v1/vendors/{}/variants/ESP-1000/reductions", vendor.id);
    let problem = problem_of(
        app.post(
            &other_variant,
            &json!({"price": "4.90", "starts_at": at(46), "ends_at": at(48)}),
            Some(&till),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["starts_at"]);
    let problem = problem_of(
        app.post(
            &other_variant,
            &json!({"price": "4.90", "starts_at": at(48)}),
            Some(&till),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        problem["errors"][0]["message"],
        "must be below the variant's regular price"
    );
    problem_of(
        app.send(
            reqwest::Method::PUT,
            &format!("/v1/vendors/{}/variants/NOPE/price", vendor.id),
            Some(&json!({"price": "1.00"})),
            Some(&till),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let problem = problem_of(
        app.send(
            reqwest::Method::PUT,
            &price_path,
            Some(&json!({"price": "-1.00"})),
            Some(&till),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["price"]);
}

#[tokio::test]
async fn integrators_upsert_and_import_products_by_sku() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Weinhandel Rebe").await;
    let erp = app
        .api_key(&vendor, &["catalog:write", "catalog:read"])
        .await;
    let path = |sku: &str| format!("/v1/vendors/{}/products/by-sku/{sku}", vendor.id);
    let wine = |price: &str| {
        json!({"title": "Spätburgunder", "variants": [
            {"sku": "SB-075", "price": price, "vat_rate": "standard",
             "net_quantity": "0.75", "unit": "l", "deposit": "0.25"}]})
    };
    let put = |sku: &str, body: Value| {
        let (app, erp, path) = (&app, &erp, path(sku));
        async move { app.send(Method::PUT, &path, Some(&body), Some(erp)).await }
    };
    let created = json_of(put("SB-075", wine("12.90")).await, StatusCode::CREATED).await;
    let replaced = json_of(put("SB-075", wine("11.90")).await, StatusCode::OK).await;
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["variants"][0]["price"], "11.90");
    let history: i64 = sqlx::query_scalar("SELECT count(*) FROM price_history")
        .fetch_one(&mut app.db().await)
        .await
        .unwrap();
    assert_eq!(history, 2);
    let problem = problem_of(
        put("OTHER", wine("9.90")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["variants"]);

    // One bad row refuses the whole import.
    let import = format!("/v1/vendors/{}/products/import", vendor.id);
    let problem = problem_of(
        app.post(
            &import,
            &json!({"items": [
                {"sku": "RS-075", "product": {"title": "Riesling", "variants": [
                    {"sku": "RS-075", "price": "9.90", "vat_rate": "standard"}]}},
                {"sku": "GB-075", "product": {"title": "", "variants": [
                    {"sku": "GB-075", "gtin": "123", "vat_rate": "standard"}]}}
            ]}),
            Some(&erp),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        [
            "items[1].product.title",
            "items[1].product.variants[0].gtin"
        ]
    );
    let result = json_of(
        app.post(
            &import,
            &json!({"items": [
                {"sku": "RS-075", "product": {"title": "Riesling", "variants": [
                    {"sku": "RS-075", "price": "9.90", "vat_rate": "standard"}]}},
                {"sku": "SB-075", "product": wine("10.90")}
            ]}),
            Some(&erp),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(result, json!({"created": 1, "updated": 1}));
    let listed = json_of(
        app.get(&format!("/v1/vendors/{}/products", vendor.id), Some(&erp))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    // A SKU of another product cannot be taken over.
    let problem = problem_of(
        put(
            "RS-075",
            json!({"title": "Riesling", "variants": [
                {"sku": "RS-075", "vat_rate": "standard"}, {"sku": "SB-075", "vat_rate": "standard"}]}),
        )
        .await,
        StatusCode::CONFLICT,
        "sku_taken",
    )
    .await;
    assert_eq!(fields(&problem), ["variants[1].sku"]);
}
