//! Product questions: routed to the selling shop and nobody else, answered, published,
//! edited, unpublished, rejected and withdrawn; similar questions; the inbox's privacy; API
//! keys; responsiveness on the vendor profile.

use crate::helpers::{fields, json_of, problem_of, ApprovedVendor, Session, TestApp, PASSWORD};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

/// A shop with one published product.
pub struct Shop {
    pub vendor: ApprovedVendor,
    pub product: String,
}

pub async fn shop(app: &TestApp, name: &str) -> Shop {
    let vendor = app.approved_vendor(name).await;
    let category = app
        .category(&vendor.operator, &format!("Küche {name}"), None)
        .await;
    let product = app
        .published_product(&vendor, "Kaffeemühle Mahlkönig", &category, "MK-1", "89.00")
        .await;
    Shop { vendor, product }
}

/// A customer with this display name and e-mail language.
pub async fn customer(app: &TestApp, display_name: &str, language: &str) -> Session {
    let email = format!("kunde-{}@example.de", Uuid::now_v7().simple());
    let registered = app
        .post(
            "/v1/auth/register",
            &json!({"email": email, "password": PASSWORD, "display_name": display_name,
                    "language": language}),
            None,
        )
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    app.session_for(&email, PASSWORD).await
}

pub async fn ask(app: &TestApp, customer: &Session, product: &str, body: &str) -> Value {
    json_of(
        app.post(
            &format!("/v1/products/{product}/questions"),
            &json!({"body": body, "show_first_name": true}),
            Some(&customer.access_token),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

pub async fn answer(
    app: &TestApp,
    shop: &Shop,
    token: &str,
    question: &Value,
    body: &str,
    publish: bool,
) -> Value {
    json_of(
        app.post(
            &format!(
                "/v1/vendors/{}/questions/{}/answer",
                shop.vendor.id,
                question["id"].as_str().unwrap()
            ),
            &json!({"body": body, "publish": publish}),
            Some(token),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

async fn edit(app: &TestApp, shop: &Shop, question: &Value, change: &Value) -> Value {
    json_of(
        app.patch(
            &format!(
                "/v1/vendors/{}/questions/{}/answer",
                shop.vendor.id,
                question["id"].as_str().unwrap()
            ),
            change,
            Some(&shop.vendor.owner.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

pub async fn public_questions(app: &TestApp, product: &str) -> Vec<Value> {
    json_of(
        app.get(&format!("/v1/products/{product}/questions"), None)
            .await,
        StatusCode::OK,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn inbox(app: &TestApp, vendor: &ApprovedVendor, token: &str, status: &str) -> Vec<Value> {
    json_of(
        app.get(
            &format!("/v1/vendors/{}/questions?status={status}", vendor.id),
            Some(token),
        )
        .await,
        StatusCode::OK,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_question_reaches_the_selling_shops_members_and_nobody_else() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let staff = app.vendor_member(&seller.vendor, "staff").await;
    let manager = app.vendor_member(&seller.vendor, "manager").await;
    let other = shop(&app, "Teeladen Berger").await;
    let asker = customer(&app, "Anna Schulz", "de").await;
    let bystander = app.signed_in_customer().await;

    let question = ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;
    assert_eq!(question["status"], "open");
    assert_eq!(question["product"]["id"], seller.product.as_str());
    app.deliver_notifications().await;

    let mail = app.mail();
    for member in [&seller.vendor.owner, &staff, &manager] {
        let received = mail.to(&member.email);
        assert_eq!(received.len(), 1, "{}", member.email);
        assert_eq!(
            received[0].subject,
            "Neue Kundenfrage zu „Kaffeemühle Mahlkönig“"
        );
        assert!(received[0]
            .body
            .contains("Passt die Mühle auch für Espresso?"));
    }
    assert_eq!(mail.messages().len(), 3, "nobody else is written to");
    for outsider in [
        &other.vendor.owner,
        &seller.vendor.operator,
        &asker,
        &bystander,
    ] {
        assert!(mail.to(&outsider.email).is_empty(), "{}", outsider.email);
    }

    // The inbox shows the asker's display name, never the e-mail address.
    let response = app
        .get(
            &format!("/v1/vendors/{}/questions", seller.vendor.id),
            Some(&staff.access_token),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(!text.contains(&asker.email), "{text}");
    let page: Value = serde_json::from_str(&text).unwrap();
    let item = &page["items"][0];
    assert_eq!(item["asker_display_name"], "Anna Schulz");
    assert_eq!(item["body"], "Passt die Mühle auch für Espresso?");
    assert_eq!(item["product"]["title"], "Kaffeemühle Mahlkönig");
    assert_eq!(item["age_seconds"], 0);
    app.clock.advance(Duration::minutes(10));
    let item = &inbox(&app, &seller.vendor, &staff.access_token, "open").await[0];
    assert_eq!(item["age_seconds"], 600);

    // Another shop, the asker and a bystander see none of it.
    assert!(inbox(
        &app,
        &other.vendor,
        &other.vendor.owner.access_token,
        "open"
    )
    .await
    .is_empty());
    for outsider in [&other.vendor.owner, &asker, &bystander] {
        problem_of(
            app.get(
                &format!("/v1/vendors/{}/questions", seller.vendor.id),
                Some(&outsider.access_token),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
}

#[tokio::test]
async fn questions_are_validated_and_only_customers_ask_other_shops() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let asker = app.signed_in_customer().await;
    let path = format!("/v1/products/{}/questions", seller.product);

    let problem = problem_of(
        app.post(
            &path,
            &json!({"body": "  Kurz?  "}),
            Some(&asker.access_token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["body"]);
    problem_of(
        app.post(
            &path,
            &json!({"body": "x".repeat(2001)}),
            Some(&asker.access_token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    problem_of(
        app.post(
            &format!("/v1/products/{}/questions", Uuid::now_v7()),
            &json!({"body": "Gibt es das auch in Blau?"}),
            Some(&asker.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem_of(
        app.post(&path, &json!({"body": "Gibt es das auch in Blau?"}), None)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    problem_of(
        app.post(
            &path,
            &json!({"body": "Gibt es das auch in Blau?"}),
            Some(&seller.vendor.owner.access_token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "own_product",
    )
    .await;
    problem_of(
        app.post(
            &path,
            &json!({"body": "Gibt es das auch in Blau?"}),
            Some(&seller.vendor.operator.access_token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Nothing was asked.
    assert!(inbox(
        &app,
        &seller.vendor,
        &seller.vendor.owner.access_token,
        "open"
    )
    .await
    .is_empty());
}

#[tokio::test]
async fn answers_are_published_edited_with_history_and_unpublished() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let staff = app.vendor_member(&seller.vendor, "staff").await;
    let asker = customer(&app, "Anna Maria Schulz", "de").await;
    let question = ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;

    let answered = answer(
        &app,
        &seller,
        &staff.access_token,
        &question,
        "Ja, sehr fein.",
        false,
    )
    .await;
    assert_eq!(answered["status"], "answered");
    assert_eq!(answered["answer"]["body"], "Ja, sehr fein.");
    assert_eq!(answered["answer"]["published"], false);
    assert_eq!(answered["answer"]["author"]["display_name"], "Kundin");
    assert!(public_questions(&app, &seller.product).await.is_empty());

    // The asker is told, and sees the answer before it is published.
    app.deliver_notifications().await;
    let received = app.mail().to(&asker.email);
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].subject,
        "Kaffeerösterei Müller hat Ihre Frage zu „Kaffeemühle Mahlkönig“ beantwortet"
    );
    assert!(received[0].body.contains("Ja, sehr fein."));
    let mine = json_of(
        app.get("/v1/me/questions", Some(&asker.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"][0]["answer"]["body"], "Ja, sehr fein.");
    assert_eq!(mine["items"][0]["answer"]["published"], false);

    // One answer per question.
    problem_of(
        app.post(
            &format!(
                "/v1/vendors/{}/questions/{}/answer",
                seller.vendor.id,
                question["id"].as_str().unwrap()
            ),
            &json!({"body": "Noch eine Antwort", "publish": true}),
            Some(&staff.access_token),
        )
        .await,
        StatusCode::CONFLICT,
        "already_answered",
    )
    .await;

    edit(&app, &seller, &question, &json!({"publish": true})).await;
    let public = public_questions(&app, &seller.product).await;
    assert_eq!(public.len(), 1);
    assert_eq!(public[0]["question"], "Passt die Mühle auch für Espresso?");
    assert_eq!(public[0]["asker_name"], "Anna");
    assert_eq!(public[0]["answer"]["body"], "Ja, sehr fein.");
    assert_eq!(public[0]["answer"]["vendor_name"], "Kaffeerösterei Müller");

    app.clock.advance(Duration::minutes(5));
    let edited = edit(
        &app,
        &seller,
        &question,
        &json!({"body": "Ja, bis Stufe 2 fein genug."}),
    )
    .await;
    assert_eq!(edited["answer"]["body"], "Ja, bis Stufe 2 fein genug.");
    assert_eq!(edited["answer"]["author"]["display_name"], "Kundin");
    let previous = edited["answer"]["previous_versions"].as_array().unwrap();
    assert_eq!(previous.len(), 1);
    assert_eq!(previous[0]["body"], "Ja, sehr fein.");
    assert_eq!(
        public_questions(&app, &seller.product).await[0]["answer"]["body"],
        "Ja, bis Stufe 2 fein genug."
    );

    edit(&app, &seller, &question, &json!({"publish": false})).await;
    assert!(public_questions(&app, &seller.product).await.is_empty());

    // A customer who keeps their name to themselves is "a customer".
    let shy = app.signed_in_customer().await;
    let anonymous = json_of(
        app.post(
            &format!("/v1/products/{}/questions", seller.product),
            &json!({"body": "Wie laut ist das Mahlwerk?"}),
            Some(&shy.access_token),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    answer(
        &app,
        &seller,
        &staff.access_token,
        &anonymous,
        "Etwa 70 dB.",
        true,
    )
    .await;
    let public = public_questions(&app, &seller.product).await;
    assert_eq!(public.len(), 1);
    assert_eq!(public[0]["asker_name"], "a customer");

    // A question without an answer has nothing to edit; another vendor's is not found.
    let open = ask(&app, &asker, &seller.product, "Gibt es Ersatzmesser dafür?").await;
    problem_of(
        app.patch(
            &format!(
                "/v1/vendors/{}/questions/{}/answer",
                seller.vendor.id,
                open["id"].as_str().unwrap()
            ),
            &json!({"publish": true}),
            Some(&staff.access_token),
        )
        .await,
        StatusCode::CONFLICT,
        "not_answered",
    )
    .await;
    let other = shop(&app, "Teeladen Berger").await;
    problem_of(
        app.post(
            &format!(
                "/v1/vendors/{}/questions/{}/answer",
                other.vendor.id,
                open["id"].as_str().unwrap()
            ),
            &json!({"body": "Fremde Antwort", "publish": true}),
            Some(&other.vendor.owner.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn vendors_reject_and_askers_withdraw_open_questions() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let asker = customer(&app, "Sam Smith", "en").await;
    let spam = ask(
        &app,
        &asker,
        &seller.product,
        "Buy cheap watches at example.com!",
    )
    .await;
    let qid = spam["id"].as_str().unwrap();

    let problem = problem_of(
        app.post(
            &format!("/v1/vendors/{}/questions/{qid}/reject", seller.vendor.id),
            &json!({"reason": ""}),
            Some(&seller.vendor.owner.access_token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["reason"]);
    let rejected = json_of(
        app.post(
            &format!("/v1/vendors/{}/questions/{qid}/reject", seller.vendor.id),
            &json!({"reason": "Werbung für ein anderes Geschäft."}),
            Some(&seller.vendor.owner.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(
        rejected["rejection_reason"],
        "Werbung für ein anderes Geschäft."
    );
    assert!(inbox(
        &app,
        &seller.vendor,
        &seller.vendor.owner.access_token,
        "open"
    )
    .await
    .is_empty());
    assert_eq!(
        inbox(
            &app,
            &seller.vendor,
            &seller.vendor.owner.access_token,
            "rejected"
        )
        .await
        .len(),
        1
    );
    problem_of(
        app.post(
            &format!("/v1/vendors/{}/questions/{qid}/answer", seller.vendor.id),
            &json!({"body": "Doch noch", "publish": true}),
            Some(&seller.vendor.owner.access_token),
        )
        .await,
        StatusCode::CONFLICT,
        "question_not_open",
    )
    .await;

    // The asker, writing in English, is told why in English.
    app.deliver_notifications().await;
    let received = app.mail().to(&asker.email);
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].subject,
        "Your question about “Kaffeemühle Mahlkönig” was declined"
    );
    assert!(received[0]
        .body
        .contains("Werbung für ein anderes Geschäft."));

    // Withdrawing: only the asker, only while open.
    let question = ask(
        &app,
        &asker,
        &seller.product,
        "Is the grinder available in black?",
    )
    .await;
    let withdraw = format!(
        "/v1/me/questions/{}/withdraw",
        question["id"].as_str().unwrap()
    );
    let stranger = app.signed_in_customer().await;
    problem_of(
        app.post(&withdraw, &json!({}), Some(&stranger.access_token))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let withdrawn = json_of(
        app.post(&withdraw, &json!({}), Some(&asker.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(withdrawn["status"], "withdrawn");
    problem_of(
        app.post(&withdraw, &json!({}), Some(&asker.access_token))
            .await,
        StatusCode::CONFLICT,
        "question_not_open",
    )
    .await;
    assert_eq!(
        inbox(
            &app,
            &seller.vendor,
            &seller.vendor.owner.access_token,
            "withdrawn"
        )
        .await
        .len(),
        1
    );
    problem_of(
        app.post(
            &format!("/v1/me/questions/{qid}/withdraw"),
            &json!({}),
            Some(&asker.access_token),
        )
        .await,
        StatusCode::CONFLICT,
        "question_not_open",
    )
    .await;
}

#[tokio::test]
async fn similar_published_questions_are_found_before_asking() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let asker = app.signed_in_customer().await;
    let token = seller.vendor.owner.access_token.clone();
    let espresso = ask(
        &app,
        &asker,
        &seller.product,
        "Kann man mit der Mühle Espresso mahlen?",
    )
    .await;
    answer(
        &app,
        &seller,
        &token,
        &espresso,
        "Ja, fein genug für Espresso.",
        true,
    )
    .await;
    let noise = ask(
        &app,
        &asker,
        &seller.product,
        "Wie laut ist das Mahlwerk beim Mahlen?",
    )
    .await;
    answer(&app, &seller, &token, &noise, "Etwa 70 dB.", true).await;
    let unpublished = ask(
        &app,
        &asker,
        &seller.product,
        "Ist Espresso-Mahlgrad einstellbar?",
    )
    .await;
    answer(&app, &seller, &token, &unpublished, "Ja.", false).await;

    let similar = |q: &str| {
        let app = &app;
        let path = format!("/v1/products/{}/questions/similar?q={}", seller.product, q);
        async move { json_of(app.get(&path, None).await, StatusCode::OK).await }
    };
    let found = similar("Taugt%20die%20M%C3%BChle%20f%C3%BCr%20Espresso%3F").await;
    let ids: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [espresso["id"].as_str().unwrap()], "{found}");
    assert_eq!(found[0]["answer"]["body"], "Ja, fein genug für Espresso.");
    // A misspelling still finds it (trigram similarity).
    let found = similar("Esspreso").await;
    assert_eq!(found[0]["id"], espresso["id"], "{found}");
    assert!(similar("Garantie").await.as_array().unwrap().is_empty());

    let problem = problem_of(
        app.get(
            &format!(
                "/v1/products/{}/questions/similar?q=ab&limit=50",
                seller.product
            ),
            None,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["limit", "q"]);
}

#[tokio::test]
async fn shops_answer_from_their_own_tools_with_scoped_api_keys() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let asker = app.signed_in_customer().await;
    let question = ask(&app, &asker, &seller.product, "Gibt es Ersatzmesser dafür?").await;
    let qid = question["id"].as_str().unwrap();
    let reader = app.api_key(&seller.vendor, &["questions:read"]).await;
    let writer = app
        .api_key(&seller.vendor, &["questions:read", "questions:write"])
        .await;
    let catalog = app.api_key(&seller.vendor, &["catalog:read"]).await;

    assert_eq!(inbox(&app, &seller.vendor, &reader, "open").await.len(), 1);
    problem_of(
        app.get(
            &format!("/v1/vendors/{}/questions", seller.vendor.id),
            Some(&catalog),
        )
        .await,
        StatusCode::FORBIDDEN,
        "insufficient_scope",
    )
    .await;
    let answer_path = format!("/v1/vendors/{}/questions/{qid}/answer", seller.vendor.id);
    problem_of(
        app.post(
            &answer_path,
            &json!({"body": "Ja, im Set.", "publish": true}),
            Some(&reader),
        )
        .await,
        StatusCode::FORBIDDEN,
        "insufficient_scope",
    )
    .await;
    let answered = json_of(
        app.post(
            &answer_path,
            &json!({"body": "Ja, im Set.", "publish": true}),
            Some(&writer),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert!(answered["answer"]["author"]["api_key_id"].is_string());
    assert!(answered["answer"]["author"]["account_id"].is_null());
    assert_eq!(public_questions(&app, &seller.product).await.len(), 1);
    let other = shop(&app, "Teeladen Berger").await;
    problem_of(
        app.get(
            &format!("/v1/vendors/{}/questions", other.vendor.id),
            Some(&writer),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn the_vendor_profile_shows_responsiveness_once_there_are_enough_questions() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let asker = app.signed_in_customer().await;
    let mut questions = Vec::new();
    for n in 1..=5 {
        questions.push(
            ask(
                &app,
                &asker,
                &seller.product,
                &format!("Frage Nummer {n} zur Mühle?"),
            )
            .await,
        );
    }
    let profile = || async {
        json_of(
            app.get(&format!("/v1/vendors/{}", seller.vendor.slug), None)
                .await,
            StatusCode::OK,
        )
        .await
    };
    let figures = profile().await["responsiveness"].clone();
    assert_eq!(figures["questions_counted"], 5);
    assert!(
        figures["median_first_answer_minutes"].is_null(),
        "{figures}"
    );
    assert!(
        figures["answered_within_24h_percent"].is_null(),
        "none is a day old yet"
    );

    // Answers after 30 minutes, 1 hour, 2 hours and 30 hours; one never.
    for (minutes, index) in [(30, 0), (60, 1), (120, 2), (1800, 3)] {
        app.clock
            .set(crate::helpers::start_of_time() + Duration::minutes(minutes));
        let token = app
            .session_for(&seller.vendor.owner.email, PASSWORD)
            .await
            .access_token;
        answer(
            &app,
            &seller,
            &token,
            &questions[index],
            "Danke für Ihre Frage.",
            true,
        )
        .await;
    }
    let figures = profile().await["responsiveness"].clone();
    assert_eq!(figures["median_first_answer_minutes"], 90, "{figures}");
    assert_eq!(figures["answered_within_24h_percent"], 60, "{figures}");
    assert_eq!(figures["questions_counted"], 5);

    // The figures look at the last 90 days, and four questions mean nothing.
    app.clock.advance(Duration::days(91));
    assert!(profile().await["responsiveness"].is_null());
}

#[tokio::test]
async fn two_answers_at_once_leave_exactly_one() {
    let app = TestApp::spawn().await;
    let seller = shop(&app, "Kaffeerösterei Müller").await;
    let staff = app.vendor_member(&seller.vendor, "staff").await;
    let asker = app.signed_in_customer().await;
    let question = ask(
        &app,
        &asker,
        &seller.product,
        "Passt die Mühle auch für Espresso?",
    )
    .await;
    let path = format!(
        "/v1/vendors/{}/questions/{}/answer",
        seller.vendor.id,
        question["id"].as_str().unwrap()
    );
    let answers = futures_util::future::join_all((0..6).map(|n| {
        let token = if n % 2 == 0 {
            &staff.access_token
        } else {
            &seller.vendor.owner.access_token
        };
        let path = &path;
        let app = &app;
        async move {
            app.post(
                path,
                &json!({"body": format!("Antwort {n}"), "publish": true}),
                Some(token),
            )
            .await
            .status()
        }
    }))
    .await;
    assert_eq!(
        answers
            .iter()
            .filter(|status| **status == StatusCode::CREATED)
            .count(),
        1
    );
    assert_eq!(
        answers
            .iter()
            .filter(|status| **status == StatusCode::CONFLICT)
            .count(),
        5
    );
    assert_eq!(public_questions(&app, &seller.product).await.len(), 1);
    app.deliver_notifications().await;
    assert_eq!(
        app.mail().to(&asker.email).len(),
        1,
        "the asker is told once"
    );
}
