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
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// exitError carries a process exit code: 2 for invalid input, 1 otherwise
// (apiAnswers says which answers of the API are invalid input).
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
	return runRoot(ctx, newRootCmd(), args, stdin, stdout, stderr)
}

// runRoot executes root with args and returns the exit status.
func runRoot(ctx context.Context, root *cobra.Command, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := unknownSubcommand(root, args)
	if err == nil {
		err = root.ExecuteContext(ctx)
	}
	if err == nil {
		return 0
	}
	err = apiExit(err)
	fmt.Fprintln(stderr, "breach:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func newRootCmd() *cobra.Command {
	return newRootCmdWith(readBuildInfo)
}

// newRootCmdWith builds the command tree; info reports the binary's
// version.
func newRootCmdWith(info func() buildInfo) *cobra.Command {
	root := &cobra.Command{
		Use:           "breach",
		Short:         "Assess personal-data breaches and notify the people and regulators the law requires",
		Version:       info().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("breach {{.Version}}\n")
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
		newDevicesCmd(),
		newAnnounceCmd(),
		newDeadlinesCmd(),
		newAuditCmd(),
		newSchemaCmd(),
		newNATSCmd(),
		newVersionCmd(info),
	)
	return root
}

// unknownSubcommand returns a usage error (exit status 2) with a "did you
// mean" suggestion when args name a command that only groups others (breach,
// breach incident, ...) followed by a word that is not one of its
// subcommands; cobra would print the group's help and succeed. Nil
// otherwise: a group alone still prints its help.
func unknownSubcommand(root *cobra.Command, args []string) error {
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		return nil // shell completion asks with words that are being typed
	}
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	cmd, rest, err := root.Find(args)
	if cmd == nil || (err == nil && (!cmd.HasSubCommands() || cmd.Runnable())) {
		return nil
	}
	var word string
	for _, a := range rest {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			word = a
			break
		}
	}
	if word == "" {
		return nil
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	msg := fmt.Sprintf("unknown command %q for %q", word, cmd.CommandPath())
	if s := cmd.SuggestionsFor(word); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return usageError(fmt.Errorf("%s (see %s --help)", msg, cmd.CommandPath()))
}
