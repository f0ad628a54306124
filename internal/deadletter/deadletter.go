// Package deadletter administers breach's DEADLETTER stream: list what each
// stage rejected (headers, size and reason, never a body), show one, replay
// it to where it came from, resolve or purge it, each removal leaving a
// record without a body on <prefix>.deadletter.resolved or .purged. The CLI
// (with the operator's NATS credential) and the HTTP API (admin role, in the
// service's own connection) both use it.
package deadletter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/breach-notify/breach/internal/natsbus"
)

// Stages of the records resolve and purge leave, and the headers of records
// and replays.
const (
	StageResolved     = "resolved"
	StagePurged       = "purged"
	HeaderResolvedOf  = "Breach-Resolved-Of"
	HeaderPurgedUntil = "Breach-Purged-Before-Sequence"
	// HeaderReplayOf marks a replayed message with the dead letter it came
	// from ("DEADLETTER/17"), so the stage that reads it again can tell.
	HeaderReplayOf = "Breach-Replay-Of"
)

// ErrRefused marks a request the dead letter does not allow: a replay
// whose origin is unknown or outside the prefix, resolving a record.
var ErrRefused = errors.New("refused")

// ErrNotFound means the stream has no message at that sequence.
var ErrNotFound = errors.New("no such dead letter")

// Admin reads and changes one dead-letter stream.
type Admin struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	stream  jetstream.Stream
	name    string
	topics  natsbus.Topics
	prefix  string // without the trailing dot
	shown   string // the server, for messages, without passwords
	timeout time.Duration
}

// Config says which stream Open administers.
type Config struct {
	// Stream is the dead-letter stream's name (natsbus.StreamDeadletter).
	Stream string
	// Prefix is the service's subject prefix, without a trailing dot.
	Prefix string
	// Shown names the server in messages (never with a password).
	Shown string
	// Timeout bounds each request to the server (10s when 0).
	Timeout time.Duration
}

// Open looks the stream up on nc and returns its Admin. A stream that does
// not exist is an error naming it; a refusal by the server is returned as
// it is, for the caller to explain.
func Open(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, cfg Config) (*Admin, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	sctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	st, err := js.Stream(sctx, cfg.Stream)
	if err != nil {
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			return nil, fmt.Errorf("no stream %s on %s (is this breach's NATS server? set --stream): %w", cfg.Stream, cfg.Shown, err)
		}
		return nil, fmt.Errorf("stream %s on %s: %w", cfg.Stream, cfg.Shown, err)
	}
	return &Admin{nc: nc, js: js, stream: st, name: cfg.Stream, topics: natsbus.Topics{Prefix: cfg.Prefix},
		prefix: cfg.Prefix, shown: cfg.Shown, timeout: cfg.Timeout}, nil
}

// Stream is the name of the stream.
func (a *Admin) Stream() string { return a.name }

// StageOf is the stage of a dead-letter subject (<prefix>.deadletter.<stage>),
// or "-" for a subject outside that form.
func (a *Admin) StageOf(subject string) string {
	if s, ok := strings.CutPrefix(subject, a.topics.Deadletter("")); ok && s != "" {
		return s
	}
	return "-"
}

// ValidSubject reports whether s is one or more plain subject tokens, with
// no wildcard.
func ValidSubject(s string) bool {
	if s == "" {
		return false
	}
	for _, tok := range strings.Split(s, ".") {
		if tok == "" || strings.ContainsAny(tok, " \t\r\n*>") {
			return false
		}
	}
	return true
}

// Entry is one dead letter as listed: its headers and size, never its
// body (which can hold personal data).
type Entry struct {
	Sequence         uint64    `json:"sequence"`
	Time             time.Time `json:"time"`
	Stage            string    `json:"stage"`
	Subject          string    `json:"subject"`
	OriginalSubject  string    `json:"original_subject,omitempty"`
	OriginalStream   string    `json:"original_stream,omitempty"`
	OriginalSequence uint64    `json:"original_sequence,omitempty"`
	OriginalMsgID    string    `json:"original_msg_id,omitempty"`
	Deliveries       uint64    `json:"deliveries,omitempty"`
	Size             int       `json:"size"`
	Reason           string    `json:"reason"`
}

