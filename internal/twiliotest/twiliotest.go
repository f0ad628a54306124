// Package twiliotest is a faithful stand-in for api.twilio.com in tests:
// an httptest server for the Messages and Calls resources (API version
// 2010-04-01: create, and list filtered by To and From) that checks every request it receives against Twilio's own
// OpenAPI description (testdata/twilio_api_v2010.json, validated with
// kin-openapi's openapi3filter), checks HTTP Basic credentials, answers
// like Twilio (201 with the resource, or Twilio's error document
// {"code","message","more_info","status"}), records what it received, and
// fails the test at cleanup for any request the real API would have
// refused as malformed.
//
// Failures are scripted per recipient number (Fail) or for the next
// requests whatever their recipient (FailNext), with Twilio's codes:
// 21211 invalid number, 21610 unsubscribed (STOP), 21614 not a mobile
// number, 20429 too many requests, and 5xx server errors.
package twiliotest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Operation ids of the resources the fake serves, as in the description.
const (
	OpCreateMessage = "CreateMessage"
	OpCreateCall    = "CreateCall"
	OpListMessage   = "ListMessage"
	OpListCall      = "ListCall"
)

// Failure is a scripted Twilio refusal.
type Failure struct {
	// Status is the HTTP status.
	Status int
	// Code is Twilio's error code; 0 answers a bare text/html page, as a
	// load balancer in front of Twilio would.
	Code int
	// Message is Twilio's message; %s is replaced by the recipient number,
	// as Twilio's own messages echo it.
	Message string
}

// The refusals the brief of every Twilio channel must handle.
var (
	InvalidNumber   = Failure{Status: 400, Code: 21211, Message: "The 'To' number %s is not a valid phone number."}
	Unsubscribed    = Failure{Status: 400, Code: 21610, Message: "Attempt to send to unsubscribed recipient %s"}
	NotMobile       = Failure{Status: 400, Code: 21614, Message: "'To' number %s is not a valid mobile number"}
	TooManyRequests = Failure{Status: 429, Code: 20429, Message: "Too Many Requests"}
	ServerError     = Failure{Status: 500, Code: 20500, Message: "An internal server error has occurred"}
	Unavailable     = Failure{Status: 503, Code: 0, Message: "<html><body>503 Service Unavailable</body></html>"}
)

// Request is one request the fake received.
type Request struct {
	// Operation is the OpenAPI operation id (OpCreateMessage, …), empty
	// when the request matched no route.
	Operation   string
	Method      string
	Path        string
	User        string
	Password    string
	ContentType string
	Form        url.Values
	// Invalid says why the description refuses the request; empty when it
	// is valid.
	Invalid string
	// At is when the fake received the request, by the machine's clock
	// (not WithClock's), for measuring send rates.
	At time.Time
}

// Server is the fake Twilio API. Create it with New.
type Server struct {
	*httptest.Server
	// AccountSID and AuthToken are the credentials the fake accepts.
	AccountSID, AuthToken string

	mu       sync.Mutex
	reqs     []Request
	created  map[string][]map[string]any // list key ("messages", "calls") → resources, oldest first
	byNumber map[string]Failure
	next     []Failure
	seq      int
	allowBad bool
	now      func() time.Time
}

// Option adjusts a Server.
type Option func(*Server)

// AllowInvalid stops the fake from failing the test for requests the
// description refuses (they are still answered 400 and recorded); for
// tests that send malformed requests on purpose.
func AllowInvalid() Option { return func(s *Server) { s.allowBad = true } }

// WithClock sets the clock of date_created in the resources.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// New starts a fake accepting accountSID and authToken and closes it when
// tb ends. At cleanup tb fails once for every request that did not match
// the OpenAPI description, unless AllowInvalid is given.
func New(tb testing.TB, accountSID, authToken string, opts ...Option) *Server {
	tb.Helper()
	if _, err := router(); err != nil {
		tb.Fatalf("twiliotest: %v", err)
	}
	s := &Server{AccountSID: accountSID, AuthToken: authToken, byNumber: map[string]Failure{}, created: map[string][]map[string]any{},
		now: func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }}
	for _, o := range opts {
		o(s)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(func() {
		s.Close()
		if s.allowBad {
			return
		}
		for i, r := range s.Requests() {
			if r.Invalid != "" {
				tb.Errorf("twiliotest: request %d (%s %s) does not match Twilio's OpenAPI description: %s",
					i, r.Method, r.Path, r.Invalid)
			}
		}
	})
	return s
}

// Fail makes every request to the recipient number to (To, E.164) answer f.
func (s *Server) Fail(to string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byNumber[to] = f
}

// FailOp makes the requests of one operation (OpCreateMessage, …) to the
// recipient number to answer f, as Twilio refuses an SMS to a landline
// (21614) that it would call.
func (s *Server) FailOp(op, to string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byNumber[op+" "+to] = f
}

// FailNext makes the next len(fs) requests answer fs in order, before any
// per-number script.
func (s *Server) FailNext(fs ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next = append(s.next, fs...)
}

