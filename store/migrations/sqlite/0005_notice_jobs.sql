-- Each notice keeps the job the planner decided (route and address,
-- fallbacks, locale, categories, approved revision) as JSON: the ledger
-- row is the source of truth a worker sends from, and a NOTICES message
-- carries only the key and a MAC. '' for rows written before.
ALTER TABLE notices ADD COLUMN job TEXT NOT NULL DEFAULT '';

-- A person's notices (who was told last; lifting an unreachable mark
-- beside a new route).
CREATE INDEX notices_by_subject ON notices (incident_id, subject_id, version);

-- The unreachable marks alone: planning looks for them in every batch,
-- and they are few.
CREATE INDEX notices_unreachable ON notices (incident_id, version, subject_id) WHERE state = 'unreachable';

-- Provider status callbacks find their notice by the provider's id.
CREATE INDEX notices_by_provider ON notices (channel, provider_id) WHERE provider_id <> '';
