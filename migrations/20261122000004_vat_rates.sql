-- German VAT rates with their validity. Vendors choose a rate by code; the percentage that
-- applies is the one valid on the day of the sale.
CREATE TABLE vat_rates (
    code        text         NOT NULL CHECK (code IN ('standard', 'reduced', 'zero')),
    percent     numeric(5,2) NOT NULL CHECK (percent >= 0 AND percent < 100),
    valid_from  date         NOT NULL,
    -- Inclusive; NULL while the rate applies.
    valid_until date,
    description text         NOT NULL,
    PRIMARY KEY (code, valid_from),
    CHECK (valid_until IS NULL OR valid_until >= valid_from)
);

INSERT INTO vat_rates (code, percent, valid_from, valid_until, description) VALUES
    ('standard', 19.00, '2007-01-01', '2020-06-30', 'Regelsteuersatz (§ 12 Abs. 1 UStG)'),
    ('standard', 16.00, '2020-07-01', '2020-12-31', 'Regelsteuersatz, befristet gesenkt (Corona-Steuerhilfegesetz)'),
    ('standard', 19.00, '2021-01-01', NULL,         'Regelsteuersatz (§ 12 Abs. 1 UStG)'),
    ('reduced',   7.00, '1983-07-01', '2020-06-30', 'Ermäßigter Steuersatz (§ 12 Abs. 2 UStG)'),
    ('reduced',   5.00, '2020-07-01', '2020-12-31', 'Ermäßigter Steuersatz, befristet gesenkt (Corona-Steuerhilfegesetz)'),
    ('reduced',   7.00, '2021-01-01', NULL,         'Ermäßigter Steuersatz (§ 12 Abs. 2 UStG)'),
    ('zero',      0.00, '2023-01-01', NULL,         'Nullsteuersatz (§ 12 Abs. 3 UStG, z. B. Photovoltaikanlagen)');
