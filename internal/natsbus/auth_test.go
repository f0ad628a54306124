package natsbus

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
)

// asyncErrs collects the asynchronous errors of one connection (permission
// violations arrive that way).
type asyncErrs struct {
	mu   sync.Mutex
	errs []error
}

func (a *asyncErrs) add(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.errs = append(a.errs, err)
}

// violation waits for a permissions violation naming subject.
func (a *asyncErrs) violation(t *testing.T, nc *nats.Conn, subject string) {
	t.Helper()
	if err := nc.Flush(); err != nil {
		t.Fatalf("flush: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		a.mu.Lock()
		for _, err := range a.errs {
			if errors.Is(err, nats.ErrPermissionViolation) && strings.Contains(err.Error(), `"`+subject+`"`) {
				a.mu.Unlock()
				return
			}
		}
		a.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	t.Errorf("got errors %v, want a permissions violation for %q", a.errs, subject)
}

// connectAs connects to url with a credential file (none when creds is
// ""), using the inbox prefix the credential allows.
func connectAs(t *testing.T, url, creds string) (*nats.Conn, *asyncErrs) {
	t.Helper()
	nc, errs, err := dial(url, creds)
	if err != nil {
		t.Fatalf("connect with %s: %v", filepath.Base(creds), err)
	}
	return nc, errs
}

func dial(url, creds string) (*nats.Conn, *asyncErrs, error) {
	errs := &asyncErrs{}
	opts := []nats.Option{nats.MaxReconnects(0), nats.Timeout(5 * time.Second),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { errs.add(err) })}
	if creds != "" {
		opts = append(opts, nats.UserCredentials(creds))
		prefix, err := CredsInboxPrefix(creds)
		if err != nil {
			return nil, nil, err
		}
		if prefix != "" {
			opts = append(opts, nats.CustomInboxPrefix(prefix))
		}
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, nil, err
	}
	return nc, errs, nil
}

// listening starts an embedded bus on a random loopback port.
func listening(t *testing.T) (*Bus, string) {
	t.Helper()
	dir := t.TempDir()
	return start(t, Options{StoreDir: dir, Listen: "127.0.0.1:0"}), dir
}

func TestEmbeddedRefusesClientsWithoutCredentials(t *testing.T) {
	b, _ := listening(t)
	// A credential issued by another breach's embedded server.
	_, otherDir := listening(t)
	cases := []struct{ name, creds string }{
		{"no credentials", ""},
		{"another server's detector", CredsPath(otherDir, RoleDetector)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nc, _, err := dial(b.ClientURL(), c.creds)
			if err == nil {
				nc.Close()
				t.Fatal("connect: got nil error, want an authorization violation")
			}
			if !errors.Is(err, nats.ErrAuthorization) {
				t.Errorf("connect: got %v, want %v", err, nats.ErrAuthorization)
			}
		})
	}
}

func TestDetectorPublishesIncidentsOnly(t *testing.T) {
	b, dir := listening(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	nc, errs := connectAs(t, b.ClientURL(), CredsPath(dir, RoleDetector))
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	in := mustDecode(t, `{"schema":"breach.incident/v1","id":"INC-det","title":"t","discovered_at":"2026-11-20T09:00:00Z","cause":"theft","affected":[{"system":"a"}]}`)
	if _, err := PublishIncident(ctx, js, b.Topics(), in, nil); err != nil {
		t.Fatalf("publish an incident with its JetStream ack: %v", err)
	}

	// A notice job published by the service: the detector must not see it.
	got := make(chan *nats.Msg, 1)
	for _, subj := range []string{"breach.notice.>", ServiceInboxPrefix + ".>", OperatorInboxPrefix + ".>", "breach.deadletter.>"} {
		if _, err := nc.Subscribe(subj, func(m *nats.Msg) { got <- m }); err != nil {
			t.Fatalf("subscribe %s: %v", subj, err)
		}
		errs.violation(t, nc, subj)
	}
	if _, err := b.JetStream().Publish(ctx, b.Topics().Notice("email"), []byte(`{"to":"someone"}`)); err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		t.Errorf("detector received %s", m.Subject)
	default:
	}

	// The JetStream API: no consumer, no stream message, no second subject.
	for _, subj := range []string{"$JS.API.CONSUMER.INFO.NOTICES.email", "$JS.API.CONSUMER.CREATE.NOTICES", "$JS.API.CONSUMER.DELETE.NOTICES.email",
		"$JS.API.STREAM.MSG.GET.NOTICES", "$JS.API.STREAM.PURGE.INCIDENTS", "breach.notice.email", "breach.event.INC-det.approved"} {
		if err := nc.Publish(subj, []byte(`{}`)); err != nil {
			t.Fatalf("publish %s: %v", subj, err)
		}
		errs.violation(t, nc, subj)
	}
	cctx, ccancel := context.WithTimeout(ctx, 2*time.Second)
	defer ccancel()
	if _, err := js.Consumer(cctx, StreamNotices, "email"); err == nil {
		t.Error("Consumer(NOTICES): got nil error, want refusal")
	}
	if n := streamInfo(t, b, StreamNotices).State.Msgs; n != 1 {
		t.Errorf("NOTICES: got %d messages, want only the service's 1", n)
	}
}

