-- Public product search: German full-text search, typo- and part-word-tolerant title
-- matching, and each product's current price as an indexed timeline for price filters and
-- sorts.

-- Folds German spellings together so that "Kaffeemühle", "KAFFEEMUEHLE" and "kaffeemuehle"
-- are the same text: lower case, umlauts as ae/oe/ue, ß as ss.
CREATE FUNCTION fold_german(input text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN replace(replace(replace(replace(lower(input), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss');

ALTER TABLE products
    -- Title and brand, folded: trigram matching finds typos ("Kaffemühle") and parts of
    -- compounds ("mühle" in "Kaffeemühle").
    ADD COLUMN search_text text GENERATED ALWAYS AS
        (fold_german(title || ' ' || coalesce(brand, ''))) STORED,
    -- Stemmed German words, weighted title > brand > description.
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('german', fold_german(title)), 'A')
        || setweight(to_tsvector('german', fold_german(coalesce(brand, ''))), 'B')
        || setweight(to_tsvector('german', fold_german(description)), 'C')) STORED;

CREATE INDEX products_search_text_idx ON products USING gin (search_text gin_trgm_ops)
    WHERE status = 'active';
CREATE INDEX products_search_vector_idx ON products USING gin (search_vector)
    WHERE status = 'active';
-- `sort=newest`.
CREATE INDEX products_newest_idx ON products (published_at DESC, id) WHERE status = 'active';

-- What a product costs from when to when: the lowest current price of its variants, with
-- reductions applied. Rewritten from the write's moment on whenever a price or reduction of
-- the product changes (the future is known then: regular prices change only by a write,
-- reductions start and end at announced times), so `price` filters and sorts are indexed.
CREATE TABLE product_prices (
    product_id  uuid          NOT NULL REFERENCES products (id),
    price       numeric(12,2) NOT NULL CHECK (price >= 0),
    during      tstzrange     NOT NULL,
    CONSTRAINT product_prices_no_overlap EXCLUDE USING gist (product_id WITH =, during WITH &&)
);
CREATE INDEX product_prices_price_idx ON product_prices (price, product_id);

-- `in_stock`: a product's stock rows through its variants.
CREATE INDEX stock_available_idx ON stock (variant_id, location_id) WHERE on_hand > reserved;

-- Products priced before this migration: their lowest regular price from now on (the next
-- price or reduction write recomputes the timeline with reductions).
INSERT INTO product_prices (product_id, price, during)
SELECT product_id, min(price), tstzrange(now(), NULL)
FROM product_variants WHERE price IS NOT NULL
GROUP BY product_id;
