-- Incidents: one row per incident, pointing at its current revision.
CREATE TABLE incidents (
    id                TEXT PRIMARY KEY,
    current_revision  INTEGER NOT NULL,
    title             TEXT NOT NULL,
    cause             TEXT NOT NULL,
    discovered_at     TIMESTAMP NOT NULL,
    first_received_at TIMESTAMP NOT NULL,
    last_received_at  TIMESTAMP NOT NULL,
    revision_count    INTEGER NOT NULL
);
CREATE INDEX incidents_by_discovery ON incidents (discovered_at, id);

-- Every revision ever received, current or not.
CREATE TABLE incident_revisions (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    revision    INTEGER NOT NULL,
    doc         TEXT NOT NULL,
    raw         BYTEA NOT NULL,
    digest      TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    PRIMARY KEY (incident_id, revision)
);

-- Assessments, kept per revision and time.
CREATE TABLE assessments (
    incident_id TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    assessed_at TIMESTAMP NOT NULL,
    risk        TEXT NOT NULL,
    level       TEXT NOT NULL,
    subjects    INTEGER NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (incident_id, revision, assessed_at),
    FOREIGN KEY (incident_id, revision) REFERENCES incident_revisions (incident_id, revision)
);

-- Who each revision affects.
CREATE TABLE affected (
    incident_id TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    PRIMARY KEY (incident_id, subject_id, revision)
);

-- Approvals, one per approved revision.
CREATE TABLE approvals (
    incident_id TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at TIMESTAMP NOT NULL,
    PRIMARY KEY (incident_id, revision),
    FOREIGN KEY (incident_id, revision) REFERENCES incident_revisions (incident_id, revision)
);

-- The imported subject directory (DESIGN §5); replaced as a whole.
CREATE TABLE subjects (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    phone          TEXT NOT NULL,
    locale         TEXT NOT NULL,
    country        TEXT NOT NULL,
    region         TEXT NOT NULL,
    minor          INTEGER NOT NULL,
    guardian_email TEXT NOT NULL,
    guardian_phone TEXT NOT NULL,
    postal_address TEXT NOT NULL,
    systems        TEXT NOT NULL,
    devices        TEXT NOT NULL
);
