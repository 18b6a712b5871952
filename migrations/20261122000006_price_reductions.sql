-- Announced reductions (sale prices) of a variant; one at a time per variant.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE price_reductions (
    id          uuid          PRIMARY KEY,
    variant_id  uuid          NOT NULL REFERENCES product_variants (id),
    price       numeric(12,2) NOT NULL CHECK (price >= 0),
    starts_at   timestamptz   NOT NULL,
    -- NULL: until further notice.
    ends_at     timestamptz,
    created_at  timestamptz   NOT NULL,
    CHECK (ends_at IS NULL OR ends_at > starts_at),
    -- Reductions of one variant never overlap, whatever the concurrency.
    CONSTRAINT price_reductions_no_overlap EXCLUDE USING gist (
        variant_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
);
CREATE INDEX price_reductions_variant_idx ON price_reductions (variant_id, starts_at);
