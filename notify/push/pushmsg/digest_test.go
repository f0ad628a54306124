package pushmsg

import (
	"strings"
	"testing"
)

func TestDeviceDigest(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	sub := `{"endpoint":"https://push.example.net/send/abc","keys":{"p256dh":"BP","auth":"au"}}`
	fcm := Device{Platform: PlatformFCM, Token: "49d42087783ed9eb1e4349:APA91b"}
	d := DeviceDigest(key, fcm)
	if len(d) != 64 || strings.ToLower(d) != d || strings.Contains(d, fcm.Token) {
		t.Fatalf("digest %q: want 64 lower-case hex digits that do not contain the token", d)
	}
	// The planner's short form and the directory's JSON form of one
	// device have one digest.
	short, err := Parse("fcm:" + fcm.Token)
	if err != nil {
		t.Fatal(err)
	}
	if DeviceDigest(key, short) != d {
		t.Error("the short and the JSON form of one FCM device have different digests")
	}
	// A Web Push subscription is its endpoint: re-serialised keys or
	// spacing do not change it.
	a, err := Parse("webpush:" + sub)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(`{"platform":"webpush","subscription":{ "keys":{"auth":"au","p256dh":"BP"}, "endpoint":"https://push.example.net/send/abc" }}`)
	if err != nil {
		t.Fatal(err)
	}
	if DeviceDigest(key, a) != DeviceDigest(key, b) {
		t.Error("one Web Push subscription written two ways has two digests")
	}
	for name, other := range map[string]string{
		"another key":      DeviceDigest([]byte("another key, also 32 bytes long!"), fcm),
		"another platform": DeviceDigest(key, Device{Platform: PlatformAPNs, Token: fcm.Token}),
		"another token":    DeviceDigest(key, Device{Platform: PlatformFCM, Token: fcm.Token + "x"}),
		"another endpoint": DeviceDigest(key, Device{Platform: PlatformWebPush, Subscription: []byte(strings.Replace(sub, "abc", "abd", 1))}),
	} {
		if other == d || (name == "another endpoint" && other == DeviceDigest(key, a)) {
			t.Errorf("%s: same digest", name)
		}
	}
}

// TestDigesterMatchesDeviceDigest checks the digester, its key derived
// once, gives every device the digest DeviceDigest gives it.
func TestDigesterMatchesDeviceDigest(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	g := NewDigester(key)
	other := NewDigester([]byte("another key, also 32 bytes long!"))
	for _, d := range []Device{
		{Platform: PlatformFCM, Token: "49d42087783ed9eb1e4349:APA91b"},
		{Platform: PlatformAPNs, Token: "49d42087783ed9eb1e4349:APA91b"},
		{Platform: PlatformWebPush, Subscription: []byte(`{"endpoint":"https://push.example.net/send/abc"}`)},
	} {
		if got, want := g.Digest(d), DeviceDigest(key, d); got != want {
			t.Errorf("%s: digester %s, DeviceDigest %s", d.Platform, got, want)
		}
		if other.Digest(d) == g.Digest(d) {
			t.Errorf("%s: two keys give one digest", d.Platform)
		}
	}
}
