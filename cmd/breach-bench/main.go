// Command breach-bench prints how breach's delivery path compares with
// reference programs measured side by side in the same run: campaign
// planning against raw JetStream publishing, and an e-mail campaign
// against Postfix's smtp-source feeding the same smtp-sink. Each
// reference runs just before and just after breach, and the two runs are
// pooled, so that a machine whose speed drifts during a round moves both
// sides of the ratio alike. `make
// bench-e2e` builds and runs it (installing Postfix's tools first).
//
// Sizes come from flags or, when a flag is not given, environment
// variables: BREACH_BENCH_PLAN_SUBJECTS (100000), BREACH_BENCH_RAW_SIZE
// (1024 bytes), BREACH_BENCH_EMAIL_SUBJECTS (20000),
// BREACH_BENCH_SMTP_CONNECTIONS (4), BREACH_BENCH_ROUNDS (1; with more,
// each round is printed and the ratio line is the round with the median
// ratio), BREACH_BENCH_ONLY (plan, email or empty for both).
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/breach-notify/breach/internal/benche2e"
	"github.com/breach-notify/breach/notify"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "breach-bench:", err)
		os.Exit(1)
	}
}

type options struct {
	planSubjects, rawSize, emailSubjects, conns, rounds          int
	only, cpuprofile, blockprofile, memprofile, planProfile, dir string
	verbose                                                      bool
}

func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	var o options
	env := envInts{}
	fs := flag.NewFlagSet("breach-bench", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&o.planSubjects, "plan-subjects", env.get("BREACH_BENCH_PLAN_SUBJECTS", 100_000), "people of the planning benchmark's organisation")
	fs.IntVar(&o.rawSize, "raw-size", env.get("BREACH_BENCH_RAW_SIZE", 1024), "bytes of each raw JetStream message")
	fs.IntVar(&o.emailSubjects, "email-subjects", env.get("BREACH_BENCH_EMAIL_SUBJECTS", 20_000), "people of the e-mail benchmark's organisation")
	fs.IntVar(&o.conns, "smtp-connections", env.get("BREACH_BENCH_SMTP_CONNECTIONS", 4), "SMTP connections of breach and of smtp-source")
	fs.IntVar(&o.rounds, "rounds", env.get("BREACH_BENCH_ROUNDS", 1), "measure each ratio this many times and print the median")
	fs.StringVar(&o.only, "only", os.Getenv("BREACH_BENCH_ONLY"), "run only plan or email")
	fs.StringVar(&o.cpuprofile, "cpuprofile", os.Getenv("BREACH_BENCH_CPUPROFILE"), "write a CPU profile of the e-mail campaign to this file")
	fs.StringVar(&o.blockprofile, "blockprofile", "", "write a profile of where the e-mail campaign's goroutines waited to this file")
	fs.StringVar(&o.memprofile, "memprofile", "", "write the heap allocations of the e-mail campaign to this file, and those before it to this file.base (go tool pprof -sample_index alloc_space -diff_base FILE.base FILE)")
	fs.StringVar(&o.planProfile, "plan-cpuprofile", "", "write a CPU profile of planning to this file")
	fs.StringVar(&o.dir, "dir", "", "work directory (default: a fresh temporary one, removed afterwards)")
	fs.BoolVar(&o.verbose, "v", false, "show the service's warnings")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if env.err != nil {
		return env.err
	}
	switch o.only {
	case "", "plan", "email":
	default:
		return fmt.Errorf("-only (BREACH_BENCH_ONLY) %q is not plan or email", o.only)
	}
	if o.dir == "" {
		dir, err := os.MkdirTemp("", "breach-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.dir = dir
	}
	if o.only != "email" {
		if err := planning(ctx, o, out, errOut); err != nil {
			return err
		}
	}
	if o.only != "plan" {
		if err := emailing(ctx, o, out, errOut); err != nil {
			return err
		}
	}
	return nil
}