// IsRecord reports whether e is a record of a resolve or purge.
func (e Entry) IsRecord() bool { return e.Stage == StageResolved || e.Stage == StagePurged }

// List is a listing of dead letters.
type List struct {
	Stream string `json:"stream"`
	// Matched counts the dead letters that match the filter: more than
	// listed when the limit cut.
	Matched     uint64  `json:"matched"`
	Deadletters []Entry `json:"deadletters"`
	// Next is the sequence to list after for the next page, 0 when this
	// page is the last (ListAfter only).
	Next uint64 `json:"next,omitempty"`
}

// entry describes one dead letter from its headers; size < 0 takes the size
// from the Nats-Msg-Size header of a headers-only delivery.
func (a *Admin) entry(subject string, seq uint64, at time.Time, h nats.Header, size int) Entry {
	if size < 0 {
		size, _ = strconv.Atoi(h.Get(nats.MsgSize))
	}
	origSeq, _ := strconv.ParseUint(h.Get(natsbus.HeaderOriginalSequence), 10, 64)
	deliveries, _ := strconv.ParseUint(h.Get(natsbus.HeaderDeliveries), 10, 64)
	return Entry{
		Sequence: seq, Time: at.UTC(), Stage: a.StageOf(subject), Subject: subject,
		OriginalSubject: h.Get(natsbus.HeaderOriginalSubject), OriginalStream: h.Get(natsbus.HeaderOriginalStream),
		OriginalSequence: origSeq, OriginalMsgID: h.Get(natsbus.HeaderOriginalMsgID), Deliveries: deliveries,
		Size: size, Reason: h.Get(natsbus.HeaderError),
	}
}

