package push_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/push"
	"github.com/breach-notify/breach/notify/push/pushtest"
)

// cleanups collects what the fakes close, for an example without a test.
type cleanups []func()

func (c *cleanups) Cleanup(f func()) { *c = append(*c, f) }

// Building the push channel from channels.push (APNs only here), sending
// one push, and telling the engine to deactivate a device Apple says is
// gone.
func Example() {
	var done cleanups
	defer func() {
		for _, f := range done {
			f()
		}
	}()
	// A stand-in for api.push.apple.com; production leaves BaseURL empty.
	apple, _ := pushtest.NewAPNs(&done, "ABC123DEFG", "DEF123GHIJ", "org.example.breach")
	apple.Reply = func(token string, _ int) pushtest.Reply {
		if token == fmt.Sprintf("%064x", 2) {
			return pushtest.Reply{Status: 410, Reason: "Unregistered"}
		}
		return pushtest.Reply{Status: 200}
	}
	dir, _ := os.MkdirTemp("", "push-example")
	defer os.RemoveAll(dir)
	keyFile := filepath.Join(dir, "AuthKey_ABC123DEFG.p8")
	_ = os.WriteFile(keyFile, apple.KeyPEM(), 0o600)

	var cfg push.Config // as decoded from channels.push
	cfg.NoticeURL = "https://status.example.org/notices/{reference}"
	cfg.APNs.KeyFile, cfg.APNs.KeyID, cfg.APNs.TeamID, cfg.APNs.Topic = keyFile, "ABC123DEFG", "DEF123GHIJ", "org.example.breach"
	cfg.APNs.BaseURL, cfg.APNs.HTTPClient = apple.Server.URL, apple.Client()
	n, err := push.New(cfg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer n.Close()

	for i := 1; i <= 2; i++ {
		m := &notify.Message{
			Key: fmt.Sprintf("INC-2026-0042/u-%d/push/1/d0", i), IncidentID: "INC-2026-0042", Channel: notify.ChannelPush,
			To:      push.DeviceAddress("apns", fmt.Sprintf("%064x", i), nil),
			Subject: "Important security notice", Text: "Seestar Store has sent you an important security notice (ref. INC-2026-0042).",
		}
		_, err := n.Notify(context.Background(), m)
		switch {
		case err == nil:
			fmt.Println("device", i, "sent")
		case push.ShouldDeactivate(err):
			fmt.Println("device", i, "deactivate:", errors.Is(err, push.ErrDeviceGone), notify.IsPermanent(err))
		default:
			fmt.Println("device", i, "retry later:", err)
		}
	}
	// Output:
	// device 1 sent
	// device 2 deactivate: true true
}
