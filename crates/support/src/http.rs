//! HTTP handlers of support: product questions and answers, the vendor's inbox and live
//! feed, webhooks, and notices.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use kernel::auth::{bearer_token, Authenticated, Authenticator, Operator};
use kernel::id::{NoticeId, ProductId, QuestionId, VendorId, WebhookId};
use kernel::json::Json;
use kernel::openapi::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, TooManyRequests,
    Unauthorized, UnsupportedMediaType, ValidationFailed,
};
use kernel::pagination::{Page, PageParams};
use kernel::rate_limit::CredentialAttempt;
use kernel::Problem;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::SupportError;
use crate::feed::{self, FeedHub, Gate};
use crate::model::*;
use crate::service::SupportService;

/// Registers the support routes (relative to `/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(ask_question)
        .service(similar_questions)
        .service(product_questions)
        .service(my_questions)
        .service(withdraw_question)
        .service(inbox)
        .service(inbox_question)
        .service(answer_question)
        .service(update_answer)
        .service(reject_question)
        .service(vendor_events)
        .service(create_webhook)
        .service(list_webhooks)
        .service(delete_webhook)
        .service(webhook_deliveries)
        .service(submit_notice)
        .service(notice_queue)
        .service(decide_notice);
}

type QuestionPath = web::Path<(VendorId, QuestionId)>;

/// Ask the shop a question about a product
///
/// Signed-in customers. The question goes to the shop that sells the product, and only
/// there: it lands in the vendor's inbox and is e-mailed to the vendor's members. Nobody
/// else is asked; past buyers are never asked to answer. Check
/// `GET /v1/products/{product_id}/questions/similar` first: the answer may already be there.
#[utoipa::path(
    operation_id = "ask_question",
    tag = "questions",
    security(("bearer" = [])),
    params(("product_id" = uuid::Uuid, Path, description = "A published product's id.")),
    request_body = NewQuestion,
    responses(
        (status = 201, description = "The question, as the asker sees it.", body = MyQuestion),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/products/{product_id}/questions")]
async fn ask_question(
    principal: Authenticated,
    service: web::Data<SupportService>,
    product_id: web::Path<ProductId>,
    Json(request): Json<NewQuestion>,
) -> Result<HttpResponse, Problem> {
    let question = service.ask(&principal.0, *product_id, request).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/me/questions/{}", question.id)))
        .json(question))
}