// planning prints the planning ratio. Each round measures raw JetStream,
// then the planner, then raw JetStream again, and pools the two reference
// runs.
func planning(ctx context.Context, o options, out, errOut io.Writer) error {
	var rounds []pair
	for i := range o.rounds {
		dir := filepath.Join(o.dir, "plan-"+strconv.Itoa(i))
		before, err := benche2e.RawPublish(ctx, filepath.Join(dir, "raw-before"), o.planSubjects, o.rawSize)
		if err != nil {
			return err
		}
		stopProfile, err := profile(o.planProfile, i)
		if err != nil {
			return err
		}
		plan, err := benche2e.Plan(ctx, filepath.Join(dir, "plan"), o.planSubjects)
		stopProfile()
		if err != nil {
			return err
		}
		after, err := benche2e.RawPublish(ctx, filepath.Join(dir, "raw-after"), o.planSubjects, o.rawSize)
		if err != nil {
			return err
		}
		raw := benche2e.Pool(before, after)
		rounds = append(rounds, pair{breach: plan, reference: raw, before: before, after: after})
		if o.rounds > 1 {
			fmt.Fprintf(errOut, "breach-bench: round %d: planning ratio %.2f (plan %.0f/s vs raw JetStream %.0f/s: %.0f before, %.0f after; %.1f µs of CPU and %.0f allocations per notice, raw %.1f µs per message)\n",
				i+1, benche2e.Ratio(plan, raw), plan.PerSec(), raw.PerSec(), before.PerSec(), after.PerSec(), micros(plan.CPUPerItem()), plan.AllocsPerItem(), micros(raw.CPUPerItem()))
		}
	}
	p := median(rounds)
	fmt.Fprintf(out, "planning ratio %.2f (plan %.0f/s vs raw JetStream %.0f/s, %.0f before and %.0f after; %d notices for %d people, %.1f µs of CPU and %.0f allocations each; 2 × %d messages of %d bytes, %.1f µs of CPU each%s)\n",
		benche2e.Ratio(p.breach, p.reference), p.breach.PerSec(), p.reference.PerSec(), p.before.PerSec(), p.after.PerSec(),
		p.breach.Count, o.planSubjects, micros(p.breach.CPUPerItem()), p.breach.AllocsPerItem(), p.before.Count, o.rawSize, micros(p.reference.CPUPerItem()), roundsNote(o.rounds))
	return nil
}

// pair is one round: breach's rate and the reference's, pooled from the
// reference run before breach's and the one after.
type pair struct {
	breach, reference benche2e.Rate
	before, after     benche2e.Rate
	beforeApproval    time.Duration // e-mail rounds only
}

// median returns the round with the median ratio (the lower middle one
// of an even number).
func median(rounds []pair) pair {
	sorted := slices.Clone(rounds)
	slices.SortFunc(sorted, func(a, b pair) int {
		return cmp.Compare(benche2e.Ratio(a.breach, a.reference), benche2e.Ratio(b.breach, b.reference))
	})
	return sorted[(len(sorted)-1)/2]
}

func roundsNote(n int) string {
	if n < 2 {
		return ""
	}
	return fmt.Sprintf("; median of %d rounds", n)
}

