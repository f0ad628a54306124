package sms_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/sms"
)

// Sending one notice, then one Twilio refuses because the person replied
// STOP, and telling the failure apart from a temporary one.
func Example() {
	// A stand-in for api.twilio.com; production leaves BaseURL empty.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.FormValue("To") == "+447700900456" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}`)
	}))
	defer api.Close()

	n, err := sms.New(sms.Config{
		AccountSID: "AC0123456789abcdef0123456789abcdef",
		AuthToken:  config.NewSecret("0123456789abcdef0123456789abcdef"),
		From:       "+15005550006",
		BaseURL:    api.URL,
	}, logging.Discard())
	if err != nil {
		panic(err)
	}

	m := &notify.Message{Key: "INC-1/u-1/sms/1", Channel: notify.ChannelSMS, To: "+447700900123",
		Text: "Example Ltd: your account data was exposed. Details: https://example.org/n/K7Q2"}
	sid, err := n.Notify(context.Background(), m)
	fmt.Println(sid, err)

	m.To = "+447700900456"
	_, err = n.Notify(context.Background(), m)
	fmt.Println(err)
	fmt.Println(notify.IsPermanent(err), errors.Is(err, sms.ErrUnsubscribed), sms.IsAmbiguous(err))
	// Output:
	// SM0123456789abcdef0123456789abcdef <nil>
	// permanent delivery failure 21610: recipient unsubscribed (replied STOP)
	// true true false
}
