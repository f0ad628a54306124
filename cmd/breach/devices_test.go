package main

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/notify/push/pushmsg"
	"github.com/breach-notify/breach/store"
)

func TestDevicesGoneAndReactivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	st := openDataStore(t, dir)
	key := bytes.Repeat([]byte{7}, 32)
	if err := os.WriteFile(filepath.Join(dir, "notice.key"), []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const token = "secret-registration-token:APA91b"
	fcm := pushmsg.Device{Platform: "fcm", Token: token}
	apns := pushmsg.Device{Platform: "apns", Token: "0a1b2c3d"}
	for _, d := range []pushmsg.Device{fcm, apns} {
		if _, err := st.RecordGoneDevice(t.Context(), store.GoneDevice{Platform: d.Platform, Digest: pushmsg.DeviceDigest(key, d),
			Reason: "UNREGISTERED", At: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC), Notice: "notice/INC-1/p-1/push/v1/d0"}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := breachCmd(t, "devices", "gone", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, pushmsg.DeviceDigest(key, fcm)) || !strings.Contains(out, "UNREGISTERED") || strings.Contains(out, token) {
		t.Fatalf("devices gone: exit %d, stdout %q, stderr %q; want both devices by digest, never the token", code, out, errOut)
	}

	// By the device itself, on standard input.
	var stdout, stderr bytes.Buffer
	code = run([]string{"devices", "reactivate", "--device", "--data-dir", dir}, strings.NewReader(`{"platform":"fcm","token":"`+token+`"}`), &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "reactivated") {
		t.Fatalf("devices reactivate --device: exit %d, %q %q", code, stdout.String(), stderr.String())
	}
	// By platform and digest.
	code, out, errOut = breachCmd(t, "devices", "reactivate", "--platform", "apns", "--digest", pushmsg.DeviceDigest(key, apns), "--data-dir", dir)
	if code != 0 {
		t.Fatalf("devices reactivate --digest: exit %d, %q %q", code, out, errOut)
	}
	if left, err := st.GoneDevices(t.Context()); err != nil || len(left) != 0 {
		t.Errorf("gone devices after reactivating both: %v, %v; want none", left, err)
	}
	// Again: nothing to reactivate is a usage error naming it.
	code, _, errOut = breachCmd(t, "devices", "reactivate", "--platform", "apns", "--digest", pushmsg.DeviceDigest(key, apns), "--data-dir", dir)
	if code != 2 || !strings.Contains(errOut, "no apns device") {
		t.Errorf("reactivating twice: exit %d, stderr %q; want 2 naming the device", code, errOut)
	}
	for _, args := range [][]string{
		{"devices", "reactivate", "--data-dir", dir},
		{"devices", "reactivate", "--digest", "ab", "--data-dir", dir},
		{"devices", "reactivate", "--device", "--platform", "fcm", "--data-dir", dir},
	} {
		if code, _, _ := breachCmd(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	entries, _, err := audit.New(st, time.Now).List(t.Context(), audit.Filter{Action: audit.ActionDeviceReactivated}, audit.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Object, token) {
			t.Errorf("audit entry %q quotes the token", e.Object)
		}
	}
	if n := len(entries); n != 2 {
		t.Errorf("got %d device.reactivated audit entries, want 2", n)
	}
}
