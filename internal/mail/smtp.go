// Package mail delivers the library's email: it parses --smtp-url, turns
// outbox rows into MIME messages (plain text and HTML parts) with
// github.com/wneessen/go-mail, and runs the sender that drains the durable
// outbox in internal/store with retries, backoff and a rate limit.
//
// It owns no SQL (the outbox's statements live in the store) and no HTTP.
// What goes into a message (access to members-only words, links, tokens)
// is decided by its callers; this package only carries it.
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"safelib/internal/catalog"

	gomail "github.com/wneessen/go-mail"
)

// Server is a parsed --smtp-url.
type Server struct {
	Host     string
	Port     int
	User     string
	Password string
	// Implicit is smtps://: TLS from the first byte.
	Implicit bool
	// NoTLS is ?tls=off: never STARTTLS, even when offered.
	NoTLS bool
	// TLSConfig overrides the TLS settings (tests trust their own CA).
	TLSConfig *tls.Config
	// Timeout bounds dialling and each command (default 30 s).
	Timeout time.Duration
}

// ParseURL reads smtp://[user:pass@]host:port[?tls=off] (STARTTLS when
// the server offers it) or smtps://[user:pass@]host:port (implicit TLS).
func ParseURL(raw string) (*Server, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("--smtp-url: %w", err)
	}
	s := &Server{Timeout: 30 * time.Second}
	switch u.Scheme {
	case "smtp":
		s.Port = 25
	case "smtps":
		s.Port, s.Implicit = 465, true
	default:
		return nil, fmt.Errorf("--smtp-url %q: want smtp://host:port or smtps://host:port", redact(u))
	}
	s.Host = u.Hostname()
	if s.Host == "" {
		return nil, fmt.Errorf("--smtp-url %q: no host", redact(u))
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("--smtp-url %q: bad port %q", redact(u), p)
		}
		s.Port = n
	}
	if u.User != nil {
		s.User = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	for k, v := range u.Query() {
		switch {
		case k == "tls" && len(v) == 1 && (v[0] == "off" || v[0] == "on"):
			s.NoTLS = v[0] == "off"
		default:
			return nil, fmt.Errorf("--smtp-url %q: unknown option %s=%s (only tls=off)", redact(u), k, strings.Join(v, ","))
		}
	}
	if s.Implicit && s.NoTLS {
		return nil, fmt.Errorf("--smtp-url %q: smtps:// is TLS; use smtp://...?tls=off for none", redact(u))
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("--smtp-url %q: no path expected", redact(u))
	}
	return s, nil
}

// redact hides the password of u for messages and logs.
func redact(u *url.URL) string { return u.Redacted() }

// String is the server's address without its password.
func (s *Server) String() string {
	scheme := "smtp"
	if s.Implicit {
		scheme = "smtps"
	}
	return scheme + "://" + net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
}

func (s *Server) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(s.timeout())}
	switch {
	case s.Implicit:
		opts = append(opts, gomail.WithSSL())
	case s.NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		// STARTTLS when offered: a plain loopback relay must work.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.TLSConfig))
	}
	if s.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.User), gomail.WithPassword(s.Password))
	}
	return gomail.NewClient(s.Host, opts...)
}

func (s *Server) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return 30 * time.Second
}

// Conn is one SMTP connection, for sending several messages in a row.
type Conn struct {
	c    *gomail.Client
	from string
}

// Dial connects (and says STARTTLS and AUTH as configured).
func (s *Server) Dial(ctx context.Context, from string) (*Conn, error) {
	c, err := s.client()
	if err != nil {
		return nil, err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, fmt.Errorf("connect to %s: %w", s, err)
	}
	return &Conn{c: c, from: from}, nil
}

// Close says QUIT.
func (c *Conn) Close() error { return c.c.Close() }

// Send hands one message to the server. A nil error means the server
// accepted it (250 after DATA).
func (c *Conn) Send(m *catalog.OutMail) error {
	msg, err := Build(c.from, m)
	if err != nil {
		return &PermanentError{Reason: err.Error()}
	}
	return classify(c.c.Send(msg))
}

// PermanentError is a 5xx answer (or a message the server can never take):
// retrying will not help. Reason holds the server's words.
type PermanentError struct {
	Code   int
	Reason string
}

func (e *PermanentError) Error() string { return e.Reason }

// classify turns go-mail's errors into nil, *PermanentError (5xx) or a
// temporary error (4xx, refused, timeout, dropped connection: anything
// else).
func classify(err error) error {
	if err == nil {
		return nil
	}
	var se *gomail.SendError
	if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
		return &PermanentError{Code: se.ErrorCode(), Reason: err.Error()}
	}
	return err
}

// Build makes the MIME message of m: text and (when m has one) HTML
// alternative parts, its Message-ID and extra headers exactly as given.
func Build(from string, m *catalog.OutMail) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("--mail-from %q: %w", from, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(strings.Trim(m.MessageID, "<>"))
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for k, v := range m.Headers {
		// Preformatted: List-Unsubscribe must stay on one line (folding
		// it breaks DKIM signatures added by relays).
		msg.SetGenHeaderPreformatted(gomail.Header(k), v)
	}
	return msg, nil
}

// NewMessageID returns a fresh Message-ID (without brackets) under the
// domain of from, which tells a repeat from a new message.
func NewMessageID(from string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	domain := "safelib.invalid"
	if a, err := mail.ParseAddress(from); err == nil {
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 {
			domain = a.Address[i+1:]
		}
	}
	return hex.EncodeToString(b) + "@" + domain
}

// CheckFrom validates --mail-from.
func CheckFrom(from string) error {
	if _, err := mail.ParseAddress(from); err != nil {
		return fmt.Errorf("--mail-from %q: %w", from, err)
	}
	return nil
}