// emailing prints the e-mail ratio. In each round smtp-source sends as
// many copies of one of the campaign's e-mails as the campaign will send
// to the same sink, then the campaign runs, then smtp-source again; the
// two reference runs are pooled.
func emailing(ctx context.Context, o options, out, errOut io.Writer) error {
	sink, err := benche2e.StartSink(ctx)
	if err != nil {
		return err
	}
	defer sink.Stop()
	var rounds []pair
	var last benche2e.EmailResult
	for i := range o.rounds {
		var before benche2e.Rate
		dir := filepath.Join(o.dir, "email-"+strconv.Itoa(i))
		eo := benche2e.EmailOptions{Dir: dir, Subjects: o.emailSubjects, SMTPAddr: sink.Addr, Connections: o.conns,
			BeforeStart: func(sample []byte, emails int) (err error) {
				before, err = benche2e.SMTPSource(ctx, dir, sink.Addr, o.conns, emails, sample)
				return err
			}}
		if o.verbose {
			eo.Log = errOut
		}
		closeProfiles, err := emailProfiles(&eo, o, i)
		if err != nil {
			return err
		}
		res, err := benche2e.EmailCampaign(ctx, eo)
		closeProfiles()
		if err != nil {
			return err
		}
		if res.Sent.Count == 0 {
			return fmt.Errorf("the campaign sent no e-mail (notices: %s)", counts(res.Notices))
		}
		after, err := benche2e.SMTPSource(ctx, dir, sink.Addr, o.conns, res.Sent.Count, res.Sample)
		if err != nil {
			return err
		}
		src := benche2e.Pool(before, after)
		rounds, last = append(rounds, pair{breach: res.Sent, reference: src, before: before, after: after, beforeApproval: res.BeforeApproval}), res
		if o.rounds > 1 {
			fmt.Fprintf(errOut, "breach-bench: round %d: e-mail ratio %.2f (breach %.0f/s vs smtp-source -d %.0f/s: %.0f before, %.0f after; %.1fs before approval; %.0f µs of CPU and %.0f allocations per e-mail)\n",
				i+1, benche2e.Ratio(res.Sent, src), res.Sent.PerSec(), src.PerSec(), before.PerSec(), after.PerSec(),
				res.BeforeApproval.Seconds(), micros(res.Sent.CPUPerItem()), res.Sent.AllocsPerItem())
		}
	}
	p := median(rounds)
	approved := benche2e.Rate{Count: p.breach.Count, Elapsed: p.breach.Elapsed - p.beforeApproval}
	fmt.Fprintf(out, "e-mail ratio %.2f (breach %.0f/s vs smtp-source -d %.0f/s, %.0f before and %.0f after; %d e-mails of ~%d bytes to %d people over %d connections, %.0f µs of CPU and %.0f allocations each, submit to campaign complete %.1fs, %.1fs of it before approval; from approval %.0f/s, ratio %.2f%s)\n",
		benche2e.Ratio(p.breach, p.reference), p.breach.PerSec(), p.reference.PerSec(), p.before.PerSec(), p.after.PerSec(),
		p.breach.Count, len(last.Sample), o.emailSubjects, o.conns, micros(p.breach.CPUPerItem()), p.breach.AllocsPerItem(), p.breach.Elapsed.Seconds(),
		p.beforeApproval.Seconds(), approved.PerSec(), benche2e.Ratio(approved, p.reference), roundsNote(o.rounds))
	fmt.Fprintf(errOut, "breach-bench: e-mail campaign notices: %s\n", counts(last.Notices))
	return nil
}

// emailProfiles opens the profile files of round i (the first only) into
// eo.
func emailProfiles(eo *benche2e.EmailOptions, o options, round int) (closeAll func(), err error) {
	var files []*os.File
	closeAll = func() {
		for _, f := range files {
			_ = f.Close()
		}
	}
	if round > 0 {
		return closeAll, nil
	}
	for _, p := range []struct {
		file string
		to   *io.Writer
	}{{o.cpuprofile, &eo.Profile}, {o.blockprofile, &eo.BlockProfile}, {o.memprofile, &eo.AllocProfile}, {base(o.memprofile), &eo.AllocBase}} {
		if p.file == "" {
			continue
		}
		f, err := os.Create(p.file)
		if err != nil {
			closeAll()
			return nil, err
		}
		files = append(files, f)
		*p.to = f
	}
	return closeAll, nil
}

// base names the file of the allocations before the e-mail campaign: ""
// when there is no allocation profile.
func base(memprofile string) string {
	if memprofile == "" {
		return ""
	}
	return memprofile + ".base"
}

// profile starts a CPU profile into file when it is set, in the first
// round only.
func profile(file string, round int) (stop func(), err error) {
	if file == "" || round > 0 {
		return func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}

// micros returns d in microseconds.
func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// counts renders notice counts as channel/state=n, sorted.
func counts(c notify.Counts) string {
	var parts []string
	for ch, byState := range c {
		for st, n := range byState {
			parts = append(parts, fmt.Sprintf("%s/%s=%d", ch, st, n))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// envInts reads integer defaults from the environment, keeping the first
// malformed one as err.
type envInts struct{ err error }

// get returns the positive integer in variable name, def when it is unset.
func (e *envInts) get(name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		if e.err == nil {
			e.err = fmt.Errorf("%s=%q is not a positive whole number", name, v)
		}
		return def
	}
	return n
}
