-- carerota service schema, version 1. Portable SQL: the same text runs on SQLite and
-- PostgreSQL. Times are milliseconds since the Unix epoch (BIGINT); documents are JSON text.

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL,
    label       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE scenarios (
    id          TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL,
    name        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE jobs (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL,
    state             TEXT NOT NULL,
    area              TEXT NOT NULL,
    scenario_id       TEXT NOT NULL REFERENCES scenarios (id),
    request           TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    started_at        BIGINT,
    finished_at       BIGINT,
    attempts          BIGINT NOT NULL,
    worker            TEXT,
    lease_until       BIGINT,
    cancel_requested  BIGINT NOT NULL,
    progress          TEXT,
    error             TEXT,
    result            TEXT
);
CREATE INDEX jobs_by_state ON jobs (state, created_at);

CREATE TABLE plan_versions (
    plan_id     TEXT NOT NULL REFERENCES jobs (id),
    version     BIGINT NOT NULL,
    parent      BIGINT,
    reason      TEXT NOT NULL,
    event       TEXT,
    disruption  TEXT,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (plan_id, version)
);

CREATE TABLE plan_files (
    plan_id  TEXT NOT NULL,
    version  BIGINT NOT NULL,
    name     TEXT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (plan_id, version, name),
    FOREIGN KEY (plan_id, version) REFERENCES plan_versions (plan_id, version)
);

CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL,
    key_id      TEXT NOT NULL,
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    version     BIGINT,
    request_id  TEXT NOT NULL
);
CREATE INDEX audit_by_target ON audit_log (target, at);
