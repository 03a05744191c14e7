-- Producers' profiles, products, rounds and dossiers with their documents (issue 4).
-- Kept in step with migrations/postgres/0006_dossiers.sql.

-- Hồ sơ chủ thể: what the registration forms (Mẫu 01, phiếu đăng ký OCOP) ask about the producer.
ALTER TABLE producers ADD COLUMN registration_no TEXT;
ALTER TABLE producers ADD COLUMN tax_code TEXT;
ALTER TABLE producers ADD COLUMN representative TEXT;
ALTER TABLE producers ADD COLUMN representative_title TEXT;
ALTER TABLE producers ADD COLUMN address TEXT;
ALTER TABLE producers ADD COLUMN phone TEXT;
ALTER TABLE producers ADD COLUMN email TEXT;

-- Uploaded files, stored once by content (SHA-256) under DATA_DIR/files; rows are written only
-- after the bytes are safely on disk, so an interrupted upload leaves nothing visible.
CREATE TABLE stored_files (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    mime        TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    has_thumb   INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

-- A product persists across years and rounds; its dossiers, results and certificates hang off it.
CREATE TABLE products (
    id            INTEGER PRIMARY KEY,
    producer_id   INTEGER NOT NULL REFERENCES producers(id),
    programme     TEXT NOT NULL,
    name          TEXT NOT NULL,
    group_code    TEXT,
    description   TEXT NOT NULL,
    raw_materials TEXT NOT NULL,
    packaging     TEXT NOT NULL,
    is_set        INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    search_key    TEXT NOT NULL
);
CREATE INDEX products_producer ON products(producer_id);

-- The items of a product set (bộ sản phẩm), entered as one product.
CREATE TABLE product_items (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL
);
CREATE INDEX product_items_product ON product_items(product_id, position);

CREATE TABLE product_photos (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    file_id     INTEGER NOT NULL REFERENCES stored_files(id),
    view        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id)
);
CREATE INDEX product_photos_product ON product_photos(product_id);

-- Đợt đánh giá / bình chọn. The checklist is copied from the rule set and may be edited per round.
CREATE TABLE rounds (
    id                  INTEGER PRIMARY KEY,
    programme           TEXT NOT NULL,
    rule_set_code       TEXT NOT NULL,
    rule_set_version    INTEGER NOT NULL,
    name                TEXT NOT NULL,
    level               TEXT NOT NULL,
    unit_id             INTEGER NOT NULL REFERENCES admin_units(id),
    year                INTEGER NOT NULL,
    state               TEXT NOT NULL,
    registration_opens  TEXT NOT NULL,
    registration_closes TEXT NOT NULL,
    scoring_opens       TEXT,
    scoring_closes      TEXT,
    checklist_json      TEXT NOT NULL,
    created_by          INTEGER REFERENCES users(id),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX rounds_unit ON rounds(unit_id, year);

-- Hồ sơ: one product in one round. `version` rises on every change, so a form submitted from a
-- stale page is refused instead of overwriting newer work.
CREATE TABLE dossiers (
    id                   INTEGER PRIMARY KEY,
    round_id             INTEGER NOT NULL REFERENCES rounds(id),
    product_id           INTEGER NOT NULL REFERENCES products(id),
    producer_id          INTEGER NOT NULL REFERENCES producers(id),
    state                TEXT NOT NULL,
    group_code           TEXT NOT NULL,
    registration_type    TEXT NOT NULL,
    previous_certificate TEXT,
    self_assessment      TEXT,
    declaration_at       TEXT,
    supplement_items     TEXT,
    supplement_reason    TEXT,
    supplement_deadline  TEXT,
    decision_reason      TEXT,
    submitted_at         TEXT,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (round_id, product_id)
);
CREATE INDEX dossiers_producer ON dossiers(producer_id);
CREATE INDEX dossiers_round_state ON dossiers(round_id, state);

CREATE TABLE dossier_files (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    item_code   TEXT NOT NULL,
    file_id     INTEGER NOT NULL REFERENCES stored_files(id),
    file_name   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id)
);
CREATE INDEX dossier_files_dossier ON dossier_files(dossier_id, item_code);

-- The dossier's timeline as the producer sees it (the audit log keeps the full record).
CREATE TABLE dossier_events (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    actor_label TEXT NOT NULL,
    action      TEXT NOT NULL,
    state_from  TEXT,
    state_to    TEXT,
    note        TEXT
);
CREATE INDEX dossier_events_dossier ON dossier_events(dossier_id, id);
