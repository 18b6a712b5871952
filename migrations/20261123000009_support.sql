-- Support: product questions routed to the selling vendor, answers with their history,
-- notices (DSA Art. 16) with decisions, webhooks, and the deliveries the outbox worker
-- fans events out to (e-mails, webhook calls, the vendors' live feed).

-- An event whose fan-out fails is retried with backoff, then set aside (failed_at) so that
-- it cannot hold up the events behind it.
ALTER TABLE outbox
    ADD COLUMN attempts   integer NOT NULL DEFAULT 0,
    ADD COLUMN retry_at   timestamptz,
    ADD COLUMN last_error text,
    ADD COLUMN failed_at  timestamptz;
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (created_at, id)
    WHERE delivered_at IS NULL AND failed_at IS NULL;

-- The language of the e-mails an account receives.
ALTER TABLE accounts
    ADD COLUMN language text NOT NULL DEFAULT 'de' CHECK (language IN ('de', 'en'));

-- Content restricted by an operator's decision on a notice: withheld from every public
-- endpoint ('hidden') or taken down for good ('removed').
ALTER TABLE products
    ADD COLUMN moderation text CHECK (moderation IN ('hidden', 'removed'));

CREATE TABLE questions (
    id                uuid        PRIMARY KEY,
    product_id        uuid        NOT NULL REFERENCES products (id),
    -- The vendor that sells the product: the only party the question is routed to.
    vendor_id         uuid        NOT NULL REFERENCES vendors (id),
    asker_id          uuid        NOT NULL REFERENCES accounts (id),
    body              text        NOT NULL CHECK (char_length(body) BETWEEN 10 AND 2000),
    -- Public Q&A shows the asker's first name, or "a customer".
    show_first_name   boolean     NOT NULL,
    status            text        NOT NULL
                                  CHECK (status IN ('open', 'answered', 'rejected', 'withdrawn')),
    rejection_reason  text,
    moderation        text        CHECK (moderation IN ('hidden', 'removed')),
    created_at        timestamptz NOT NULL,
    first_answered_at timestamptz,
    closed_at         timestamptz,
    search_vector     tsvector    GENERATED ALWAYS AS
        (to_tsvector('german', fold_german(body))) STORED,
    CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL)),
    CHECK ((status IN ('rejected', 'withdrawn')) = (closed_at IS NOT NULL)),
    CHECK (first_answered_at IS NULL OR status <> 'open')
);
-- The inbox: a vendor's questions by status, oldest first.
CREATE INDEX questions_inbox_idx ON questions (vendor_id, status, created_at, id);
CREATE INDEX questions_product_idx ON questions (product_id, created_at DESC, id DESC);
CREATE INDEX questions_asker_idx ON questions (asker_id, created_at DESC, id DESC);
-- Responsiveness over the last 90 days.
CREATE INDEX questions_vendor_time_idx ON questions (vendor_id, created_at);

-- One answer per question; earlier wordings move to answer_versions.
CREATE TABLE answers (
    id                uuid        PRIMARY KEY,
    question_id       uuid        NOT NULL CONSTRAINT answers_question_key UNIQUE
                                  REFERENCES questions (id),
    body              text        NOT NULL CHECK (char_length(body) BETWEEN 2 AND 5000),
    published         boolean     NOT NULL,
    -- The member who wrote the current wording, or the API key it came through.
    author_account_id uuid        REFERENCES accounts (id),
    author_api_key_id uuid        REFERENCES api_keys (id),
    moderation        text        CHECK (moderation IN ('hidden', 'removed')),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CHECK (num_nonnulls(author_account_id, author_api_key_id) = 1)
);

CREATE TABLE answer_versions (
    id                uuid        PRIMARY KEY,
    answer_id         uuid        NOT NULL REFERENCES answers (id),
    body              text        NOT NULL,
    author_account_id uuid        REFERENCES accounts (id),
    author_api_key_id uuid        REFERENCES api_keys (id),
    written_at        timestamptz NOT NULL,
    replaced_at       timestamptz NOT NULL,
    CHECK (num_nonnulls(author_account_id, author_api_key_id) = 1)
);
CREATE INDEX answer_versions_answer_idx ON answer_versions (answer_id, replaced_at);

