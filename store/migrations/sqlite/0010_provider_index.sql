-- Provider status callbacks (Twilio's, for SMS and voice) find their
-- notice by the provider's id. An e-mail's provider id is its
-- Message-ID, a hash of the notice's key: random, never looked up (a
-- bounce names its notice by the X-Breach-Notice header), and indexing it
-- made every recorded e-mail write a page at a random place of this index
-- (the single writer's time to claim and record a notice on SQLite:
-- 115–117 µs with an indexed provider id, 76–77 µs without;
-- BenchmarkLedgerClaimFinish).
DROP INDEX notices_by_provider;
CREATE INDEX notices_by_provider ON notices (channel, provider_id) WHERE provider_id <> '' AND channel <> 'email';
