package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/internal/deadletter"
	"github.com/breach-notify/breach/web"
)

// deadletterOps is what the deadletter commands do, on NATS with the
// operator credential (deadletterConn) or through the HTTP API of a
// running service with an admin token (deadletterAPI), which also
// records each change in the audit log under the token's principal.
type deadletterOps interface {
	Stream() string
	Newest(ctx context.Context, stages []string, limit int) (*deadletter.List, error)
	ReplayAll(ctx context.Context, seqs []uint64) ([]deadletter.Replayed, error)
	Resolve(ctx context.Context, seqs []uint64, by, why string) ([]deadletter.Resolved, error)
	PurgeSeqs(ctx context.Context, seqs []uint64, by, why string) (deadletter.Purged, error)
	PurgeOlder(ctx context.Context, cutoff time.Time, age time.Duration, stages []string, by, why string) (deadletter.Purged, error)
	close()
}

// dlFlags are the connection flags of a deadletter command: NATS, or
// --server for the API.
type dlFlags struct {
	*natsFlags
	server, token string
	// trust finds the store in which the NATS path records its changes.
	trust *trustFlags
}

func addDeadletterFlags(cmd *cobra.Command) *dlFlags {
	f := &dlFlags{natsFlags: addNATSFlags(cmd), trust: addTrustFlags(cmd, false)}
	cmd.Flags().StringVar(&f.server, "server", "", "use the HTTP API of this breach server (an admin token; the service audits the change) instead of NATS")
	cmd.Flags().StringVar(&f.token, "token", "", "API token with --server (env "+envAPIToken+")")
	return f
}

// open connects as the flags say: the API when --server is given, else
// NATS.
func (f *dlFlags) open(ctx context.Context, cmd *cobra.Command, env deadletterEnv, client string) (deadletterOps, error) {
	if !cmd.Flags().Changed("server") {
		return f.natsFlags.open(ctx, cmd, env, client)
	}
	cf := &clientFlags{server: f.server, token: f.token, timeout: f.timeout}
	c, err := cf.client(cmd, env.incidentEnv)
	if err != nil {
		return nil, err
	}
	return &deadletterAPI{c: c}, nil
}

// deadletterAPI does the deadletter commands through the HTTP API.
type deadletterAPI struct{ c *apiClient }

func (d *deadletterAPI) Stream() string { return "DEADLETTER" }
func (d *deadletterAPI) close()         {}

// Newest pages through the dead letters and keeps the newest limit.
func (d *deadletterAPI) Newest(ctx context.Context, stages []string, limit int) (*deadletter.List, error) {
	out := &deadletter.List{Stream: d.Stream(), Deadletters: []deadletter.Entry{}}
	var after uint64
	for {
		page, err := d.c.DeadLetters(ctx, stages, after, 500) // the API's largest page
		if err != nil {
			return nil, cliError(err)
		}
		out.Stream = page.Stream
		out.Matched += uint64(len(page.Deadletters))
		out.Deadletters = append(out.Deadletters, page.Deadletters...)
		if len(out.Deadletters) > limit {
			out.Deadletters = slices.Clone(out.Deadletters[len(out.Deadletters)-limit:])
		}
		if page.Next == 0 {
			return out, nil
		}
		after = page.Next
	}
}

func (d *deadletterAPI) ReplayAll(ctx context.Context, seqs []uint64) ([]deadletter.Replayed, error) {
	var out []deadletter.Replayed
	for _, seq := range seqs {
		r, err := d.c.ReplayDeadLetter(ctx, seq, "")
		if err != nil {
			return out, cliError(err)
		}
		out = append(out, r.Replayed...)
	}
	return out, nil
}

// Resolve resolves through the API; the principal is the token's, by is
// not sent.
func (d *deadletterAPI) Resolve(ctx context.Context, seqs []uint64, _, why string) ([]deadletter.Resolved, error) {
	var out []deadletter.Resolved
	for _, seq := range seqs {
		r, err := d.c.ResolveDeadLetter(ctx, seq, why)
		if err != nil {
			return out, cliError(err)
		}
		out = append(out, r.Resolved...)
	}
	return out, nil
}

func (d *deadletterAPI) PurgeSeqs(ctx context.Context, seqs []uint64, _, why string) (deadletter.Purged, error) {
	p, err := d.c.PurgeDeadLetters(ctx, web.PurgeRequest{Sequences: seqs, Reason: why})
	return p, cliError(err)
}

func (d *deadletterAPI) PurgeOlder(ctx context.Context, _ time.Time, age time.Duration, stages []string, _, why string) (deadletter.Purged, error) {
	p, err := d.c.PurgeDeadLetters(ctx, web.PurgeRequest{OlderThan: age.String(), Stages: stages, Reason: why})
	return p, cliError(err)
}

// errShowDataNeedsNATS refuses --show-data with --server: the API never
// sends a dead letter's body.
var errShowDataNeedsNATS = errors.New("--show-data reads the body over NATS with the operator credential; the API never sends bodies (drop --server)")

// record writes an audit entry of a change made over NATS, in the store
// --config or --data-dir names (the service's, on its machine), as
// system:cli with the operator's login name. Without access to the store
// the change is done all the same and the command says it is not recorded
// (with --server the service records it). Over the API the service has
// recorded it already.
func (f *dlFlags) record(cmd *cobra.Command, env deadletterEnv, evs []audit.Event) {
	if cmd.Flags().Changed("server") || len(evs) == 0 {
		return
	}
	te, err := f.trust.open(cmd.Context(), true)
	if err == nil {
		defer te.st.Close()
		for _, ev := range evs {
			ev.Principal = cliPrincipal.Name
			details, _ := ev.Details.(map[string]any)
			if details == nil {
				details = map[string]any{}
			}
			details["operator"] = operatorName(env)
			ev.Details = details
			if _, err = te.log.Append(cmd.Context(), ev); err != nil {
				break
			}
		}
	}
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "breach: not recorded in the audit log (%v); run the command with --server, or where the store is (--config, --data-dir)\n", err)
	}
}
