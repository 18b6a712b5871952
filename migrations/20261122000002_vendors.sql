-- Vendors (shops): trader data, approval history, members, API keys, store locations,
-- postal-code centroids for regional search, and the transactional outbox.
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS earthdistance;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Events written in the same transaction as the change they announce; a worker delivers them.
CREATE TABLE outbox (
    id            uuid        PRIMARY KEY,
    event_type    text        NOT NULL,
    aggregate_id  uuid        NOT NULL,
    payload       jsonb       NOT NULL,
    created_at    timestamptz NOT NULL,
    delivered_at  timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (created_at, id) WHERE delivered_at IS NULL;

-- Filled by `marketplace import-postal-codes` from a GeoNames postal-code file; one centroid
-- per postal code (places sharing a code are averaged).
CREATE TABLE postal_codes (
    country     char(2)          NOT NULL,
    postal_code text             NOT NULL,
    place       text             NOT NULL,
    latitude    double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude   double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    PRIMARY KEY (country, postal_code)
);

CREATE TABLE vendors (
    id               uuid        PRIMARY KEY,
    slug             text        NOT NULL CONSTRAINT vendors_slug_key UNIQUE
                                 CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) BETWEEN 3 AND 60),
    display_name     text        NOT NULL,
    description      text        NOT NULL,
    status           text        NOT NULL CHECK (status IN
                                 ('pending', 'approved', 'rejected', 'changes_requested', 'suspended', 'closed')),
    -- The reason of the latest transition (what the operator asked for, why it was suspended).
    status_reason    text,
    -- DSA Art. 30 trader data.
    legal_name       text        NOT NULL,
    legal_form       text        NOT NULL,
    street           text        NOT NULL,
    postal_code      text        NOT NULL,
    city             text        NOT NULL,
    country          char(2)     NOT NULL,
    email            citext      NOT NULL,
    phone            text        NOT NULL,
    register_court   text,
    register_number  text,
    vat_id           text,
    tax_number       text,
    small_business   boolean     NOT NULL,
    representative   text        NOT NULL,
    payout_iban      text        NOT NULL,
    payout_holder    text        NOT NULL,
    self_certified_at timestamptz NOT NULL,
    -- When the application last entered `pending`: the operator queue is oldest first.
    submitted_at     timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CHECK (vat_id IS NOT NULL OR tax_number IS NOT NULL),
    CHECK ((register_court IS NULL) = (register_number IS NULL))
);
CREATE INDEX vendors_status_queue_idx ON vendors (status, submitted_at, id);
CREATE INDEX vendors_name_trgm_idx ON vendors USING gin (display_name gin_trgm_ops);
CREATE INDEX vendors_text_idx ON vendors
    USING gin (to_tsvector('german', display_name || ' ' || description));

-- Who did which transition, when and why.
CREATE TABLE vendor_status_changes (
    id           uuid        PRIMARY KEY,
    vendor_id    uuid        NOT NULL REFERENCES vendors (id),
    from_status  text,
    to_status    text        NOT NULL,
    actor_id     uuid        NOT NULL REFERENCES accounts (id),
    reason       text,
    occurred_at  timestamptz NOT NULL
);
CREATE INDEX vendor_status_changes_vendor_idx ON vendor_status_changes (vendor_id, occurred_at, id);

CREATE TABLE vendor_members (
    vendor_id   uuid        NOT NULL REFERENCES vendors (id),
    account_id  uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role        text        NOT NULL CHECK (role IN ('owner', 'manager', 'staff')),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (vendor_id, account_id)
);
CREATE INDEX vendor_members_account_idx ON vendor_members (account_id);

-- Integrators' keys; only the SHA-256 of the secret is kept.
CREATE TABLE api_keys (
    id            uuid        PRIMARY KEY,
    vendor_id     uuid        NOT NULL REFERENCES vendors (id),
    name          text        NOT NULL,
    -- The first characters of the secret, so people can tell their keys apart.
    secret_prefix text        NOT NULL,
    secret_hash   bytea       NOT NULL CONSTRAINT api_keys_secret_hash_key UNIQUE,
    scopes        text[]      NOT NULL,
    created_by    uuid        NOT NULL REFERENCES accounts (id),
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_keys_vendor_idx ON api_keys (vendor_id, created_at, id);

-- Store locations. Rows referenced by stock or orders are archived instead of deleted.
CREATE TABLE vendor_locations (
    id                    uuid             PRIMARY KEY,
    vendor_id             uuid             NOT NULL REFERENCES vendors (id),
    name                  text             NOT NULL,
    street                text             NOT NULL,
    postal_code           text             NOT NULL,
    city                  text             NOT NULL,
    country               char(2)          NOT NULL,
    latitude              double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude             double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    time_zone             text             NOT NULL,
    -- {"monday": [{"opens": "09:00", "closes": "18:00"}], ...}, validated by the service.
    opening_hours         jsonb            NOT NULL,
    -- [{"date": "2026-12-25", "hours": [], "note": "..."}]: hours replacing a date's.
    opening_exceptions    jsonb            NOT NULL,
    pickup                boolean          NOT NULL,
    delivery_radius_km    numeric(6,1)     CHECK (delivery_radius_km > 0),
    delivery_fee          numeric(12,2)    CHECK (delivery_fee >= 0),
    archived_at           timestamptz,
    created_at            timestamptz      NOT NULL,
    updated_at            timestamptz      NOT NULL,
    CHECK ((delivery_radius_km IS NULL) = (delivery_fee IS NULL))
);
CREATE INDEX vendor_locations_vendor_idx ON vendor_locations (vendor_id, created_at, id);
CREATE INDEX vendor_locations_earth_idx ON vendor_locations
    USING gist (ll_to_earth(latitude, longitude)) WHERE archived_at IS NULL;
