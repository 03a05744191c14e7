-- Nomination to the next level (issue 6, item 4). Kept in step with
-- migrations/postgres/0011_nominations.sql.

-- Tờ trình / công văn đề nghị: one package per finalised round, prepared by its office and sent
-- once to a round of the next level (in this system) or downloaded as a ZIP.
CREATE TABLE nominations (
    id               INTEGER PRIMARY KEY,
    source_round_id  INTEGER NOT NULL UNIQUE REFERENCES rounds(id),
    state            TEXT NOT NULL,
    letter_no        TEXT,
    letter_date      TEXT,
    signatory        TEXT,
    signatory_title  TEXT,
    recipient        TEXT,
    target_round_id  INTEGER REFERENCES rounds(id),
    sent_at          TEXT,
    sent_by          INTEGER REFERENCES users(id),
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX nominations_target ON nominations(target_round_id);

-- One forwarded product of the package. `state`: included or excluded (with a reason) while the
-- package is a draft; pending, accepted or returned (with a reason) once it is sent.
CREATE TABLE nomination_items (
    id                INTEGER PRIMARY KEY,
    nomination_id     INTEGER NOT NULL REFERENCES nominations(id),
    dossier_id        INTEGER NOT NULL REFERENCES dossiers(id),
    product_id        INTEGER NOT NULL REFERENCES products(id),
    state             TEXT NOT NULL,
    reason            TEXT,
    target_dossier_id INTEGER REFERENCES dossiers(id),
    decided_by        INTEGER REFERENCES users(id),
    decided_at        TEXT,
    UNIQUE (nomination_id, dossier_id)
);
CREATE INDEX nomination_items_product ON nomination_items(product_id);

-- A dossier the next level accepted from a nomination points at the district's dossier.
ALTER TABLE dossiers ADD COLUMN nominated_from INTEGER REFERENCES dossiers(id);

-- Packages imported from another binhchon instance, with the report the office saw.
CREATE TABLE nomination_imports (
    id              INTEGER PRIMARY KEY,
    round_id        INTEGER NOT NULL REFERENCES rounds(id),
    package_sha256  TEXT NOT NULL,
    source_instance TEXT NOT NULL,
    source_round    TEXT NOT NULL,
    accepted        INTEGER NOT NULL,
    refused         INTEGER NOT NULL,
    report_json     TEXT NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX nomination_imports_round ON nomination_imports(round_id);