// consumer is an ordered, headers-only consumer of the stages' dead
// letters from the start given by cfg: it acknowledges and removes nothing.
func (a *Admin) consumer(ctx context.Context, stages []string, cfg jetstream.OrderedConsumerConfig) (jetstream.Consumer, *jetstream.ConsumerInfo, error) {
	cfg.HeadersOnly = true // the size comes in Nats-Msg-Size; bodies never leave the server
	cfg.InactiveThreshold = 30 * time.Second
	for _, s := range stages {
		cfg.FilterSubjects = append(cfg.FilterSubjects, a.topics.Deadletter(s))
	}
	cons, err := a.stream.OrderedConsumer(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("read stream %s on %s: %w", a.name, a.shown, err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("read stream %s on %s: %w", a.name, a.shown, err)
	}
	return cons, info, nil
}

// each reads the consumer's dead letters until fn returns false or none is
// left, and says how many it read.
func (a *Admin) each(cons jetstream.Consumer, fn func(Entry) bool) (uint64, error) {
	var seen uint64
	for {
		m, err := cons.Next(jetstream.FetchMaxWait(a.timeout))
		if err != nil {
			return seen, fmt.Errorf("read stream %s on %s after %d dead letters: %w", a.name, a.shown, seen, err)
		}
		meta, err := m.Metadata()
		if err != nil {
			return seen, fmt.Errorf("read stream %s on %s: %w", a.name, a.shown, err)
		}
		seen++
		if !fn(a.entry(m.Subject(), meta.Sequence.Stream, meta.Timestamp, m.Headers(), -1)) || meta.NumPending == 0 {
			return seen, nil
		}
	}
}

// Newest lists the newest limit dead letters of stages (all when empty),
// oldest first.
func (a *Admin) Newest(ctx context.Context, stages []string, limit int) (*List, error) {
	if limit < 1 {
		return nil, fmt.Errorf("list dead letters: limit %d, want 1 or more: %w", limit, ErrRefused)
	}
	cctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	cons, info, err := a.consumer(cctx, stages, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return nil, err
	}
	out := &List{Stream: a.name, Matched: info.NumPending, Deadletters: []Entry{}}
	if info.NumPending == 0 {
		return out, nil
	}
	// Keep the newest limit entries in a ring.
	ring := make([]Entry, 0, min(limit, int(min(info.NumPending, 1<<20))))
	next := 0
	seen, err := a.each(cons, func(e Entry) bool {
		if len(ring) < limit {
			ring = append(ring, e)
		} else {
			ring[next] = e
			next = (next + 1) % limit
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	out.Matched = seen
	out.Deadletters = slices.Concat(ring[next:], ring[:next])
	return out, nil
}

// After lists, oldest first, at most limit dead letters of stages (all
// when empty) stored after sequence after; List.Next is where the next
// page starts.
func (a *Admin) After(ctx context.Context, stages []string, after uint64, limit int) (*List, error) {
	if limit < 1 {
		return nil, fmt.Errorf("list dead letters: limit %d, want 1 or more: %w", limit, ErrRefused)
	}
	cctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	cons, info, err := a.consumer(cctx, stages, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: after + 1})
	if err != nil {
		return nil, err
	}
	out := &List{Stream: a.name, Matched: info.NumPending, Deadletters: []Entry{}}
	if info.NumPending == 0 {
		return out, nil
	}
	if _, err := a.each(cons, func(e Entry) bool {
		out.Deadletters = append(out.Deadletters, e)
		return len(out.Deadletters) < limit
	}); err != nil {
		return nil, err
	}
	if uint64(len(out.Deadletters)) < info.NumPending {
		out.Next = out.Deadletters[len(out.Deadletters)-1].Sequence
	}
	return out, nil
}

// Get fetches one dead letter, body included, by stream sequence.
func (a *Admin) Get(ctx context.Context, seq uint64) (*jetstream.RawStreamMsg, error) {
	gctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	m, err := a.stream.GetMsg(gctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, fmt.Errorf("stream %s has no message %d: %w", a.name, seq, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get message %d of stream %s on %s: %w", seq, a.name, a.shown, err)
	}
	return m, nil
}

// Show describes one dead letter without its body.
func (a *Admin) Show(ctx context.Context, seq uint64) (Entry, error) {
	m, err := a.Get(ctx, seq)
	if err != nil {
		return Entry{}, err
	}
	return a.entry(m.Subject, seq, m.Time, m.Header, len(m.Data)), nil
}

// Replay is one dead letter checked and ready to republish.
type Replay struct {
	Seq     uint64
	Subject string
	Stream  string // the original stream, expected to store the replay; "" when unknown
	MsgID   string
	data    []byte
}

// Replayed is what a replay did.
type Replayed struct {
	Sequence uint64 `json:"sequence"`
	// Subject is where the dead letter was republished.
	Subject string `json:"subject"`
	// Stream and StreamSequence are where it was stored.
	Stream         string `json:"stream"`
	StreamSequence uint64 `json:"stream_sequence"`
	MsgID          string `json:"msg_id"`
	// Duplicate is true when it had been replayed before within the
	// stream's duplicate window and was not stored again.
	Duplicate bool `json:"duplicate"`
}

// Plan fetches dead letter seq and checks that it can go back where it came
// from.
func (a *Admin) Plan(ctx context.Context, seq uint64) (Replay, error) {
	m, err := a.Get(ctx, seq)
	if err != nil {
		return Replay{}, err
	}
	if a.StageOf(m.Subject) == "-" {
		return Replay{}, fmt.Errorf("replay %s %d: its subject %s is not a dead-letter subject under %s: %w",
			a.name, seq, m.Subject, a.topics.Deadletter("*"), ErrRefused)
	}
	subject := m.Header.Get(natsbus.HeaderOriginalSubject)
	switch {
	case subject == "":
		return Replay{}, fmt.Errorf("replay %s %d: it has no %s header, so where it came from is unknown: %w",
			a.name, seq, natsbus.HeaderOriginalSubject, ErrRefused)
	case !ValidSubject(subject) || !strings.HasPrefix(subject, a.prefix+"."):
		return Replay{}, fmt.Errorf("replay %s %d: its original subject %q is not under the prefix %s (set --prefix?): %w",
			a.name, seq, subject, a.prefix, ErrRefused)
	case strings.HasPrefix(subject, a.topics.Deadletter("")):
		return Replay{}, fmt.Errorf("replay %s %d: its original subject %s is itself a dead-letter subject: %w",
			a.name, seq, subject, ErrRefused)
	}
	if strings.HasPrefix(subject, a.prefix+".incident.") {
		// An incident dead-lettered for its wrong subject goes back to
		// the one intake accepts.
		subject = a.topics.IncidentSubmit()
	}
	id := m.Header.Get(natsbus.HeaderOriginalMsgID)
	if id == "" {
		id = "deadletter/" + a.name + "/" + strconv.FormatUint(seq, 10)
	}
	return Replay{Seq: seq, Subject: subject, Stream: m.Header.Get(natsbus.HeaderOriginalStream),
		MsgID: id + "/replay-" + strconv.FormatUint(seq, 10), data: m.Data}, nil
}

// Replay publishes p and waits for the acknowledgement.
func (a *Admin) Replay(ctx context.Context, p Replay) (Replayed, error) {
	msg := &nats.Msg{Subject: p.Subject, Data: p.data, Header: nats.Header{}}
	msg.Header.Set(jetstream.MsgIDHeader, p.MsgID)
	msg.Header.Set(HeaderReplayOf, a.name+"/"+strconv.FormatUint(p.Seq, 10))
	var opts []jetstream.PublishOpt
	if p.Stream != "" {
		opts = append(opts, jetstream.WithExpectStream(p.Stream))
	}
	pctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	ack, err := a.js.PublishMsg(pctx, msg, opts...)
	switch {
	case errors.Is(err, jetstream.ErrNoStreamResponse), errors.Is(err, nats.ErrNoResponders):
		return Replayed{}, fmt.Errorf("replay %s %d: no JetStream stream on %s stores %s", a.name, p.Seq, a.shown, p.Subject)
	case errors.Is(err, context.DeadlineExceeded):
		return Replayed{}, fmt.Errorf("replay %s %d to %s: no acknowledgement within %s", a.name, p.Seq, p.Subject, a.timeout)
	case err != nil:
		return Replayed{}, fmt.Errorf("replay %s %d to %s: %w", a.name, p.Seq, p.Subject, err)
	}
	return Replayed{Sequence: p.Seq, Subject: p.Subject, Stream: ack.Stream, StreamSequence: ack.Sequence, MsgID: p.MsgID, Duplicate: ack.Duplicate}, nil
}

// ReplayAll checks every sequence, then replays them in order; nothing is
// published when one cannot be replayed.
func (a *Admin) ReplayAll(ctx context.Context, seqs []uint64) ([]Replayed, error) {
	plans := make([]Replay, 0, len(seqs))
	for _, seq := range seqs {
		p, err := a.Plan(ctx, seq)
		if err != nil {
			return nil, err
		}
		plans = append(plans, p)
	}
	out := make([]Replayed, 0, len(plans))
	for _, p := range plans {
		r, err := a.Replay(ctx, p)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Resolved is one dead letter resolved.
type Resolved struct {
	Entry
	// Record is the stream sequence of the record left in its place.
	Record uint64 `json:"record"`
}

// Resolve marks dead letters handled: for each, a record without its body
// carrying its stage, original subject and message id, its reason and
// why (by whom) on <prefix>.deadletter.resolved; then the dead letter is
// erased (its bytes overwritten). Every sequence is checked first; a
// record cannot be resolved (ErrRefused).
func (a *Admin) Resolve(ctx context.Context, seqs []uint64, by, why string) ([]Resolved, error) {
	entries := make([]Entry, 0, len(seqs))
	for _, seq := range seqs {
		e, err := a.Show(ctx, seq)
		if err != nil {
			return nil, err
		}
		if e.IsRecord() {
			return nil, fmt.Errorf("%s %d is itself a record of a %s; purge it by age instead: %w", a.name, seq, e.Stage, ErrRefused)
		}
		entries = append(entries, e)
	}
	out := make([]Resolved, 0, len(entries))
	for _, e := range entries {
		rec, err := a.record(ctx, StageResolved, "resolved/"+a.name+"/"+strconv.FormatUint(e.Sequence, 10),
			fmt.Sprintf("resolved %s %d (stage %s, %s) by %s: %s; it had failed with: %s", a.name, e.Sequence, e.Stage,
				dash(e.OriginalSubject), by, why, dash(e.Reason)),
			map[string]string{HeaderResolvedOf: a.name + "/" + strconv.FormatUint(e.Sequence, 10),
				natsbus.HeaderOriginalSubject: e.OriginalSubject, natsbus.HeaderOriginalMsgID: e.OriginalMsgID})
		if err != nil {
			return out, err
		}
		if err := a.erase(ctx, e.Sequence); err != nil {
			return out, fmt.Errorf("resolve %s %d: recorded as %s %d, but not removed: %w", a.name, e.Sequence, a.name, rec, err)
		}
		out = append(out, Resolved{Entry: e, Record: rec})
	}
	return out, nil
}

// erase overwrites and removes one message; one already gone is no error.
func (a *Admin) erase(ctx context.Context, seq uint64) error {
	dctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	if err := a.stream.SecureDeleteMsg(dctx, seq); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
		return err
	}
	return nil
}

// record publishes a record without a body on <prefix>.deadletter.<stage>
// and returns its stream sequence.
func (a *Admin) record(ctx context.Context, stage, msgID, text string, hdr map[string]string) (uint64, error) {
	msg := &nats.Msg{Subject: a.topics.Deadletter(stage), Header: nats.Header{}}
	msg.Header.Set(natsbus.HeaderError, natsbus.HeaderValue(text))
	msg.Header.Set(jetstream.MsgIDHeader, msgID)
	for k, v := range hdr {
		if v != "" {
			msg.Header.Set(k, natsbus.HeaderValue(v))
		}
	}
	pctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	ack, err := a.js.PublishMsg(pctx, msg, jetstream.WithExpectStream(a.name))
	if err != nil {
		return 0, fmt.Errorf("record the %s in %s: %w (nothing was removed)", stage, a.name, err)
	}
	return ack.Sequence, nil
}

// Purged is what a purge removed.
type Purged struct {
	// Sequences are the dead letters removed by sequence; empty for a
	// purge by age.
	Sequences []uint64 `json:"sequences,omitempty"`
	// Count is how many dead letters went.
	Count uint64 `json:"count"`
	// Record is the stream sequence of the record of the purge.
	Record uint64 `json:"record"`
	// Before is the cutoff of a purge by age.
	Before time.Time `json:"before,omitzero"`
	// Stages are the stages a purge by age was limited to.
	Stages []string `json:"stages,omitempty"`
}

// PurgeSeqs removes the dead letters given by sequence, after checking
// that each exists, and leaves one record of the purge. On an error the
// result still says what was removed, so that it can be audited.
func (a *Admin) PurgeSeqs(ctx context.Context, seqs []uint64, by, why string) (Purged, error) {
	for _, seq := range seqs {
		if _, err := a.Get(ctx, seq); err != nil {
			return Purged{}, err
		}
	}
	list := make([]string, len(seqs))
	for i, s := range seqs {
		list[i] = strconv.FormatUint(s, 10)
	}
	rec, err := a.record(ctx, StagePurged, "purged/"+a.name+"/"+strings.Join(list, ","),
		fmt.Sprintf("purged %s %s by %s: %s", a.name, strings.Join(list, ", "), by, why), nil)
	if err != nil {
		return Purged{}, err
	}
	for i, seq := range seqs {
		if err := a.erase(ctx, seq); err != nil {
			// The ones before were erased: say so, for the audit log.
			return Purged{Sequences: seqs[:i], Count: uint64(i), Record: rec}, fmt.Errorf("purge %s %d: %w", a.name, seq, err)
		}
	}
	return Purged{Sequences: seqs, Count: uint64(len(seqs)), Record: rec}, nil
}

// PurgeOlder removes, of stages (all when empty), every dead letter stored
// before cutoff, and leaves one record of the purge; age is how the caller
// put the cutoff, for the record. On an error the result still counts
// what was removed, so that it can be audited.
func (a *Admin) PurgeOlder(ctx context.Context, cutoff time.Time, age time.Duration, stages []string, by, why string) (Purged, error) {
	filters := []string{a.topics.Deadletter("*")}
	if len(stages) > 0 {
		filters = filters[:0]
		for _, s := range stages {
			filters = append(filters, a.topics.Deadletter(s))
		}
	}
	total := uint64(0)
	for _, f := range filters {
		keep, err := a.firstAtOrAfter(ctx, f, cutoff)
		if err != nil {
			return Purged{}, err
		}
		n, err := a.purgeBefore(ctx, f, keep)
		if err != nil {
			// The stages before were purged: say so, for the audit log.
			return Purged{Count: total, Before: cutoff.UTC(), Stages: stages}, err
		}
		total += n
	}
	what := "all stages"
	if len(stages) > 0 {
		what = "stage " + strings.Join(stages, ", ")
	}
	rec, err := a.record(ctx, StagePurged, "purged/"+a.name+"/before/"+cutoff.UTC().Format(time.RFC3339Nano)+"/"+strings.Join(stages, ","),
		fmt.Sprintf("purged %d dead letters of %s older than %s (before %s) by %s: %s", total, what, age, cutoff.UTC().Format(time.RFC3339), by, why), nil)
	if err != nil {
		return Purged{Count: total, Before: cutoff.UTC(), Stages: stages}, fmt.Errorf("purged %d dead letters, but %w", total, err)
	}
	return Purged{Count: total, Record: rec, Before: cutoff.UTC(), Stages: stages}, nil
}

// firstAtOrAfter is the stream sequence of the first message on filter
// stored at or after t, or one past the stream's last when there is none.
func (a *Admin) firstAtOrAfter(ctx context.Context, filter string, t time.Time) (uint64, error) {
	cctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	info, err := a.stream.Info(cctx)
	if err != nil {
		return 0, fmt.Errorf("read stream %s on %s: %w", a.name, a.shown, err)
	}
	cons, err := a.stream.OrderedConsumer(cctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{filter}, DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &t,
		HeadersOnly: true, InactiveThreshold: 30 * time.Second,
	})
	if err != nil {
		return 0, fmt.Errorf("read stream %s on %s: %w", a.name, a.shown, err)
	}
	ci, err := cons.Info(cctx)
	if err != nil {
		return 0, fmt.Errorf("read stream %s on %s: %w", a.name, a.shown, err)
	}
	if ci.NumPending == 0 {
		return info.State.LastSeq + 1, nil
	}
	m, err := cons.Next(jetstream.FetchMaxWait(a.timeout))
	if err != nil {
		return 0, fmt.Errorf("read stream %s on %s: %w", a.name, a.shown, err)
	}
	meta, err := m.Metadata()
	if err != nil {
		return 0, fmt.Errorf("read stream %s on %s: %w", a.name, a.shown, err)
	}
	return meta.Sequence.Stream, nil
}

// purgeBefore removes the messages on filter below sequence keep and says
// how many went.
func (a *Admin) purgeBefore(ctx context.Context, filter string, keep uint64) (uint64, error) {
	body, err := json.Marshal(struct {
		Filter string `json:"filter"`
		Seq    uint64 `json:"seq"`
	}{filter, keep})
	if err != nil {
		return 0, err
	}
	pctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	resp, err := a.nc.RequestWithContext(pctx, "$JS.API.STREAM.PURGE."+a.name, body)
	if err != nil {
		return 0, fmt.Errorf("purge %s on %s: %w", a.name, a.shown, err)
	}
	var out struct {
		Purged uint64 `json:"purged"`
		Error  *struct {
			Description string `json:"description"`
		} `json:"error"`
	}
	if err := json.Unmarshal(resp.Data, &out); err != nil {
		return 0, fmt.Errorf("purge %s on %s: unreadable answer: %w", a.name, a.shown, err)
	}
	if out.Error != nil {
		return 0, fmt.Errorf("purge %s on %s: %s", a.name, a.shown, out.Error.Description)
	}
	return out.Purged, nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
