package pushtest_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	wp "github.com/SherClockHolmes/webpush-go"
	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/token"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/breach-notify/breach/notify/push/pushtest"
)

// The fakes are only worth their tests if they refuse what the real
// services refuse: each case here breaks one rule and must be caught.

func webSubscription(t *testing.T, f *pushtest.WebPush) *wp.Subscription {
	t.Helper()
	_, raw, err := f.Subscribe()
	if err != nil {
		t.Fatal(err)
	}
	var s wp.Subscription
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

func TestWebPushFakeDecryptsAndRefusesBrokenRequests(t *testing.T) {
	priv, pub, err := wp.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	_, otherPub, _ := wp.GenerateVAPIDKeys()
	good := wp.Options{Subscriber: "security@example.org", VAPIDPublicKey: pub, VAPIDPrivateKey: priv, TTL: 60}
	cases := []struct {
		name    string
		edit    func(*wp.Options, *wp.Subscription)
		problem string
	}{
		{"correct", func(*wp.Options, *wp.Subscription) {}, ""},
		{"ttl missing", func(o *wp.Options, _ *wp.Subscription) { o.TTL = 0 }, "TTL header"},
		{"k of another key", func(o *wp.Options, _ *wp.Subscription) { o.VAPIDPublicKey = otherPub }, "not the configured public key"},
		{"encrypted for another auth secret", func(_ *wp.Options, s *wp.Subscription) { s.Keys.Auth = "AAAAAAAAAAAAAAAAAAAAAA" }, "cannot decrypt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := pushtest.NewWebPush(t)
			f.VAPIDPublicKey = pub
			sub := webSubscription(t, f)
			opts := good
			opts.HTTPClient = f.Client()
			c.edit(&opts, sub)
			resp, err := wp.SendNotificationWithContext(context.Background(), []byte(`{"title":"t"}`), sub, &opts)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			problems := strings.Join(f.Problems(), "; ")
			if c.problem == "" {
				if resp.StatusCode != http.StatusCreated || problems != "" {
					t.Fatalf("got %d %q, want 201 and no problem", resp.StatusCode, problems)
				}
				if got := string(f.Received()[0].Payload); got != `{"title":"t"}` {
					t.Errorf("got decrypted %q, want the plaintext", got)
				}
				return
			}
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(problems, c.problem) {
				t.Errorf("got %d %q, want 400 and a problem containing %q", resp.StatusCode, problems, c.problem)
			}
		})
	}
}

func TestAPNsFakeRefusesAWrongProviderTokenAndHTTP1(t *testing.T) {
	f, err := pushtest.NewAPNs(t, "ABC123DEFG", "DEF123GHIJ", "org.example.breach")
	if err != nil {
		t.Fatal(err)
	}
	own, _ := token.AuthKeyFromBytes(f.KeyPEM())
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	note := &apns2.Notification{DeviceToken: strings.Repeat("ab", 32), Topic: "org.example.breach", Payload: []byte(`{"aps":{"alert":"x"}}`)}
	cases := []struct {
		name   string
		tok    *token.Token
		reason string
	}{
		{"correct", &token.Token{AuthKey: own, KeyID: "ABC123DEFG", TeamID: "DEF123GHIJ"}, ""},
		{"signed by another key", &token.Token{AuthKey: other, KeyID: "ABC123DEFG", TeamID: "DEF123GHIJ"}, apns2.ReasonInvalidProviderToken},
		{"another team", &token.Token{AuthKey: own, KeyID: "ABC123DEFG", TeamID: "XXXXXXXXXX"}, apns2.ReasonInvalidProviderToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			client := apns2.NewTokenClient(c.tok)
			client.Host, client.HTTPClient = f.Server.URL, f.Client()
			res, err := client.PushWithContext(context.Background(), note)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Reason; got != c.reason {
				t.Errorf("got reason %q, want %q", got, c.reason)
			}
		})
	}
	// HTTP/1.1 is refused as Apple does.
	tlsConfig := f.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	tlsConfig.NextProtos = []string{"http/1.1"}
	h1 := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig}}
	resp, err := h1.Post(f.Server.URL+"/3/device/"+strings.Repeat("ab", 32), "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("got %d for HTTP/1.1, want 405", resp.StatusCode)
	}
}

func TestFCMFakeRefusesAnAssertionOfAnotherKey(t *testing.T) {
	f, err := pushtest.NewFCM(t, "seestar-store-app")
	if err != nil {
		t.Fatal(err)
	}
	other, err := pushtest.NewFCM(t, "seestar-store-app")
	if err != nil {
		t.Fatal(err)
	}
	// An assertion signed by another service account's key.
	jc, err := google.JWTConfigFromJSON(other.CredentialsJSON(), pushtest.FCMScope)
	if err != nil {
		t.Fatal(err)
	}
	jc.TokenURL = f.TokenURL()
	_, err = jc.TokenSource(context.Background()).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response.StatusCode != http.StatusBadRequest || !strings.Contains(string(re.Body), `"invalid_grant"`) {
		t.Errorf("got %v for an assertion of another key, want invalid_grant", err)
	}
	// A token request whose assertion is not even a JWT.
	resp, err := http.PostForm(f.TokenURL(), url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"x.y.z"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("got %d for a forged assertion, want 400", resp.StatusCode)
	}
	// A send without a token.
	resp, err = http.Post(f.Server.URL+"/v1/projects/seestar-store-app/messages:send", "application/json", strings.NewReader(`{"message":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Error struct {
			Status string `json:"status"`
		} `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || body.Error.Status != "UNAUTHENTICATED" {
		t.Errorf("got %d %q without a token, want 401 UNAUTHENTICATED", resp.StatusCode, body.Error.Status)
	}
	if other.TokensIssued() != 0 || f.TokensIssued() != 0 {
		t.Error("a token was issued")
	}
}
