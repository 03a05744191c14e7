-- Results, certificates, the public record, expiry and revocation (issue 6, first slice).
-- Kept in step with migrations/postgres/0010_results.sql.

-- Quyết định công nhận (kind 'recognition', from one finalised round) and quyết định thu hồi
-- (kind 'revocation', of expired certificates). A draft is edited until it is signed; the
-- signed decision's number, date and signatory make it official, and it never changes again.
CREATE TABLE decisions (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    programme     TEXT NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES admin_units(id),
    round_id      INTEGER REFERENCES rounds(id),
    state         TEXT NOT NULL,
    title         TEXT NOT NULL,
    decision_no   TEXT,
    decision_date TEXT,
    signatory     TEXT,
    signed_at     TEXT,
    signed_by     INTEGER REFERENCES users(id),
    version       INTEGER NOT NULL DEFAULT 1,
    created_by    INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (kind, round_id)
);
CREATE INDEX decisions_unit ON decisions(unit_id, kind);

-- What a decision lists. Recognition: one row per product result of the round that may be
-- recognised (`dossier_id`), with `included`, the council's rank (SPCNNTTB: recognised products
-- in order) and the recorded reason for each one left out. Revocation: one row per certificate.
CREATE TABLE decision_items (
    id             INTEGER PRIMARY KEY,
    decision_id    INTEGER NOT NULL REFERENCES decisions(id),
    dossier_id     INTEGER REFERENCES dossiers(id),
    certificate_id INTEGER,
    position       INTEGER NOT NULL,
    included       INTEGER NOT NULL,
    reason         TEXT,
    stars          INTEGER,
    title_vi       TEXT,
    title_en       TEXT
);
CREATE INDEX decision_items_decision ON decision_items(decision_id, position);

-- An office's list of products certified before binhchon, loaded from XLSX: who loaded which
-- file, and the row-by-row report. Each row that went in is a certificate with `import_id`, under
-- a decision of kind 'imported' (the earlier decision's number and date, already signed).
CREATE TABLE certificate_imports (
    id          INTEGER PRIMARY KEY,
    programme   TEXT NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES admin_units(id),
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    total_rows  INTEGER NOT NULL,
    imported    INTEGER NOT NULL,
    refused     INTEGER NOT NULL,
    report_json TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL
);

-- Giấy chứng nhận, issued when a recognition decision is signed. `number` is readable and
-- unique (programme, unit, year, sequence); `code` is the public verification code the QR opens.
-- Dates are the round's rule set applied to the decision date (domain::certificate).
-- An imported certificate (`import_id`) keeps the number it was given and has no round,
-- dossier, sequence or mean score here.
CREATE TABLE certificates (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    code              TEXT NOT NULL UNIQUE,
    programme         TEXT NOT NULL,
    year              INTEGER NOT NULL,
    seq               INTEGER,
    level             TEXT NOT NULL,
    unit_id           INTEGER NOT NULL REFERENCES admin_units(id),
    decision_id       INTEGER NOT NULL REFERENCES decisions(id),
    round_id          INTEGER REFERENCES rounds(id),
    dossier_id        INTEGER UNIQUE REFERENCES dossiers(id),
    product_id        INTEGER NOT NULL REFERENCES products(id),
    producer_id       INTEGER NOT NULL REFERENCES producers(id),
    stars             INTEGER,
    title_vi          TEXT,
    title_en          TEXT,
    mean_hundredths   INTEGER,
    issued_on         TEXT NOT NULL,
    valid_until       TEXT,
    notice_on         TEXT,
    reevaluation_from TEXT,
    notice_sent_at    TEXT,
    revoked_by        INTEGER REFERENCES decisions(id),
    revoked_on        TEXT,
    search_key        TEXT NOT NULL,
    import_id         INTEGER REFERENCES certificate_imports(id),
    created_at        TEXT NOT NULL,
    UNIQUE (programme, year, seq)
);
CREATE INDEX certificates_producer ON certificates(producer_id);
CREATE INDEX certificates_notice ON certificates(notice_sent_at, notice_on);

-- A re-evaluation dossier (đánh giá lại) names the certificate it renews.
ALTER TABLE dossiers ADD COLUMN certificate_id INTEGER REFERENCES certificates(id);