/// Answered questions like mine
///
/// Published questions of this product that resemble `q` (same words, stemmed, or similar
/// spelling), best match first, each with the shop's answer.
#[utoipa::path(
    operation_id = "similar_questions",
    tag = "questions",
    security(()),
    params(("product_id" = uuid::Uuid, Path, description = "A published product's id."), SimilarParams),
    responses(
        (status = 200, description = "Similar answered questions.", body = Vec<PublicQuestion>),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/products/{product_id}/questions/similar")]
async fn similar_questions(
    service: web::Data<SupportService>,
    product_id: web::Path<ProductId>,
    params: web::Query<SimilarParams>,
) -> Result<web::Json<Vec<PublicQuestion>>, Problem> {
    Ok(web::Json(service.similar(*product_id, &params).await?))
}

/// A product's questions and answers
///
/// Published Q&A, newest question first. The asker shows by first name or as
/// "a customer", as the asker chose; the answer is the shop's.
#[utoipa::path(
    operation_id = "product_questions",
    tag = "questions",
    security(()),
    params(("product_id" = uuid::Uuid, Path, description = "A published product's id."), PageParams),
    responses(
        (status = 200, description = "A page of published questions and answers.", body = Page<PublicQuestion>),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/products/{product_id}/questions")]
async fn product_questions(
    service: web::Data<SupportService>,
    product_id: web::Path<ProductId>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<PublicQuestion>>, Problem> {
    Ok(web::Json(service.published(*product_id, &page).await?))
}

/// My questions
///
/// The signed-in account's questions, newest first, with the shop's answer (published or
/// not) or its reason for rejecting.
#[utoipa::path(
    operation_id = "my_questions",
    tag = "questions",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of the account's questions.", body = Page<MyQuestion>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/me/questions")]
async fn my_questions(
    principal: Authenticated,
    service: web::Data<SupportService>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<MyQuestion>>, Problem> {
    Ok(web::Json(service.my_questions(&principal.0, &page).await?))
}

/// Withdraw my question
///
/// Only while it is open (not yet answered or rejected).
#[utoipa::path(
    operation_id = "withdraw_question",
    tag = "questions",
    security(("bearer" = [])),
    params(("question_id" = uuid::Uuid, Path, description = "One of the account's questions.")),
    responses(
        (status = 200, description = "The withdrawn question.", body = MyQuestion),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
    )
)]
#[post("/me/questions/{question_id}/withdraw")]
async fn withdraw_question(
    principal: Authenticated,
    service: web::Data<SupportService>,
    question_id: web::Path<QuestionId>,
) -> Result<web::Json<MyQuestion>, Problem> {
    Ok(web::Json(
        service.withdraw(&principal.0, *question_id).await?,
    ))
}

/// The vendor's questions inbox
///
/// Any member (owner, manager, staff), or an API key with `questions:read`. Open questions
/// come oldest first, with their age; answered, rejected and withdrawn ones newest first.
/// The asker appears by display name only, never by e-mail address.
#[utoipa::path(
    operation_id = "vendor_questions",
    tag = "questions",
    security(("bearer" = []), ("api_key" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."), InboxParams, PageParams),
    responses(
        (status = 200, description = "A page of questions.", body = Page<InboxQuestion>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/questions")]
async fn inbox(
    principal: Authenticated,
    service: web::Data<SupportService>,
    vendor_id: web::Path<VendorId>,
    params: web::Query<InboxParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<InboxQuestion>>, Problem> {
    Ok(web::Json(
        service
            .inbox(&principal.0, *vendor_id, params.status, &page)
            .await?,
    ))
}

/// A question in the inbox
///
/// With the answer and its earlier wordings.
#[utoipa::path(
    operation_id = "vendor_question",
    tag = "questions",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("question_id" = uuid::Uuid, Path, description = "The question's id."),
    ),
    responses(
        (status = 200, description = "The question.", body = InboxQuestion),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/questions/{question_id}")]
async fn inbox_question(
    principal: Authenticated,
    service: web::Data<SupportService>,
    path: QuestionPath,
) -> Result<web::Json<InboxQuestion>, Problem> {
    let (vendor_id, question_id) = path.into_inner();
    Ok(web::Json(
        service
            .inbox_question(&principal.0, vendor_id, question_id)
            .await?,
    ))
}

/// Answer a question
///
/// Any member, or an API key with `questions:write`; the answer is stored with its author.
/// The asker is e-mailed the answer. With `publish: true` the question and answer appear on
/// the product's public Q&A. One answer per question: change it with `PATCH`.
#[utoipa::path(
    operation_id = "answer_question",
    tag = "questions",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("question_id" = uuid::Uuid, Path, description = "An open question's id."),
    ),
    request_body = NewAnswer,
    responses(
        (status = 201, description = "The answered question.", body = InboxQuestion),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/questions/{question_id}/answer")]
async fn answer_question(
    principal: Authenticated,
    service: web::Data<SupportService>,
    path: QuestionPath,
    Json(request): Json<NewAnswer>,
) -> Result<HttpResponse, Problem> {
    let (vendor_id, question_id) = path.into_inner();
    let question = service
        .answer(&principal.0, vendor_id, question_id, request)
        .await?;
    Ok(HttpResponse::Created().json(question))
}

/// Edit, publish or unpublish the answer
///
/// A new `body` keeps the previous wording in `previous_versions`; `publish` shows or
/// withdraws the Q&A on the product page. An answer removed after a notice cannot change.
#[utoipa::path(
    operation_id = "update_answer",
    tag = "questions",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("question_id" = uuid::Uuid, Path, description = "An answered question's id."),
    ),
    request_body = AnswerUpdate,
    responses(
        (status = 200, description = "The question with the changed answer.", body = InboxQuestion),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[patch("/vendors/{vendor_id}/questions/{question_id}/answer")]
async fn update_answer(
    principal: Authenticated,
    service: web::Data<SupportService>,
    path: QuestionPath,
    Json(request): Json<AnswerUpdate>,
) -> Result<web::Json<InboxQuestion>, Problem> {
    let (vendor_id, question_id) = path.into_inner();
    Ok(web::Json(
        service
            .update_answer(&principal.0, vendor_id, question_id, request)
            .await?,
    ))
}

/// Reject a question
///
/// For spam or abuse: the question stays unanswered and unpublished, and the asker is
/// e-mailed the reason. Only open questions.
#[utoipa::path(
    operation_id = "reject_question",
    tag = "questions",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("question_id" = uuid::Uuid, Path, description = "An open question's id."),
    ),
    request_body = QuestionRejection,
    responses(
        (status = 200, description = "The rejected question.", body = InboxQuestion),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/questions/{question_id}/reject")]
async fn reject_question(
    principal: Authenticated,
    service: web::Data<SupportService>,
    path: QuestionPath,
    Json(request): Json<QuestionRejection>,
) -> Result<web::Json<InboxQuestion>, Problem> {
    let (vendor_id, question_id) = path.into_inner();
    Ok(web::Json(
        service
            .reject(&principal.0, vendor_id, question_id, request)
            .await?,
    ))
}

/// The vendor's live inbox (Server-Sent Events)
///
/// A `text/event-stream` of the vendor's events as they happen, on whichever API instance:
/// `question.created`, `question.answered`, `question.answer_updated`,
/// `question.rejected`, `question.withdrawn`, `content.restricted`. Each message has
/// `id` (a sequence number per vendor), `event` (the type) and `data` (the same JSON
/// envelope a webhook receives). Reconnect with the `Last-Event-ID` header to receive what
/// was missed. Idle streams get a `: keep-alive` comment every 15 seconds. The credentials
/// are checked again before each batch of events and each keep-alive: the stream ends when
/// the access token expires, the member is removed or the key revoked (reconnect with a
/// fresh token and `Last-Event-ID`). Any member, or an API key with `questions:read`.
#[utoipa::path(
    operation_id = "vendor_events",
    tag = "questions",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("Last-Event-ID" = Option<i64>, Header, description = "The `id` of the last message received; the stream resumes after it."),
    ),
    responses(
        (status = 200, description = "The event stream.", content_type = "text/event-stream", body = String),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/events")]
async fn vendor_events(
    request: HttpRequest,
    principal: Authenticated,
    service: web::Data<SupportService>,
    hub: web::Data<FeedHub>,
    authenticator: web::Data<dyn Authenticator>,
    vendor_id: web::Path<VendorId>,
) -> Result<HttpResponse, Problem> {
    let head = service.open_feed(&principal.0, *vendor_id).await?;
    let gate = Gate {
        authenticator: authenticator.into_inner(),
        token: bearer_token(&request)?.unwrap_or_default(),
    };
    let after = match request.headers().get("Last-Event-ID") {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|value| value.trim().parse::<i64>().ok())
                .filter(|seq| (0..=head).contains(seq))
                .ok_or(SupportError::InvalidLastEventId)?,
        ),
    };
    let service = service.get_ref().clone();
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(feed::stream(service, gate, &hub, *vendor_id, after, head)))
}

/// Subscribe a webhook
///
/// Owners only. Each event is POSTed as JSON to `url` with the headers
/// `Marketplace-Event` (the type), `Marketplace-Event-Id` (de-duplicate on it: retries
/// repeat it), `Marketplace-Delivery-Id`, `Marketplace-Timestamp` (Unix seconds) and
/// `Marketplace-Signature: v1=<hex>`, the HMAC-SHA256 keyed with the secret over
/// `"{timestamp}.{raw body}"`. Any 2xx answer within 10 seconds counts as delivered;
/// otherwise the call is retried after 1, 2, 4, ... minutes (at most 6 hours apart, 10
/// attempts). Redirects are not followed. Private, loopback and link-local targets are
/// refused. The secret is in this response only.
#[utoipa::path(
    operation_id = "create_webhook",
    tag = "webhooks",
    security(("bearer" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    request_body = NewWebhook,
    responses(
        (status = 201, description = "The webhook and its secret (shown once).", body = CreatedWebhook),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/vendors/{vendor_id}/webhooks")]
async fn create_webhook(
    principal: Authenticated,
    service: web::Data<SupportService>,
    vendor_id: web::Path<VendorId>,
    Json(request): Json<NewWebhook>,
) -> Result<HttpResponse, Problem> {
    let created = service
        .create_webhook(&principal.0, *vendor_id, request)
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/v1/vendors/{}/webhooks/{}", vendor_id, created.webhook.id),
        ))
        .json(created))
}

/// The vendor's webhooks
///
/// Owners only; secrets are not shown again.
#[utoipa::path(
    operation_id = "list_webhooks",
    tag = "webhooks",
    security(("bearer" = [])),
    params(("vendor_id" = uuid::Uuid, Path, description = "The vendor's id.")),
    responses(
        (status = 200, description = "The webhooks, oldest first.", body = Page<Webhook>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/webhooks")]
async fn list_webhooks(
    principal: Authenticated,
    service: web::Data<SupportService>,
    vendor_id: web::Path<VendorId>,
) -> Result<web::Json<Page<Webhook>>, Problem> {
    Ok(web::Json(Page::all(
        service.webhooks(&principal.0, *vendor_id).await?,
    )))
}

/// Delete a webhook
///
/// Owners only. Nothing more is delivered to it, pending retries included; its delivery log
/// stays readable.
#[utoipa::path(
    operation_id = "delete_webhook",
    tag = "webhooks",
    security(("bearer" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("webhook_id" = uuid::Uuid, Path, description = "The webhook's id."),
    ),
    responses(
        (status = 204, description = "The webhook is deleted."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
    )
)]
#[delete("/vendors/{vendor_id}/webhooks/{webhook_id}")]
async fn delete_webhook(
    principal: Authenticated,
    service: web::Data<SupportService>,
    path: web::Path<(VendorId, WebhookId)>,
) -> Result<HttpResponse, Problem> {
    let (vendor_id, webhook_id) = path.into_inner();
    service
        .delete_webhook(&principal.0, vendor_id, webhook_id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A webhook's delivery log
///
/// Owners only. Newest first; each delivery with its attempts (HTTP status or error) and,
/// while pending, when it is tried next.
#[utoipa::path(
    operation_id = "webhook_deliveries",
    tag = "webhooks",
    security(("bearer" = [])),
    params(
        ("vendor_id" = uuid::Uuid, Path, description = "The vendor's id."),
        ("webhook_id" = uuid::Uuid, Path, description = "The webhook's id."),
        PageParams,
    ),
    responses(
        (status = 200, description = "A page of deliveries.", body = Page<WebhookDelivery>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/vendors/{vendor_id}/webhooks/{webhook_id}/deliveries")]
async fn webhook_deliveries(
    principal: Authenticated,
    service: web::Data<SupportService>,
    path: web::Path<(VendorId, WebhookId)>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<WebhookDelivery>>, Problem> {
    let (vendor_id, webhook_id) = path.into_inner();
    Ok(web::Json(
        service
            .deliveries(&principal.0, vendor_id, webhook_id, &page)
            .await?,
    ))
}

/// Report content (notice and action, DSA Art. 16)
///
/// Anyone, signed in or not, can report a published question, answer (by its question's
/// id) or product listing they hold illegal or against the rules. The notifier gets a
/// receipt at once (also by e-mail) and later the decision with its reasons. Since each
/// notice sends e-mail, a client shares the login attempts' rate limit (`429`).
#[utoipa::path(
    operation_id = "submit_notice",
    tag = "notices",
    security(()),
    request_body = NewNotice,
    responses(
        (status = 201, description = "The receipt.", body = NoticeReceipt),
        (status = 400, response = BadRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
    )
)]
#[post("/notices")]
async fn submit_notice(
    _: CredentialAttempt,
    service: web::Data<SupportService>,
    Json(request): Json<NewNotice>,
) -> Result<HttpResponse, Problem> {
    Ok(HttpResponse::Created().json(service.submit_notice(request).await?))
}

/// The notice queue
///
/// Operators only. Open notices oldest first, decided ones newest first; each with the
/// reported content as it stands.
#[utoipa::path(
    operation_id = "notice_queue",
    tag = "operator",
    security(("bearer" = [])),
    params(NoticeQueueParams, PageParams),
    responses(
        (status = 200, description = "A page of notices.", body = Page<Notice>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[get("/operator/notices")]
async fn notice_queue(
    _: Operator,
    service: web::Data<SupportService>,
    params: web::Query<NoticeQueueParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<Notice>>, Problem> {
    Ok(web::Json(service.notices(params.status, &page).await?))
}

/// Decide a notice
///
/// Operators only, once per notice. `hide` and `remove` take the content off every public
/// endpoint at once. The statement of reasons is e-mailed to the notifier and, unless the
/// content stays, to whoever posted it (DSA Art. 17): for listings and answers the vendor's
/// members, webhooks and live inbox (`content.restricted`); for questions the asker.
#[utoipa::path(
    operation_id = "decide_notice",
    tag = "operator",
    security(("bearer" = [])),
    params(("notice_id" = uuid::Uuid, Path, description = "The notice's id.")),
    request_body = NoticeDecisionRequest,
    responses(
        (status = 200, description = "The decided notice.", body = Notice),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/operator/notices/{notice_id}/decision")]
async fn decide_notice(
    operator: Operator,
    service: web::Data<SupportService>,
    notice_id: web::Path<NoticeId>,
    Json(request): Json<NoticeDecisionRequest>,
) -> Result<web::Json<Notice>, Problem> {
    Ok(web::Json(
        service
            .decide_notice(operator.0.id, *notice_id, request)
            .await?,
    ))
}
