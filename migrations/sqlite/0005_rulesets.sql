-- Rule sets (bộ quy tắc) and score forms (phiếu đánh giá), versioned. A rule set row is one
-- version of a programme's rules (its TOML without forms); its forms are rows of score_forms.
-- Status: draft → published → frozen (a round used it; it never changes again, a change is a
-- new version). Kept in step with migrations/postgres.
CREATE TABLE rule_sets (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    programme       TEXT NOT NULL,
    status          TEXT NOT NULL,
    name_vi         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    legal_summary   TEXT NOT NULL,
    effective_from  TEXT NOT NULL,
    effective_to    TEXT,
    toml            TEXT NOT NULL,
    based_on_id     INTEGER REFERENCES rule_sets(id),
    created_at      TEXT NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    published_at    TEXT,
    frozen_at       TEXT,
    UNIQUE (code, version)
);

CREATE TABLE score_forms (
    id              INTEGER PRIMARY KEY,
    rule_set_id     INTEGER NOT NULL REFERENCES rule_sets(id),
    code            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    status          TEXT NOT NULL,
    official        INTEGER NOT NULL,
    name_vi         TEXT NOT NULL,
    toml            TEXT NOT NULL,
    based_on_id     INTEGER REFERENCES score_forms(id),
    created_at      TEXT NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    updated_at      TEXT NOT NULL,
    published_at    TEXT,
    frozen_at       TEXT,
    UNIQUE (rule_set_id, code, version)
);
CREATE INDEX score_forms_rule_set ON score_forms(rule_set_id, code);
