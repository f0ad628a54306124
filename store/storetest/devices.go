package storetest

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/breach-notify/breach/store"
)

func digest(c byte) string { return strings.Repeat(string(c), 64) }

// testGoneDevices checks the gone push devices: recorded once (the first
// report kept), listed by platform and digest, cleared, and invalid
// records refused.
func testGoneDevices(t *testing.T, s store.Store) {
	ctx := t.Context()
	if got, err := s.GoneDevices(ctx); err != nil || len(got) != 0 {
		t.Fatalf("GoneDevices on an empty store: got %v, %v; want none", got, err)
	}
	at := base.Add(90 * time.Minute)
	first := store.GoneDevice{Platform: "fcm", Digest: digest('b'), Reason: "UNREGISTERED", At: at, Notice: "INC-2026-0001/p-1/push/1/d0"}
	others := []store.GoneDevice{
		{Platform: "apns", Digest: digest('c'), Reason: "BadDeviceToken", At: at.Add(time.Second), Notice: "INC-2026-0001/p-2/push/1/d0"},
		{Platform: "webpush", Digest: digest('a'), Reason: "410", At: at.Add(123456 * time.Nanosecond), Notice: "INC-2026-0001/p-3/push/1/d1"},
		// The same digest on another platform is another device.
		{Platform: "apns", Digest: digest('b'), Reason: "Unregistered", At: at, Notice: "INC-2026-0001/p-4/push/1/d0"},
	}
	for _, d := range append([]store.GoneDevice{first}, others...) {
		if ok, err := s.RecordGoneDevice(ctx, d); err != nil || !ok {
			t.Fatalf("RecordGoneDevice(%s %s): got %v, %v; want recorded", d.Platform, d.Digest[:4], ok, err)
		}
	}
	// A second report of the same device, by a later campaign, keeps the
	// first record.
	again := first
	again.Reason, again.At, again.Notice = "INVALID_ARGUMENT", at.Add(time.Hour), "INC-2026-0002/p-1/push/1/d0"
	if ok, err := s.RecordGoneDevice(ctx, again); err != nil || ok {
		t.Fatalf("RecordGoneDevice again: got %v, %v; want not recorded, no error", ok, err)
	}
	want := []store.GoneDevice{others[2], others[0], first, others[1]}
	want[1].At = want[1].At.Truncate(time.Microsecond) // the store keeps microseconds
	want[3].At = want[3].At.Truncate(time.Microsecond)
	got, err := s.GoneDevices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GoneDevices (-want +got):\n%s", diff)
	}

	if ok, err := s.ClearGoneDevice(ctx, "fcm", digest('b')); err != nil || !ok {
		t.Fatalf("ClearGoneDevice: got %v, %v; want cleared", ok, err)
	}
	if ok, err := s.ClearGoneDevice(ctx, "fcm", digest('b')); err != nil || ok {
		t.Fatalf("ClearGoneDevice twice: got %v, %v; want not cleared, no error", ok, err)
	}
	got, err = s.GoneDevices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.GoneDevice{want[0], want[1], want[3]}, got); diff != "" {
		t.Errorf("GoneDevices after clearing (-want +got):\n%s", diff)
	}
	// Cleared, the device can be recorded gone again.
	if ok, err := s.RecordGoneDevice(ctx, again); err != nil || !ok {
		t.Fatalf("RecordGoneDevice after clearing: got %v, %v; want recorded", ok, err)
	}

	bad := map[string]store.GoneDevice{
		"unknown platform": {Platform: "sms", Digest: digest('d'), Reason: "x", At: at},
		"raw token":        {Platform: "fcm", Digest: "49d42087783ed9eb1e4349:APA91b", Reason: "x", At: at},
		"upper-case hex":   {Platform: "fcm", Digest: strings.Repeat("D", 64), Reason: "x", At: at},
		"no reason":        {Platform: "fcm", Digest: digest('d'), At: at},
		"no time":          {Platform: "fcm", Digest: digest('d'), Reason: "x"},
		"long notice":      {Platform: "fcm", Digest: digest('d'), Reason: "x", At: at, Notice: strings.Repeat("n", 501)},
	}
	for name, d := range bad {
		if _, err := s.RecordGoneDevice(ctx, d); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("RecordGoneDevice(%s): got %v, want ErrInvalid", name, err)
		}
	}
	if _, err := s.ClearGoneDevice(ctx, "fcm", "not-a-digest"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("ClearGoneDevice(bad digest): got %v, want ErrInvalid", err)
	}
}

// testGoneDevicesConcurrent reports one device gone from many goroutines at
// once, as replicas sending to it for several campaigns would: one
// record, no error.
func testGoneDevicesConcurrent(t *testing.T, s store.Store) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	recorded := 0
	for i := range 8 {
		wg.Go(func() {
			d := store.GoneDevice{Platform: "apns", Digest: digest('e'), Reason: "Unregistered", At: base.Add(time.Duration(i) * time.Second), Notice: "k"}
			ok, err := s.RecordGoneDevice(t.Context(), d)
			if err != nil {
				t.Errorf("RecordGoneDevice: %v", err)
			}
			if ok {
				mu.Lock()
				recorded++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	got, err := s.GoneDevices(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if recorded != 1 || len(got) != 1 {
		t.Errorf("got %d recorded, %d stored; want 1 and 1", recorded, len(got))
	}
}
