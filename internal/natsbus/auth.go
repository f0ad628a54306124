package natsbus

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// The roles that get a credential file from the embedded server. The service
// itself has no file: it connects in-process with a user issued afresh at
// each start whose seed never leaves memory.
const (
	// RoleDetector may publish incidents on <prefix>.incident.submit and
	// receive the JetStream acknowledgement, nothing else.
	RoleDetector = "detector"
	// RoleOperator serves the CLI's NATS commands: list, read, replay,
	// purge and resolve dead letters, and read the streams' state.
	RoleOperator = "operator"
)

// RoleService is the service's own connection. On the embedded server it
// is issued at each start, in-process only; on an external NATS it is the
// user of nats.creds_file, and RolePermissions says what it needs.
const RoleService = "service"

// Roles are the roles with a credential file, in the order they are shown.
func Roles() []string { return []string{RoleDetector, RoleOperator} }

// Inbox prefixes. Replies to the service and to the operator carry
// personal data (notice jobs pulled from NOTICES, dead letters), so each has
// its own prefix that only it may subscribe to; a detector uses the default
// _INBOX and sees nothing but its own acknowledgements.
const (
	ServiceInboxPrefix  = "_INBOX_breach"
	OperatorInboxPrefix = "_INBOX_breach_operator"
	defaultInboxPrefix  = "_INBOX"
)

// keysFile holds the seeds of the embedded server's trust chain under
// StoreDir; it is written once, 0600.
const keysFile = "keys.json"

// CredsPath is where the embedded server keeps the credential file of role
// ("<storeDir>/<role>.creds").
func CredsPath(storeDir, role string) string { return filepath.Join(storeDir, role+".creds") }

// Permissions are the subjects one NATS user may publish and subscribe to.
type Permissions struct {
	Publish   []string `json:"publish"`
	Subscribe []string `json:"subscribe"`
}

// RolePermissions returns the exact permissions role needs under subjects'
// prefix and the stream names (defaults filled in). An external NATS
// should grant no more; `breach nats permissions` prints them.
func RolePermissions(role string, subjects Topics, streams StreamNames) (Permissions, error) {
	streams = streams.withDefaults()
	switch role {
	case RoleDetector:
		// A JetStream publish is a request: the stream's ack comes back
		// on the publisher's inbox.
		return Permissions{Publish: []string{subjects.IncidentSubmit()}, Subscribe: []string{defaultInboxPrefix + ".>"}}, nil
	case RoleOperator:
		d := streams.Deadletter
		pub := []string{"$JS.API.INFO"}
		for _, s := range []string{streams.Incidents, streams.Notices, streams.Deadletter, streams.Events} {
			pub = append(pub, "$JS.API.STREAM.INFO."+s)
		}
		pub = append(pub,
			// Read, erase and purge dead letters.
			"$JS.API.STREAM.MSG.GET."+d, "$JS.API.DIRECT.GET."+d, "$JS.API.STREAM.MSG.DELETE."+d, "$JS.API.STREAM.PURGE."+d,
			// The ordered consumer that lists them.
			"$JS.API.CONSUMER.CREATE."+d, "$JS.API.CONSUMER.CREATE."+d+".>", "$JS.API.CONSUMER.INFO."+d+".*",
			"$JS.API.CONSUMER.DELETE."+d+".*", "$JS.API.CONSUMER.MSG.NEXT."+d+".*",
			// Replay to where a dead letter came from.
			subjects.IncidentSubmit(), subjects.allNotices(),
			// The records of resolved and purged dead letters.
			subjects.Deadletter("resolved"), subjects.Deadletter("purged"),
		)
		return Permissions{Publish: pub, Subscribe: []string{OperatorInboxPrefix + ".>"}}, nil
	case RoleService:
		pub := []string{subjects.p() + ".>", "$JS.API.INFO"}
		for _, s := range []string{streams.Incidents, streams.Notices, streams.Deadletter, streams.Events} {
			pub = append(pub,
				"$JS.API.STREAM.CREATE."+s, "$JS.API.STREAM.UPDATE."+s, "$JS.API.STREAM.INFO."+s,
				"$JS.API.STREAM.MSG.GET."+s, "$JS.API.DIRECT.GET."+s,
				"$JS.API.CONSUMER.CREATE."+s+".>", "$JS.API.CONSUMER.DURABLE.CREATE."+s+".>",
				"$JS.API.CONSUMER.INFO."+s+".*", "$JS.API.CONSUMER.MSG.NEXT."+s+".*", "$JS.API.CONSUMER.DELETE."+s+".*",
				"$JS.ACK."+s+".>")
		}
		// WriteHealth's probes are deleted again.
		pub = append(pub, "$JS.API.STREAM.MSG.DELETE."+streams.Notices, "$JS.API.STREAM.MSG.DELETE."+streams.Deadletter,
			"$JS.API.STREAM.MSG.DELETE."+streams.Events)
		// Dead-letter administration over the API (package deadletter):
		// listing with an ordered consumer over several stages, purging.
		pub = append(pub, "$JS.API.CONSUMER.CREATE."+streams.Deadletter, "$JS.API.STREAM.PURGE."+streams.Deadletter)
		return Permissions{Publish: pub, Subscribe: []string{ServiceInboxPrefix + ".>"}}, nil
	}
	return Permissions{}, fmt.Errorf("unknown role %q (want %s, %s or %s)", role, RoleDetector, RoleOperator, RoleService)
}

