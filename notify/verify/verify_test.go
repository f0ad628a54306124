package verify

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var secret = []byte("0123456789abcdef-test-secret")

func TestCodeFormatAndStability(t *testing.T) {
	key := Key("INC-2026-0042", "u-17", "email", 1)
	c1 := Code(secret, key)
	c2 := Code(secret, key)
	if c1 != c2 {
		t.Fatalf("got %q then %q for the same key, want the same code", c1, c2)
	}
	if !regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$`).MatchString(c1) {
		t.Fatalf("got code %q, want XXXXX-XXXXX in Crockford base32", c1)
	}
}

// TestCodeGoldenVector pins the derivation (checked independently with
// Python's hmac module): a change here invalidates every code already
// printed on a notice.
func TestCodeGoldenVector(t *testing.T) {
	got := Code([]byte("0123456789abcdef"), Key("INC-1", "u-1", "email", 1))
	const want = "8DAWV-8FKKR"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestCodeDiffers(t *testing.T) {
	base := Code(secret, Key("INC-1", "u-1", "email", 1))
	cases := []struct {
		name   string
		secret []byte
		key    string
	}{
		{"other incident", secret, Key("INC-2", "u-1", "email", 1)},
		{"other subject", secret, Key("INC-1", "u-2", "email", 1)},
		{"other channel", secret, Key("INC-1", "u-1", "sms", 1)},
		{"other version", secret, Key("INC-1", "u-1", "email", 2)},
		{"other secret", []byte("another-secret-of-enough-length"), Key("INC-1", "u-1", "email", 1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Code(tc.secret, tc.key); got == base {
				t.Fatalf("got %q for a different input, want a code other than %q", got, base)
			}
		})
	}
}

func TestKeyIsInjective(t *testing.T) {
	a := Key("INC-1", "a/b", "email", 1)
	b := Key("INC-1/a", "b", "email", 1)
	if a == b {
		t.Fatalf("got the same key %q for different tuples, want distinct keys", a)
	}
	if got, want := Key("INC-1", "u 1", "sms", 3), "notice/INC-1/u%201/sms/v3"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestCheck(t *testing.T) {
	key := Key("INC-2026-0042", "u-42", "letter", 2)
	code := Code(secret, key)
	plain := strings.ReplaceAll(code, "-", "")
	changed := []byte(code)
	if changed[0] == '7' {
		changed[0] = '8'
	} else {
		changed[0] = '7'
	}
	cases := []struct {
		name   string
		secret []byte
		key    string
		code   string
		want   bool
	}{
		{"as printed", secret, key, code, true},
		{"lower case", secret, key, strings.ToLower(code), true},
		{"without dash", secret, key, plain, true},
		{"with spaces", secret, key, " " + plain[:5] + " " + plain[5:] + " ", true},
		{"look-alikes", secret, key, lookAlike(code), true},
		{"changed character", secret, key, string(changed), false},
		{"too short", secret, key, code[:9], false},
		{"too long", secret, key, code + "0", false},
		{"empty", secret, key, "", false},
		{"non-ascii", secret, key, "ÄBCDE-FGHJK", false},
		{"other key", secret, Key("INC-2026-0042", "u-42", "letter", 3), code, false},
		{"other secret", []byte("another-secret-of-enough-length"), key, code, false},
		{"short secret", []byte("short"), key, Code([]byte("short"), key), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Check(tc.secret, tc.key, tc.code); got != tc.want {
				t.Fatalf("Check(%q) got %v, want %v", tc.code, got, tc.want)
			}
		})
	}
}

// lookAlike replaces 0 with O and 1 with l, as a person reading a letter
// might type them.
func lookAlike(code string) string {
	return strings.NewReplacer("0", "O", "1", "l").Replace(code)
}

func BenchmarkCode(b *testing.B) {
	key := Key("INC-2026-0042", "u-42", "email", 1)
	for b.Loop() {
		Code(secret, key)
	}
}

// Codes derived under alternating secrets, from many goroutines, are the
// codes each secret gives alone (TestCodeGoldenVector pins those): the
// reused MAC states never mix keys.
func TestCodeReusedMACsKeepTheirSecret(t *testing.T) {
	secrets := [][]byte{[]byte("first-secret-0123456789abcdef"), []byte("second-secret-0123456789abcdef")}
	const keys = 200
	want := make([][]string, len(secrets))
	for s, secret := range secrets {
		for i := range keys {
			want[s] = append(want[s], Code(secret, Key("INC-1", "u-"+strconv.Itoa(i), "email", 1)))
		}
	}
	if want[0][0] == want[1][0] {
		t.Fatal("two secrets gave the same code")
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range keys {
				s := (g + i) % 2
				if got := Code(secrets[s], Key("INC-1", "u-"+strconv.Itoa(i), "email", 1)); got != want[s][i] {
					t.Errorf("goroutine %d, key %d, secret %d: got %s, want %s", g, i, s, got, want[s][i])
					return
				}
			}
		})
	}
	wg.Wait()
}
