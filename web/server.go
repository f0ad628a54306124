package web

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// Server serves the API on Config.Addr with timeouts suited to a public
// listener.
type Server struct {
	srv *http.Server
	log *logrus.Entry

	mu    sync.Mutex
	fresh map[net.Conn]struct{} // connections that have not sent a request yet
}

// NewServer returns a Server for the handler New(cfg, deps, log).
func NewServer(cfg Config, deps Deps, log *logrus.Entry) *Server {
	cfg = cfg.withDefaults()
	h := New(cfg, deps, log)
	log = orDiscard(log).WithField("component", "web")
	s := &Server{log: log, fresh: map[net.Conn]struct{}{}}
	s.srv = &http.Server{
		Addr:              cfg.Addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 15*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          newStdLogger(log),
		ConnState:         s.track,
	}
	return s
}

// track remembers connections that have not sent a request yet.
func (s *Server) track(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st == http.StateNew {
		s.fresh[c] = struct{}{}
	} else {
		delete(s.fresh, c)
	}
}

// Handler returns the server's handler.
func (s *Server) Handler() http.Handler { return s.srv.Handler }

// ListenAndServe listens on the configured address and serves until
// Shutdown, after which it returns nil.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.srv.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.srv.Addr, err)
	}
	return s.Serve(ln)
}

// Serve serves on ln until Shutdown, after which it returns nil.
func (s *Server) Serve(ln net.Listener) error {
	s.log.WithField("addr", ln.Addr().String()).Info("HTTP API listening")
	err := s.srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting requests and waits, until ctx ends, for those in
// flight to finish. Connections that are open but have sent no request
// (browsers and load balancers keep such) would hold net/http's Shutdown for
// 5 s, so they are closed first.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	for c := range s.fresh {
		_ = c.Close()
	}
	s.mu.Unlock()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
		return fmt.Errorf("shut down HTTP server: %w", err)
	}
	return nil
}

// newStdLogger routes net/http's own messages (TLS handshake errors, header
// timeouts) to logrus at warning level.
// Each message is one write, logged as it comes: no pipe and no goroutine
// to outlive the server.
func newStdLogger(e *logrus.Entry) *log.Logger {
	return log.New(warnWriter{e}, "", 0)
}

type warnWriter struct{ e *logrus.Entry }

func (w warnWriter) Write(p []byte) (int, error) {
	w.e.Warn(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
