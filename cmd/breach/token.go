package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/store"
)

// trustFlags say where the token and audit commands find the store: the
// data directory's SQLite database, or the PostgreSQL store the
// configuration names.
type trustFlags struct {
	config, dataDir, format string
}

func addTrustFlags(cmd *cobra.Command, withFormat bool) *trustFlags {
	tf := &trustFlags{}
	cmd.Flags().StringVar(&tf.config, "config", "", "the service's configuration file (YAML): store.driver, store.dsn_file, data_dir")
	cmd.Flags().StringVar(&tf.dataDir, "data-dir", "", "data directory holding breach.db (default: config data_dir, "+defaultDataDir+")")
	if withFormat {
		cmd.Flags().StringVarP(&tf.format, "output", "o", "table", "output format: table or json")
	}
	return tf
}

// trustEnv is an open store with the token manager and audit log over it.
type trustEnv struct {
	st     store.Store
	tokens *access.Manager
	log    *audit.Log
}

// open checks the output format, loads the configuration and opens its
// store. With mustExist, a SQLite database that does not exist yet is an
// error (a mistyped --data-dir) instead of a new empty one.
func (tf *trustFlags) open(ctx context.Context, mustExist bool) (*trustEnv, error) {
	if tf.format != "" && tf.format != "table" && tf.format != "json" {
		return nil, usageError(fmt.Errorf("--output %q: want table or json", tf.format))
	}
	cfg, err := config.Load(tf.config, os.Environ())
	if err != nil {
		return nil, usageError(err)
	}
	if tf.dataDir != "" {
		cfg.DataDir = tf.dataDir
	}
	st, err := openConfiguredStore(ctx, cfg, mustExist)
	if err != nil {
		return nil, err
	}
	key, err := app.AuditKey(cfg)
	if err != nil {
		st.Close()
		return nil, usageError(fmt.Errorf("audit key: %w", err))
	}
	log := audit.New(st, time.Now)
	if key != nil {
		log = log.WithKey(key)
	}
	return &trustEnv{st: st, tokens: access.NewManager(st, log, time.Now), log: log}, nil
}

// auditKey loads the configuration and returns the audit chain's key (nil
// when the data directory has no notice key and none is configured).
func (tf *trustFlags) auditKey() (*audit.Key, error) {
	cfg, err := config.Load(tf.config, os.Environ())
	if err != nil {
		return nil, usageError(err)
	}
	if tf.dataDir != "" {
		cfg.DataDir = tf.dataDir
	}
	key, err := app.AuditKey(cfg)
	if err != nil {
		return nil, usageError(fmt.Errorf("audit key: %w", err))
	}
	return key, nil
}

// openConfiguredStore opens the store of cfg as the service does: the
// PostgreSQL DSN from store.dsn_file (or BREACH_STORE_DSN), else
// <data_dir>/breach.db, created owner-only.
func openConfiguredStore(ctx context.Context, cfg config.Config, mustExist bool) (store.Store, error) {
	opts := store.Options{Driver: cfg.Store.Driver, Path: filepath.Join(cfg.DataDir, "breach.db")}
	if cfg.Store.Driver == store.DriverPostgres {
		dsn, err := cfg.Secret("store.dsn_file")
		if err != nil {
			return nil, usageError(err)
		}
		opts.DSN = dsn.Reveal()
	} else {
		if _, err := os.Stat(opts.Path); mustExist && errors.Is(err, os.ErrNotExist) {
			return nil, usageError(fmt.Errorf("no database at %s: is --data-dir (or config data_dir) right?", opts.Path))
		}
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		f, err := os.OpenFile(opts.Path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		_ = f.Close()
	}
	st, err := store.Open(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return st, nil
}

// cliPrincipal is who the offline commands act as in the audit log.
var cliPrincipal = access.System("cli")

func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Create, list and revoke the API tokens of named principals",
		Long: `Every API route except /healthz and /readyz needs "Authorization: Bearer <token>".
A token belongs to a named principal with one role:

  detector  submit incidents
  analyst   submit, read, preview
  approver  read, preview, approve (with a reason), announce, file reports
  auditor   read, export, audit log
  admin     tokens, dead letters, and everything else

These commands work on the store directly (the data directory's database, or
the PostgreSQL store of --config), as the operator of the machine; each
creation and revocation is an audit entry by system:cli. When breach serve
starts on a store that holds no token at all, it creates the token "admin" and
writes it to <data_dir>/admin.token (owner only); once any token exists, it
creates none, and an admin token is made here.`,
	}
	cmd.AddCommand(newTokenCreateCmd(), newTokenListCmd(), newTokenRevokeCmd())
	return cmd
}

