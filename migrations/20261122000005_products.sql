-- Products and their variants. Drafts may be incomplete; publishing checks completeness.
CREATE TABLE products (
    id                uuid        PRIMARY KEY,
    vendor_id         uuid        NOT NULL REFERENCES vendors (id),
    category_id       uuid        REFERENCES categories (id),
    title             text        NOT NULL,
    description       text        NOT NULL,
    brand             text,
    images            text[]      NOT NULL,
    -- {"Röstgrad": "mittel"}: shown as a table on the product page.
    attributes        jsonb       NOT NULL,
    -- GPSR Art. 19 data as entered (manufacturer, EU responsible person, warnings),
    -- validated by the service.
    safety            jsonb       NOT NULL,
    withdrawal_exempt text        CHECK (withdrawal_exempt IN
                                  ('perishable', 'personalised', 'sealed_hygiene', 'sealed_media', 'periodicals')),
    status            text        NOT NULL CHECK (status IN ('draft', 'active', 'archived')),
    published_at      timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX products_vendor_idx ON products (vendor_id, created_at, id);
CREATE INDEX products_category_idx ON products (category_id);

CREATE TABLE product_variants (
    id            uuid          PRIMARY KEY,
    product_id    uuid          NOT NULL REFERENCES products (id),
    vendor_id     uuid          NOT NULL REFERENCES vendors (id),
    sku           text          NOT NULL,
    -- {"Größe": "500 g"}
    options       jsonb         NOT NULL,
    gtin          text,
    -- Gross, incl. VAT (unless the vendor is a small business); NULL until priced.
    price         numeric(12,2) CHECK (price >= 0),
    vat_rate      text          NOT NULL CHECK (vat_rate IN ('standard', 'reduced', 'zero')),
    -- For goods sold by measure (§ 4 PAngV): the unit price is per 1 `unit`.
    net_quantity  numeric(12,3) CHECK (net_quantity > 0),
    unit          text          CHECK (unit IN ('kg', 'l', 'm', 'm2', 'm3')),
    -- Pfand: charged on top of the price, never inside it.
    deposit       numeric(12,2) CHECK (deposit >= 0),
    weight_grams  integer       CHECK (weight_grams > 0),
    position      integer       NOT NULL,
    created_at    timestamptz   NOT NULL,
    updated_at    timestamptz   NOT NULL,
    CONSTRAINT product_variants_sku_key UNIQUE (vendor_id, sku),
    CHECK ((net_quantity IS NULL) = (unit IS NULL))
);
CREATE INDEX product_variants_product_idx ON product_variants (product_id, position);

-- Append-only: every price a variant had, from when.
CREATE TABLE price_history (
    id          uuid          PRIMARY KEY,
    variant_id  uuid          NOT NULL REFERENCES product_variants (id),
    price       numeric(12,2) NOT NULL CHECK (price >= 0),
    valid_from  timestamptz   NOT NULL
);
CREATE INDEX price_history_variant_idx ON price_history (variant_id, valid_from);
