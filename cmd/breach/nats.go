package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/natsbus"
)

func newNATSCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "nats",
		Short: "Credentials and permissions for the NATS server breach uses",
		Long: "The embedded NATS server accepts only users it knows. On its first start `breach serve`\n" +
			"writes one credential file per role into <data_dir>/nats/ (mode 0600): detector.creds may\n" +
			"publish incidents and nothing else; operator.creds serves the deadletter commands. The\n" +
			"service itself connects in-process and has no file. To withdraw a credential (it leaked,\n" +
			"someone left), delete its file and restart `breach serve`: the old user is revoked and a\n" +
			"new file written. For an external NATS, `breach nats permissions` prints what each\n" +
			"role's user must be granted, and no more.",
	}
	cmd.AddCommand(newNATSCredsCmd(), newNATSPermissionsCmd())
	return cmd
}

// connectNATS connects a CLI command to the service's NATS: the URLs (a
// comma-separated list), an optional credentials file, a client name for
// the server's monitoring and a timeout. It uses the inbox prefix the
// credential's permissions allow, so that an operator's replies cannot be
// read by a detector. It returns the connection, its JetStream context and
// the URLs as they may be shown (without passwords).
func connectNATS(natsURL, creds, client string, timeout time.Duration) (*nats.Conn, jetstream.JetStream, string, error) {
	shown := redactURLs(natsURL)
	opts := []nats.Option{nats.Name(client), nats.Timeout(timeout), nats.MaxReconnects(0),
		// A refusal is reported by the call that meets it (notPermitted),
		// not printed by nats.go.
		nats.ErrorHandler(func(*nats.Conn, *nats.Subscription, error) {})}
	if creds != "" {
		if _, err := os.Stat(creds); err != nil {
			return nil, nil, shown, usageError(fmt.Errorf("NATS credentials: %w", err))
		}
		prefix, err := natsbus.CredsInboxPrefix(creds)
		if err != nil {
			return nil, nil, shown, usageError(fmt.Errorf("NATS credentials %s: %w", creds, err))
		}
		if prefix != "" {
			opts = append(opts, nats.CustomInboxPrefix(prefix))
		}
		opts = append(opts, nats.UserCredentials(creds))
	}
	nc, err := nats.Connect(natsURL, opts...)
	if err != nil {
		hint := fmt.Sprintf("is `breach serve` running? set --nats-url or %s", envNATSURL)
		if errors.Is(err, nats.ErrAuthorization) {
			hint = fmt.Sprintf("the server wants a credential: pass --nats-creds or set %s; `breach nats creds operator` says where it is", envNATSCreds)
			if creds != "" {
				hint = fmt.Sprintf("the server does not accept the credential in %s", creds)
			}
		}
		return nil, nil, shown, fmt.Errorf("connect to NATS at %s: %w (%s)", shown, err, hint)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, shown, fmt.Errorf("JetStream on %s: %w", shown, err)
	}
	return nc, js, shown, nil
}

// ---------------------------------------------------------------- creds

func newNATSCredsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "creds ROLE",
		Short: "Say where a role's credential file is and how to use it (detector or operator)",
		Long: "Print the path of the credential file of ROLE (detector or operator) that `breach serve`\n" +
			"writes into <data_dir>/nats/, what it allows, and how to use it from nats.go, the nats\n" +
			"CLI and breach. The file itself is never printed: copy it to where it is needed and keep\n" +
			"it private (it holds a secret seed).",
		Args: usageArgs(cobra.ExactArgs(1)),
		Example: "  breach nats creds detector\n" +
			"  breach nats creds operator --data-dir /var/lib/breach",
	}
	cf := addConfigFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		role := args[0]
		cfg, err := cf.load(cmd)
		if err != nil {
			return err
		}
		subjects, streams := natsNames(cfg)
		perms, err := natsbus.RolePermissions(role, subjects, streams)
		if err != nil || role == natsbus.RoleService {
			return usageError(fmt.Errorf("role %q has no credential file; want %s", role, strings.Join(natsbus.Roles(), " or ")))
		}
		if cfg.NATS.URL != "" {
			return usageError(fmt.Errorf("nats.url is set: the external NATS issues credentials, not breach; `breach nats permissions --role %s` prints what to grant", role))
		}
		path, err := filepath.Abs(natsbus.CredsPath(filepath.Join(cfg.DataDir, "nats"), role))
		if err != nil {
			return err
		}
		state := "written by `breach serve`, mode 0600"
		if _, err := os.Stat(path); err != nil {
			state = "not written yet: start `breach serve` once with this data directory"
		}
		url := "nats://" + cmp.Or(cfg.NATS.Listen, natsbus.DefaultListen)
		if cfg.NATS.Listen == "" {
			url = "(none: nats.listen is empty, the server is in-process only)"
		}
		writeCredsHelp(cmd.OutOrStdout(), role, path, state, url, perms, subjects)
		return nil
	}
	return cmd
}

// natsNames are the subject prefix and stream names of cfg.
func natsNames(cfg config.Config) (natsbus.Topics, natsbus.StreamNames) {
	s := cfg.NATS.Streams
	return natsbus.Topics{Prefix: cfg.NATS.Prefix},
		natsbus.StreamNames{Incidents: s.Incidents, Notices: s.Notices, Deadletter: s.Deadletter, Events: s.Events}
}

