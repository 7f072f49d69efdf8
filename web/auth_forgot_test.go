package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"safelib/internal/auth"
	"safelib/internal/config"
	"safelib/internal/mail"
	"safelib/internal/mail/mailtest"
)

// mailEnv is authEnv whose account service queues mail, with a sender
// draining the outbox into a real SMTP server in the test.
type mailEnv struct {
	*authEnv
	smtp   *mailtest.Server
	sender *mail.Sender
}

func newMailEnv(t *testing.T) *mailEnv {
	t.Helper()
	e := newAuthEnv(t)
	p := auth.TestParams
	composer := &mail.Composer{BaseURL: "http://127.0.0.1:8080", From: "Library <library@example.org>"}
	e.auth = auth.New(e.st, auth.Options{Now: e.clock.Now, Params: &p, SessionLifetime: testLifetime,
		Mailer: composer, BaseURL: "http://127.0.0.1:8080"})
	ts := mailtest.Start(t, mailtest.Options{})
	srv, err := mail.ParseURL("smtp://" + ts.Addr)
	if err != nil {
		t.Fatal(err)
	}
	sender := mail.NewSender(e.st, mail.SenderOptions{Server: srv, From: composer.From})
	s, err := New(Options{Config: config.Default(), Library: e.lib, Auth: e.auth, Mail: sender})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = s
	return &mailEnv{authEnv: e, smtp: ts, sender: sender}
}

// deliver drains the outbox and returns every message received so far.
func (e *mailEnv) deliver(t *testing.T) []mailtest.Message {
	t.Helper()
	if _, err := e.sender.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e.smtp.Messages()
}

var mailedLink = regexp.MustCompile(`http://127\.0\.0\.1:8080(/reset\?token=[A-Za-z0-9_-]{43})`)

// forgot posts /forgot for email with a fresh form.
func (e *mailEnv) forgot(t *testing.T, email string) (int, string, http.Header) {
	t.Helper()
	w := e.get(t, "/forgot")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /forgot: %d", w.Code)
	}
	ck := cookie(w, preCSRFCookie)
	w = e.postForm(t, anonymous, "/forgot", url.Values{"email": {email}, "csrf_token": {csrfOf(t, w.Body.String())}}, ck)
	return w.Code, w.Body.String(), w.Header()
}

func TestForgotPassword(t *testing.T) {
	e := newMailEnv(t)
	mustContain(t, e.get(t, "/login").Body.String(), `<a href="/forgot">Forgot your password?</a>`)

	code, known, _ := e.forgot(t, memberEmail)
	if code != http.StatusOK {
		t.Fatalf("POST /forgot: %d", code)
	}
	code, unknown, _ := e.forgot(t, "nobody@example.org")
	if code != http.StatusOK {
		t.Fatalf("POST /forgot unknown: %d", code)
	}
	// The same answer, whether or not the account exists.
	strip := regexp.MustCompile(`name="csrf_token" value="[^"]+"`)
	a := strings.ReplaceAll(strip.ReplaceAllString(known, ""), memberEmail, "X")
	b := strings.ReplaceAll(strip.ReplaceAllString(unknown, ""), "nobody@example.org", "X")
	if a != b {
		t.Fatal("the answers differ for a known and an unknown address")
	}
	mustContain(t, known, "If <strong>"+memberEmail+"</strong> has an account here")

	ms := e.deliver(t)
	if len(ms) != 1 || ms[0].To[0] != memberEmail {
		t.Fatalf("messages: %+v", ms)
	}
	text, html := mailtest.Part(ms[0], "text/plain"), mailtest.Part(ms[0], "text/html")
	m := mailedLink.FindStringSubmatch(text)
	if m == nil || !strings.Contains(html, `href="http://127.0.0.1:8080`+m[1]+`"`) {
		t.Fatalf("no link in both parts:\n%s\n%s", text, html)
	}
	// The link opens the existing reset page and sets the password once.
	w := e.get(t, m[1])
	if w.Code != http.StatusOK {
		t.Fatalf("GET reset link: %d", w.Code)
	}
	ck := cookie(w, preCSRFCookie)
	tok := strings.TrimPrefix(m[1], "/reset?token=")
	w = e.postForm(t, anonymous, "/reset", url.Values{"token": {tok}, "password": {"a brand new passphrase"},
		"confirm": {"a brand new passphrase"}, "csrf_token": {csrfOf(t, w.Body.String())}}, ck)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", w.Code, w.Body)
	}
	if _, err := e.auth.Login(context.Background(), memberEmail, "a brand new passphrase", auth.Client{IP: "192.0.2.9"}); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
	// A used link says so.
	w = e.get(t, m[1])
	if w.Code != http.StatusBadRequest {
		t.Fatalf("used link: %d", w.Code)
	}
	mustContain(t, w.Body.String(), "expired or has already been used")
	mustContain(t, w.Body.String(), `href="/forgot"`)
	// The old address hears that the password changed.
	ms = e.deliver(t)
	if len(ms) != 2 || ms[1].To[0] != memberEmail || !strings.Contains(mailtest.Part(ms[1], "text/plain"), "password of your account") {
		t.Fatalf("no notice of the change: %+v", ms)
	}
	// An expired link says so too.
	e.forgot(t, lapsedEmail)
	ms = e.deliver(t)
	m = mailedLink.FindStringSubmatch(mailtest.Part(ms[len(ms)-1], "text/plain"))
	e.clock.Add(auth.ForgotLifetime + time.Minute)
	if w := e.get(t, m[1]); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "expired") {
		t.Fatalf("expired link: %d", w.Code)
	}
}

