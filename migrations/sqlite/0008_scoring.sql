-- Councils and scoring (issue 5). Kept in step with migrations/postgres/0008_scoring.sql.

-- Hội đồng đánh giá, phân hạng / hội đồng bình chọn of a round, set up by a signed decision.
CREATE TABLE councils (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES rounds(id),
    name          TEXT NOT NULL,
    decision_no   TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX councils_round ON councils(round_id);

-- Members by their role in the decision; `position` is the title and workplace the minutes print.
CREATE TABLE council_members (
    id          INTEGER PRIMARY KEY,
    council_id  INTEGER NOT NULL REFERENCES councils(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL,
    position    TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (council_id, user_id)
);
CREATE INDEX council_members_user ON council_members(user_id);

-- Which council scores an accepted dossier (one council per dossier). `finalise_note` is the
-- chair's recorded reason to finalise a product without quorum or with an unresolved spread.
CREATE TABLE council_dossiers (
    dossier_id    INTEGER PRIMARY KEY REFERENCES dossiers(id),
    council_id    INTEGER NOT NULL REFERENCES councils(id),
    assigned_at   TEXT NOT NULL,
    finalise_note TEXT
);
CREATE INDEX council_dossiers_council ON council_dossiers(council_id);

-- The office keeps a member away from one product.
CREATE TABLE member_exclusions (
    member_id   INTEGER NOT NULL REFERENCES council_members(id),
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    reason      TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (member_id, dossier_id)
);

-- Kê khai xung đột lợi ích: a person's declared tie with a producer, kept across rounds.
CREATE TABLE conflict_declarations (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    producer_id  INTEGER NOT NULL REFERENCES producers(id),
    relationship TEXT NOT NULL,
    note         TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (user_id, producer_id)
);

-- The chair lets a conflicted member score one product anyway, with a reason.
CREATE TABLE conflict_overrides (
    member_id   INTEGER NOT NULL REFERENCES council_members(id),
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    reason      TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (member_id, dossier_id)
);

-- Phiếu chấm: one per member and product. `version` rises on every save; a save that carries an
-- older version (a stale tab) is refused. Totals are the server's own computation.
CREATE TABLE score_sheets (
    id               INTEGER PRIMARY KEY,
    dossier_id       INTEGER NOT NULL REFERENCES dossiers(id),
    member_id        INTEGER NOT NULL REFERENCES council_members(id),
    form_code        TEXT NOT NULL,
    state            TEXT NOT NULL,
    version          INTEGER NOT NULL,
    answers_json     TEXT NOT NULL,
    notes_json       TEXT NOT NULL,
    total_hundredths INTEGER NOT NULL,
    answered         INTEGER NOT NULL,
    on_paper         INTEGER NOT NULL DEFAULT 0,
    entered_by       INTEGER REFERENCES users(id),
    rescore_reason   TEXT,
    saved_at         TEXT,
    submitted_at     TEXT,
    UNIQUE (dossier_id, member_id)
);
CREATE INDEX score_sheets_member ON score_sheets(member_id);

-- Every submitted, reopened and locked version of a sheet (the re-scoring history).
CREATE TABLE sheet_versions (
    id               INTEGER PRIMARY KEY,
    sheet_id         INTEGER NOT NULL REFERENCES score_sheets(id),
    version          INTEGER NOT NULL,
    event            TEXT NOT NULL,
    state            TEXT NOT NULL,
    answers_json     TEXT NOT NULL,
    notes_json       TEXT NOT NULL,
    total_hundredths INTEGER NOT NULL,
    actor_label      TEXT NOT NULL,
    note             TEXT,
    at               TEXT NOT NULL
);
CREATE INDEX sheet_versions_sheet ON sheet_versions(sheet_id, id);

-- The council's discussion of a product (deliberation).
CREATE TABLE council_comments (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX council_comments_dossier ON council_comments(dossier_id, id);

-- Kết quả: computed by the domain crate when the round is finalised; never edited afterwards.
CREATE TABLE product_results (
    dossier_id      INTEGER PRIMARY KEY REFERENCES dossiers(id),
    round_id        INTEGER NOT NULL REFERENCES rounds(id),
    council_id      INTEGER NOT NULL REFERENCES councils(id),
    sheets          INTEGER NOT NULL,
    mean_hundredths INTEGER NOT NULL,
    stars           INTEGER,
    outcome         TEXT NOT NULL,
    result_json     TEXT NOT NULL,
    finalised_at    TEXT NOT NULL
);
CREATE INDEX product_results_round ON product_results(round_id);
