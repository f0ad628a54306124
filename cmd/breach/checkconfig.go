package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/internal/config"
)

// configFlags are the flags every long-running command shares: --config and
// the overrides that sit on top of the file and the environment.
type configFlags struct {
	path      string
	overrides []override
}

type override struct {
	flag, key string
	value     *string
}

func addConfigFlags(cmd *cobra.Command) *configFlags {
	cf := &configFlags{}
	cmd.Flags().StringVar(&cf.path, "config", "", "configuration file (YAML); defaults are embedded")
	add := func(flag, key, usage string) {
		cf.overrides = append(cf.overrides, override{flag, key, cmd.Flags().String(flag, "", usage+" (config "+key+")")})
	}
	add("data-dir", "data_dir", "data directory")
	add("http-addr", "http.addr", "HTTP listen address")
	add("public-addr", "public.addr", "public announcement site listen address")
	add("nats-listen", "nats.listen", "embedded NATS listen address")
	add("nats-url", "nats.url", "external NATS URLs, comma-separated")
	add("inventory", "inventory", "data inventory YAML to assess incidents against")
	add("log-level", "log.level", "log level: debug, info, warn, error")
	add("log-format", "log.format", "log format: auto, json, text")
	return cf
}

// load returns the effective configuration: defaults, file, environment,
// then the flags that were set.
func (cf *configFlags) load(cmd *cobra.Command) (config.Config, error) {
	cfg, err := config.Load(cf.path, os.Environ())
	if err != nil {
		return cfg, usageError(err)
	}
	for _, o := range cf.overrides {
		if !cmd.Flags().Changed(o.flag) {
			continue
		}
		if err := cfg.Set(o.key, *o.value); err != nil {
			return cfg, usageError(err)
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usageError(err)
	}
	return cfg, nil
}

func newCheckConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check-config",
		Short: "Validate the configuration and print the effective settings",
		Args:  cobra.NoArgs,
	}
	cf := addConfigFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, problems := cf.loadAll(cmd)
		if problems != nil && cfg == nil {
			return usageError(problems)
		}
		secrets, err := cfg.CheckSecrets()
		problems = join(problems, err)
		problems = join(problems, app.CheckConfig(*cfg))
		if problems != nil {
			return usageError(problems)
		}
		out, err := cfg.YAML()
		if err != nil {
			return err
		}
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "# effective configuration (defaults < %s < BREACH_* environment < flags)\n%s",
			orDefault(cf.path, "no file"), out)
		printSecrets(w, secrets)
		return nil
	}
	return cmd
}

// loadAll loads the configuration like load, but goes on past invalid
// values so that every problem is reported at once. cfg is nil when the
// file or the environment could not be read at all.
func (cf *configFlags) loadAll(cmd *cobra.Command) (*config.Config, *problemList) {
	cfg, err := config.Load(cf.path, os.Environ())
	if err != nil {
		// Load validates last: when validation is what failed, the values
		// are loaded, and Validate below reports the problems again.
		if verr := cfg.Validate(); verr == nil || verr.Error() != err.Error() {
			return nil, join(nil, err)
		}
	}
	var problems *problemList
	for _, o := range cf.overrides {
		if cmd.Flags().Changed(o.flag) {
			problems = join(problems, cfg.Set(o.key, *o.value))
		}
	}
	problems = join(problems, cfg.Validate())
	return &cfg, problems
}

// problemList is every problem check-config found.
type problemList struct{ errs []error }

// join adds the problems of err (each error of an errors.Join) to l; nil
// while there is none.
func join(l *problemList, err error) *problemList {
	if err == nil {
		return l
	}
	if l == nil {
		l = &problemList{}
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			l = join(l, e)
		}
		return l
	}
	l.errs = append(l.errs, err)
	return l
}

// Error lists the problems, one a line after a count when there are
// several.
func (l *problemList) Error() string {
	if len(l.errs) == 1 {
		return l.errs[0].Error()
	}
	msgs := make([]string, len(l.errs))
	for i, e := range l.errs {
		msgs[i] = "  - " + e.Error()
	}
	return fmt.Sprintf("the configuration has %d problems:\n%s", len(l.errs), strings.Join(msgs, "\n"))
}

// Unwrap returns the problems.
func (l *problemList) Unwrap() []error { return l.errs }

// printSecrets lists each secret setting as <secret> or (not set), as YAML
// comments so that the output still loads as a configuration file.
func printSecrets(w io.Writer, secrets []config.SecretState) {
	fmt.Fprintln(w, "# secrets (read now; values are never shown):")
	for _, s := range secrets {
		fmt.Fprintf(w, "#   %s: %s\n", s.Key, s)
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
