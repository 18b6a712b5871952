-- Stock per variant and store location. `reserved` is held by open orders (a later issue);
-- what can be sold is `on_hand - reserved`.
CREATE TABLE stock (
    variant_id   uuid        NOT NULL REFERENCES product_variants (id),
    location_id  uuid        NOT NULL REFERENCES vendor_locations (id),
    vendor_id    uuid        NOT NULL REFERENCES vendors (id),
    on_hand      integer     NOT NULL CHECK (on_hand >= 0),
    reserved     integer     NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (variant_id, location_id),
    CHECK (reserved <= on_hand)
);
CREATE INDEX stock_vendor_idx ON stock (vendor_id, variant_id);
CREATE INDEX stock_location_idx ON stock (location_id);

-- Every change of on-hand stock, with why and by whom: the till's view of what happened.
CREATE TABLE stock_movements (
    id             uuid        PRIMARY KEY,
    variant_id     uuid        NOT NULL,
    location_id    uuid        NOT NULL,
    delta          integer     NOT NULL,
    reason         text        NOT NULL CHECK (reason IN
                               ('sync', 'in_store_sale', 'breakage', 'delivery', 'return', 'correction')),
    on_hand_after  integer     NOT NULL,
    occurred_at    timestamptz NOT NULL,
    FOREIGN KEY (variant_id, location_id) REFERENCES stock (variant_id, location_id)
);
CREATE INDEX stock_movements_stock_idx ON stock_movements (variant_id, location_id, occurred_at);