func TestForgotPasswordIsThrottled(t *testing.T) {
	e := newMailEnv(t)
	for i := 0; i < 5; i++ {
		if code, _, _ := e.forgot(t, "nobody@example.org"); code != http.StatusOK {
			t.Fatalf("request %d: %d", i, code)
		}
	}
	code, body, h := e.forgot(t, "nobody@example.org")
	if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Fatalf("6th request: %d, Retry-After %q", code, h.Get("Retry-After"))
	}
	mustContain(t, body, "Too many requests")
	// A known address is throttled alike: its count tells nothing.
	for i := 0; i < 5; i++ {
		e.forgot(t, memberEmail)
	}
	if code, _, _ := e.forgot(t, memberEmail); code != http.StatusTooManyRequests {
		t.Fatalf("known address: %d", code)
	}
	if n := len(e.deliver(t)); n != 5 {
		t.Fatalf("%d messages, want 5", n)
	}
}

func TestInvitation(t *testing.T) {
	e := newMailEnv(t)
	admin := e.session(t, adminEmail)
	w := e.postForm(t, withSession(admin), "/admin/people", url.Values{"csrf_token": {csrfToken(admin)},
		"email": {"nia@example.org"}, "name": {"Nia New"}, "role": {"member"}, "expires": {"2027-04-30"}, "invite": {"1"}})
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/admin/people/") {
		t.Fatalf("add with invitation: %d %s", w.Code, w.Body)
	}
	person := w.Header().Get("Location")
	ms := e.deliver(t)
	if len(ms) != 1 || ms[0].To[0] != "nia@example.org" || !strings.Contains(ms[0].Header.Get("Subject"), "invited") {
		t.Fatalf("invitation: %+v", ms)
	}
	first := mailedLink.FindStringSubmatch(mailtest.Part(ms[0], "text/plain"))
	mustContain(t, mailtest.Part(ms[0], "text/plain"), "Hello Nia New")
	// Resend: a new link; the first one stops working.
	w = e.postForm(t, withSession(admin), person+"/invite", url.Values{"csrf_token": {csrfToken(admin)}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("resend: %d", w.Code)
	}
	ms = e.deliver(t)
	second := mailedLink.FindStringSubmatch(mailtest.Part(ms[1], "text/plain"))
	if first == nil || second == nil || first[1] == second[1] {
		t.Fatal("no new link")
	}
	if e.get(t, first[1]).Code != http.StatusBadRequest || e.get(t, second[1]).Code != http.StatusOK {
		t.Fatal("the old link works or the new one doesn't")
	}
	// Choosing the first password is no news: no notice.
	tok := strings.TrimPrefix(second[1], "/reset?token=")
	if _, err := e.auth.Reset(context.Background(), tok, "my first passphrase", auth.Client{}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.deliver(t)); n != 2 {
		t.Fatalf("%d messages after the first password", n)
	}
	// Staff can't invite.
	staff := e.session(t, staffEmail)
	if w := e.postForm(t, withSession(staff), person+"/invite", url.Values{"csrf_token": {csrfToken(staff)}}); w.Code != http.StatusForbidden {
		t.Fatalf("staff invites: %d", w.Code)
	}
}

func TestPasswordChangeNotice(t *testing.T) {
	e := newMailEnv(t)
	sess := e.session(t, memberEmail)
	id, err := e.auth.Session(context.Background(), sess)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.auth.ChangePassword(context.Background(), id, sess, testPassword, "another long passphrase", auth.Client{}); err != nil {
		t.Fatal(err)
	}
	if err := e.auth.SetPassword(context.Background(), auth.System, staffEmail, "set by the admin here"); err != nil {
		t.Fatal(err)
	}
	ms := e.deliver(t)
	if len(ms) != 2 || ms[0].To[0] != memberEmail || ms[1].To[0] != staffEmail {
		t.Fatalf("notices: %+v", ms)
	}
	for _, m := range ms {
		if !strings.Contains(mailtest.Part(m, "text/html"), `href="http://127.0.0.1:8080/forgot"`) {
			t.Errorf("notice without a way back: %s", mailtest.Part(m, "text/html"))
		}
	}
}
