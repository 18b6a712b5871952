//! Store locations: addresses and coordinates, opening hours and "open now" by the clock,
//! local delivery, archiving instead of deleting what is referenced.

use crate::helpers::{fields, json_of, location, problem_of, TestApp};
use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn locations_take_coordinates_or_the_postal_code_centroid() {
    let app = TestApp::spawn().await;
    app.import_postal_codes().await;
    let vendor = app.approved_vendor("Gemüse Grünzeug").await;
    let owner = Some(vendor.owner.access_token.as_str());
    let path = format!("/v1/vendors/{}/locations", vendor.id);

    let mut body = location("Marktstand", 0.0, 0.0);
    body.as_object_mut().unwrap().remove("coordinates");
    let created = app.post(&path, &body, owner).await;
    let header = created.headers()["location"].to_str().unwrap().to_owned();
    let created = json_of(created, StatusCode::CREATED).await;
    assert_eq!(
        header,
        format!("{path}/{}", created["id"].as_str().unwrap())
    );
    // The average of the fixture's two places for 79098.
    let (lat, lon) = (
        created["coordinates"]["lat"].as_f64().unwrap(),
        created["coordinates"]["lon"].as_f64().unwrap(),
    );
    assert!(
        (lat - 47.996).abs() < 1e-9 && (lon - 7.8524).abs() < 1e-9,
        "{lat},{lon}"
    );
    assert_eq!(created["time_zone"], "Europe/Berlin");
    assert_eq!(
        created["local_delivery"],
        json!({"radius_km": "8.5", "fee": "4.90"})
    );
    assert_eq!(created["archived_at"], Value::Null);

    body["address"]["postal_code"] = json!("79199");
    let problem = problem_of(
        app.post(&path, &body, owner).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_postal_code",
    )
    .await;
    assert_eq!(fields(&problem), ["address.postal_code"]);

    // Moving to another address without coordinates moves to its centroid.
    let id = created["id"].as_str().unwrap();
    let moved = json_of(
        app.patch(
            &format!("{path}/{id}"),
            &json!({"address": {"street": "Marktplatz 1", "postal_code": "79183",
                                "city": "Waldkirch", "country": "DE"},
                    "local_delivery": null, "pickup": false}),
            owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(moved["coordinates"], json!({"lat": 48.0939, "lon": 7.9614}));
    assert_eq!(moved["local_delivery"], Value::Null);
    assert_eq!(moved["pickup"], false);
    assert_eq!(moved["name"], "Marktstand");
    let fetched = json_of(
        app.get(&format!("{path}/{id}"), owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fetched, moved);
}

#[tokio::test]
async fn invalid_locations_name_each_field() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Schuhhaus Sohle").await;
    let mut body = location("", 91.0, 7.85);
    body["time_zone"] = json!("Mars/Olympus");
    body["opening_hours"]["monday"] = json!([{"opens": "18:00", "closes": "09:00"}]);
    body["opening_hours"]["tuesday"] = json!([{"opens": "9:00", "closes": "18:00"}]);
    body["opening_exceptions"] = json!([
        {"date": "2026-12-24", "hours": [{"opens": "09:00", "closes": "12:00"}]},
        {"date": "2026-12-24", "hours": []}
    ]);
    body["local_delivery"] = json!({"radius_km": "0", "fee": "-1.00"});
    let problem = problem_of(
        app.post(
            &format!("/v1/vendors/{}/locations", vendor.id),
            &body,
            Some(&vendor.owner.access_token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        [
            "coordinates",
            "local_delivery.fee",
            "local_delivery.radius_km",
            "name",
            "opening_exceptions[1].date",
            "opening_hours.monday[0]",
            "opening_hours.tuesday[0].opens",
            "time_zone"
        ]
    );
}

#[tokio::test]
async fn the_profile_says_whether_each_location_is_open_now() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Uhren Zeitlos").await;
    let mut body = location("Laden", 47.99, 7.85);
    body["opening_exceptions"] = json!([
        {"date": "2026-11-30", "hours": [], "note": "Inventur"}
    ]);
    app.post(
        &format!("/v1/vendors/{}/locations", vendor.id),
        &body,
        Some(&vendor.owner.access_token),
    )
    .await;
    let profile = format!("/v1/vendors/{}", vendor.slug);
    let open_at = |year, month, day, hour, minute| {
        let app = &app;
        let profile = &profile;
        async move {
            app.clock.set(
                Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
                    .unwrap(),
            );
            let body = json_of(app.get(profile, None).await, StatusCode::OK).await;
            (
                body["locations"][0]["open_now"].as_bool().unwrap(),
                body["locations"][0]["hours_today"].clone(),
            )
        }
    };
    // Monday 2026-11-23: 10:00 in Berlin is 09:00 UTC.
    let (open, today) = open_at(2026, 11, 23, 9, 0).await;
    assert!(open);
    assert_eq!(today.as_array().unwrap().len(), 2);
    assert!(!open_at(2026, 11, 23, 12, 30).await.0, "lunch break");
    assert!(
        !open_at(2026, 11, 23, 17, 30).await.0,
        "18:30 local, closed"
    );
    // Sunday.
    assert!(!open_at(2026, 11, 22, 11, 0).await.0);
    // Monday 2026-11-30 is closed for stock-taking.
    let (open, today) = open_at(2026, 11, 30, 9, 0).await;
    assert!(!open);
    assert_eq!(today, json!([]));
    // Summer time: 10:00 in Berlin is 08:00 UTC.
    assert!(open_at(2027, 7, 5, 8, 0).await.0);
    assert!(!open_at(2027, 7, 5, 6, 30).await.0);
}

#[tokio::test]
async fn a_referenced_location_is_archived_not_deleted() {
    let app = TestApp::spawn().await;
    let vendor = app.approved_vendor("Weinkeller Traube").await;
    let owner = Some(vendor.owner.access_token.as_str());
    let path = format!("/v1/vendors/{}/locations", vendor.id);
    let create = |name: &'static str| {
        let app = &app;
        let path = &path;
        async move {
            json_of(
                app.post(path, &location(name, 47.99, 7.85), owner).await,
                StatusCode::CREATED,
            )
            .await["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let unused = create("Lager").await;
    let referenced = create("Laden").await;
    // Stand-in for stock and orders (later issues): a row referring to the location.
    let mut db = app.db().await;
    sqlx::query("CREATE TABLE stock_stand_in (location_id uuid REFERENCES vendor_locations (id))")
        .execute(&mut db)
        .await
        .unwrap();
    sqlx::query("INSERT INTO stock_stand_in VALUES ($1::uuid)")
        .bind(&referenced)
        .execute(&mut db)
        .await
        .unwrap();

    assert_eq!(
        app.delete(&format!("{path}/{unused}"), owner)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    problem_of(
        app.get(&format!("{path}/{unused}"), owner).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let archived = json_of(
        app.delete(&format!("{path}/{referenced}"), owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(archived["archived_at"], "2026-11-22T09:00:00Z");

    // Archived locations leave the public profile and the default list, and are frozen.
    let profile = json_of(
        app.get(&format!("/v1/vendors/{}", vendor.slug), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(profile["locations"], json!([]));
    let listed = json_of(app.get(&path, owner).await, StatusCode::OK).await;
    assert_eq!(listed["items"], json!([]));
    let all = json_of(
        app.get(&format!("{path}?include_archived=true"), owner)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["items"][0]["id"], referenced.as_str());
    problem_of(
        app.patch(
            &format!("{path}/{referenced}"),
            &json!({"name": "Neu"}),
            owner,
        )
        .await,
        StatusCode::CONFLICT,
        "location_archived",
    )
    .await;
}
