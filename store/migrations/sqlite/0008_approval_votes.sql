-- Approvals of one revision by distinct principals (campaign.approvals_required):
-- one row per principal; the revision is approved (a row in approvals) once
-- enough distinct principals have approved it. A key on the version marker of
-- the audit chain is added too: 0 for an entry hashed without a key, 1 for an
-- entry whose hash is also MACed with the service's key.
CREATE TABLE approval_votes (
    incident_id TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    principal   TEXT NOT NULL,
    approved_at TIMESTAMP NOT NULL,
    PRIMARY KEY (incident_id, revision, principal)
);
ALTER TABLE audit_log ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN mac TEXT NOT NULL DEFAULT '';
