package public

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/breach-notify/breach/announce"
	"github.com/breach-notify/breach/incident"
)

// CSP is the Content-Security-Policy of every response: nothing but the
// site's own stylesheet, forms that post to the site, never in a frame.
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// maxFormBytes bounds a posted form.
const maxFormBytes = 4 << 10

func (s *Site) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.index)
	m.HandleFunc("GET /style.css", s.style)
	m.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		// No icon: an empty answer keeps browsers from logging a 404.
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("GET /feed.atom", s.feed)
	m.HandleFunc("GET /notices/{incident}", s.notice)
	m.HandleFunc("GET /notices/{incident}/press.md", s.press)
	m.HandleFunc("GET /notices/{incident}/press.txt", s.press)
	m.HandleFunc("GET /verify", s.verifyForm)
	m.HandleFunc("POST /verify", s.verify)
	m.HandleFunc("POST /lookup", s.lookup)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.message(w, r, http.StatusNotFound, "not_found_title", "not_found_text")
	})
	s.mux = m
}

// ServeHTTP applies the security headers, the rate limits, panic recovery
// and the request log around the routes.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	sw := &statusWriter{ResponseWriter: w}
	// No route takes more than a small form, including the 429 and 404
	// pages, which may read the form's language.
	r.Body = http.MaxBytesReader(sw, r.Body, maxFormBytes)
	defer func() {
		if v := recover(); v != nil {
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.log.WithField("panic", v).Error("public site handler panicked")
			if sw.status == 0 {
				http.Error(sw, "internal error", http.StatusInternalServerError)
			}
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		s.log.WithFields(logrus.Fields{"method": r.Method, "route": r.Pattern, "status": status,
			"duration_ms": float64(time.Since(start).Microseconds()) / 1000}).Debug("request")
	}()
	if !s.clients.allow(clientKey(r)) || !s.global.Allow() {
		sw.Header().Set("Retry-After", "60")
		s.message(sw, r, http.StatusTooManyRequests, "too_many_title", "too_many_text")
		return
	}
	s.mux.ServeHTTP(sw, r)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// siteLocale is the language of a page that is not an announcement.
func (s *Site) siteLocale(r *http.Request) string {
	asked := r.URL.Query().Get("lang")
	if r.Method == http.MethodPost {
		asked = r.PostFormValue("lang")
	}
	return chooseLocale(asked, r.Header.Get("Accept-Language"), s.pages.Locales())
}

// send writes a rendered page with its status and language.
func send(w http.ResponseWriter, status int, contentType, lang string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	if lang != "" {
		h.Set("Content-Language", lang)
	}
	h.Set("Vary", "Accept-Language, Accept")
	w.WriteHeader(status)
	w.Write(body)
}

func (s *Site) message(w http.ResponseWriter, r *http.Request, status int, title, text string) {
	loc := s.siteLocale(r)
	wd := s.pages.wordsOf(loc)
	d := messagePage{page: s.pages.base(loc, wd.t(title), serverLinks{}, nil, nil), Heading: wd.t(title), Message: wd.t(text)}
	var buf bytes.Buffer
	if err := s.pages.exec(&buf, "message", d); err != nil {
		http.Error(w, wd.t(title), status)
		return
	}
	send(w, status, "text/html; charset=utf-8", loc, buf.Bytes())
}

func (s *Site) unavailable(w http.ResponseWriter, err error) {
	s.log.WithError(err).Error("public site cannot read its store")
	w.Header().Set("Retry-After", "30")
	http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
}

func (s *Site) index(w http.ResponseWriter, r *http.Request) {
	notices, err := announce.LoadAll(r.Context(), s.d.Announcements)
	if err != nil {
		s.unavailable(w, err)
		return
	}
	loc := s.siteLocale(r)
	var buf bytes.Buffer
	if err := s.pages.RenderIndex(&buf, loc, notices, serverLinks{}); err != nil {
		s.unavailable(w, err)
		return
	}
	send(w, http.StatusOK, "text/html; charset=utf-8", loc, buf.Bytes())
}

func (s *Site) style(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	send(w, http.StatusOK, "text/css; charset=utf-8", "", s.pages.Stylesheet())
}

func (s *Site) feed(w http.ResponseWriter, r *http.Request) {
	notices, err := announce.LoadAll(r.Context(), s.d.Announcements)
	if err != nil {
		s.unavailable(w, err)
		return
	}
	var buf bytes.Buffer
	if err := s.pages.RenderFeed(&buf, notices, serverLinks{}); err != nil {
		s.unavailable(w, err)
		return
	}
	send(w, http.StatusOK, "application/atom+xml; charset=utf-8", "", buf.Bytes())
}

// load reads the announcement of the {incident} path value; false after
// answering 404 or 503.
func (s *Site) load(w http.ResponseWriter, r *http.Request) (*announce.Notice, bool) {
	id := r.PathValue("incident")
	if !incident.ValidID(id) {
		s.message(w, r, http.StatusNotFound, "not_found_title", "not_found_text")
		return nil, false
	}
	n, err := announce.Load(r.Context(), s.d.Announcements, id)
	if errors.Is(err, announce.ErrNotFound) {
		s.message(w, r, http.StatusNotFound, "not_found_title", "not_found_text")
		return nil, false
	}
	if err != nil {
		s.unavailable(w, err)
		return nil, false
	}
	return n, true
}

// noticeLocale is the language of an announcement's page among its own.
func noticeLocale(r *http.Request, n *announce.Notice) string {
	return chooseLocale(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"), n.Content().Locales())
}

func (s *Site) notice(w http.ResponseWriter, r *http.Request) {
	n, ok := s.load(w, r)
	if !ok {
		return
	}
	loc := noticeLocale(r, n)
	variant := announce.VariantGeneral
	if strings.EqualFold(r.URL.Query().Get("variant"), announce.VariantCalifornia) {
		variant = announce.VariantCalifornia
	}
	var buf bytes.Buffer
	if err := s.pages.RenderNotice(&buf, loc, variant, n, serverLinks{}); err != nil {
		s.unavailable(w, err)
		return
	}
	send(w, http.StatusOK, "text/html; charset=utf-8", loc, buf.Bytes())
}

func (s *Site) press(w http.ResponseWriter, r *http.Request) {
	n, ok := s.load(w, r)
	if !ok {
		return
	}
	loc := noticeLocale(r, n)
	markdown := strings.HasSuffix(r.URL.Path, ".md")
	page := serverLinks{}.Notice(n.IncidentID, loc, announce.VariantGeneral)
	if s.cfg.BaseURL != "" {
		page = strings.TrimSuffix(s.cfg.BaseURL, "/") + page
	}
	var buf bytes.Buffer
	if err := announce.WritePress(&buf, n, loc, announce.VariantGeneral, s.pages.PressLabels(loc), page, markdown); err != nil {
		s.unavailable(w, err)
		return
	}
	ct := "text/plain; charset=utf-8"
	if markdown {
		ct = "text/markdown; charset=utf-8"
	}
	send(w, http.StatusOK, ct, loc, buf.Bytes())
}

// verifyForm serves the genuine-check form alone.
func (s *Site) verifyForm(w http.ResponseWriter, r *http.Request) {
	loc := s.siteLocale(r)
	var buf bytes.Buffer
	if err := s.pages.renderVerifyForm(&buf, loc, serverLinks{}); err != nil {
		s.unavailable(w, err)
		return
	}
	send(w, http.StatusOK, "text/html; charset=utf-8", loc, buf.Bytes())
}

// verifyAnswer is the JSON answer of POST /verify.
type verifyAnswer struct {
	Genuine  bool   `json:"genuine"`
	Incident string `json:"incident,omitempty"`
	Channel  string `json:"channel,omitempty"`
	SentOn   string `json:"sent_on,omitempty"`
	Message  string `json:"message"`
	Report   string `json:"report,omitempty"`
}

// verify answers "is this notice genuine?". Every pair takes the same
// steps — normalise, HMAC, one index probe, one constant-time compare —
// and every wrong pair gets the same bytes back (nothing typed is echoed).
func (s *Site) verify(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm() // a malformed form is a wrong pair
	lookup, check, wellFormed := announce.VerifyKeys(s.d.Secret, r.PostFormValue("reference"), r.PostFormValue("code"))
	e, err := s.d.Verify.LookupVerify(r.Context(), lookup)
	if err != nil {
		s.unavailable(w, err)
		return
	}
	genuine := e.Matches(check) && wellFormed
	loc := s.siteLocale(r)
	wd := s.pages.wordsOf(loc)
	d := verifyPage{page: s.pages.base(loc, wd.t("verify_heading"), serverLinks{}, nil, nil), Genuine: genuine, Report: s.pages.reportContact()}
	// Which incidents have an announcement to link to is read whatever the
	// pair, the same query every time, so a right pair takes no longer.
	announced, err := s.d.Announcements.AnnouncedIncidents(r.Context())
	if err != nil {
		s.unavailable(w, err)
		return
	}
	if genuine {
		d.Incident, d.Channel = e.IncidentID, wd.t("channel_"+e.Channel)
		if !e.SentAt.IsZero() {
			d.SentOn = day(e.SentAt)
		}
		if slices.Contains(announced, e.IncidentID) {
			d.NoticeHref = serverLinks{}.Notice(e.IncidentID, loc, announce.VariantGeneral)
		}
	}
	if wantsJSON(r) {
		a := verifyAnswer{Genuine: genuine, Message: wd.t("forged_text"), Report: d.Report}
		if genuine {
			a = verifyAnswer{Genuine: true, Incident: d.Incident, Channel: e.Channel, SentOn: d.SentOn,
				Message: wd.t("genuine_text", "incident", d.Incident, "channel", d.Channel)}
		}
		b, _ := json.Marshal(a)
		w.Header().Set("Cache-Control", "no-store")
		send(w, http.StatusOK, "application/json", loc, append(b, '\n'))
		return
	}
	var buf bytes.Buffer
	if err := s.pages.exec(&buf, "verify", d); err != nil {
		s.unavailable(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	send(w, http.StatusOK, "text/html; charset=utf-8", loc, buf.Bytes())
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// lookup answers "am I affected?" with the same page whatever the
// address; the lookup and any re-send happen in the background.
func (s *Site) lookup(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if l, err := announce.AddressLookup(s.d.Secret, r.PostFormValue("address")); err == nil && s.lookups.allow(clientKey(r)) {
		if !s.enqueue(lookupJob{lookup: l, incident: strings.TrimSpace(r.PostFormValue("incident"))}) {
			s.log.Warn("am-I-affected lookup dropped: the queue is full")
		}
	}
	loc := s.siteLocale(r)
	wd := s.pages.wordsOf(loc)
	d := messagePage{page: s.pages.base(loc, wd.t("lookup_answer_title"), serverLinks{}, nil, nil)}
	var buf bytes.Buffer
	if err := s.pages.exec(&buf, "lookup", d); err != nil {
		s.unavailable(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	send(w, http.StatusOK, "text/html; charset=utf-8", loc, buf.Bytes())
}
