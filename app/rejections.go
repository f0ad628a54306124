package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/access"
	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/notify"
)

// rejectionQueue bounds the rejected-notice audit entries waiting to be
// written: a flood of forged jobs fills it and the rest are dropped
// (counted and logged), never slowing delivery.
const rejectionQueue = 1024

// startRejectionAudit makes the queue through which rejected notice jobs
// become audit entries, and counts what it drops in
// breach_audit_dropped_total.
func (s *Service) startRejectionAudit(log *logrus.Entry) {
	dropped := prometheus.NewCounter(prometheus.CounterOpts{Name: "breach_audit_dropped_total",
		Help: "Audit entries of rejected notices not written: the queue was full or the audit log failed (the notices were dead-lettered all the same)."})
	s.metrics.reg.MustRegister(dropped)
	a := audit.NewAsync(s.audit, rejectionQueue)
	a.OnDrop = func(ev audit.Event, err error) {
		dropped.Inc()
		log.WithError(err).WithField("object", ev.Object).Error("audit entry of a rejected notice not written (the notice was dead-lettered)")
	}
	s.rejections = a
}

// auditRejection returns the hook (notify.WorkerConfig.OnRejected) that
// records a rejected notice job of channel ch: by the system, with the
// reason and the SHA-256 of the notice key it claims (of the whole body
// when it names none), never the body itself.
func (s *Service) auditRejection(ch notify.Channel) func(reason string, raw []byte) {
	return func(reason string, raw []byte) {
		if s.rejections == nil {
			return
		}
		var t struct {
			Key string `json:"key"`
		}
		what, claimed := raw, "body"
		if json.Unmarshal(raw, &t) == nil && t.Key != "" {
			what, claimed = []byte(t.Key), "key"
		}
		sum := sha256.Sum256(what)
		digest := hex.EncodeToString(sum[:])
		s.rejections.Submit(audit.Event{Principal: access.System("notify").Name, Action: audit.ActionNoticeRejected,
			Object: "notice/" + digest[:32], Details: map[string]any{"reason": reason, "channel": string(ch),
				"sha256_of": claimed, "sha256": digest, "size": len(raw)}})
	}
}