func newTokenCreateCmd() *cobra.Command {
	var name, role string
	cmd := &cobra.Command{
		Use:   "create --name NAME --role ROLE",
		Short: "Create a token and print it once",
		Long: `Create a token for the principal NAME with ROLE and print it on standard
output, once: only its SHA-256 is stored, so it cannot be shown again (revoke
it and create another if it is lost). Names are unique, also after revocation.`,
		Example: "  breach token create --name ci-detector --role detector\n" +
			"  export BREACH_API_TOKEN=$(breach token create --name alice --role approver)",
		Args: usageArgs(cobra.NoArgs),
	}
	tf := addTrustFlags(cmd, true)
	cmd.Flags().StringVar(&name, "name", "", "name of the principal: letters, digits, '.', '_', '-' (required)")
	cmd.Flags().StringVar(&role, "role", "", "role: detector, analyst, approver, auditor or admin (required)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if name == "" || role == "" {
			return usageError(errors.New("--name and --role are required"))
		}
		r, err := access.ParseRole(role)
		if err != nil {
			return usageError(fmt.Errorf("--role: %w", err))
		}
		if err := access.CheckName(name); err != nil {
			return usageError(fmt.Errorf("--name: %w", err))
		}
		env, err := tf.open(cmd.Context(), false)
		if err != nil {
			return err
		}
		defer env.st.Close()
		rec, tok, err := env.tokens.Create(cmd.Context(), cliPrincipal, name, r)
		if err != nil {
			return storeErr(err)
		}
		if tf.format == "json" {
			return writeJSONOut(cmd.OutOrStdout(), struct {
				store.TokenRecord
				Token string `json:"token"`
			}{rec, tok.Reveal()})
		}
		fmt.Fprintln(cmd.OutOrStdout(), tok.Reveal())
		fmt.Fprintf(cmd.ErrOrStderr(), "breach: token %s (%s) created; it is shown only now. Pass it as --token or %s.\n",
			rec.Name, rec.Role, config.EnvAPIToken)
		return nil
	}
	return cmd
}

func newTokenListCmd() *cobra.Command {
	return storeListCmd("list", "List the tokens' principals, roles and dates (never the tokens)",
		func(ctx context.Context, env *trustEnv) ([]store.TokenRecord, error) { return env.tokens.List(ctx) }, printTokens)
}

// storeListCmd is a command that reads a list from the store (as the
// token commands open it) and prints it as a table, or as JSON with -o json.
func storeListCmd[T any](use, short string, read func(context.Context, *trustEnv) (T, error), table func(io.Writer, T) error) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: usageArgs(cobra.NoArgs)}
	tf := addTrustFlags(cmd, true)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		env, err := tf.open(cmd.Context(), true)
		if err != nil {
			return err
		}
		defer env.st.Close()
		list, err := read(cmd.Context(), env)
		if err != nil {
			return err
		}
		if tf.format == "json" {
			return writeJSONOut(cmd.OutOrStdout(), list)
		}
		return table(cmd.OutOrStdout(), list)
	}
	return cmd
}

func printTokens(w io.Writer, list []store.TokenRecord) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tCREATED BY\tREVOKED")
	for _, t := range list {
		revoked := "-"
		if t.RevokedAt != nil {
			revoked = t.RevokedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Name, t.Role, t.CreatedAt.Format(time.RFC3339), t.CreatedBy, revoked)
	}
	return tw.Flush()
}

func newTokenRevokeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "revoke NAME",
		Short: "Revoke a token: the API refuses it from now on",
		Args:  usageArgs(cobra.ExactArgs(1)),
	}
	tf := addTrustFlags(cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		env, err := tf.open(cmd.Context(), true)
		if err != nil {
			return err
		}
		defer env.st.Close()
		rec, err := env.tokens.Revoke(cmd.Context(), cliPrincipal, args[0])
		if err != nil {
			return storeErr(err)
		}
		if tf.format == "json" {
			return writeJSONOut(cmd.OutOrStdout(), rec)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "token %s (%s) revoked at %s\n", rec.Name, rec.Role, rec.RevokedAt.Format(time.RFC3339))
		return nil
	}
	return cmd
}

// storeErr marks what the store refused for the caller's input (a taken
// name, an unknown one) as a usage error.
func storeErr(err error) error {
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		return usageError(err)
	}
	return err
}
