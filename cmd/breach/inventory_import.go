package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/store"
)

// defaultDataDir is where breach keeps its database and JetStream files
// unless told otherwise.
const defaultDataDir = "./breach-data"

// importConfig is what `breach inventory import` was asked to do.
type importConfig struct {
	Inventory string
	DataDir   string
	FailFast  bool
}

func newInventoryImportCmd() *cobra.Command {
	cfg := importConfig{DataDir: defaultDataDir}
	cmd := &cobra.Command{
		Use:   "import --inventory FILE [--data-dir DIR] [--fail-fast]",
		Short: "Load the subject directory into the store, replacing the one stored",
		Long: `Load the inventory, stream its subject directory into the database at
<data-dir>/breach.db and replace the directory stored there, all in one
transaction: a failed import leaves the previous directory in place.

Bad rows are skipped and counted; the first reasons are printed at the end.
With --fail-fast the first bad row stops the import (exit status 2) and
nothing changes. A progress line is shown on standard error when it is a
terminal.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.Inventory == "" {
				return usageError(errors.New("--inventory is required"))
			}
			return runInventoryImport(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Inventory, "inventory", "", "inventory YAML file naming the subject directory (required)")
	f.StringVar(&cfg.DataDir, "data-dir", defaultDataDir, "data directory holding breach.db (created if missing)")
	f.BoolVar(&cfg.FailFast, "fail-fast", false, "stop at the first bad row, exit 2 and change nothing")
	return cmd
}

// runInventoryImport imports the subject directory named by cfg.Inventory
// and reports on stdout; progress goes to stderr when it is a terminal.
func runInventoryImport(ctx context.Context, cfg importConfig, stdout, stderr io.Writer) error {
	inv, err := inventory.Load(cfg.Inventory)
	if err != nil {
		return usageError(err)
	}
	dir, err := inventory.OpenDirectory(inv.SubjectsPath, inv)
	if err != nil {
		return usageError(err)
	}
	defer dir.Close()
	dbPath := filepath.Join(cfg.DataDir, "breach.db")
	st, err := store.Open(ctx, store.Options{Path: dbPath})
	if err != nil {
		return err
	}
	defer st.Close()

	opts := store.ImportOptions{FailFast: cfg.FailFast}
	var bar *progressLine
	if isTerminal(stderr) {
		bar = &progressLine{w: stderr, start: time.Now()}
		opts.Progress = bar.update
	}
	start := time.Now()
	res, err := st.ImportSubjects(ctx, store.DirectoryRows(dir.Next), opts)
	bar.clear()
	if err != nil {
		var re *inventory.RowError
		var de *store.DuplicateError
		if errors.As(err, &re) || errors.As(err, &de) {
			return usageError(err)
		}
		return err
	}
	fmt.Fprintf(stdout, "imported %d subjects, rejected %d%s\n", res.Taken, res.Rejected, firstReasons(res.Errors, 3))
	fmt.Fprintf(stdout, "breach serve on this data directory now assesses against the imported directory (from its next start), not the inventory's subjects file\n")
	took := time.Since(start)
	fmt.Fprintf(stderr, "%s: directory of %d people stored in %s (%.0f rows/s)\n",
		dbPath, res.Taken, took.Round(time.Millisecond), float64(res.Taken+res.Rejected)/max(took.Seconds(), 1e-9))
	return nil
}

// firstReasons formats up to n rejection reasons for the summary line.
func firstReasons(reasons []string, n int) string {
	if len(reasons) == 0 {
		return ""
	}
	more := ""
	if len(reasons) > n {
		reasons, more = reasons[:n], "; ..."
	}
	return " (first reasons: " + strings.Join(reasons, "; ") + more + ")"
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressLine redraws one status line on a terminal, at most ten times a
// second.
type progressLine struct {
	w     io.Writer
	start time.Time
	last  time.Time
	drawn bool
}

func (p *progressLine) update(taken, rejected int) {
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	rate := float64(taken+rejected) / max(now.Sub(p.start).Seconds(), 1e-9)
	spin := `|/-\`[int(now.Sub(p.start)/(100*time.Millisecond))%4]
	fmt.Fprintf(p.w, "\r\033[K%c importing subjects: %d taken, %d rejected, %.0f rows/s", spin, taken, rejected, rate)
	p.drawn = true
}

func (p *progressLine) clear() {
	if p != nil && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
