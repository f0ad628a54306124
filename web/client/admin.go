package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/breach-notify/breach/internal/deadletter"
	"github.com/breach-notify/breach/web"
)

// DeadLetters lists, oldest first, at most limit dead letters of stages
// (all when empty) after stream sequence after (0: from the first);
// List.Next is where the next page starts. Bodies are never sent.
func (c *Client) DeadLetters(ctx context.Context, stages []string, after uint64, limit int) (*deadletter.List, error) {
	q := url.Values{}
	if after > 0 {
		q.Set("after", strconv.FormatUint(after, 10))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if len(stages) > 0 {
		q.Set("stage", strings.Join(stages, ","))
	}
	var l deadletter.List
	err := c.call(ctx, Request{Path: "/api/v1/deadletters", Query: q}, "dead-letter list", &l)
	return &l, err
}

// DeadLetter describes one dead letter, without its body.
func (c *Client) DeadLetter(ctx context.Context, seq uint64) (deadletter.Entry, error) {
	var e deadletter.Entry
	err := c.call(ctx, Request{Path: deadLetterPath(seq)}, fmt.Sprintf("dead letter %d", seq), &e)
	return e, err
}

// ReplayDeadLetter republishes one dead letter to where it came from.
func (c *Client) ReplayDeadLetter(ctx context.Context, seq uint64, reason string) (web.ReplayResult, error) {
	var r web.ReplayResult
	err := c.call(ctx, Request{Method: http.MethodPost, Path: deadLetterPath(seq) + "/replay", Body: web.DeadLetterRequest{Reason: reason}},
		fmt.Sprintf("replay of dead letter %d", seq), &r)
	return r, err
}

// ResolveDeadLetter removes one handled dead letter, leaving a record.
func (c *Client) ResolveDeadLetter(ctx context.Context, seq uint64, reason string) (web.ResolveResult, error) {
	var r web.ResolveResult
	err := c.call(ctx, Request{Method: http.MethodPost, Path: deadLetterPath(seq) + "/resolve", Body: web.DeadLetterRequest{Reason: reason}},
		fmt.Sprintf("resolve of dead letter %d", seq), &r)
	return r, err
}

// PurgeDeadLetters removes dead letters by sequence or by age.
func (c *Client) PurgeDeadLetters(ctx context.Context, req web.PurgeRequest) (deadletter.Purged, error) {
	var p deadletter.Purged
	err := c.call(ctx, Request{Method: http.MethodPost, Path: "/api/v1/deadletters/purge", Body: req}, "dead-letter purge", &p)
	return p, err
}

func deadLetterPath(seq uint64) string { return "/api/v1/deadletters/" + strconv.FormatUint(seq, 10) }

// AuditHead is the audit chain's head an export quotes.
type AuditHead struct {
	Seq  int64
	Hash string
}

// String is SEQ:HASH, as breach audit verify --head takes it; "" when the
// server quoted none.
func (h AuditHead) String() string {
	if h.Hash == "" {
		return ""
	}
	return strconv.FormatInt(h.Seq, 10) + ":" + h.Hash
}

// HeadOf reads the audit head quoted in an answer's headers.
func HeadOf(h http.Header) AuditHead {
	seq, _ := strconv.ParseInt(h.Get(web.HeaderAuditHeadSeq), 10, 64)
	return AuditHead{Seq: seq, Hash: h.Get(web.HeaderAuditHeadHash)}
}

// ExportAudit streams the audit log as JSON Lines into w (every entry
// after `after`) and returns the chain head the server quoted when it
// started and the number of bytes written.
func (c *Client) ExportAudit(ctx context.Context, after int64, w io.Writer) (AuditHead, int64, error) {
	q := url.Values{}
	if after > 0 {
		q.Set("after", strconv.FormatInt(after, 10))
	}
	resp, err := c.Do(ctx, Request{Path: "/api/v1/audit", Query: q, Accept: "application/jsonl", Stream: true})
	if err != nil {
		return AuditHead{}, 0, err
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/jsonl") {
		return AuditHead{}, 0, fmt.Errorf("the server answered %q instead of JSON Lines; is %s a breach server?", ct, c.Server())
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return AuditHead{}, n, fmt.Errorf("audit export from %s: cut off after %d bytes: %w", c.Server(), n, err)
	}
	return HeadOf(resp.Header), n, nil
}

// VerifyAudit asks the server to verify the chain with its key.
func (c *Client) VerifyAudit(ctx context.Context) (web.AuditVerification, error) {
	var v web.AuditVerification
	err := c.call(ctx, Request{Path: "/api/v1/audit/verify"}, "audit verification", &v)
	return v, err
}
