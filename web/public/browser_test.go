package public_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
)

// browser starts headless Chromium for a test, or skips the test when it
// is not installed. It returns a browser context and the directory for
// screenshots ($BREACH_TEST_ARTIFACTS/<test>, else a temporary one).
func browser(t *testing.T) (context.Context, string) {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skipf("no chromium in PATH: install Debian's browser (apt-get install -y chromium) to run the browser tests")
	}
	artifacts := t.TempDir()
	if dir := os.Getenv("BREACH_TEST_ARTIFACTS"); dir != "" {
		artifacts = filepath.Join(dir, t.Name())
		if err := os.MkdirAll(artifacts, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1024, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, artifacts
}

// consoleLog collects what the page writes to the console.
type consoleLog struct {
	mu   sync.Mutex
	msgs []string
}

func watchConsole(ctx context.Context) *consoleLog {
	c := &consoleLog{}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			c.mu.Lock()
			c.msgs = append(c.msgs, fmt.Sprintf("%s: %s", m.Type, m.Text))
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *consoleLog) errors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.msgs {
		if strings.HasPrefix(m, "error") || strings.HasPrefix(m, "exception") || strings.HasPrefix(m, "warning") {
			out = append(out, m)
		}
	}
	return out
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Error(err)
	}
}

func TestBrowser(t *testing.T) {
	ctx, artifacts := browser(t)
	f := newFixture(t, testConfig())
	console := watchConsole(ctx)
	t.Logf("screenshots in %s", artifacts)

	t.Run("every language renders", func(t *testing.T) {
		for _, lang := range []string{"en", "zh-CN", "de", "fr", "es"} {
			url := f.srv.URL + noticePath + "?lang=" + lang
			if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
				t.Fatalf("%s: %v", lang, err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.documentElement.lang"))
			if err != nil || got != lang {
				t.Errorf("%s: document language %q (%v)", lang, got, err)
			}
			// The stylesheet applied: the CSP let it through.
			color, err := chromedp.Run(ctx, chromedp.Evaluate[string]("getComputedStyle(document.querySelector('button')).backgroundColor"))
			if err != nil || color != "rgb(11, 79, 156)" {
				t.Errorf("%s: button colour %q (%v), want the stylesheet's rgb(11, 79, 156)", lang, color, err)
			}
			screenshot(t, ctx, artifacts, "notice-"+lang)
		}
		if errs := console.errors(); len(errs) > 0 {
			t.Errorf("console errors: %q", errs)
		}
	})

	t.Run("genuine form", func(t *testing.T) {
		check := func(code, want, shot string) {
			t.Helper()
			err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+noticePath+"?lang=en"),
				chromedp.SendKeys(chromedp.CSS("#code"), code),
				chromedp.Submit(chromedp.CSS("#code")),
				chromedp.WaitVisible(chromedp.CSS(".result")))
			if err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
			if err != nil || got != want {
				t.Errorf("code %q: answer %q (%v), want %q", code, got, err, want)
			}
			screenshot(t, ctx, artifacts, shot)
		}
		check(f.code, "This notice is genuine", "verify-genuine")
		check("ZZZZZ-99999", "We cannot confirm this notice", "verify-forged")
		if errs := console.errors(); len(errs) > 0 {
			t.Errorf("console errors: %q", errs)
		}
	})

	t.Run("lookup answers identically", func(t *testing.T) {
		var answers []string
		for i, address := range []string{f.affected, "stranger@example.net"} {
			err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+noticePath+"?lang=de"),
				chromedp.SendKeys(chromedp.CSS("#address"), address),
				chromedp.Submit(chromedp.CSS("#address")),
				chromedp.WaitVisible(chromedp.CSS(".result")))
			if err != nil {
				t.Fatal(err)
			}
			text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
			if err != nil {
				t.Fatal(err)
			}
			answers = append(answers, text)
			screenshot(t, ctx, artifacts, fmt.Sprintf("lookup-%d", i))
		}
		if answers[0] != answers[1] || !strings.Contains(answers[0], "Falls diese Adresse") {
			t.Errorf("visible answers differ or are not German:\n%q\n%q", answers[0], answers[1])
		}
		if diff := cmp.Diff([]string{"INC-2026-0042/" + f.affectedID}, f.resends()); diff != "" {
			t.Errorf("re-sends: only the affected address should get the notice again (-want +got):\n%s", diff)
		}
	})

	t.Run("text contrast meets WCAG AA", func(t *testing.T) {
		pages := []struct{ name, url, code string }{
			{"notice", f.srv.URL + noticePath + "?lang=en", ""},
			{"genuine", f.srv.URL + noticePath + "?lang=en", f.code},
			{"forged", f.srv.URL + noticePath + "?lang=en", "ZZZZZ-99999"},
		}
		for _, p := range pages {
			steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(p.url), chromedp.WaitVisible(chromedp.CSS("h1"))}
			if p.code != "" {
				steps = append(steps, chromedp.SendKeys(chromedp.CSS("#code"), p.code), chromedp.Submit(chromedp.CSS("#code")),
					chromedp.WaitVisible(chromedp.CSS(".result")))
			}
			if err := chromedp.Do(ctx, steps...); err != nil {
				t.Fatal(err)
			}
			res, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
				Bad     []string `json:"bad"`
				Checked int      `json:"checked"`
			}](contrastScript))
			if err != nil {
				t.Fatal(err)
			}
			if res.Checked < 5 {
				t.Errorf("%s: contrast checked on %d elements, want every element with text", p.name, res.Checked)
			}
			for _, b := range res.Bad {
				t.Errorf("%s: %s", p.name, b)
			}
		}
	})

	t.Run("keyboard reaches every control", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+noticePath+"?lang=fr"), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
			t.Fatal(err)
		}
		const describe = `(() => { const e = document.activeElement; if (!e || e === document.body) return "body";
  return e.tagName.toLowerCase() + "|" + (e.id || e.getAttribute("href") || e.textContent.trim()); })()`
		controls, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("a[href], input:not([type=hidden]), button, select, textarea")).map(e =>
  e.tagName.toLowerCase() + "|" + (e.id || e.getAttribute("href") || e.textContent.trim()))`))
		if err != nil || len(controls) < 10 {
			t.Fatalf("controls of the page: %v (%v)", controls, err)
		}
		var reached []string
		for range len(controls) + 5 {
			if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](describe))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(reached, got) {
				reached = append(reached, got)
			}
			if got == "input|code" {
				// The focus ring is visible on the focused field.
				outline, err := chromedp.Run(ctx, chromedp.Evaluate[string]("getComputedStyle(document.activeElement).outlineStyle"))
				if err != nil || outline == "none" {
					t.Errorf("focused field has no visible outline (%q, %v)", outline, err)
				}
				screenshot(t, ctx, artifacts, "keyboard-focus")
			}
		}
		for _, c := range controls {
			if !slices.Contains(reached, c) {
				t.Errorf("Tab never reached %q", c)
			}
		}
		if errs := console.errors(); len(errs) > 0 {
			t.Errorf("console errors: %q", errs)
		}
	})
}

// contrastScript lists the elements whose own text does not reach the
// WCAG 2.2 AA contrast with the background behind it: 4.5:1, or 3:1 for
// large text (24px, or 18.66px bold).
const contrastScript = `(() => {
  const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bg = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || c[3] > 0) return c; } return [255, 255, 255]; };
  const out = [];
  let checked = 0;
  for (const e of document.querySelectorAll("body *")) {
    const own = Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim() !== "");
    if (!own || e.offsetParent === null && getComputedStyle(e).position !== "fixed") continue;
    const st = getComputedStyle(e);
    if (parseFloat(st.left) < -100) continue; // the skip link, off screen until focused
    const a = lum(rgb(st.color)), b = lum(bg(e));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    checked++;
    if (!(ratio >= need)) out.push(e.tagName.toLowerCase() + " " + JSON.stringify(e.textContent.trim().slice(0, 40)) + ": contrast " + ratio.toFixed(2) + " < " + need);
  }
  return {bad: out, checked: checked};
})()`
