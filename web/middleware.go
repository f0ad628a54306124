package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"
)

// RequestIDHeader carries the request id in and out.
const RequestIDHeader = "X-Request-Id"

type ctxKey struct{}

// RequestID returns the id of the request being served, or "" outside one.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// validRequestID accepts a caller's id only when it is short and plain, so
// it can be logged and echoed safely.
func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
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
	n, err := w.ResponseWriter.Write(p)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// routeOf is the route pattern that served r without its method, or
// "unmatched". It never contains the path's values or the query.
func routeOf(r *http.Request) string {
	p := r.Pattern
	if p == "" || p == "/" {
		return "unmatched"
	}
	if _, path, ok := strings.Cut(p, " "); ok {
		return path
	}
	return p
}

// methodLabel bounds the method label to the standard methods.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

func requestFields(r *http.Request) logrus.Fields {
	return logrus.Fields{
		"method":     methodLabel(r.Method),
		"route":      routeOf(r),
		"request_id": RequestID(r.Context()),
	}
}

// middleware wraps h with, outermost first: request id, logging and
// metrics, panic recovery.
func (a *api) middleware(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, id))
		sw := &statusWriter{ResponseWriter: w}

		a.metrics.inFlight.Inc()
		defer func() {
			a.metrics.inFlight.Dec()
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			route, method := routeOf(r), methodLabel(r.Method)
			a.metrics.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
			a.metrics.duration.WithLabelValues(route, method).Observe(elapsed.Seconds())
			entry := a.log.WithFields(requestFields(r)).WithFields(logrus.Fields{
				"status":      status,
				"duration_ms": float64(elapsed.Microseconds()) / 1000,
				"bytes":       sw.bytes,
			})
			switch {
			case status >= 500:
				entry.Warn("request")
			case route == "/healthz" || route == "/readyz" || route == "/metrics":
				entry.Debug("request")
			default:
				entry.Info("request")
			}
		}()
		a.recoverer(h).ServeHTTP(sw, r)
	})
}

// recoverer turns a panic in h into a 500 JSON answer (when nothing was
// written yet) and a log line with the stack.
func (a *api) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v) // the server's own signal to abort the response
			}
			a.log.WithFields(requestFields(r)).WithField("stack", string(debug.Stack())).
				Errorf("panic serving request: %v", v)
			if sw, ok := w.(*statusWriter); ok && sw.status != 0 {
				return // the response has begun; nothing sensible can follow
			}
			a.writeError(w, r, fmt.Errorf("panic: %v", v))
		}()
		h.ServeHTTP(w, r)
	})
}

// metrics are the HTTP series of the API.
type metrics struct {
	requests  *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	inFlight  prometheus.Gauge
	submitted *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry, log *logrus.Entry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "breach_http_requests_total",
			Help: "HTTP requests served, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "breach_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "breach_http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
		submitted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "breach_http_incidents_submitted_total",
			Help: "Incident submissions over HTTP by outcome: accepted, duplicate, invalid, too_large, error.",
		}, []string{"outcome"}),
	}
	m.requests = register(reg, m.requests, log)
	m.duration = register(reg, m.duration, log)
	m.inFlight = register(reg, m.inFlight, log)
	m.submitted = register(reg, m.submitted, log)
	return m
}

// register adds c to reg, or returns the collector already registered under
// the same description, so that New can run twice on one registry.
func register[C prometheus.Collector](reg *prometheus.Registry, c C, log *logrus.Entry) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing
		}
	}
	log.WithError(err).Warn("metric not registered; it will not be exported")
	return c
}
