//! The category tree: operators build it, customers browse it; no cycles, unique slugs, and
//! categories in use are archived instead of deleted. The VAT rates by day.

use crate::helpers::{fields, json_of, problem_of, Session, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn create(app: &TestApp, operator: &Session, body: Value) -> Value {
    json_of(
        app.post(
            "/v1/operator/categories",
            &body,
            Some(&operator.access_token),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

fn id(category: &Value) -> &str {
    category["id"].as_str().unwrap()
}

/// The public tree as `name > child > ...` lines, depth first.
async fn outline(app: &TestApp, path: &str, token: Option<&str>) -> Vec<String> {
    fn walk(nodes: &Value, prefix: &str, lines: &mut Vec<String>) {
        for node in nodes.as_array().unwrap() {
            let line = format!("{prefix}{}", node["name"].as_str().unwrap());
            lines.push(line.clone());
            walk(&node["children"], &format!("{line} > "), lines);
        }
    }
    let tree = json_of(app.get(path, token).await, StatusCode::OK).await;
    let mut lines = Vec::new();
    walk(&tree["items"], "", &mut lines);
    lines
}

#[tokio::test]
async fn operators_build_the_tree_customers_browse() {
    let app = TestApp::spawn().await;
    let operator = app.signed_in_operator().await;
    let food = create(&app, &operator, json!({"name": "Lebensmittel"})).await;
    let drinks = create(
        &app,
        &operator,
        json!({"name": "Kaffee & Tee", "parent_id": id(&food)}),
    )
    .await;
    assert_eq!(drinks["slug"], "kaffee-tee");
    assert_eq!(drinks["parent_id"], id(&food));
    create(
        &app,
        &operator,
        json!({"name": "Espresso", "slug": "espresso", "parent_id": id(&drinks)}),
    )
    .await;
    create(&app, &operator, json!({"name": "Bücher"})).await;

    assert_eq!(
        outline(&app, "/v1/categories", None).await,
        [
            "Bücher",
            "Lebensmittel",
            "Lebensmittel > Kaffee & Tee",
            "Lebensmittel > Kaffee & Tee > Espresso"
        ]
    );

    problem_of(
        app.post(
            "/v1/operator/categories",
            &json!({"name": "Espresso!", "slug": "espresso"}),
            Some(&operator.access_token),
        )
        .await,
        StatusCode::CONFLICT,
        "slug_taken",
    )
    .await;
    let problem = problem_of(
        app.post(
            "/v1/operator/categories",
            &json!({"name": "Waisen", "parent_id": "01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8e"}),
            Some(&operator.access_token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_parent",
    )
    .await;
    assert_eq!(fields(&problem), ["parent_id"]);
    let problem = problem_of(
        app.post(
            "/v1/operator/categories",
            &json!({"name": " ", "slug": "Nicht OK"}),
            Some(&operator.access_token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["name", "slug"]);

    let customer = app.signed_in_customer().await;
    problem_of(
        app.post(
            "/v1/operator/categories",
            &json!({"name": "Meins"}),
            Some(&customer.access_token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    problem_of(
        app.post("/v1/operator/categories", &json!({"name": "Meins"}), None)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn categories_move_and_rename_but_never_below_themselves() {
    let app = TestApp::spawn().await;
    let operator = app.signed_in_operator().await;
    let token = Some(operator.access_token.as_str());
    let food = create(&app, &operator, json!({"name": "Lebensmittel"})).await;
    let drinks = create(
        &app,
        &operator,
        json!({"name": "Getränke", "parent_id": id(&food)}),
    )
    .await;
    let coffee = create(
        &app,
        &operator,
        json!({"name": "Kaffee", "parent_id": id(&drinks)}),
    )
    .await;

    for (target, parent) in [
        (&food, id(&coffee)),
        (&food, id(&food)),
        (&drinks, id(&coffee)),
    ] {
        let problem = problem_of(
            app.patch(
                &format!("/v1/operator/categories/{}", id(target)),
                &json!({"parent_id": parent}),
                token,
            )
            .await,
            StatusCode::CONFLICT,
            "category_cycle",
        )
        .await;
        assert_eq!(fields(&problem), ["parent_id"]);
    }

    let moved = json_of(
        app.patch(
            &format!("/v1/operator/categories/{}", id(&coffee)),
            &json!({"parent_id": null, "name": "Kaffee & Espresso", "slug": "kaffee-espresso"}),
            token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(moved["parent_id"], Value::Null);
    assert_eq!(moved["slug"], "kaffee-espresso");
    assert_eq!(
        outline(&app, "/v1/categories", None).await,
        [
            "Kaffee & Espresso",
            "Lebensmittel",
            "Lebensmittel > Getränke"
        ]
    );
    problem_of(
        app.patch(
            &format!("/v1/operator/categories/{}", id(&drinks)),
            &json!({"slug": "kaffee-espresso"}),
            token,
        )
        .await,
        StatusCode::CONFLICT,
        "slug_taken",
    )
    .await;
    problem_of(
        app.patch(
            "/v1/operator/categories/01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8e",
            &json!({"name": "X"}),
            token,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn two_crossing_moves_at_once_cannot_make_a_cycle() {
    let app = TestApp::spawn().await;
    let operator = app.signed_in_operator().await;
    let token = Some(operator.access_token.as_str());
    let a = create(&app, &operator, json!({"name": "Alpha"})).await;
    let b = create(&app, &operator, json!({"name": "Beta"})).await;
    let (a_path, b_path) = (
        format!("/v1/operator/categories/{}", id(&a)),
        format!("/v1/operator/categories/{}", id(&b)),
    );
    let (under_b, under_a) = (json!({"parent_id": id(&b)}), json!({"parent_id": id(&a)}));
    let (first, second) = tokio::join!(
        app.patch(&a_path, &under_b, token),
        app.patch(&b_path, &under_a, token),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    // Both are still in the tree, one below the other.
    assert_eq!(outline(&app, "/v1/categories", None).await.len(), 2);
}

#[tokio::test]
async fn categories_in_use_are_archived_not_deleted() {
    let app = TestApp::spawn().await;
    let operator = app.signed_in_operator().await;
    let token = Some(operator.access_token.as_str());
    let food = create(&app, &operator, json!({"name": "Lebensmittel"})).await;
    let tea = create(
        &app,
        &operator,
        json!({"name": "Tee", "parent_id": id(&food)}),
    )
    .await;
    let unused = create(&app, &operator, json!({"name": "Leer"})).await;
    // Stand-in for products (a later issue): a row referring to the category.
    let mut db = app.db().await;
    sqlx::query("CREATE TABLE product_stand_in (category_id uuid REFERENCES categories (id))")
        .execute(&mut db)
        .await
        .unwrap();
    sqlx::query("INSERT INTO product_stand_in VALUES ($1::uuid)")
        .bind(id(&tea))
        .execute(&mut db)
        .await
        .unwrap();

    assert_eq!(
        app.delete(&format!("/v1/operator/categories/{}", id(&unused)), token)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    problem_of(
        app.delete(&format!("/v1/operator/categories/{}", id(&food)), token)
            .await,
        StatusCode::CONFLICT,
        "category_has_children",
    )
    .await;
    let archived = json_of(
        app.delete(&format!("/v1/operator/categories/{}", id(&tea)), token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(archived["archived_at"], "2026-11-22T09:00:00Z");

    assert_eq!(
        outline(&app, "/v1/categories", None).await,
        ["Lebensmittel"]
    );
    let tree = json_of(
        app.get("/v1/operator/categories", token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(tree["items"][0]["children"][0]["name"], "Tee");
    assert_eq!(
        tree["items"][0]["children"][0]["archived_at"],
        "2026-11-22T09:00:00Z"
    );
    problem_of(
        app.patch(
            &format!("/v1/operator/categories/{}", id(&tea)),
            &json!({"name": "Kräutertee"}),
            token,
        )
        .await,
        StatusCode::CONFLICT,
        "category_archived",
    )
    .await;
    problem_of(
        app.post(
            "/v1/operator/categories",
            &json!({"name": "Grüntee", "parent_id": id(&tea)}),
            token,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_parent",
    )
    .await;
    // With only an archived sub-category left, the parent is archived too, not deleted.
    let food_archived = json_of(
        app.delete(&format!("/v1/operator/categories/{}", id(&food)), token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(food_archived["archived_at"].is_string());
    assert!(outline(&app, "/v1/categories", None).await.is_empty());
}

#[tokio::test]
async fn vat_rates_are_those_valid_on_the_day() {
    let app = TestApp::spawn().await;
    let rates = |query: &'static str| {
        let app = &app;
        async move {
            let page = json_of(
                app.get(&format!("/v1/vat-rates{query}"), None).await,
                StatusCode::OK,
            )
            .await;
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|rate| {
                    format!(
                        "{} {}",
                        rate["code"].as_str().unwrap(),
                        rate["percent"].as_str().unwrap()
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        rates("").await,
        ["standard 19.00", "reduced 7.00", "zero 0.00"]
    );
    // The temporary cut of the second half of 2020.
    assert_eq!(
        rates("?date=2020-08-01").await,
        ["standard 16.00", "reduced 5.00"]
    );
    assert_eq!(
        rates("?date=2020-12-31").await,
        ["standard 16.00", "reduced 5.00"]
    );
    assert_eq!(
        rates("?date=2021-01-01").await,
        ["standard 19.00", "reduced 7.00"]
    );
    problem_of(
        app.get("/v1/vat-rates?date=22.11.2026", None).await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
}
