-- API tokens of named principals. Only the SHA-256 of a token is kept;
-- the token itself is shown once, when it is created. A revoked token keeps
-- its row (and its name) so the audit log's references stay unambiguous.
CREATE TABLE tokens (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TIMESTAMP
) WITHOUT ROWID;

-- The append-only, hash-chained audit log: entry seq holds the hash of
-- entry seq-1 (prev_hash) and its own hash over every other column, so an
-- altered, removed or reordered row breaks the chain. Times are Unix
-- microseconds (UTC), exactly what was hashed.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at_us     INTEGER NOT NULL,
    principal TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    details   TEXT NOT NULL,
    digest    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_log_by_object ON audit_log (object, seq);

-- Rows are never changed or removed through breach; these triggers make an
-- accidental UPDATE or DELETE fail too. (Whoever can drop a trigger can
-- still tamper: the chain is what detects it.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
