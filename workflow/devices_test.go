package workflow

import (
	"context"
	"testing"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/push/pushmsg"
	"github.com/breach-notify/breach/store"
)

// goneList is a store.Devices holding a fixed list.
type goneList []store.GoneDevice

func (g goneList) RecordGoneDevice(context.Context, store.GoneDevice) (bool, error) {
	return false, nil
}
func (g goneList) GoneDevices(context.Context) ([]store.GoneDevice, error)       { return g, nil }
func (g goneList) ClearGoneDevice(context.Context, string, string) (bool, error) { return false, nil }

// TestGoneDevicesFilter: the people source drops exactly the devices
// recorded gone, in the planner's address form, whatever form the push
// channel reported them in (a Web Push subscription by its endpoint), and
// counts them; without a key nothing is skipped.
func TestGoneDevicesFilter(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	sub := `{"endpoint":"https://push.example.net/send/abc","keys":{"p256dh":"BP","auth":"au"}}`
	// As the push channel reports them: the directory's JSON form.
	reported := []pushmsg.Device{{Platform: "fcm", Token: "gone-fcm"}, {Platform: "webpush", Subscription: []byte(" " + sub + " ")}}
	var rows goneList
	for _, d := range reported {
		rows = append(rows, store.GoneDevice{Platform: d.Platform, Digest: pushmsg.DeviceDigest(key, d)})
	}
	person := func() *notify.Recipient {
		return &notify.Recipient{ID: "p-1", Devices: []notify.Device{
			{Platform: "fcm", Token: "gone-fcm"}, {Platform: "fcm", Token: "live-fcm"},
			{Platform: "webpush", Token: sub}, {Platform: "apns", Token: "gone-fcm"}}}
	}
	g, err := loadGoneDevices(t.Context(), rows, key)
	if err != nil {
		t.Fatal(err)
	}
	r := person()
	g.filter(r)
	want := []notify.Device{{Platform: "fcm", Token: "live-fcm"}, {Platform: "apns", Token: "gone-fcm"}}
	if len(r.Devices) != len(want) || r.Devices[0] != want[0] || r.Devices[1] != want[1] {
		t.Errorf("devices left: %v, want %v", r.Devices, want)
	}
	g.filter(person())
	if g.Skipped() != 4 {
		t.Errorf("skipped %d over two people, want 4", g.Skipped())
	}

	// No key (no campaigns' notice key): nothing can match, nothing is skipped.
	none, err := loadGoneDevices(t.Context(), rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	r = person()
	none.filter(r)
	if len(r.Devices) != 4 || none.Skipped() != 0 {
		t.Errorf("without a key: %d devices left, %d skipped; want 4 and 0", len(r.Devices), none.Skipped())
	}
	// Another key: the records do not match.
	other, _ := loadGoneDevices(t.Context(), rows, []byte("another key, also 32 bytes long!"))
	r = person()
	other.filter(r)
	if len(r.Devices) != 4 {
		t.Errorf("with another key: %d devices left, want 4", len(r.Devices))
	}
}
