-- Obligations as tracked work (package obligation): one row per incident,
-- jurisdiction, duty and filing ('' for duties without a filing), with its
-- state. due_at is NULL for a duty the law words without a date.
CREATE TABLE obligations (
    incident_id  TEXT COLLATE "C" NOT NULL,
    jurisdiction TEXT COLLATE "C" NOT NULL,
    duty         TEXT COLLATE "C" NOT NULL,
    filing       TEXT COLLATE "C" NOT NULL,
    addressee    TEXT NOT NULL,
    required     INTEGER NOT NULL,
    revision     INTEGER NOT NULL,
    subjects     INTEGER NOT NULL,
    due_at       TIMESTAMP,
    due_text     TEXT NOT NULL,
    state        TEXT NOT NULL,
    state_since  TIMESTAMP NOT NULL,
    principal    TEXT NOT NULL,
    reference    TEXT NOT NULL,
    copy_sha256  TEXT NOT NULL,
    reason       TEXT NOT NULL,
    PRIMARY KEY (incident_id, jurisdiction, duty, filing)
);
CREATE INDEX obligations_by_state ON obligations (state, due_at);
