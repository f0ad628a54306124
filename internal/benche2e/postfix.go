package benche2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Where Debian's postfix package installs its test tools.
const (
	SMTPSinkPath   = "/usr/sbin/smtp-sink"
	SMTPSourcePath = "/usr/sbin/smtp-source"
)

// Sink is a running Postfix smtp-sink on a loopback port.
type Sink struct {
	// Addr is host:port.
	Addr string
	cmd  *exec.Cmd
	out  bytes.Buffer
	done chan error
}

// StartSink starts smtp-sink on a free loopback port (dropping to user
// nobody when run as root, as smtp-sink requires) and waits until it
// accepts connections.
func StartSink(ctx context.Context) (*Sink, error) {
	if _, err := os.Stat(SMTPSinkPath); err != nil {
		return nil, fmt.Errorf("smtp-sink: %w (install Debian's postfix package)", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("smtp-sink: find a free port: %w", err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	args := []string{}
	if os.Geteuid() == 0 {
		args = append(args, "-u", "nobody")
	}
	// A backlog of 256 connections; smtp-sink accepts and discards every
	// message and advertises PIPELINING.
	args = append(args, addr, "256")
	s := &Sink{Addr: addr, done: make(chan error, 1)}
	s.cmd = exec.Command(SMTPSinkPath, args...) //nolint:gosec // fixed program, arguments built here
	s.cmd.Stdout, s.cmd.Stderr = &s.out, &s.out
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("smtp-sink: %w", err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return s, nil
		}
		select {
		case werr := <-s.done:
			return nil, fmt.Errorf("smtp-sink exited at start (%v): %s", werr, strings.TrimSpace(s.out.String()))
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("smtp-sink does not accept connections on %s: %v", addr, err)
		}
	}
}

// Stop ends the sink.
func (s *Sink) Stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd.Process = nil
}

// SMTPSource runs Postfix's smtp-source against addr: messages copies of
// message (a complete RFC 5322 message) over sessions connections kept
// open (-d), one recipient each, and times it.
func SMTPSource(ctx context.Context, dir, addr string, sessions, messages int, message []byte) (Rate, error) {
	if _, err := os.Stat(SMTPSourcePath); err != nil {
		return Rate{}, fmt.Errorf("smtp-source: %w (install Debian's postfix package)", err)
	}
	if sessions < 1 || messages < 1 {
		return Rate{}, fmt.Errorf("smtp-source: sessions and messages must be at least 1, got %d and %d", sessions, messages)
	}
	if len(message) == 0 {
		return Rate{}, errors.New("smtp-source: no message to send")
	}
	file := filepath.Join(dir, "message.eml")
	// smtp-source appends CRLF to each line itself.
	if err := os.WriteFile(file, bytes.ReplaceAll(message, []byte("\r\n"), []byte("\n")), 0o600); err != nil {
		return Rate{}, fmt.Errorf("smtp-source: %w", err)
	}
	cmd := exec.CommandContext(ctx, SMTPSourcePath, "-d", "-s", strconv.Itoa(sessions), "-m", strconv.Itoa(messages), //nolint:gosec // fixed program
		"-f", benchSender, "-t", "person@example.net", "-F", file, addr)
	began := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(began)
	if err != nil {
		return Rate{}, fmt.Errorf("smtp-source: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return Rate{Count: messages, Elapsed: elapsed}, nil
}