func writeCredsHelp(w io.Writer, role, path, state, url string, perms natsbus.Permissions, subjects natsbus.Topics) {
	fmt.Fprintf(w, "%s credentials: %s\n  (%s; delete it and restart breach serve to revoke it and get a new one)\n", role, path, state)
	fmt.Fprintf(w, "server:        %s\n", url)
	fmt.Fprintf(w, "may publish:   %s\n", strings.Join(perms.Publish, " "))
	fmt.Fprintf(w, "may subscribe: %s\n\n", strings.Join(perms.Subscribe, " "))
	submit := subjects.IncidentSubmit()
	switch role {
	case natsbus.RoleDetector:
		fmt.Fprintf(w, `Publish an incident with a JetStream acknowledgement. The message id is
<id>/<revision>/<first 32 hex digits of the SHA-256 of the document>, so a replay of
the same document is stored once. Revisions count up by one from 1.

breach:
  breach incident submit -f incident.json --nats-creds %[1]s

nats CLI (INC-1 and 1 stand for the document's id and revision):
  nats --server %[2]s --creds %[1]s pub --jetstream --no-templates \
    -H "Nats-Msg-Id:INC-1/1/$(sha256sum incident.json | cut -c1-32)" %[3]s < incident.json

nats.go:
  nc, err := nats.Connect(%[4]q, nats.UserCredentials(%[5]q))
  js, err := jetstream.New(nc)
  sum := sha256.Sum256(doc)
  msg := &nats.Msg{Subject: %[6]q, Data: doc, Header: nats.Header{}}
  msg.Header.Set(jetstream.MsgIDHeader, id+"/"+strconv.Itoa(revision)+"/"+hex.EncodeToString(sum[:16]))
  ack, err := js.PublishMsg(ctx, msg)
`, path, url, submit, url, path, submit)
	case natsbus.RoleOperator:
		fmt.Fprintf(w, `Its replies come on the inbox prefix %[3]s, which only it may read;
breach picks it from the file, other clients must be told.

breach:
  export %[4]s=%[1]s
  breach deadletter list
  breach deadletter replay SEQ
  breach deadletter resolve SEQ --reason "fixed upstream"
  breach deadletter purge --older-than 720h

nats CLI:
  nats --server %[2]s --creds %[1]s --inbox-prefix %[3]s stream info DEADLETTER

nats.go:
  nc, err := nats.Connect(%[5]q, nats.UserCredentials(%[6]q), nats.CustomInboxPrefix(%[7]q))
`, path, url, natsbus.OperatorInboxPrefix, envNATSCreds, url, path, natsbus.OperatorInboxPrefix)
	}
}

// ---------------------------------------------------------------- permissions

func newNATSPermissionsCmd() *cobra.Command {
	var role string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "permissions",
		Short: "Print the exact NATS permissions each role needs (for an external NATS)",
		Long: "Print, for the configured subject prefix and stream names, the subjects each role's NATS\n" +
			"user must be allowed to publish and subscribe to: service (breach serve's own\n" +
			"connection), detector (publishes incidents) and operator (the deadletter commands).\n" +
			"Grant no more: the service and operator inboxes carry personal data. Shown as\n" +
			"nats-server authorization blocks and as nsc commands.",
		Args: usageArgs(cobra.NoArgs),
		Example: "  breach nats permissions\n" +
			"  breach nats permissions --role detector --json",
	}
	cf := addConfigFlags(cmd)
	cmd.Flags().StringVar(&role, "role", "", "only this role: service, detector or operator")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: {role: {publish: [...], subscribe: [...]}}")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := cf.load(cmd)
		if err != nil {
			return err
		}
		subjects, streams := natsNames(cfg)
		roles := append([]string{natsbus.RoleService}, natsbus.Roles()...)
		if role != "" {
			roles = []string{role}
		}
		all := map[string]natsbus.Permissions{}
		for _, r := range roles {
			p, err := natsbus.RolePermissions(r, subjects, streams)
			if err != nil {
				return usageError(fmt.Errorf("--role: %w", err))
			}
			all[r] = p
		}
		if asJSON {
			return writeJSONOut(cmd.OutOrStdout(), all)
		}
		w := cmd.OutOrStdout()
		for _, r := range roles {
			p := all[r]
			fmt.Fprintf(w, "# %s (inbox prefix %s)\n", r, inboxOf(r))
			fmt.Fprintf(w, "permissions: {\n  publish: { allow: [%s] }\n  subscribe: { allow: [%s] }\n}\n", quoted(p.Publish), quoted(p.Subscribe))
			fmt.Fprintf(w, "nsc add user breach-%s --allow-pub %q --allow-sub %q\n\n", r, strings.Join(p.Publish, ","), strings.Join(p.Subscribe, ","))
		}
		return nil
	}
	return cmd
}

func inboxOf(role string) string {
	if role == natsbus.RoleService {
		return natsbus.ServiceInboxPrefix
	}
	return natsbus.InboxPrefix(role)
}

func quoted(list []string) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(out, ", ")
}

// notPermitted wraps err with the server's permissions violation, when the
// connection met one: a refused JetStream request otherwise shows only as a
// timeout.
func notPermitted(nc *nats.Conn, err error) error {
	last := nc.LastError()
	if last == nil || !errors.Is(last, nats.ErrPermissionViolation) {
		return err
	}
	return fmt.Errorf("%w; the server refused: %v (the deadletter commands need the operator credential: `breach nats creds operator`)", err, last)
}

// localCreds is the credential of role the embedded server wrote in the
// local data directory ($BREACH_DATA_DIR, else ./breach-data), so that on
// the machine that runs the service the CLI's NATS commands work without
// --nats-creds; "" when there is none.
func localCreds(env incidentEnv, role string) string {
	p := filepath.Join(localDataDir(env), "nats", role+".creds")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}