// InboxPrefix is the inbox prefix a client of role must use.
func InboxPrefix(role string) string {
	if role == RoleOperator {
		return OperatorInboxPrefix
	}
	return defaultInboxPrefix
}

// CredsInboxPrefix reads a credential file and returns the inbox prefix its
// permissions allow ("" when the user may subscribe to any _INBOX, or has
// no subscribe limits), so that a client picks the right one without being
// told. Nothing read from the file appears in an error.
func CredsInboxPrefix(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	defer wipe(data)
	tok, err := nkeys.ParseDecoratedJWT(data)
	if err != nil {
		return "", errors.New("no user JWT in the credentials file")
	}
	uc, err := jwt.DecodeUserClaims(tok)
	if err != nil {
		return "", errors.New("no user JWT in the credentials file")
	}
	for _, s := range uc.Sub.Allow {
		if p, ok := strings.CutSuffix(s, ".>"); ok && strings.HasPrefix(p, defaultInboxPrefix+"_") {
			return p, nil
		}
	}
	return "", nil
}

// trust is the embedded server's operator-mode trust chain: a NATS
// operator, its system account and the one account breach's streams live
// in. The seeds persist in keysFile so that credential files stay valid
// across restarts, with the user each role's file holds and the users
// revoked: deleting a role's file and restarting issues a new user and
// revokes the old one, so a leaked credential can be withdrawn.
type trust struct {
	Operator string            `json:"operator_seed"`
	System   string            `json:"system_account_seed"`
	Account  string            `json:"account_seed"`
	Users    map[string]string `json:"users,omitempty"`   // role -> user public key
	Revoked  map[string]int64  `json:"revoked,omitempty"` // user public key -> unix time revoked

	path          string
	op, sys, acct nkeys.KeyPair
}

// save writes the keys file again (after a user changed).
func (t *trust) save() error {
	out, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	defer wipe(out)
	return writeSecretFile(t.path, out)
}

