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

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/notify/verify"
)

// noticeKey returns the key that derives notice verification codes: from
// secrets.notice_key_file (or BREACH_NOTICE_KEY), else from
// <data>/notice.key, created with 32 random bytes on first use. Losing it
// makes earlier codes unverifiable, so it is never regenerated.
func noticeKey(cfg config.Config) ([]byte, error) {
	s, err := cfg.Secret("secrets.notice_key_file")
	if err != nil {
		return nil, err
	}
	if s.IsSet() {
		if len(s.Reveal()) < verify.MinSecretBytes {
			return nil, fmt.Errorf("config secrets.notice_key_file: the key must be at least %d bytes", verify.MinSecretBytes)
		}
		return []byte(s.Reveal()), nil
	}
	path := filepath.Join(cfg.DataDir, "notice.key")
	key, err := ReadNoticeKey(cfg.DataDir)
	switch {
	case err == nil:
		return key, nil
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

// AuditKey returns the key of the audit chain, derived from the notice key
// (secrets.notice_key_file, else <data>/notice.key) as the service derives
// it, or nil when neither is there: for the CLI's offline audit commands,
// which must neither create a key nor write unkeyed entries after keyed
// ones.
func AuditKey(cfg config.Config) (*audit.Key, error) {
	s, err := cfg.Secret("secrets.notice_key_file")
	if err != nil {
		return nil, err
	}
	if s.IsSet() {
		return audit.DeriveKey([]byte(s.Reveal()))
	}
	key, err := ReadNoticeKey(cfg.DataDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return audit.DeriveKey(key)
}

// unsharedKeyWarning says why a generated, per-data-directory notice key
// is wrong for this configuration, "" when it is fine: with a shared store
// or bus, each replica would key the audit chain and the notice tickets
// with its own secret, and the replicas' entries and jobs would not verify
// on one another.
func unsharedKeyWarning(cfg config.Config) string {
	s, err := cfg.Secret("secrets.notice_key_file")
	if err != nil || s.IsSet() {
		return ""
	}
	var shared []string
	if cfg.Store.Driver == "postgres" {
		shared = append(shared, "the store (PostgreSQL)")
	}
	if cfg.NATS.URL != "" {
		shared = append(shared, "the bus (external NATS)")
	}
	if len(shared) == 0 {
		return ""
	}
	return "secrets.notice_key_file is not set although " + strings.Join(shared, " and ") +
		" may be shared by replicas: this replica keys the audit chain and notice tickets with its own generated notice.key, " +
		"which the others do not have (their entries will fail verification and their notice jobs will be rejected); " +
		"give every replica the same secrets.notice_key_file"
}