-- Notices of illegal or policy-breaking content (DSA Art. 16) and their decisions.
CREATE TABLE notices (
    id                   uuid        PRIMARY KEY,
    target_type          text        NOT NULL CHECK (target_type IN ('question', 'answer', 'product')),
    target_id            uuid        NOT NULL,
    -- The vendor whose listing or Q&A the target belongs to.
    vendor_id            uuid        NOT NULL REFERENCES vendors (id),
    reason               text        NOT NULL,
    explanation          text        NOT NULL,
    -- The reported text as it was when reported (the record of what was decided on).
    reported_content     text        NOT NULL,
    notifier_name        text        NOT NULL,
    notifier_email       citext      NOT NULL,
    notifier_language    text        NOT NULL CHECK (notifier_language IN ('de', 'en')),
    status               text        NOT NULL CHECK (status IN ('open', 'decided')),
    action               text        CHECK (action IN ('keep', 'hide', 'remove')),
    statement_of_reasons text,
    decided_by           uuid        REFERENCES accounts (id),
    created_at           timestamptz NOT NULL,
    decided_at           timestamptz,
    CHECK ((status = 'decided') = (action IS NOT NULL)),
    CHECK (num_nulls(action, statement_of_reasons, decided_at, decided_by) IN (0, 4))
);
CREATE INDEX notices_queue_idx ON notices (status, created_at, id);

CREATE TABLE webhooks (
    id          uuid        PRIMARY KEY,
    vendor_id   uuid        NOT NULL REFERENCES vendors (id),
    url         text        NOT NULL,
    events      text[]      NOT NULL CHECK (cardinality(events) > 0),
    -- Kept in clear because every delivery is signed with it; shown to the vendor once.
    secret      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    deleted_at  timestamptz
);
CREATE INDEX webhooks_vendor_idx ON webhooks (vendor_id, created_at) WHERE deleted_at IS NULL;

CREATE TABLE webhook_deliveries (
    id              uuid        PRIMARY KEY,
    webhook_id      uuid        NOT NULL REFERENCES webhooks (id),
    -- The outbox event: receivers de-duplicate on it.
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    body            text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    created_at      timestamptz NOT NULL,
    completed_at    timestamptz,
    CONSTRAINT webhook_deliveries_event_key UNIQUE (webhook_id, event_id),
    CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, created_at DESC, id DESC);

CREATE TABLE webhook_attempts (
    delivery_id  uuid        NOT NULL REFERENCES webhook_deliveries (id),
    attempt      integer     NOT NULL,
    attempted_at timestamptz NOT NULL,
    status_code  integer,
    error        text,
    PRIMARY KEY (delivery_id, attempt)
);

-- E-mails to send. The body is cleared once sent: it is kept only while it is needed.
CREATE TABLE email_deliveries (
    id              uuid        PRIMARY KEY,
    event_id        uuid        NOT NULL,
    recipient       citext      NOT NULL,
    template        text        NOT NULL,
    subject         text        NOT NULL,
    body            text,
    status          text        NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL,
    completed_at    timestamptz,
    CONSTRAINT email_deliveries_event_key UNIQUE (event_id, recipient, template),
    CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX email_deliveries_due_idx ON email_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX email_deliveries_failed_idx ON email_deliveries (created_at) WHERE status = 'failed';

-- Each vendor's live feed (Server-Sent Events): gap-free sequence numbers per vendor, so a
-- client resumes with Last-Event-ID. vendor_feed_heads hands out the numbers; its row lock
-- makes a vendor's entries commit in sequence order.
CREATE TABLE vendor_feed_heads (
    vendor_id uuid   PRIMARY KEY REFERENCES vendors (id),
    last_seq  bigint NOT NULL
);
CREATE TABLE vendor_feed (
    vendor_id  uuid        NOT NULL REFERENCES vendors (id),
    seq        bigint      NOT NULL,
    event_id   uuid        NOT NULL CONSTRAINT vendor_feed_event_key UNIQUE,
    event_type text        NOT NULL,
    data       jsonb       NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (vendor_id, seq)
);
CREATE INDEX vendor_feed_created_idx ON vendor_feed (created_at);
