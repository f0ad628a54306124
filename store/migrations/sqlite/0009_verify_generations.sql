-- The verification index in generations. Its key, an HMAC, is random: a
-- batch of planned notices added to one B-tree keyed by it rewrote most
-- of the tree's pages whatever the batch's size, so each batch cost more
-- as the index grew (4,000 notices at a time: 19 µs per notice on SQLite
-- at 100,000 notices, 47 µs at 1,000,000). Each write now takes a
-- generation, and its rows are keyed (generation, lookup): a batch lands
-- in pages of its own at the end of the tree. A lookup probes every
-- generation (verify_generations lists them), so it costs the same
-- whether or not the code is there.
CREATE TABLE verify_generations (
    gen INTEGER PRIMARY KEY
);

CREATE TABLE verify_entries (
    gen         INTEGER NOT NULL,
    lookup      BLOB NOT NULL,
    check_value BLOB NOT NULL,
    incident_id TEXT NOT NULL,
    channel     TEXT NOT NULL,
    notice_key  TEXT NOT NULL,
    PRIMARY KEY (gen, lookup)
) WITHOUT ROWID;

-- What was indexed before is generation 0.
INSERT INTO verify_generations (gen) SELECT 0 WHERE EXISTS (SELECT 1 FROM verify_index);
INSERT INTO verify_entries (gen, lookup, check_value, incident_id, channel, notice_key)
SELECT 0, lookup, check_value, incident_id, channel, notice_key FROM verify_index;
DROP TABLE verify_index;
