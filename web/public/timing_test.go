package public_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func verifyRequest(form url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/verify", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = "192.0.2.1:1234"
	return r
}

// TestVerifyTimingDoesNotTell measures many genuine, forged and unknown
// pairs, interleaved so drift hits each alike, and checks that the median
// times of the three classes are close: the answer's time does not tell a
// right pair from a wrong one. The bounds are generous (a factor of 1.5 or
// 0.3 ms, whichever is wider), for shared machines.
func TestVerifyTimingDoesNotTell(t *testing.T) {
	if os.Getenv("BREACH_TEST_INTEGRATION") != "1" {
		t.Skipf("timing test: set BREACH_TEST_INTEGRATION=1 to run it")
	}
	cfg := testConfig()
	cfg.RatePerSec, cfg.Burst, cfg.GlobalRatePerSec = 1e6, 1e6, 1e6
	f := newFixture(t, cfg)
	classes := []struct {
		name string
		form url.Values
		want string
	}{
		{"genuine", url.Values{"reference": {"INC-2026-0042"}, "code": {f.code}}, "This notice is genuine"},
		{"forged code", url.Values{"reference": {"INC-2026-0042"}, "code": {"ZZZZZ-99999"}}, "We cannot confirm"},
		{"unknown reference", url.Values{"reference": {"INC-2026-0043"}, "code": {f.code}}, "We cannot confirm"},
	}
	const rounds = 1500
	times := make([][]time.Duration, len(classes))
	for i := range rounds + 100 {
		for c, cl := range classes {
			rec := httptest.NewRecorder()
			req := verifyRequest(cl.form)
			start := time.Now()
			f.site.ServeHTTP(rec, req)
			d := time.Since(start)
			if i < 100 {
				if !strings.Contains(rec.Body.String(), cl.want) {
					t.Fatalf("%s: answer lacks %q", cl.name, cl.want)
				}
				continue // warm-up
			}
			times[c] = append(times[c], d)
		}
	}
	median := func(ds []time.Duration) time.Duration {
		s := slices.Clone(ds)
		slices.Sort(s)
		return s[len(s)/2]
	}
	ref := median(times[0])
	for c := range classes {
		m := median(times[c])
		t.Logf("%-18s median %v", classes[c].name, m)
		lo, hi := min(ref*2/3, ref-300*time.Microsecond), max(ref*3/2, ref+300*time.Microsecond)
		if m < lo || m > hi {
			t.Errorf("%s: median %v, genuine %v: outside [%v, %v], the time tells them apart", classes[c].name, m, ref, lo, hi)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	cfg := testConfig()
	cfg.RatePerSec, cfg.Burst, cfg.GlobalRatePerSec = 1e9, 1e9, 1e9
	f := newFixture(b, cfg)
	form := url.Values{"reference": {"INC-2026-0042"}, "code": {"ZZZZZ-99999"}}
	b.ResetTimer()
	for b.Loop() {
		f.site.ServeHTTP(httptest.NewRecorder(), verifyRequest(form))
	}
}
