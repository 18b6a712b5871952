//! Notice and action (DSA Art. 16): anyone reports published content, operators decide,
//! restricted content leaves the public endpoints at once, everyone concerned is told.

use crate::helpers::{fields, json_of, problem_of, TestApp};
use crate::questions::{answer, ask, customer, public_questions, shop};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn notice(target_type: &str, target_id: &str) -> Value {
    json!({
        "target_type": target_type,
        "target_id": target_id,
        "reason": "consumer_protection",
        "explanation": "Die Antwort behauptet eine CE-Kennzeichnung, die das Gerät nicht hat.",
        "name": "Max Mustermann",
        "email": "max@example.de",
        "good_faith": true,
        "language": "de"
    })
}

async fn decide(app: &TestApp, operator: &str, notice: &Value, action: &str) -> reqwest::Response {
    app.post(
        &format!(
            "/v1/operator/notices/{}/decision",
            notice["id"].as_str().unwrap()
        ),
        &json!({"action": action,
                "statement_of_reasons": "Nachweislich falsche Sicherheitsangabe (Art. 17 DSA)."}),
        Some(operator),
    )
    .await
}

#[tokio::test]
async fn a_hidden_answer_leaves_the_product_page_at_once_and_everyone_concerned_is_told() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let asker = customer(&app, "Anna Schulz", "de").await;
    let question = ask(
        &app,
        &asker,
        &seller.product,
        "Hat die Mühle ein CE-Zeichen?",
    )
    .await;
    answer(
        &app,
        &seller,
        &seller.vendor.owner.access_token,
        &question,
        "Ja, natürlich.",
        true,
    )
    .await;
    app.deliver_notifications().await;
    let before = app.mail().messages().len();

    // Anyone may report, without an account; the notifier gets a receipt.
    let receipt = json_of(
        app.post(
            "/v1/notices",
            &notice("answer", question["id"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(receipt["status"], "open");
    app.deliver_notifications().await;
    let to_notifier = app.mail().to("max@example.de");
    assert_eq!(to_notifier.len(), 1);
    assert!(to_notifier[0]
        .subject
        .starts_with("Eingangsbestätigung Ihrer Meldung"));

    // The operators' queue shows the reported content.
    let operator = &seller.vendor.operator.access_token;
    let queue = json_of(
        app.get("/v1/operator/notices", Some(operator)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue["items"][0]["id"], receipt["id"]);
    assert_eq!(queue["items"][0]["reported_content"], "Ja, natürlich.");
    assert_eq!(queue["items"][0]["notifier_email"], "max@example.de");
    problem_of(
        app.get("/v1/operator/notices", Some(&asker.access_token))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let decided = json_of(
        decide(&app, operator, &receipt, "hide").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(decided["status"], "decided");
    assert_eq!(decided["decision"]["action"], "hide");
    assert!(
        public_questions(&app, &seller.product).await.is_empty(),
        "hidden at once"
    );
    problem_of(
        decide(&app, operator, &receipt, "keep").await,
        StatusCode::CONFLICT,
        "notice_decided",
    )
    .await;

    // The vendor sees the restriction in its inbox; notifier and vendor get the reasons.
    let inbox = json_of(
        app.get(
            &format!("/v1/vendors/{}/questions?status=answered", seller.vendor.id),
            Some(&seller.vendor.owner.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(inbox["items"][0]["answer"]["moderation"], "hidden");
    app.deliver_notifications().await;
    let decision = app.mail().to("max@example.de");
    assert_eq!(decision.len(), 2);
    assert!(decision[1]
        .body
        .contains("Nachweislich falsche Sicherheitsangabe"));
    let to_vendor = app.mail().to(&seller.vendor.owner.email);
    let restricted = to_vendor.last().unwrap();
    assert_eq!(
        restricted.subject,
        "Ihre Inhalte: der Inhalt ist nicht mehr öffentlich sichtbar"
    );
    assert!(restricted.body.contains("Ja, natürlich."));
    assert_eq!(
        app.mail().messages().len(),
        before + 3,
        "the asker's question stays: no mail to them"
    );
    let queue = json_of(
        app.get("/v1/operator/notices", Some(operator)).await,
        StatusCode::OK,
    )
    .await;
    assert!(queue["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_removed_listing_and_question_vanish_and_a_kept_one_stays() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let operator = seller.vendor.operator.access_token.clone();
    let asker = customer(&app, "Sam Smith", "en").await;
    let question = ask(
        &app,
        &asker,
        &seller.product,
        "Does it grind fine enough for espresso?",
    )
    .await;
    answer(
        &app,
        &seller,
        &seller.vendor.owner.access_token,
        &question,
        "Yes.",
        true,
    )
    .await;
    let qid = question["id"].as_str().unwrap();

    // Keep: nothing changes, only the notifier hears.
    let kept = json_of(
        app.post("/v1/notices", &notice("question", qid), None)
            .await,
        StatusCode::CREATED,
    )
    .await;
    json_of(decide(&app, &operator, &kept, "keep").await, StatusCode::OK).await;
    assert_eq!(public_questions(&app, &seller.product).await.len(), 1);

    // Removing a question tells its asker, in the asker's language.
    let removed = json_of(
        app.post("/v1/notices", &notice("question", qid), None)
            .await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        decide(&app, &operator, &removed, "remove").await,
        StatusCode::OK,
    )
    .await;
    assert!(public_questions(&app, &seller.product).await.is_empty());
    app.deliver_notifications().await;
    let to_asker = app.mail().to(&asker.email);
    assert_eq!(to_asker.len(), 2, "the answer, then the removal");
    assert_eq!(to_asker[1].subject, "Your content: the content was removed");
    // Removed content can no longer be reported.
    problem_of(
        app.post("/v1/notices", &notice("question", qid), None)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "notice_target_not_found",
    )
    .await;

    // A hidden product listing leaves the product page and the search at once.
    let found = json_of(
        app.get("/v1/products?q=Kaffeem%C3%BChle", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    let listing = json_of(
        app.post("/v1/notices", &notice("product", &seller.product), None)
            .await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        decide(&app, &operator, &listing, "hide").await,
        StatusCode::OK,
    )
    .await;
    problem_of(
        app.get(&format!("/v1/products/{}", seller.product), None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let found = json_of(
        app.get("/v1/products?q=Kaffeem%C3%BChle", None).await,
        StatusCode::OK,
    )
    .await;
    assert!(found["items"].as_array().unwrap().is_empty(), "{found}");
    problem_of(
        app.get(&format!("/v1/products/{}/questions", seller.product), None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn notices_need_a_substantiated_good_faith_report_of_published_content() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let problem = problem_of(
        app.post(
            "/v1/notices",
            &json!({"target_type": "product", "target_id": seller.product, "reason": "other",
                    "explanation": "kurz", "name": "", "email": "keine-adresse",
                    "good_faith": false}),
            None,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        ["email", "explanation", "good_faith", "name"]
    );

    // An open question is not published content; nor is an unknown id.
    let asker = app.signed_in_customer().await;
    let open = ask(&app, &asker, &seller.product, "Gibt es Ersatzmesser dafür?").await;
    for (kind, id) in [
        ("question", open["id"].as_str().unwrap().to_owned()),
        ("answer", open["id"].as_str().unwrap().to_owned()),
        ("product", uuid::Uuid::now_v7().to_string()),
    ] {
        problem_of(
            app.post("/v1/notices", &notice(kind, &id), None).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "notice_target_not_found",
        )
        .await;
    }
    let queue = json_of(
        app.get(
            "/v1/operator/notices",
            Some(&seller.vendor.operator.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(queue["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn two_decisions_at_once_leave_exactly_one() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let operator = seller.vendor.operator.access_token.clone();
    let receipt = json_of(
        app.post("/v1/notices", &notice("product", &seller.product), None)
            .await,
        StatusCode::CREATED,
    )
    .await;
    let decisions = futures_util::future::join_all(
        ["keep", "hide", "remove", "keep"].map(|action| decide(&app, &operator, &receipt, action)),
    )
    .await;
    let statuses: Vec<StatusCode> = decisions.iter().map(|response| response.status()).collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|status| **status == StatusCode::OK)
            .count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|status| **status == StatusCode::CONFLICT)
            .count(),
        3
    );
    app.deliver_notifications().await;
    assert_eq!(
        app.mail().to("max@example.de").len(),
        2,
        "one receipt, one decision"
    );
}
