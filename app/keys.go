package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/notify/verify"
)

// noticeKey returns the key that derives notice verification codes: from
// secrets.notice_key_file (or BREACH_NOTICE_KEY), else from
// <data>/notice.key, created with 32 random bytes on first use. Losing it
// makes earlier codes unverifiable, so it is never regenerated.
//
// Replicas that share the bus or the store must share the key too (notice
// jobs, codes, device digests and the audit chain are keyed with it), so a
// key is never generated when nats.url or a PostgreSQL store is
// configured: the service refuses to start, naming the key to set. A key
// generated before such a configuration is used with a warning.
func noticeKey(cfg config.Config, log *logrus.Entry) ([]byte, error) {
	if key, err := configuredSecretKey(cfg); key != nil || err != nil {
		return key, err
	}
	shared := sharedBy(cfg)
	path := filepath.Join(cfg.DataDir, "notice.key")
	key, err := ReadNoticeKey(cfg.DataDir)
	switch {
	case err == nil:
		if shared != "" {
			log.WithField("key", "secrets.notice_key_file").Warnf("the notice key is this data directory's own, but %s is shared: every replica must use the same key; set secrets.notice_key_file on all of them", shared)
		}
		return key, nil
	case errors.Is(err, fs.ErrNotExist) && shared != "":
		return nil, fmt.Errorf("config secrets.notice_key_file: required because %s is shared between replicas, which must sign notice jobs, codes and the audit chain with one key; put at least %d random bytes in a file every replica reads (or set BREACH_NOTICE_KEY)", shared, verify.MinSecretBytes)
	case errors.Is(err, fs.ErrNotExist):
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("write notice key: %w", err)
		}
		return key, nil
	default:
		return nil, fmt.Errorf("read notice key: %w", err)
	}
}

// sharedBy names what the service shares with other replicas (the bus, the
// store), or "" when both are its own.
func sharedBy(cfg config.Config) string {
	var shared []string
	if cfg.NATS.URL != "" {
		shared = append(shared, "the bus (nats.url)")
	}
	if cfg.Store.Driver == "postgres" {
		shared = append(shared, "the store (store.driver: postgres)")
	}
	return strings.Join(shared, " and ")
}

// ReadNoticeKey reads the generated notice key of a data directory.
func ReadNoticeKey(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, "notice.key")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < verify.MinSecretBytes {
		return nil, fmt.Errorf("notice key %s is damaged; restore it from backup (codes already sent depend on it)", path)
	}
	return key, nil
}

// ConfiguredNoticeKey reads, without creating anything, the notice key the
// service of cfg uses: secrets.notice_key_file (or BREACH_NOTICE_KEY), else
// <data>/notice.key. Offline commands that must compute what the service
// computes (a gone push device's digest) read it here.
func ConfiguredNoticeKey(cfg config.Config) ([]byte, error) {
	if key, err := configuredSecretKey(cfg); key != nil || err != nil {
		return key, err
	}
	return ReadNoticeKey(cfg.DataDir)
}

// configuredSecretKey returns the notice key of secrets.notice_key_file
// (or BREACH_NOTICE_KEY), nil when neither is set; a key the service would
// refuse (too short) is an error naming the setting.
func configuredSecretKey(cfg config.Config) ([]byte, error) {
	s, err := cfg.Secret("secrets.notice_key_file")
	if err != nil || !s.IsSet() {
		return nil, err
	}
	if len(s.Reveal()) < verify.MinSecretBytes {
		return nil, fmt.Errorf("config secrets.notice_key_file: the key must be at least %d bytes", verify.MinSecretBytes)
	}
	return []byte(s.Reveal()), nil
}

// AuditKey returns the key of the audit chain, derived from the notice key
// as the service derives it, or nil when there is none: for the CLI's
// offline audit commands, which must neither create a key nor write
// unkeyed entries after keyed ones.
func AuditKey(cfg config.Config) (*audit.Key, error) {
	key, err := ConfiguredNoticeKey(cfg)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return audit.DeriveKey(key)
}
