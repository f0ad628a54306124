-- The public site (announce, web/public).
-- Every version of every announcement, with its frozen content (JSON of
-- announce.Content; '' for a withdrawal, which keeps the earlier versions
-- as a tombstone).
CREATE TABLE announcement_versions (
    incident_id  TEXT COLLATE "C" NOT NULL,
    version      INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    approver     TEXT NOT NULL,
    note         TEXT NOT NULL,
    content      TEXT NOT NULL,
    PRIMARY KEY (incident_id, version)
);
CREATE INDEX announcement_versions_by_time ON announcement_versions (published_at);

-- "Is this notice genuine?": one row per planned notice, keyed by an HMAC
-- of (reference, code); check is the rest of the HMAC, compared in
-- constant time. Nothing here names the person.
CREATE TABLE verify_index (
    lookup      BYTEA PRIMARY KEY,
    check_value BYTEA NOT NULL,
    incident_id TEXT NOT NULL,
    channel     TEXT NOT NULL,
    notice_key  TEXT NOT NULL
);

-- "Am I affected?": an HMAC of each affected person's normalised e-mail
-- address or phone number; never the address itself.
CREATE TABLE affected_addresses (
    lookup      BYTEA NOT NULL,
    incident_id TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    PRIMARY KEY (lookup, incident_id, subject_id)
);

-- Re-sends asked for through the site, per address hash and UTC day.
CREATE TABLE resend_counts (
    lookup BYTEA NOT NULL,
    day    TEXT NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (lookup, day)
);
