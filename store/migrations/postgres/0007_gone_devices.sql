-- Push devices a push service reported gone (Web Push 404/410, FCM
-- UNREGISTERED or an invalid token, APNs Unregistered/BadDeviceToken):
-- later campaigns skip them. The device is named by a keyed digest of its
-- token (hex HMAC-SHA256 under a key derived from the notice key), never
-- by the token, which is personal data. notice_key is the notice whose
-- push reported it; the first report is kept.
CREATE TABLE gone_devices (
    platform     TEXT COLLATE "C" NOT NULL,
    token_digest TEXT COLLATE "C" NOT NULL,
    reason       TEXT NOT NULL,
    gone_at      TIMESTAMP NOT NULL,
    notice_key   TEXT NOT NULL,
    PRIMARY KEY (platform, token_digest)
);
