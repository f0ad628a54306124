// Command breach turns a privacy policy's promise into what happens when
// personal data leaks: it takes in incidents, assesses them against the data
// inventory and the law, and runs the notice campaign. main only parses flags
// and runs; everything else lives in importable packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// exitError carries a process exit code: 2 for invalid input, 1 otherwise.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as invalid input (exit status 2).
func usageError(err error) error { return &exitError{code: 2, err: err} }

// run executes the command line and returns the exit status. Tests call it
// in-process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "breach:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "breach",
		Short:         "Assess personal-data breaches and notify the people and regulators the law requires",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	root.AddCommand(
		newServeCmd(),
		newCheckConfigCmd(),
		newAssessCmd(),
		newIncidentCmd(),
		newInventoryCmd(),
		newNoticeCmd(),
		newNoticesCmd(),
		newDemoCmd(),
		newDeadletterCmd(),
		newReportCmd(),
		newTokenCmd(),
		newAnnounceCmd(),
		newDeadlinesCmd(),
		newAuditCmd(),
		newSchemaCmd(),
		newNATSCmd(),
	)
	return root
}
