package natsbus

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"
	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
)

// The tests in this file run real nats-servers in-process, listening on a
// random loopback port, secured as a production cluster would be, and
// connect to them with Start and a URL.

// runServer starts a nats-server with JetStream on a random loopback port
// with o's security settings and returns its client URL.
func runServer(t *testing.T, o *server.Options) string {
	t.Helper()
	o.Host = "127.0.0.1"
	o.Port = server.RANDOM_PORT
	o.JetStream = true
	o.StoreDir = t.TempDir()
	o.NoLog, o.NoSigs = true, true
	srv, err := server.NewServer(o)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("server not ready after 10s")
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	return srv.ClientURL()
}

// startFails calls Start, wants an error containing every string in want
// and none of the secrets, and returns the error.
func startFails(t *testing.T, opts Options, want []string, secrets ...string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err := Start(ctx, opts, quietLog())
	if err == nil {
		b.Close()
		t.Fatalf("Start: got nil error, want one containing %q", want)
	}
	t.Logf("Start: %v", err)
	for _, w := range want {
		if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(w)) {
			t.Errorf("Start: got %q, want it to contain %q", err, w)
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("Start: error %q reveals a secret", err)
		}
	}
	return err
}

// startWorks starts a bus, checks Ready and that the four streams exist and
// take a message.
func startWorks(t *testing.T, opts Options) *Bus {
	t.Helper()
	b := start(t, opts)
	ctx := context.Background()
	if b.Embedded() {
		t.Error("Embedded: got true for a URL, want false")
	}
	if err := b.Ready(ctx); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	for _, name := range []string{StreamIncidents, StreamNotices, StreamDeadletter, StreamEvents} {
		streamInfo(t, b, name)
	}
	if err := b.PublishEvent(ctx, "INC-sec", "received", map[string]string{"via": "secured"}); err != nil {
		t.Fatalf("PublishEvent: %v", err)
	}
	if got := streamInfo(t, b, StreamEvents).State.Msgs; got != 1 {
		t.Errorf("EVENTS: got %d messages, want 1", got)
	}
	return b
}

// pki is a CA able to sign server and client certificates.
type pki struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM string // path of the CA certificate file
}