// loadTrust reads dir/keys.json, or creates it (0600) on first start.
func loadTrust(dir string) (*trust, error) {
	path := filepath.Join(dir, keysFile)
	t := &trust{path: path}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		defer wipe(data)
		if err := json.Unmarshal(data, t); err != nil {
			return nil, fmt.Errorf("%s: not the keys file breach writes (delete it and every .creds file beside it to start over)", path)
		}
	case errors.Is(err, os.ErrNotExist):
		for _, k := range []struct {
			dst    *string
			create func() (nkeys.KeyPair, error)
		}{{&t.Operator, nkeys.CreateOperator}, {&t.System, nkeys.CreateAccount}, {&t.Account, nkeys.CreateAccount}} {
			kp, err := k.create()
			if err != nil {
				return nil, fmt.Errorf("create nats keys: %w", err)
			}
			seed, err := kp.Seed()
			if err != nil {
				return nil, fmt.Errorf("create nats keys: %w", err)
			}
			*k.dst = string(seed)
		}
		if err := t.save(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("nats keys: %w", err)
	}
	for _, k := range []struct {
		seed string
		dst  *nkeys.KeyPair
		pfx  nkeys.PrefixByte
		what string
	}{{t.Operator, &t.op, nkeys.PrefixByteOperator, "operator_seed"}, {t.System, &t.sys, nkeys.PrefixByteAccount, "system_account_seed"},
		{t.Account, &t.acct, nkeys.PrefixByteAccount, "account_seed"}} {
		kp, err := nkeys.FromSeed([]byte(k.seed))
		if err != nil {
			return nil, fmt.Errorf("%s: %s is not an NKey seed", path, k.what)
		}
		if pub, err := kp.PublicKey(); err != nil || !nkeys.IsValidPublicKey(pub) || nkeys.Prefix(pub) != k.pfx {
			return nil, fmt.Errorf("%s: %s is a seed of the wrong kind", path, k.what)
		}
		*k.dst = kp
	}
	return t, nil
}

// serverOptions sets operator mode on o: only users signed by the account
// (or the system account) can connect.
func (t *trust) serverOptions(o *server.Options) error {
	opPub, _ := t.op.PublicKey()
	sysPub, _ := t.sys.PublicKey()
	acctPub, _ := t.acct.PublicKey()
	res := &server.MemAccResolver{}
	for _, a := range []struct {
		pub, name string
		js        bool
	}{{sysPub, "SYS", false}, {acctPub, "BREACH", true}} {
		ac := jwt.NewAccountClaims(a.pub)
		ac.Name = a.name
		if a.js {
			ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
			for pub, at := range t.Revoked {
				ac.RevokeAt(pub, time.Unix(at, 0))
			}
		}
		tok, err := ac.Encode(t.op)
		if err != nil {
			return fmt.Errorf("nats account %s: %w", a.name, err)
		}
		if err := res.Store(a.pub, tok); err != nil {
			return fmt.Errorf("nats account %s: %w", a.name, err)
		}
	}
	oc := jwt.NewOperatorClaims(opPub)
	oc.Name = "breach-embedded"
	oc.SystemAccount = sysPub
	tok, err := oc.Encode(t.op)
	if err != nil {
		return fmt.Errorf("nats operator: %w", err)
	}
	claims, err := jwt.DecodeOperatorClaims(tok)
	if err != nil {
		return fmt.Errorf("nats operator: %w", err)
	}
	o.TrustedOperators = []*jwt.OperatorClaims{claims}
	o.AccountResolver = res
	o.SystemAccount = sysPub
	return nil
}

// accountName is the name JetStream gives the account's store directory.
func (t *trust) accountName() string {
	pub, _ := t.acct.PublicKey()
	return pub
}

// userJWT issues a JWT for the user pub with perms; inProcess limits it to
// in-process connections.
func (t *trust) userJWT(pub, name string, perms Permissions, inProcess bool) (string, error) {
	uc := jwt.NewUserClaims(pub)
	uc.Name = name
	uc.Pub.Allow.Add(perms.Publish...)
	uc.Sub.Allow.Add(perms.Subscribe...)
	if inProcess {
		uc.AllowedConnectionTypes.Add(jwt.ConnectionTypeInProcess)
	}
	return uc.Encode(t.acct)
}

// serviceAuth is the connection option of the service's own user: issued
// now, allowed everything, in-process only, its seed kept in memory.
func (t *trust) serviceAuth() (nats.Option, error) {
	kp, err := nkeys.CreateUser()
	if err != nil {
		return nil, fmt.Errorf("service user: %w", err)
	}
	pub, _ := kp.PublicKey()
	// In-process only, so nothing is gained by narrowing it.
	tok, err := t.userJWT(pub, "breach-service", Permissions{}, true)
	if err != nil {
		return nil, fmt.Errorf("service user: %w", err)
	}
	return nats.UserJWT(func() (string, error) { return tok, nil }, func(nonce []byte) ([]byte, error) { return kp.Sign(nonce) }), nil
}

