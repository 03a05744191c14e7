-- Foundation: administrative units, accounts, roles, sessions, rate limiting, audit log, outbox.
-- Timestamps are UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (sortable, identical on both backends);
-- flags are integers 0/1 so one set of queries serves SQLite and PostgreSQL.

CREATE TABLE admin_units (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    level       TEXT NOT NULL,
    parent_id   INTEGER REFERENCES admin_units(id),
    path        TEXT NOT NULL,
    valid_from  TEXT,
    valid_to    TEXT,
    search_key  TEXT NOT NULL
);
CREATE INDEX admin_units_parent ON admin_units(parent_id);
CREATE INDEX admin_units_path ON admin_units(path);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    full_name            TEXT NOT NULL,
    email                TEXT UNIQUE,
    phone                TEXT UNIQUE,
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    is_active            INTEGER NOT NULL DEFAULT 1,
    lang                 TEXT NOT NULL DEFAULT 'vi',
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    last_login_at        TEXT,
    search_key           TEXT NOT NULL
);

CREATE TABLE role_grants (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    unit_id     INTEGER REFERENCES admin_units(id),
    created_at  TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    UNIQUE (user_id, role, unit_id)
);
CREATE INDEX role_grants_user ON role_grants(user_id);

CREATE TABLE producers (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    producer_type   TEXT NOT NULL,
    commune_id      INTEGER NOT NULL REFERENCES admin_units(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    search_key      TEXT NOT NULL
);
CREATE INDEX producers_commune ON producers(commune_id);

CREATE TABLE producer_members (
    producer_id INTEGER NOT NULL REFERENCES producers(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    is_owner    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (producer_id, user_id)
);
CREATE INDEX producer_members_user ON producer_members(user_id);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    absolute_expires_at TEXT NOT NULL,
    ip            TEXT,
    user_agent    TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE login_failures (
    id          INTEGER PRIMARY KEY,
    scope       TEXT NOT NULL,
    key         TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(scope, key, at);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor_user_id INTEGER,
    actor_label   TEXT NOT NULL,
    action        TEXT NOT NULL,
    entity_type   TEXT NOT NULL,
    entity_id     TEXT,
    before_json   TEXT,
    after_json    TEXT,
    ip            TEXT,
    request_id    TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity_type, entity_id);
CREATE INDEX audit_log_actor ON audit_log(actor_user_id);
CREATE INDEX audit_log_at ON audit_log(at);

-- The audit log is append-only: the database itself refuses to change or delete a row.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

-- Which seed files have been loaded (by content hash), so a second start does nothing.
CREATE TABLE seed_runs (
    name        TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL,
    loaded_at   TEXT NOT NULL
);
