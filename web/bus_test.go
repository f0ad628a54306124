package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/natsbus"
)

// TestSubmitThroughJetStream wires the API to a real embedded NATS server
// the way the service does: submissions land in the INCIDENTS stream with
// Nats-Msg-Id <id>/<revision>/<digest>, JetStream's duplicate detection shows in the
// answer, and readiness follows the bus.
func TestSubmitThroughJetStream(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bus, err := natsbus.Start(ctx, natsbus.Options{StoreDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatalf("start bus: %v", err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			bus.Close()
		}
	})
	pub := PublisherFunc(func(ctx context.Context, in *incident.Incident, raw []byte) (bool, error) {
		return natsbus.PublishIncident(ctx, bus.JetStream(), bus.Topics(), in, raw)
	})
	h := New(Config{Now: func() time.Time { return fixedNow }}, Deps{
		Publisher: pub,
		Readiness: []Check{{Name: "nats", Run: bus.Ready}},
		Auth:      testAuth,
	}, nil)
	srv := httptest.NewServer(h)
	defer srv.Close()

	post := func(doc string) SubmitResult {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/incidents", strings.NewReader(doc))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("status: got %d, want 202", resp.StatusCode)
		}
		var r SubmitResult
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	first, again, assigned := post(validDoc), post(validDoc), post(noIDDoc)
	if diff := cmp.Diff(SubmitResult{ID: "INC-2026-0042", Revision: 1}, first); diff != "" {
		t.Errorf("first (-want +got):\n%s", diff)
	}
	if !again.Duplicate {
		t.Errorf("resubmission: got duplicate=false, want true")
	}
	if !assigned.Assigned {
		t.Errorf("document without id: got %+v, want an assigned id", assigned)
	}

	st, err := bus.JetStream().Stream(ctx, bus.Streams().Incidents)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for seq := uint64(1); seq <= 2; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("message %d: %v", seq, err)
		}
		id := m.Header.Get(jetstream.MsgIDHeader)
		got = append(got, m.Subject+" "+id[:max(strings.LastIndex(id, "/"), 0)])
		if in, err := incident.Decode(m.Data); err != nil || natsbus.IncidentMsgID(in, m.Data) != id {
			t.Errorf("message %d: Nats-Msg-Id %s is not its key and digest: %v", seq, id, err)
		}
	}
	want := []string{"breach.incident.submit INC-2026-0042/1", "breach.incident.submit " + assigned.ID + "/1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stream (-want +got):\n%s", diff)
	}
	if info, _ := st.Info(ctx); info.State.Msgs != 2 {
		t.Errorf("stream holds %d messages, want 2", info.State.Msgs)
	}

	ready := func() (int, Readiness) {
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r Readiness
		json.NewDecoder(resp.Body).Decode(&r)
		return resp.StatusCode, r
	}
	if code, r := ready(); code != 200 {
		t.Errorf("readyz with the bus up: got %d %+v, want 200", code, r)
	}
	bus.Close()
	closed = true
	code, r := ready()
	if code != http.StatusServiceUnavailable || len(r.Checks) != 1 || r.Checks[0].Name != "nats" || r.Checks[0].OK || r.Checks[0].Error == "" {
		t.Errorf("readyz with the bus closed: got %d %+v, want 503 naming the failing nats check", code, r)
	}
}