// writeRoleCreds writes <dir>/<role>.creds for every role, keeping the seed
// of an existing file (so copies handed out stay valid) and re-issuing its
// JWT only when the permissions it should carry have changed. A role whose
// file was deleted gets a new user, and the one before is revoked as of now.
func (t *trust) writeRoleCreds(dir string, subjects Topics, streams StreamNames, now time.Time) error {
	for _, role := range Roles() {
		if err := t.writeRole(dir, role, subjects, streams, now); err != nil {
			return err
		}
	}
	return nil
}

func (t *trust) writeRole(dir, role string, subjects Topics, streams StreamNames, now time.Time) error {
	perms, err := RolePermissions(role, subjects, streams)
	if err != nil {
		return err
	}
	path := CredsPath(dir, role)
	seed, current, err := readCreds(path)
	if err != nil {
		return err
	}
	if current != nil && slices.Equal([]string(current.Pub.Allow), perms.Publish) && slices.Equal([]string(current.Sub.Allow), perms.Subscribe) &&
		current.Issuer == t.accountName() {
		wipe(seed)
		return t.remember(role, current.Subject, now)
	}
	if seed == nil {
		kp, err := nkeys.CreateUser()
		if err != nil {
			return fmt.Errorf("%s credentials: %w", role, err)
		}
		if seed, err = kp.Seed(); err != nil {
			return fmt.Errorf("%s credentials: %w", role, err)
		}
	}
	kp, err := nkeys.FromSeed(seed)
	if err != nil {
		return fmt.Errorf("%s credentials: %w", role, err)
	}
	pub, _ := kp.PublicKey()
	tok, err := t.userJWT(pub, "breach-"+role, perms, false)
	if err != nil {
		return fmt.Errorf("%s credentials: %w", role, err)
	}
	file, err := jwt.FormatUserConfig(tok, seed)
	wipe(seed)
	if err != nil {
		return fmt.Errorf("%s credentials: %w", role, err)
	}
	err = writeSecretFile(path, file)
	wipe(file)
	if err != nil {
		return err
	}
	return t.remember(role, pub, now)
}

// remember records pub as role's user; a different user recorded before is
// revoked as of now.
func (t *trust) remember(role, pub string, now time.Time) error {
	old := t.Users[role]
	if old == pub {
		return nil
	}
	if t.Users == nil {
		t.Users = map[string]string{}
	}
	t.Users[role] = pub
	if old != "" {
		if t.Revoked == nil {
			t.Revoked = map[string]int64{}
		}
		t.Revoked[old] = now.Unix()
	}
	return t.save()
}

// readCreds returns the seed and claims of an existing credential file, or
// nils when there is none. A file that is not a credential file is an
// error: it is not overwritten.
func readCreds(path string) ([]byte, *jwt.UserClaims, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer wipe(data)
	if err := checkCreds(data); err != nil {
		return nil, nil, fmt.Errorf("%s: %w (delete it to have a new one written)", path, err)
	}
	tok, _ := nkeys.ParseDecoratedJWT(data)
	uc, _ := jwt.DecodeUserClaims(tok)
	kp, _ := nkeys.ParseDecoratedUserNKey(data)
	seed, err := kp.Seed()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return append([]byte(nil), seed...), uc, nil
}

// writeSecretFile writes data to path with mode 0600, replacing any file
// there only once the new one is complete.
func writeSecretFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// migrateGlobalAccount moves the streams of a store written before the
// embedded server required authentication (the global account "$G") to the
// account breach now uses, so no incident or dead letter is left behind.
func migrateGlobalAccount(storeDir, account string) error {
	js := filepath.Join(storeDir, "jetstream")
	old, dst := filepath.Join(js, server.DEFAULT_GLOBAL_ACCOUNT), filepath.Join(js, account)
	if _, err := os.Stat(old); err != nil {
		return nil
	}
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	if err := os.Rename(old, dst); err != nil {
		return fmt.Errorf("move the streams of %s to the authenticated account: %w", old, err)
	}
	return nil
}
