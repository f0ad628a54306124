-- API tokens of named principals. Only the SHA-256 of a token is kept;
-- the token itself is shown once, when it is created. A revoked token keeps
-- its row (and its name) so the audit log's references stay unambiguous.
CREATE TABLE tokens (
    name       TEXT COLLATE "C" PRIMARY KEY,
    role       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TIMESTAMP
);

-- The append-only, hash-chained audit log: entry seq holds the hash of
-- entry seq-1 (prev_hash) and its own hash over every other column, so an
-- altered, removed or reordered row breaks the chain. Times are Unix
-- microseconds (UTC), exactly what was hashed. Appends of all replicas are
-- serialised by a transaction-scoped advisory lock, and seq is the primary
-- key, so the chain cannot fork.
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at_us     BIGINT NOT NULL,
    principal TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT COLLATE "C" NOT NULL,
    details   TEXT NOT NULL,
    digest    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_log_by_object ON audit_log (object, seq);

-- Rows are never changed or removed through breach; these triggers make an
-- accidental UPDATE, DELETE or TRUNCATE fail too. (Whoever can drop a
-- trigger can still tamper: the chain is what detects it.)
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