var serial int64

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func writePEM(t *testing.T, path, typ string, der []byte) string {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func newCA(t *testing.T, name string) *pki {
	t.Helper()
	key := newKey(t)
	serial++
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &pki{cert: cert, key: key, certPEM: writePEM(t, filepath.Join(t.TempDir(), name+".pem"), "CERTIFICATE", der)}
}

// issue signs a leaf certificate for 127.0.0.1 (server) or a client and
// returns the paths of its certificate and key files.
func (ca *pki) issue(t *testing.T, name string, client bool) (certFile, keyFile string) {
	t.Helper()
	key := newKey(t)
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	if client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		tmpl.IPAddresses = nil
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	return writePEM(t, filepath.Join(dir, name+".pem"), "CERTIFICATE", der), writePEM(t, filepath.Join(dir, name+"-key.pem"), "PRIVATE KEY", kder)
}

// tlsServer runs a server whose certificate ca signs; with clientCA, it
// requires a client certificate that clientCA signs.
func tlsServer(t *testing.T, ca *pki, clientCA *pki) string {
	t.Helper()
	cert, key := ca.issue(t, "server", false)
	tc := &server.TLSConfigOpts{CertFile: cert, KeyFile: key}
	if clientCA != nil {
		tc.CaFile, tc.Verify = clientCA.certPEM, true
	}
	cfg, err := server.GenTLSConfig(tc)
	if err != nil {
		t.Fatal(err)
	}
	return runServer(t, &server.Options{TLS: true, TLSConfig: cfg, TLSVerify: clientCA != nil, TLSTimeout: 5})
}

func TestStartExternalTLS(t *testing.T) {
	ca := newCA(t, "ca")
	url := tlsServer(t, ca, nil)
	startWorks(t, Options{URL: url, TLSCAFile: ca.certPEM})

	// The same URL as tls:// works too.
	startWorks(t, Options{URL: strings.Replace(url, "nats://", "tls://", 1), TLSCAFile: ca.certPEM, Prefix: "again"})

	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		opts Options
		want []string
	}{
		{"another CA", Options{URL: url, TLSCAFile: newCA(t, "other").certPEM}, []string{"connect to nats", "certificate", "not signed by a CA in nats.tls.ca_file"}},
		{"host not in the certificate", Options{URL: strings.Replace(url, "127.0.0.1", "localhost", 1), TLSCAFile: ca.certPEM}, []string{"connect to nats", "does not name the host in nats.url"}},
		{"no CA", Options{URL: url}, []string{"connect to nats", "set nats.tls.ca_file"}},
		{"CA file missing", Options{URL: url, TLSCAFile: filepath.Join(t.TempDir(), "none.pem")}, []string{"nats.tls.ca_file", "no such file"}},
		{"CA file not PEM", Options{URL: url, TLSCAFile: garbage}, []string{"nats.tls.ca_file " + garbage, "no PEM certificate"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { startFails(t, c.opts, c.want) })
	}
}

func TestStartExternalMutualTLS(t *testing.T) {
	ca := newCA(t, "ca")
	clientCA := newCA(t, "clients")
	url := tlsServer(t, ca, clientCA)
	cert, key := clientCA.issue(t, "breach", true)
	startWorks(t, Options{URL: url, TLSCAFile: ca.certPEM, TLSCertFile: cert, TLSKeyFile: key})

	strangerCert, strangerKey := newCA(t, "stranger").issue(t, "stranger", true)
	keyPEM, err := os.ReadFile(key)
	if err != nil {
		t.Fatal(err)
	}
	_, otherKey := clientCA.issue(t, "other", true)
	cases := []struct {
		name string
		opts Options
		want []string
	}{
		{"no client certificate", Options{URL: url, TLSCAFile: ca.certPEM}, []string{"connect to nats", "set nats.tls.cert_file and nats.tls.key_file"}},
		{"certificate of another CA", Options{URL: url, TLSCAFile: ca.certPEM, TLSCertFile: strangerCert, TLSKeyFile: strangerKey}, []string{"connect to nats", "refused the client certificate in nats.tls.cert_file"}},
		{"key of another certificate", Options{URL: url, TLSCAFile: ca.certPEM, TLSCertFile: cert, TLSKeyFile: otherKey}, []string{"nats.tls.cert_file " + cert, "nats.tls.key_file " + otherKey, "private key does not match"}},
		{"key without certificate", Options{URL: url, TLSCAFile: ca.certPEM, TLSKeyFile: key}, []string{"nats.tls.cert_file", "nats.tls.key_file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			startFails(t, c.opts, c.want, strings.TrimSpace(string(keyPEM)))
		})
	}
}

// writeSecret writes a file readable by its owner only, as a secret should be.
func writeSecret(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func newUser(t *testing.T) (pub string, seed []byte) {
	t.Helper()
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, err = kp.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	seed, err = kp.Seed()
	if err != nil {
		t.Fatal(err)
	}
	return pub, seed
}

func TestStartExternalNKey(t *testing.T) {
	pub, seed := newUser(t)
	url := runServer(t, &server.Options{Nkeys: []*server.NkeyUser{{Nkey: pub}}})
	startWorks(t, Options{URL: url, NKeySeedFile: writeSecret(t, "breach.nk", seed)})

	// A seed others can read still works, with a warning that names the
	// setting and not the seed.
	shared := writeSecret(t, "shared.nk", seed)
	if err := os.Chmod(shared, 0o644); err != nil {
		t.Fatal(err)
	}
	log, hook := logtest.NewNullLogger()
	b, err := Start(context.Background(), Options{URL: url, NKeySeedFile: shared}, logrus.NewEntry(log))
	if err != nil {
		t.Fatalf("Start with a 0644 seed file: %v", err)
	}
	b.Close()
	var warned bool
	for _, e := range hook.AllEntries() {
		if e.Level == logrus.WarnLevel && e.Data["setting"] == SettingNKeySeedFile && strings.Contains(e.Message, "chmod 600") {
			warned = true
		}
		if line, _ := e.String(); strings.Contains(line, string(seed)) {
			t.Errorf("log line %q reveals the seed", line)
		}
	}
	if !warned {
		t.Errorf("0644 seed file: got no warning naming %s, want one", SettingNKeySeedFile)
	}

	_, strangerSeed := newUser(t)
	acct, err := nkeys.CreateAccount()
	if err != nil {
		t.Fatal(err)
	}
	acctSeed, err := acct.Seed()
	if err != nil {
		t.Fatal(err)
	}
	half := seed[:len(seed)/2]
	cases := []struct {
		name   string
		opts   Options
		want   []string
		secret []byte
	}{
		{"unknown user", Options{URL: url, NKeySeedFile: writeSecret(t, "stranger.nk", strangerSeed)}, []string{"authorization violation", "did not accept the NKey user of nats.nkey_seed_file"}, strangerSeed},
		{"no credentials", Options{URL: url}, []string{"authorization violation", "set nats.creds_file or nats.nkey_seed_file"}, nil},
		{"account seed", Options{URL: url, NKeySeedFile: writeSecret(t, "account.nk", acctSeed)}, []string{"nats.nkey_seed_file", "not a user seed"}, acctSeed},
		{"truncated seed", Options{URL: url, NKeySeedFile: writeSecret(t, "half.nk", half)}, []string{"nats.nkey_seed_file", "no NKey seed"}, half},
		{"missing file", Options{URL: url, NKeySeedFile: filepath.Join(t.TempDir(), "none.nk")}, []string{"nats.nkey_seed_file", "no such file"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			startFails(t, c.opts, c.want, string(c.secret), string(seed))
		})
	}
}

// operator is a self-contained trust chain for nats-server's operator mode:
// an operator, a system account, and accounts with JetStream.
type operator struct {
	kp     nkeys.KeyPair
	claims *jwt.OperatorClaims
	sysPub string
	res    *server.MemAccResolver
}

func newOperator(t *testing.T) *operator {
	t.Helper()
	kp, err := nkeys.CreateOperator()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := kp.PublicKey()
	op := &operator{kp: kp, res: &server.MemAccResolver{}}
	sys, _ := op.account(t, "SYS", false)
	op.sysPub = sys
	oc := jwt.NewOperatorClaims(pub)
	oc.Name = "test-operator"
	oc.SystemAccount = sys
	tok, err := oc.Encode(kp)
	if err != nil {
		t.Fatal(err)
	}
	if op.claims, err = jwt.DecodeOperatorClaims(tok); err != nil {
		t.Fatal(err)
	}
	return op
}

// account issues an account, registers it with the resolver and returns its
// public key and key pair.
func (op *operator) account(t *testing.T, name string, jetStream bool) (string, nkeys.KeyPair) {
	t.Helper()
	kp, err := nkeys.CreateAccount()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := kp.PublicKey()
	ac := jwt.NewAccountClaims(pub)
	ac.Name = name
	if jetStream {
		ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
	}
	tok, err := ac.Encode(op.kp)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.res.Store(pub, tok); err != nil {
		t.Fatal(err)
	}
	return pub, kp
}

// creds issues a user of the account and returns the .creds file contents
// and the user's seed.
func creds(t *testing.T, account nkeys.KeyPair, mutate func(*jwt.UserClaims)) (file, seed []byte) {
	t.Helper()
	pub, seed := newUser(t)
	uc := jwt.NewUserClaims(pub)
	uc.Name = "breach"
	if mutate != nil {
		mutate(uc)
	}
	tok, err := uc.Encode(account)
	if err != nil {
		t.Fatal(err)
	}
	file, err = jwt.FormatUserConfig(tok, seed)
	if err != nil {
		t.Fatal(err)
	}
	return file, seed
}

func TestStartExternalCreds(t *testing.T) {
	op := newOperator(t)
	_, acct := op.account(t, "BREACH", true)
	url := runServer(t, &server.Options{TrustedOperators: []*jwt.OperatorClaims{op.claims}, AccountResolver: op.res, SystemAccount: op.sysPub})
	good, goodSeed := creds(t, acct, nil)
	startWorks(t, Options{URL: url, CredsFile: writeSecret(t, "breach.creds", good)})

	// An account the server's resolver does not hold.
	stranger, err := nkeys.CreateAccount()
	if err != nil {
		t.Fatal(err)
	}
	unknown, unknownSeed := creds(t, stranger, nil)
	expired, expiredSeed := creds(t, acct, func(uc *jwt.UserClaims) { uc.Expires = time.Now().Add(-time.Minute).Unix() })
	// The JWT of one user with the seed of another.
	other, otherSeed := creds(t, acct, nil)
	goodJWT, err := jwt.ParseDecoratedJWT(good)
	if err != nil {
		t.Fatal(err)
	}
	_ = other
	// jwt.FormatUserConfig refuses a mismatch; write the file by hand.
	mixed := []byte("-----BEGIN NATS USER JWT-----\n" + goodJWT + "\n------END NATS USER JWT------\n\n" +
		"-----BEGIN USER NKEY SEED-----\n" + string(otherSeed) + "\n------END USER NKEY SEED------\n")
	cases := []struct {
		name   string
		file   []byte
		want   []string
		secret []byte
	}{
		{"unknown account", unknown, []string{"authorization violation", "did not accept the user in nats.creds_file"}, unknownSeed},
		{"expired user", expired, []string{"connect to nats", "nats.creds_file"}, expiredSeed},
		{"seed of another user", mixed, []string{"nats.creds_file", "not the seed of the user"}, otherSeed},
		{"seed only", goodSeed, []string{"nats.creds_file", "no user JWT"}, goodSeed},
		{"JWT only", []byte(goodJWT), []string{"nats.creds_file", "no user seed"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeSecret(t, "bad.creds", c.file)
			err := startFails(t, Options{URL: url, CredsFile: path}, c.want, string(c.secret), string(goodSeed))
			if !strings.Contains(err.Error(), path) {
				t.Errorf("got %q, want the file's path %s", err, path)
			}
		})
	}
}
