package email_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/email"
	"github.com/breach-notify/breach/notify/notifytest"
)

// Sending one notice, then one the server refuses, and telling the two
// kinds of failure apart.
func Example() {
	srv, err := notifytest.NewSMTPServer(notifytest.Behaviour{Reject: []string{"gone@example.net"}})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	n, err := email.New(email.Config{
		Host: srv.Host, Port: srv.Port, TLS: email.TLSNone, // starttls (the default) in production
		From:        "Privacy Office <privacy@example.org>",
		Connections: 2,
	}, logging.Discard())
	if err != nil {
		panic(err)
	}
	defer n.Close()

	m := &notify.Message{Key: "INC-1/u-1/email/1", IncidentID: "INC-1", Channel: notify.ChannelEmail,
		To: "ada@example.net", ToName: "Ada", Subject: "Security notice", Text: "What happened…", HTML: "<p>What happened…</p>"}
	id, err := n.Notify(context.Background(), m)
	fmt.Println(err, strings.HasSuffix(id, "@example.org>"))

	m.Key, m.To = "INC-1/u-2/email/1", "gone@example.net"
	_, err = n.Notify(context.Background(), m)
	fmt.Println(err, notify.IsPermanent(err), errors.Is(err, email.ErrRejected))
	// Output:
	// <nil> true
	// permanent delivery failure 550 5.1.1: recipient rejected by smtp server true true
}
