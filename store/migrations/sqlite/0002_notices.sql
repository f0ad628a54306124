-- The proof-of-notice ledger (notify.Ledger): one row per notice to one
-- person on one channel for one notice version of an incident, keyed by
-- its idempotency key. Times are Unix nanoseconds (UTC), NULL when unset,
-- so what the engine recorded round-trips exactly; read them with
-- datetime(sent_at / 1000000000, 'unixepoch').
CREATE TABLE notices (
    key              TEXT PRIMARY KEY,
    incident_id      TEXT NOT NULL,
    subject_id       TEXT NOT NULL,
    channel          TEXT NOT NULL,
    version          INTEGER NOT NULL,
    guardian         INTEGER NOT NULL,
    state            TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    provider_id      TEXT NOT NULL,
    error            TEXT NOT NULL,
    template_version TEXT NOT NULL,
    content_hash     TEXT NOT NULL,
    created_at       INTEGER,
    updated_at       INTEGER,
    sent_at          INTEGER
) WITHOUT ROWID;

-- Campaign totals (Counts) read this index only.
CREATE INDEX notices_by_state ON notices (incident_id, channel, state);

-- The export of one incident (Each) walks this index in key order.
CREATE INDEX notices_by_incident ON notices (incident_id, key);