// Requests returns a copy of every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.reqs))
	for i, r := range s.reqs {
		r.Form = cloneValues(r.Form)
		out[i] = r
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, Failure{Status: 400, Code: 20001, Message: "unreadable request body"}, "")
		return
	}
	user, pass, hasAuth := r.BasicAuth()
	form, _ := url.ParseQuery(string(body))
	if r.Method == http.MethodGet {
		form = r.URL.Query()
	}
	op, status, verr := validate(r, body)
	if verr == nil && op == OpCreateCall && form.Get("Url") == "" && form.Get("Twiml") == "" && form.Get("ApplicationSid") == "" {
		// Not expressible in the description, documented beside it.
		status, verr = http.StatusBadRequest, errors.New("a call needs Url, Twiml or ApplicationSid")
	}
	rec := Request{Operation: op, Method: r.Method, Path: r.URL.Path, User: user, Password: pass,
		ContentType: r.Header.Get("Content-Type"), Form: form, At: at}
	if verr != nil && status == http.StatusBadRequest {
		rec.Invalid = verr.Error()
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, rec)
	s.mu.Unlock()

	switch {
	case !hasAuth || user != s.AccountSID || pass != s.AuthToken:
		writeError(w, Failure{Status: 401, Code: 20003, Message: "Authenticate"}, "")
	case status == http.StatusNotFound:
		writeError(w, Failure{Status: 404, Code: 20404, Message: "The requested resource " + r.URL.Path + " was not found"}, "")
	case status == http.StatusMethodNotAllowed:
		writeError(w, Failure{Status: 405, Code: 20004, Message: "Method not allowed"}, "")
	case verr != nil:
		// 21200 is Twilio's code for a malformed Calls request; the fake
		// uses it for every resource.
		writeError(w, Failure{Status: status, Code: 21200, Message: "Invalid parameter: " + verr.Error()}, "")
	case !strings.Contains(r.URL.Path, "/Accounts/"+s.AccountSID+"/"):
		writeError(w, Failure{Status: 404, Code: 20404, Message: "The requested resource " + r.URL.Path + " was not found"}, "")
	case op == OpListMessage || op == OpListCall:
		s.list(w, op, form)
	default:
		s.answer(w, op, form)
	}
}

// list answers a list request with the resources created so far, newest
// first, filtered by To and From, at most PageSize (default 50).
func (s *Server) list(w http.ResponseWriter, op string, q url.Values) {
	key := "messages"
	if op == OpListCall {
		key = "calls"
	}
	size := 50
	if n, err := strconv.Atoi(q.Get("PageSize")); err == nil && n > 0 {
		size = n
	}
	s.mu.Lock()
	all := s.created[key]
	var out []map[string]any
	for i := len(all) - 1; i >= 0 && len(out) < size; i-- {
		res := all[i]
		if (q.Get("To") == "" || res["to"] == q.Get("To")) && (q.Get("From") == "" || res["from"] == q.Get("From")) {
			out = append(out, res)
		}
	}
	s.mu.Unlock()
	if out == nil {
		out = []map[string]any{}
	}
	uri := fmt.Sprintf("/2010-04-01/Accounts/%s/%s.json", s.AccountSID, map[string]string{"messages": "Messages", "calls": "Calls"}[key])
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{key: out, "page": 0, "page_size": size, "start": 0, "end": len(out),
		"uri": uri, "first_page_uri": uri, "next_page_uri": nil, "previous_page_uri": nil})
}

// Created returns how many resources the fake created (messages and calls).
func (s *Server) Created() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.created["messages"]) + len(s.created["calls"])
}

// answer replies to a valid request: a scripted failure or the created
// resource.
func (s *Server) answer(w http.ResponseWriter, op string, form url.Values) {
	to := form.Get("To")
	s.mu.Lock()
	f, scripted := Failure{}, false
	if len(s.next) > 0 {
		f, scripted = s.next[0], true
		s.next = s.next[1:]
	} else if bf, ok := s.byNumber[op+" "+to]; ok {
		f, scripted = bf, true
	} else if bf, ok := s.byNumber[to]; ok {
		f, scripted = bf, true
	}
	s.seq++
	seq := s.seq
	s.mu.Unlock()
	if scripted {
		writeError(w, f, to)
		return
	}
	created := s.now().UTC().Format(time.RFC1123Z)
	key := ""
	res := map[string]any{
		"account_sid": s.AccountSID, "api_version": "2010-04-01", "to": to, "from": form.Get("From"),
		"status": "queued", "direction": "outbound-api", "date_created": created, "date_updated": created,
	}
	switch op {
	case OpCreateMessage:
		key = "messages"
		res["sid"] = fmt.Sprintf("SM%032x", seq)
		res["body"] = form.Get("Body")
		res["num_segments"] = "1"
		res["messaging_service_sid"] = nilIfEmpty(form.Get("MessagingServiceSid"))
		res["uri"] = fmt.Sprintf("/2010-04-01/Accounts/%s/Messages/%s.json", s.AccountSID, res["sid"])
	case OpCreateCall:
		key = "calls"
		res["sid"] = fmt.Sprintf("CA%032x", seq)
		res["uri"] = fmt.Sprintf("/2010-04-01/Accounts/%s/Calls/%s.json", s.AccountSID, res["sid"])
	default:
		writeError(w, Failure{Status: 404, Code: 20404, Message: "twiliotest serves Messages and Calls only"}, "")
		return
	}
	s.mu.Lock()
	s.created[key] = append(s.created[key], res)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(res)
}

// writeError answers f as Twilio does: its JSON error document, or a bare
// page when f.Code is 0.
func writeError(w http.ResponseWriter, f Failure, to string) {
	msg := f.Message
	if strings.Contains(msg, "%s") {
		msg = fmt.Sprintf(msg, to)
	}
	if f.Code == 0 {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, msg)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"code": f.Code, "message": msg, "status": f.Status,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", f.Code),
	})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
