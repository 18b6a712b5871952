-- The operator-managed category tree. Rows referenced by products (or by archived
-- sub-categories) are archived instead of deleted.
CREATE TABLE categories (
    id          uuid        PRIMARY KEY,
    parent_id   uuid        REFERENCES categories (id),
    slug        text        NOT NULL CONSTRAINT categories_slug_key UNIQUE
                            CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) BETWEEN 3 AND 60),
    name        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    archived_at timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK (parent_id <> id)
);
CREATE INDEX categories_parent_idx ON categories (parent_id);
