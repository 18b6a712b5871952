-- Accounts (customers and operators) and their refresh tokens.
CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE accounts (
    id            uuid        PRIMARY KEY,
    -- Stored as entered (trimmed, domain lower-cased); unique regardless of case.
    email         citext      NOT NULL CONSTRAINT accounts_email_key UNIQUE,
    password_hash text        NOT NULL,
    display_name  text        NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
    role          text        NOT NULL CHECK (role IN ('customer', 'operator')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

-- Opaque refresh tokens, stored only as a SHA-256 hash. Every login starts a family; each
-- refresh rotates the token within its family. Presenting a rotated token again means it
-- was stolen (or replayed): the whole family is revoked.
CREATE TABLE refresh_tokens (
    id          uuid        PRIMARY KEY,
    account_id  uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    family_id   uuid        NOT NULL,
    token_hash  bytea       NOT NULL CONSTRAINT refresh_tokens_hash_key UNIQUE,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    rotated_at  timestamptz,
    revoked_at  timestamptz,
    CHECK (expires_at > issued_at)
);

CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_account_idx ON refresh_tokens (account_id) WHERE revoked_at IS NULL;
-- The purge of expired tokens scans by expiry.
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);
