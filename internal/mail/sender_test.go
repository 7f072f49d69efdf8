package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"safelib/internal/catalog"

	"safelib/internal/mail/mailtest"
	"safelib/internal/store"
)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "mail.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// clock is a settable clock for backoff tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const from = "Library <library@example.org>"

func queue(t *testing.T, st *store.Store, at time.Time, to ...string) []*catalog.OutMail {
	t.Helper()
	var ms []*catalog.OutMail
	for i, addr := range to {
		ms = append(ms, &catalog.OutMail{Kind: "test", To: addr, Subject: fmt.Sprintf("Message %d", i),
			Text: "Plain words " + addr, HTML: "<p>HTML words " + addr + "</p>", MessageID: NewMessageID(from),
			Headers: map[string]string{
				"List-Unsubscribe":      "<http://127.0.0.1:8080/unsubscribe/" + strings.Repeat("x", 90) + ">",
				"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			}})
	}
	if err := st.QueueMail(context.Background(), at, ms...); err != nil {
		t.Fatal(err)
	}
	return ms
}

func server(t *testing.T, s *mailtest.Server, raw string) *Server {
	t.Helper()
	srv, err := ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	srv.Timeout = 5 * time.Second
	return srv
}

func TestDeliverPlainLoopback(t *testing.T) {
	st := openStore(t)
	ts := mailtest.Start(t, mailtest.Options{})
	c := &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	ms := queue(t, st, c.Now(), "ann@example.org", "bob@example.org")
	s := NewSender(st, SenderOptions{Server: server(t, ts, "smtp://"+ts.Addr), From: from, Now: c.Now})
	sum, err := s.Drain(context.Background())
	if err != nil || sum.Sent != 2 || sum.Remaining != 0 {
		t.Fatalf("drain: %+v %v", sum, err)
	}
	got := ts.Messages()
	if len(got) != 2 {
		t.Fatalf("%d messages", len(got))
	}
	for i, m := range got {
		if len(m.To) != 1 || m.To[0] != ms[i].To || m.From != "library@example.org" {
			t.Errorf("envelope %d: from %q to %v", i, m.From, m.To)
		}
		if m.Header.Get("Message-Id") != "<"+ms[i].MessageID+">" {
			t.Errorf("Message-ID %q, want <%s>", m.Header.Get("Message-Id"), ms[i].MessageID)
		}
		if got := mailtest.Part(m, "text/plain"); !strings.Contains(got, "Plain words "+ms[i].To) {
			t.Errorf("text part %q", got)
		}
		if got := mailtest.Part(m, "text/html"); !strings.Contains(got, "<p>HTML words "+ms[i].To+"</p>") {
			t.Errorf("html part %q", got)
		}
		if m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post %q", m.Header.Get("List-Unsubscribe-Post"))
		}
		// One line in the raw message: no folding.
		if !bytes.Contains(m.Raw, []byte("List-Unsubscribe: <http://127.0.0.1:8080/unsubscribe/"+strings.Repeat("x", 90)+">\r\n")) {
			t.Errorf("List-Unsubscribe folded or missing:\n%s", m.Raw[:min(len(m.Raw), 800)])
		}
		if m.TLS {
			t.Error("TLS on a server that offers none")
		}
	}
	// Sent is final: another drain sends nothing.
	if sum, _ := s.Drain(context.Background()); sum.Sent != 0 || len(ts.Messages()) != 2 {
		t.Fatalf("second drain: %+v", sum)
	}
	counts, _ := st.MailCounts(context.Background())
	if counts[catalog.MailSent] != 2 {
		t.Fatalf("counts %v", counts)
	}
}

func TestDeliverStartTLSAndAuth(t *testing.T) {
	for _, implicit := range []bool{false, true} {
		st := openStore(t)
		ts := mailtest.Start(t, mailtest.Options{User: "relay", Password: "s3cret pass", TLS: true, Implicit: implicit})
		scheme := "smtp"
		if implicit {
			scheme = "smtps"
		}
		srv := server(t, ts, scheme+"://relay:s3cret%20pass@"+ts.Addr)
		srv.TLSConfig = tlsConfig(ts)
		queue(t, st, time.Now(), "ann@example.org")
		s := NewSender(st, SenderOptions{Server: srv, From: from})
		if sum, err := s.Drain(context.Background()); err != nil || sum.Sent != 1 {
			t.Fatalf("%s: %+v %v", scheme, sum, err)
		}
		m := ts.Messages()[0]
		if !m.TLS || m.User != "relay" {
			t.Fatalf("%s: TLS %v user %q", scheme, m.TLS, m.User)
		}
	}
	// A wrong password is not a reason to drop the message: it waits.
	st := openStore(t)
	ts := mailtest.Start(t, mailtest.Options{User: "relay", Password: "right", TLS: true})
	srv := server(t, ts, "smtp://relay:wrong@"+ts.Addr)
	srv.TLSConfig = tlsConfig(ts)
	queue(t, st, time.Now(), "ann@example.org")
	sum, err := NewSender(st, SenderOptions{Server: srv, From: from}).Drain(context.Background())
	if err != nil || sum.Sent != 0 || sum.Retried != 1 || sum.Remaining != 1 {
		t.Fatalf("wrong password: %+v %v", sum, err)
	}
}

func TestTemporaryFailuresRetryWithBackoff(t *testing.T) {
	for _, fault := range []error{mailtest.Temp, mailtest.ErrDrop} {
		st := openStore(t)
		var failing = true
		var mu sync.Mutex
		ts := mailtest.Start(t, mailtest.Options{Fault: func(n int, _ []string) error {
			mu.Lock()
			defer mu.Unlock()
			if failing {
				return fault
			}
			return nil
		}})
		c := &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
		queue(t, st, c.Now(), "ann@example.org")
		s := NewSender(st, SenderOptions{Server: server(t, ts, "smtp://"+ts.Addr), From: from, Now: c.Now})
		sum, err := s.Drain(context.Background())
		if err != nil || sum.Retried != 1 || sum.Sent != 0 {
			t.Fatalf("%v: first drain %+v %v", fault, sum, err)
		}
		ms, _ := st.Mails(context.Background(), "", 10)
		if ms[0].State != catalog.MailPending || ms[0].Next.Sub(c.Now()) > time.Minute || ms[0].LastError == "" {
			t.Fatalf("%v: after a temporary failure: %+v", fault, ms[0])
		}
		if fault == mailtest.Temp && !strings.Contains(ms[0].LastError, "mailbox busy") {
			t.Errorf("server's words not kept: %q", ms[0].LastError)
		}
		// Not due yet: nothing happens.
		if sum, _ := s.Drain(context.Background()); sum.Retried+sum.Sent != 0 {
			t.Fatalf("drained before due: %+v", sum)
		}
		c.Add(time.Minute)
		mu.Lock()
		failing = false
		mu.Unlock()
		if sum, err := s.Drain(context.Background()); err != nil || sum.Sent != 1 {
			t.Fatalf("%v: retry %+v %v", fault, sum, err)
		}
		if n := len(ts.Messages()); n != 1 {
			t.Fatalf("%v: %d accepted", fault, n)
		}
	}
}

func TestRetriesLastOverADayThenFail(t *testing.T) {
	st := openStore(t)
	ts := mailtest.Start(t, mailtest.Options{Fault: func(int, []string) error { return mailtest.Temp }})
	c := &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	queue(t, st, c.Now(), "ann@example.org")
	s := NewSender(st, SenderOptions{Server: server(t, ts, "smtp://"+ts.Addr), From: from, Now: c.Now})
	start := c.Now()
	attempts := 0
	for range 100 {
		sum, err := s.Drain(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		attempts += sum.Retried + sum.Failed
		if sum.Failed == 1 {
			break
		}
		next, _ := st.NextMailDue(context.Background())
		c.t = next
	}
	ms, _ := st.Mails(context.Background(), catalog.MailFailed, 10)
	if len(ms) != 1 {
		t.Fatal("never gave up")
	}
	if span := c.Now().Sub(start); span < 24*time.Hour {
		t.Fatalf("gave up after %v (%d attempts)", span, attempts)
	}
	if !strings.Contains(ms[0].LastError, "gave up") || !strings.Contains(ms[0].LastError, "mailbox busy") {
		t.Fatalf("reason %q", ms[0].LastError)
	}
}

func TestPermanentFailureKeepsServersWords(t *testing.T) {
	st := openStore(t)
	ts := mailtest.Start(t, mailtest.Options{Fault: func(_ int, to []string) error {
		if to[0] == "gone@example.org" {
			return mailtest.Perm
		}
		return nil
	}})
	queue(t, st, time.Now(), "gone@example.org", "ann@example.org")
	s := NewSender(st, SenderOptions{Server: server(t, ts, "smtp://"+ts.Addr), From: from})
	sum, err := s.Drain(context.Background())
	if err != nil || sum.Failed != 1 || sum.Sent != 1 {
		t.Fatalf("%+v %v", sum, err)
	}
	ms, _ := st.Mails(context.Background(), catalog.MailFailed, 10)
	if len(ms) != 1 || ms[0].To != "gone@example.org" || !strings.Contains(ms[0].LastError, "550") || !strings.Contains(ms[0].LastError, "No such user here") {
		t.Fatalf("failed: %+v", ms)
	}
}

func TestNoServerNothingSent(t *testing.T) {
	st := openStore(t)
	queue(t, st, time.Now(), "ann@example.org")
	s := NewSender(st, SenderOptions{From: from})
	sum, err := s.Drain(context.Background())
	if err != nil || sum.Sent != 0 || sum.Remaining != 1 || s.Configured() {
		t.Fatalf("%+v %v", sum, err)
	}
}

// The one window for a repeat: the server accepted, the process stopped
// before the outbox recorded it. The restart sends it again and says so;
// a message recorded as sent is never sent again.
func TestCrashWindowRepeatIsLoggedAndOnlyThere(t *testing.T) {
	st := openStore(t)
	ts := mailtest.Start(t, mailtest.Options{})
	srv := server(t, ts, "smtp://"+ts.Addr)
	ms := queue(t, st, time.Now(), "ann@example.org", "bob@example.org")
	crash := errors.New("crash")
	s1 := NewSender(st, SenderOptions{Server: srv, From: from, AfterAccept: func(m *catalog.OutMail) error {
		if m.To == "bob@example.org" {
			return crash
		}
		return nil
	}})
	if _, err := s1.Drain(context.Background()); !errors.Is(err, crash) {
		t.Fatalf("want the crash, got %v", err)
	}
	var logs bytes.Buffer
	s2 := NewSender(st, SenderOptions{Server: srv, From: from, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err := s2.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sum, err := s2.Drain(context.Background()); err != nil || sum.Sent != 1 {
		t.Fatalf("after restart: %+v %v", sum, err)
	}
	byID := map[string]int{}
	for _, m := range ts.Messages() {
		byID[m.Header.Get("Message-Id")]++
	}
	if byID["<"+ms[0].MessageID+">"] != 1 || byID["<"+ms[1].MessageID+">"] != 2 {
		t.Fatalf("deliveries by Message-ID: %v", byID)
	}
	if !strings.Contains(logs.String(), ms[1].MessageID) || !strings.Contains(logs.String(), "repeat") {
		t.Fatalf("the repeat is not logged:\n%s", logs.String())
	}
}

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		raw, want, err string
		noTLS          bool
		user, pass     string
	}{
		{raw: "smtp://127.0.0.1:2525", want: "smtp://127.0.0.1:2525"},
		{raw: "smtp://mail.example.org", want: "smtp://mail.example.org:25"},
		{raw: "smtps://u:p%40ss@mail.example.org", want: "smtps://mail.example.org:465", user: "u", pass: "p@ss"},
		{raw: "smtp://127.0.0.1:25?tls=off", want: "smtp://127.0.0.1:25", noTLS: true},
		{raw: "http://x:25", err: "want smtp://"},
		{raw: "smtp://:25", err: "no host"},
		{raw: "smtp://h:99999", err: "bad port"},
		{raw: "smtp://h:25?tls=maybe", err: "unknown option"},
		{raw: "smtps://h:465?tls=off", err: "smtps:// is TLS"},
		{raw: "smtp://u:secret@h:25/x", err: "no path"},
	} {
		s, err := ParseURL(tc.raw)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.raw, err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("%s: password in the error %v", tc.raw, err)
			}
			continue
		}
		if err != nil || s.String() != tc.want || s.NoTLS != tc.noTLS || s.User != tc.user || s.Password != tc.pass {
			t.Errorf("%s: %+v %v", tc.raw, s, err)
		}
	}
}

func TestBackoff(t *testing.T) {
	if Backoff(1) > time.Minute {
		t.Fatalf("first retry after %v", Backoff(1))
	}
	var total time.Duration
	for n := 1; n <= 12; n++ {
		if n > 1 && Backoff(n) < Backoff(n-1) {
			t.Fatalf("backoff shrinks at %d", n)
		}
		total += Backoff(n)
	}
	if Backoff(20) != 4*time.Hour || total < 24*time.Hour {
		t.Fatalf("backoff %v, 12 retries span %v", Backoff(20), total)
	}
}

func tlsConfig(ts *mailtest.Server) *tls.Config {
	return &tls.Config{RootCAs: ts.RootCAs, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}
