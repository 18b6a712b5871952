//! Shop onboarding: applications and their validation, slugs, the status machine, the
//! operators' queue, editing, and the public profile and directory.

use crate::helpers::{application, fields, json_of, location, problem_of, TestApp};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn items(page: &Value) -> Vec<Value> {
    page["items"].as_array().unwrap().clone()
}

fn slugs(page: &Value) -> Vec<String> {
    items(page)
        .iter()
        .map(|item| item["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_application_opens_a_pending_shop_owned_by_the_applicant() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_customer().await;
    let vendor = app
        .apply_vendor(&owner, &application("Kaffeerösterei Müller"))
        .await;

    assert_eq!(vendor["slug"], "kaffeeroesterei-mueller");
    assert_eq!(vendor["status"], "pending");
    assert_eq!(vendor["can_sell"], false);
    assert_eq!(vendor["legal_notice"]["vat_id"], "DE123456789");
    assert_eq!(vendor["legal_notice"]["phone"], "+49761123456");
    assert_eq!(vendor["legal_notice"]["self_certified"], true);
    assert_eq!(vendor["payout_account"]["iban"], "DE89370400440532013000");
    assert_eq!(vendor["history"][0]["from"], Value::Null);
    assert_eq!(vendor["history"][0]["to"], "pending");
    assert_eq!(vendor["history"][0]["by"], "vendor");
    let id = vendor["id"].as_str().unwrap();

    let mine = json_of(
        app.get("/v1/me/vendors", Some(&owner.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"][0]["id"], id);
    assert_eq!(mine["items"][0]["role"], "owner");
    let details = json_of(
        app.get(
            &format!("/v1/vendors/{id}/application"),
            Some(&owner.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(details["status"], "pending");
    // Not public before approval.
    problem_of(
        app.get("/v1/vendors/kaffeeroesterei-mueller", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(app.outbox_events(id).await, ["vendor.applied"]);
}

#[tokio::test]
async fn invalid_trader_data_is_refused_naming_each_field() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_customer().await;
    let mut bad = application("Bäckerei Sonnenschein");
    bad["slug"] = json!("Nicht URL sicher");
    bad["address"]["postal_code"] = json!("7909");
    bad["phone"] = json!("0761 123456");
    bad["vat_id"] = json!("DE12345678");
    bad["payout_account"]["iban"] = json!("DE88 3704 0044 0532 0130 00");
    bad["email"] = json!("keine-mail");
    bad["self_certification"] = json!(false);
    let problem = problem_of(
        app.post("/v1/vendors", &bad, Some(&owner.access_token))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        [
            "address.postal_code",
            "email",
            "payout_account.iban",
            "phone",
            "self_certification",
            "slug",
            "vat_id"
        ]
    );

    let mut neither = application("Bäckerei Sonnenschein");
    neither["vat_id"] = Value::Null;
    neither["tax_number"] = Value::Null;
    neither["address"]["country"] = json!("XX");
    let problem = problem_of(
        app.post("/v1/vendors", &neither, Some(&owner.access_token))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["address.country", "vat_id"]);

    // Another country's formats apply to its addresses and VAT IDs.
    let mut austrian = application("Wiener Kaffeehaus");
    austrian["address"]["postal_code"] = json!("1010");
    austrian["address"]["country"] = json!("AT");
    austrian["vat_id"] = json!("ATU12345678");
    app.apply_vendor(&owner, &austrian).await;

    // Nothing was created by the refused applications.
    let mine = json_of(
        app.get("/v1/me/vendors", Some(&owner.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(slugs(&mine), ["wiener-kaffeehaus"]);
}

#[tokio::test]
async fn applying_needs_a_signed_in_person() {
    let app = TestApp::spawn().await;
    problem_of(
        app.post("/v1/vendors", &application("Laden"), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    let vendor = app.approved_vendor("Hofladen Gerber").await;
    let key = app.api_key(&vendor, &["catalog:read"]).await;
    problem_of(
        app.post("/v1/vendors", &application("Laden"), Some(&key))
            .await,
        StatusCode::FORBIDDEN,
        "account_required",
    )
    .await;
}

#[tokio::test]
async fn concurrent_claims_of_one_slug_have_exactly_one_winner() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_customer().await;
    let mut body = application("Weinhandlung Rebstock");
    body["slug"] = json!("rebstock");
    let attempts = (0..10).map(|_| app.post("/v1/vendors", &body, Some(&owner.access_token)));
    let responses = futures_util::future::join_all(attempts).await;
    let mut created = 0;
    for response in responses {
        match response.status() {
            StatusCode::CREATED => created += 1,
            _ => {
                let problem = problem_of(response, StatusCode::CONFLICT, "slug_taken").await;
                assert_eq!(fields(&problem), ["slug"]);
            }
        }
    }
    assert_eq!(created, 1);

    // Without a slug, a free one is proposed from the name.
    body["slug"] = Value::Null;
    let first = app.apply_vendor(&owner, &body).await;
    let second = app.apply_vendor(&owner, &body).await;
    assert_eq!(first["slug"], "weinhandlung-rebstock");
    assert_eq!(second["slug"], "weinhandlung-rebstock-2");
}

#[tokio::test]
async fn the_status_machine_runs_from_application_to_closing() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_customer().await;
    let operator = app.signed_in_operator().await;
    let vendor = app
        .apply_vendor(&owner, &application("Buchhandlung Seitenweise"))
        .await;
    let id = vendor["id"].as_str().unwrap();
    let (app, owner) = (&app, &owner);
    let owner_post = |path: &'static str| async move {
        app.post(
            &format!("/v1/vendors/{id}/{path}"),
            &json!({}),
            Some(&owner.access_token),
        )
        .await
    };

    // Asking for changes needs a reason.
    let problem = problem_of(
        app.operator_action(&operator, id, "request-changes", None)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["reason"]);
    let changes = json_of(
        app.operator_action(
            &operator,
            id,
            "request-changes",
            Some("Bitte die Steuernummer ergänzen."),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changes["status"], "changes_requested");
    assert_eq!(changes["status_reason"], "Bitte die Steuernummer ergänzen.");
    // Approving now is not a valid transition.
    let problem = problem_of(
        app.operator_action(&operator, id, "approve", None).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(
        problem["detail"],
        "Cannot approve a vendor that is changes_requested."
    );

    // The owner corrects and resubmits.
    let edited = json_of(
        app.patch(
            &format!("/v1/vendors/{id}/application"),
            &json!({"tax_number": "06/999/12345"}),
            Some(&owner.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["tax_number"], "06/999/12345");
    let resubmitted = json_of(owner_post("application/resubmit").await, StatusCode::OK).await;
    assert_eq!(resubmitted["status"], "pending");
    problem_of(
        owner_post("application/resubmit").await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;

    for (action, reason, status) in [
        ("approve", None, "approved"),
        (
            "suspend",
            Some("Beschwerden über Lieferzeiten."),
            "suspended",
        ),
        ("reinstate", None, "approved"),
    ] {
        let vendor = json_of(
            app.operator_action(&operator, id, action, reason).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(vendor["status"], status, "{action}");
        assert_eq!(vendor["can_sell"], status == "approved");
    }
    // Invalid from `approved`.
    for action in ["approve", "reject", "reinstate"] {
        problem_of(
            app.operator_action(&operator, id, action, Some("x")).await,
            StatusCode::CONFLICT,
            "invalid_transition",
        )
        .await;
    }

    let closed = json_of(owner_post("close").await, StatusCode::OK).await;
    assert_eq!(closed["status"], "closed");
    problem_of(
        owner_post("close").await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    for action in [
        "approve",
        "reject",
        "request-changes",
        "suspend",
        "reinstate",
    ] {
        problem_of(
            app.operator_action(&operator, id, action, Some("x")).await,
            StatusCode::CONFLICT,
            "invalid_transition",
        )
        .await;
    }

    let history: Vec<(Value, Value, Value)> = closed["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| {
            (
                change["from"].clone(),
                change["to"].clone(),
                change["by"].clone(),
            )
        })
        .collect();
    let expected = [
        (Value::Null, "pending", "vendor"),
        (json!("pending"), "changes_requested", "operator"),
        (json!("changes_requested"), "pending", "vendor"),
        (json!("pending"), "approved", "operator"),
        (json!("approved"), "suspended", "operator"),
        (json!("suspended"), "approved", "operator"),
        (json!("approved"), "closed", "vendor"),
    ]
    .map(|(from, to, by)| (from, json!(to), json!(by)));
    assert_eq!(history, expected);
    assert_eq!(
        closed["history"][4]["reason"],
        "Beschwerden über Lieferzeiten."
    );
    assert_eq!(
        app.outbox_events(id).await,
        [
            "vendor.applied",
            "vendor.changes_requested",
            "vendor.updated",
            "vendor.resubmitted",
            "vendor.approved",
            "vendor.suspended",
            "vendor.reinstated",
            "vendor.closed"
        ]
    );
}

#[tokio::test]
async fn rejection_is_final_and_operators_alone_decide() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_customer().await;
    let operator = app.signed_in_operator().await;
    let vendor = app
        .apply_vendor(&owner, &application("Spielwaren Kunterbunt"))
        .await;
    let id = vendor["id"].as_str().unwrap();

    // The owner cannot approve their own shop.
    problem_of(
        app.operator_action(&owner, id, "approve", None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    problem_of(
        app.operator_action(
            &operator,
            "01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8e",
            "approve",
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Suspending a pending vendor is not a transition.
    problem_of(
        app.operator_action(&operator, id, "suspend", Some("x"))
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    let rejected = json_of(
        app.operator_action(
            &operator,
            id,
            "reject",
            Some("Keine gültige Gewerbeanmeldung."),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    for action in ["approve", "request-changes", "reinstate"] {
        problem_of(
            app.operator_action(&operator, id, action, Some("x")).await,
            StatusCode::CONFLICT,
            "invalid_transition",
        )
        .await;
    }
    problem_of(
        app.post(
            &format!("/v1/vendors/{id}/application/resubmit"),
            &json!({}),
            Some(&owner.access_token),
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
}

#[tokio::test]
async fn the_review_queue_is_oldest_first() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_customer().await;
    let operator = app.signed_in_operator().await;
    let mut ids = Vec::new();
    for name in ["Erster Laden", "Zweiter Laden", "Dritter Laden"] {
        ids.push(app.apply_vendor(&owner, &application(name)).await["id"].clone());
        app.clock.advance(Duration::minutes(1));
    }
    // The first goes back to its owner and comes again: it is now the newest.
    let first = ids[0].as_str().unwrap();
    app.operator_action(
        &operator,
        first,
        "request-changes",
        Some("Bitte Impressum prüfen."),
    )
    .await;
    app.post(
        &format!("/v1/vendors/{first}/application/resubmit"),
        &json!({}),
        Some(&owner.access_token),
    )
    .await;

    let (app, operator) = (&app, &operator);
    let queue = |query: &'static str| async move {
        json_of(
            app.get(
                &format!("/v1/operator/vendors{query}"),
                Some(&operator.access_token),
            )
            .await,
            StatusCode::OK,
        )
        .await
    };
    let pending = queue("?status=pending").await;
    assert_eq!(
        slugs(&pending),
        ["zweiter-laden", "dritter-laden", "erster-laden"]
    );
    let page = queue("?status=pending&limit=2").await;
    assert_eq!(slugs(&page), ["zweiter-laden", "dritter-laden"]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = json_of(
        app.get(
            &format!("/v1/operator/vendors?status=pending&limit=2&cursor={cursor}"),
            Some(&operator.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(slugs(&rest), ["erster-laden"]);
    assert_eq!(rest["next_cursor"], Value::Null);

    app.operator_action(operator, ids[1].as_str().unwrap(), "approve", None)
        .await;
    assert_eq!(slugs(&queue("?status=approved").await), ["zweiter-laden"]);
    problem_of(
        app.get(
            "/v1/operator/vendors?status=open",
            Some(&operator.access_token),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
    problem_of(
        app.get("/v1/operator/vendors", Some(&owner.access_token))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let review = json_of(
        app.get(
            &format!("/v1/operator/vendors/{first}"),
            Some(&operator.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(review["payout_account"]["holder"], "Anna Müller");
}

#[tokio::test]
async fn trader_data_is_locked_after_approval_but_display_data_is_not() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Blumen Lindner").await;
    let path = format!("/v1/vendors/{}/application", vendor.id);
    let owner = Some(vendor.owner.access_token.as_str());

    problem_of(
        app.patch(&path, &json!({"legal_name": "Andere GmbH"}), owner)
            .await,
        StatusCode::CONFLICT,
        "trader_data_locked",
    )
    .await;
    let updated = json_of(
        app.patch(
            &path,
            &json!({
                "display_name": "Blumen Lindner am Markt",
                "payout_account": {"iban": "DE02120300000000202051", "holder": "Lena Lindner"}
            }),
            owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["display_name"], "Blumen Lindner am Markt");
    assert_eq!(updated["payout_account"]["iban"], "DE02120300000000202051");
    let problem = problem_of(
        app.patch(
            &path,
            &json!({"payout_account": {"iban": "DE00 1234", "holder": "X"}}),
            owner,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["payout_account.iban"]);

    // Staff see the vendor without its payout account, and cannot edit it.
    let staff = app.vendor_member(&vendor, "staff").await;
    let seen = json_of(
        app.get(&path, Some(&staff.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["payout_account"], Value::Null);
    problem_of(
        app.patch(
            &path,
            &json!({"display_name": "Meins"}),
            Some(&staff.access_token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "insufficient_role",
    )
    .await;
}

#[tokio::test]
async fn the_public_profile_shows_the_legal_notice_and_nothing_private() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Käserei Alpenblick").await;
    app.post(
        &format!("/v1/vendors/{}/locations", vendor.id),
        &location("Laden Altstadt", 47.9959, 7.8522),
        Some(&vendor.owner.access_token),
    )
    .await;
    let response = app.get(&format!("/v1/vendors/{}", vendor.slug), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let profile: Value = serde_json::from_str(&text).unwrap();

    let notice = &profile["legal_notice"];
    assert_eq!(notice["legal_name"], "Käserei Alpenblick GmbH");
    assert_eq!(notice["address"]["postal_code"], "79098");
    assert_eq!(notice["email"], "info@kaffee-mueller.de");
    assert_eq!(notice["phone"], "+49761123456");
    assert_eq!(notice["trade_register"]["number"], "HRB 701234");
    assert_eq!(notice["vat_id"], "DE123456789");
    assert_eq!(notice["representative"], "Anna Müller");
    assert_eq!(notice["self_certified"], true);
    let location = &profile["locations"][0];
    assert_eq!(location["name"], "Laden Altstadt");
    assert_eq!(location["pickup"], true);
    assert_eq!(location["local_delivery"]["fee"], "4.90");
    assert!(location["opening_hours"]["monday"].is_array());
    for private in [
        "DE89370400440532013000",
        "06/123/45678",
        "payout",
        "tax_number",
        "status",
    ] {
        assert!(
            !text.contains(private),
            "the profile shows {private}: {text}"
        );
    }

    // Suspension hides the profile at once; reinstatement brings it back.
    app.operator_action(&vendor.operator, &vendor.id, "suspend", Some("Prüfung"))
        .await;
    let profile_path = format!("/v1/vendors/{}", vendor.slug);
    problem_of(
        app.get(&profile_path, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    app.operator_action(&vendor.operator, &vendor.id, "reinstate", None)
        .await;
    assert_eq!(app.get(&profile_path, None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_directory_finds_shops_near_a_place_and_by_name() {
    let app = TestApp::spawn().await;
    app.import_postal_codes().await;
    // Freiburg centre, Waldkirch (~14 km), Lörrach (~45 km), Berlin.
    let shops = [
        ("Kaffeerösterei Altstadt", 47.9959, 7.8522),
        ("Waldkircher Orgelkaffee", 48.0939, 7.9614),
        ("Lörracher Teestube", 47.6156, 7.6614),
        ("Berliner Kaffeebar", 52.5323, 13.3846),
    ];
    for (name, lat, lon) in shops {
        let vendor = app.approved_vendor(name).await;
        let created = app
            .post(
                &format!("/v1/vendors/{}/locations", vendor.id),
                &location("Laden", lat, lon),
                Some(&vendor.owner.access_token),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    // A pending shop next door is not listed.
    let pending_owner = app.signed_in_customer().await;
    app.apply_vendor(&pending_owner, &application("Noch Nicht Offen"))
        .await;

    let app = &app;
    let list = |query: String| async move {
        json_of(
            app.get(&format!("/v1/vendors{query}"), None).await,
            StatusCode::OK,
        )
        .await
    };
    let near = list("?near=79098&radius_km=20".to_owned()).await;
    assert_eq!(
        slugs(&near),
        ["kaffeeroesterei-altstadt", "waldkircher-orgelkaffee"]
    );
    let distance = near["items"][1]["distance_km"].as_f64().unwrap();
    assert!((12.0..16.0).contains(&distance), "{distance}");
    assert!(near["items"][1]["locations"][0]["distance_km"].is_number());

    let wider = list("?near=47.9959,7.8522&radius_km=60".to_owned()).await;
    assert_eq!(
        slugs(&wider),
        [
            "kaffeeroesterei-altstadt",
            "waldkircher-orgelkaffee",
            "loerracher-teestube"
        ]
    );
    let first_page = list("?near=47.9959,7.8522&radius_km=60&limit=2".to_owned()).await;
    let cursor = first_page["next_cursor"].as_str().unwrap();
    let second_page = list(format!(
        "?near=47.9959,7.8522&radius_km=60&limit=2&cursor={cursor}"
    ))
    .await;
    assert_eq!(slugs(&second_page), ["loerracher-teestube"]);

    assert_eq!(
        slugs(&list("?q=kaffee".to_owned()).await),
        [
            "berliner-kaffeebar",
            "kaffeeroesterei-altstadt",
            "waldkircher-orgelkaffee"
        ]
    );
    assert_eq!(
        slugs(&list("?q=Teestube".to_owned()).await),
        ["loerracher-teestube"]
    );
    assert_eq!(
        slugs(&list("?near=79098&radius_km=60&q=tee".to_owned()).await),
        ["loerracher-teestube"]
    );
    // Wildcards in `q` are taken literally.
    assert!(items(&list("?q=%25".to_owned()).await).is_empty());
    assert_eq!(items(&list(String::new()).await).len(), 4);

    let problem = problem_of(
        app.get("/v1/vendors?near=99999", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_postal_code",
    )
    .await;
    assert_eq!(fields(&problem), ["near"]);
    let problem = problem_of(
        app.get("/v1/vendors?near=95,7&radius_km=0", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["radius_km"]);
    let problem = problem_of(
        app.get("/v1/vendors?near=95,7", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["near"]);
    // Postal codes of other countries resolve with `country`.
    let vienna = list("?near=1010&country=AT&radius_km=10".to_owned()).await;
    assert!(items(&vienna).is_empty());
}
