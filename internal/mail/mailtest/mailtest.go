// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp) on
// loopback inside a test process: AUTH PLAIN, STARTTLS with a certificate
// made for the run, answers chosen by the test (4xx, 5xx, a dropped
// connection) and every accepted message kept for inspection. Only tests
// import it.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one accepted message.
type Message struct {
	From   string
	To     []string
	Raw    []byte
	Header mail.Header
	// TLS and User say how the session that delivered it was set up.
	TLS  bool
	User string
}

// Options choose the server's behaviour.
type Options struct {
	// User and Password, when set, are required (AUTH PLAIN).
	User, Password string
	// TLS offers STARTTLS (or, with Implicit, TLS from the first byte).
	TLS      bool
	Implicit bool
	// Fault, when set, is asked before each DATA is accepted (n counts
	// DATA commands from 1). It returns nil to accept, an *smtp.SMTPError
	// to answer with it, or ErrDrop to close the connection without an
	// answer.
	Fault func(n int, to []string) error
	// Delay holds each DATA this long before answering (kill tests).
	Delay time.Duration
}

// ErrDrop makes Fault close the connection.
var ErrDrop = errors.New("drop the connection")

// Temp and Perm are ready answers for Fault.
var (
	Temp = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later, mailbox busy"}
	Perm = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
)

// Server is a running test server.
type Server struct {
	Addr string
	// RootCAs trusts the server's certificate (for the client's TLS config).
	RootCAs *x509.CertPool
	opt     Options
	srv     *smtp.Server

	mu    sync.Mutex
	msgs  []Message
	datas int
	got   chan struct{}
}

// Start starts a server on 127.0.0.1 and stops it at the end of the test.
func Start(t testing.TB, opt Options) *Server {
	t.Helper()
	s := &Server{opt: opt, got: make(chan struct{}, 1<<16)}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, c: c}, nil
	}))
	s.srv.Domain = "mailtest.localhost"
	s.srv.AllowInsecureAuth = !opt.TLS
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	var ln net.Listener
	var err error
	if opt.TLS {
		cfg, pool := selfSigned(t)
		s.srv.TLSConfig, s.RootCAs = cfg, pool
	}
	if opt.Implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", s.srv.TLSConfig)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// Messages returns a copy of what was accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait blocks until n messages in all have been accepted, or fails the
// test after timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if ms := s.Messages(); len(ms) >= n {
			return ms
		}
		select {
		case <-s.got:
		case <-deadline:
			t.Fatalf("mailtest: %d of %d messages after %v", len(s.Messages()), n, timeout)
		}
	}
}

// WaitUntil waits until done is true of the messages received so far
// (each arrival is checked) or fails the test after timeout.
func (s *Server) WaitUntil(t testing.TB, done func([]Message) bool, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if ms := s.Messages(); done(ms) {
			return ms
		}
		select {
		case <-s.got:
		case <-deadline:
			t.Fatalf("mailtest: still waiting after %v (%d messages)", timeout, len(s.Messages()))
		}
	}
}

type session struct {
	s    *Server
	c    *smtp.Conn
	from string
	to   []string
	user string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.opt.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != ss.s.opt.User || pass != ss.s.opt.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication failed"}
		}
		ss.user = user
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opt.User != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.datas++
	n := ss.s.datas
	ss.s.mu.Unlock()
	if ss.s.opt.Delay > 0 {
		time.Sleep(ss.s.opt.Delay)
	}
	if f := ss.s.opt.Fault; f != nil {
		if err := f(n, ss.to); err != nil {
			if errors.Is(err, ErrDrop) {
				ss.c.Conn().Close()
			}
			return err
		}
	}
	m := Message{From: ss.from, To: append([]string(nil), ss.to...), Raw: raw, User: ss.user}
	_, m.TLS = ss.c.TLSConnectionState()
	if pm, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.Header = pm.Header
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, m)
	ss.s.mu.Unlock()
	ss.s.got <- struct{}{}
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and localhost.
func selfSigned(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailtest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// Part returns the decoded body of the first part of m with the given
// content type ("text/plain", "text/html"), searching multipart bodies.
func Part(m Message, contentType string) string {
	pm, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return ""
	}
	return findPart(pm.Header.Get("Content-Type"), pm.Header.Get("Content-Transfer-Encoding"), pm.Body, contentType)
}

// Contains reports whether raw holds s, ignoring case.
func Contains(raw []byte, s string) bool {
	return strings.Contains(strings.ToLower(string(raw)), strings.ToLower(s))
}
