-- Each notice keeps the job the planner decided (route and address,
-- fallbacks, locale, categories, approved revision) as JSON: the ledger
-- row is the source of truth a worker sends from, and a NOTICES message
-- carries only the key and a MAC. '' for rows written before.
ALTER TABLE notices ADD COLUMN job TEXT NOT NULL DEFAULT '';

-- A person's notices (lifting an unreachable mark beside a new route).
CREATE INDEX notices_by_subject ON notices (incident_id, subject_id, version);

-- Provider status callbacks find their notice by the provider's id.
CREATE INDEX notices_by_provider ON notices (channel, provider_id) WHERE provider_id <> '';