func TestOperatorDoesWhatTheCLINeeds(t *testing.T) {
	b, dir := listening(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := range 3 {
		if _, err := b.JetStream().Publish(ctx, b.Topics().Deadletter("intake"), []byte{'a' + byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	nc, errs := connectAs(t, b.ClientURL(), CredsPath(dir, RoleOperator))
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{StreamIncidents, StreamNotices, StreamDeadletter, StreamEvents} {
		if _, err := js.Stream(ctx, name); err != nil {
			t.Errorf("stream info %s: %v", name, err)
		}
	}
	dl, err := js.Stream(ctx, StreamDeadletter)
	if err != nil {
		t.Fatal(err)
	}
	// list: an ordered consumer reading headers.
	cons, err := dl.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{HeadersOnly: true})
	if err != nil {
		t.Fatalf("ordered consumer: %v", err)
	}
	m, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil {
		t.Fatalf("next: %v", err)
	}
	if m.Subject() != "breach.deadletter.intake" {
		t.Errorf("listed subject: got %s", m.Subject())
	}
	// list --show-data, replay, resolve, purge.
	raw, err := dl.GetMsg(ctx, 1)
	if err != nil {
		t.Fatalf("get message: %v", err)
	}
	if string(raw.Data) != "a" {
		t.Errorf("message 1: got %q, want %q", raw.Data, "a")
	}
	if _, err := js.Publish(ctx, b.Topics().IncidentSubmit(), raw.Data); err != nil {
		t.Errorf("replay an incident: %v", err)
	}
	if _, err := js.Publish(ctx, b.Topics().Notice("email"), []byte("n")); err != nil {
		t.Errorf("replay a notice: %v", err)
	}
	if err := dl.DeleteMsg(ctx, 2); err != nil {
		t.Errorf("delete message: %v", err)
	}
	if err := dl.Purge(ctx, jetstream.WithPurgeSequence(4)); err != nil {
		t.Errorf("purge: %v", err)
	}
	if n := streamInfo(t, b, StreamDeadletter).State.Msgs; n != 0 {
		t.Errorf("DEADLETTER after delete and purge: got %d messages, want 0", n)
	}

	// Not the notice jobs themselves, and no consumer of the service.
	if _, err := nc.SubscribeSync("breach.notice.>"); err != nil {
		t.Fatal(err)
	}
	errs.violation(t, nc, "breach.notice.>")
	for _, subj := range []string{"$JS.API.STREAM.MSG.GET.NOTICES", "$JS.API.CONSUMER.DELETE.NOTICES.email", "$JS.API.STREAM.DELETE.DEADLETTER"} {
		if err := nc.Publish(subj, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		errs.violation(t, nc, subj)
	}
}

func TestCredentialFilesAreSecretAndStable(t *testing.T) {
	dir := t.TempDir()
	b := start(t, Options{StoreDir: dir, Listen: "127.0.0.1:0"})
	before := map[string][]byte{}
	for _, name := range []string{keysFile, RoleDetector + ".creds", RoleOperator + ".creds"} {
		path := filepath.Join(dir, name)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s mode: got %v, want -rw-------", name, got)
		}
		before[name], _ = os.ReadFile(path)
	}
	b.Close()

	// A restart keeps every file, so credentials handed out stay valid.
	b = start(t, Options{StoreDir: dir, Listen: "127.0.0.1:0"})
	for name, data := range before {
		after, _ := os.ReadFile(filepath.Join(dir, name))
		if string(after) != string(data) {
			t.Errorf("%s changed across a restart", name)
		}
	}
	nc, _ := connectAs(t, b.ClientURL(), CredsPath(dir, RoleDetector))
	nc.Close()
	b.Close()

	// A new prefix re-issues the permissions, same user.
	b = start(t, Options{StoreDir: dir, Listen: "127.0.0.1:0", Prefix: "tenant"})
	seed, claims, err := readCreds(CredsPath(dir, RoleDetector))
	if err != nil {
		t.Fatal(err)
	}
	oldSeed, _, _ := readCredsData(t, before[RoleDetector+".creds"])
	if string(seed) != string(oldSeed) {
		t.Error("detector seed changed with the prefix, want it kept")
	}
	if diff := cmp.Diff([]string{"tenant.incident.submit"}, []string(claims.Pub.Allow)); diff != "" {
		t.Errorf("detector publish permissions (-want +got):\n%s", diff)
	}
	b.Close()
}

func readCredsData(t *testing.T, data []byte) ([]byte, any, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.creds")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	seed, uc, err := readCreds(path)
	return seed, uc, err
}

// TestKeepsStreamsOfAnUnauthenticatedStore starts a plain nats-server (as
// breach ran before its server required credentials), stores a dead
// letter, and checks that the authenticated server still has it.
func TestKeepsStreamsOfAnUnauthenticatedStore(t *testing.T) {
	dir := t.TempDir()
	srv, err := server.NewServer(&server.Options{JetStream: true, StoreDir: dir, DontListen: true, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("server not ready")
	}
	nc, err := nats.Connect("", nats.InProcessServer(srv))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	ctx := context.Background()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: StreamDeadletter, Subjects: []string{"breach.deadletter.>"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(ctx, "breach.deadletter.intake", []byte("kept")); err != nil {
		t.Fatal(err)
	}
	nc.Close()
	srv.Shutdown()
	srv.WaitForShutdown()

	b := start(t, Options{StoreDir: dir})
	if got := streamInfo(t, b, StreamDeadletter).State.Msgs; got != 1 {
		t.Errorf("DEADLETTER after the switch to authentication: got %d messages, want 1", got)
	}
}

func TestRolePermissionsAndInboxes(t *testing.T) {
	if _, err := RolePermissions("admin", Topics{}, StreamNames{}); err == nil || !strings.Contains(err.Error(), `"admin"`) {
		t.Errorf("unknown role: got %v, want an error naming it", err)
	}
	_, dir := listening(t)
	for role, want := range map[string]string{RoleDetector: "", RoleOperator: OperatorInboxPrefix} {
		got, err := CredsInboxPrefix(CredsPath(dir, role))
		if err != nil || got != want {
			t.Errorf("CredsInboxPrefix(%s): got %q, %v, want %q", role, got, err, want)
		}
	}
	if _, err := CredsInboxPrefix(filepath.Join(dir, keysFile)); err == nil || strings.Contains(err.Error(), "seed\":") {
		t.Errorf("CredsInboxPrefix(keys file): got %v, want an error quoting nothing", err)
	}
}

// TestServicePermissionsSuffice runs the bus on an external server in
// operator mode as a user holding exactly RolePermissions(RoleService):
// streams, a consumer runner, every kind of publish, the write probe. No
// permission may be missing.
func TestServicePermissionsSuffice(t *testing.T) {
	op := newOperator(t)
	_, acct := op.account(t, "BREACH", true)
	url := runServer(t, &server.Options{TrustedOperators: []*jwt.OperatorClaims{op.claims}, AccountResolver: op.res, SystemAccount: op.sysPub})
	subjects, streams := Topics{Prefix: "tenant"}, StreamNames{Events: "T_EVENTS"}
	perms, err := RolePermissions(RoleService, subjects, streams)
	if err != nil {
		t.Fatal(err)
	}
	file, _ := creds(t, acct, func(uc *jwt.UserClaims) {
		uc.Pub.Allow.Add(perms.Publish...)
		uc.Sub.Allow.Add(perms.Subscribe...)
	})
	logger, hook := logtest.NewNullLogger()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := Start(ctx, Options{URL: url, CredsFile: writeSecret(t, "service.creds", file), Prefix: "tenant", Streams: streams}, logrus.NewEntry(logger))
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer b.Close()

	handled := make(chan string, 4)
	r, err := b.NewRunner(RunnerConfig{
		Stream:     streams.Events,
		Consumer:   jetstream.ConsumerConfig{Durable: "perm", FilterSubject: subjects.Event("*", "ping"), AckWait: 2 * time.Second, MaxDeliver: 2},
		Deadletter: subjects.Deadletter("perm"), NakDelay: 50 * time.Millisecond, CheckEvery: 100 * time.Millisecond,
	}, func(ctx context.Context, m jetstream.Msg) {
		if string(m.Data()) == `{"n":2}` {
			if err := PublishDeadletter(ctx, b.JetStream(), subjects.Deadletter("perm"), m, "bad ping"); err != nil {
				t.Errorf("dead-letter: %v", err)
			}
			_ = b.Term(m, "bad ping")
		} else if err := m.DoubleAck(ctx); err != nil {
			t.Errorf("ack: %v", err)
		}
		handled <- string(m.Data())
	}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	rctx, rcancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(rctx) }()
	for i := 1; i <= 2; i++ {
		if err := b.PublishEvent(ctx, "INC-1", "ping", map[string]int{"n": i}); err != nil {
			t.Fatalf("publish event: %v", err)
		}
	}
	for range 2 {
		select {
		case <-handled:
		case <-ctx.Done():
			t.Fatal("events not handled")
		}
	}
	in := mustDecode(t, `{"schema":"breach.incident/v1","id":"INC-p","title":"t","discovered_at":"2026-11-20T09:00:00Z","cause":"theft","affected":[{"system":"a"}]}`)
	if _, err := PublishIncident(ctx, b.JetStream(), b.Topics(), in, nil); err != nil {
		t.Errorf("publish incident: %v", err)
	}
	if _, err := b.JetStream().Publish(ctx, subjects.Notice("email"), []byte("{}")); err != nil {
		t.Errorf("publish notice: %v", err)
	}
	for _, subj := range []string{"tenant.event.x", "tenant.notice.email", "tenant.deadletter.intake"} {
		b.writes.record(subj, errors.New("injected"))
		if err := b.WriteHealth(ctx); err != nil {
			t.Errorf("write probe after %s: %v", subj, err)
		}
	}
	if err := b.Ready(ctx); err != nil {
		t.Errorf("Ready: %v", err)
	}
	rcancel()
	<-done
	if err := r.Health(ctx); err != nil && !errors.Is(err, ErrConsumerUnhealthy) {
		t.Errorf("runner health: %v", err)
	}
	for _, e := range hook.AllEntries() {
		if s, _ := e.Data[logrus.ErrorKey].(error); s != nil && strings.Contains(s.Error(), "Permissions Violation") {
			t.Errorf("permission missing: %v", s)
		}
		if strings.Contains(e.Message, "beyond the service's prefix") {
			t.Errorf("warned %q for a user with exactly the service's permissions", e.Message)
		}
	}
}

func TestWarnsWhenTheServiceMaySeeTooMuch(t *testing.T) {
	url := runServer(t, &server.Options{})
	logger, hook := logtest.NewNullLogger()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := Start(ctx, Options{URL: url}, logrus.NewEntry(logger))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var warned bool
	for _, e := range hook.AllEntries() {
		warned = warned || e.Level == logrus.WarnLevel && strings.Contains(e.Message, "breach nats permissions --role service")
	}
	if !warned {
		t.Error("no warning for a user that may subscribe to anything")
	}
}

// TestDeletedCredentialIsRevoked: deleting a role's file and restarting
// issues a new user and revokes the old one, so a leaked copy stops working.
func TestDeletedCredentialIsRevoked(t *testing.T) {
	dir := t.TempDir()
	b := start(t, Options{StoreDir: dir, Listen: "127.0.0.1:0"})
	leaked := filepath.Join(t.TempDir(), "leaked.creds")
	data, err := os.ReadFile(CredsPath(dir, RoleDetector))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(leaked, data, 0o600); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if err := os.Remove(CredsPath(dir, RoleDetector)); err != nil {
		t.Fatal(err)
	}

	b = start(t, Options{StoreDir: dir, Listen: "127.0.0.1:0", Now: func() time.Time { return time.Now().Add(time.Second) }})
	if nc, _, err := dial(b.ClientURL(), leaked); err == nil {
		nc.Close()
		t.Error("the deleted detector credential still connects")
	} else if !strings.Contains(err.Error(), "revoked") && !errors.Is(err, nats.ErrAuthorization) {
		t.Errorf("connect with the revoked credential: got %v, want a refusal", err)
	}
	nc, _ := connectAs(t, b.ClientURL(), CredsPath(dir, RoleDetector))
	nc.Close()
	// The operator's file was kept: it still works.
	nc, _ = connectAs(t, b.ClientURL(), CredsPath(dir, RoleOperator))
	nc.Close()
	b.Close()

	// Still revoked after another restart.
	b = start(t, Options{StoreDir: dir, Listen: "127.0.0.1:0"})
	if nc, _, err := dial(b.ClientURL(), leaked); err == nil {
		nc.Close()
		t.Error("the deleted detector credential connects after a second restart")
	}
}
