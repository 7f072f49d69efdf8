package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"log/slog"

	"safelib/internal/auth"
	"safelib/internal/config"
)

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// proxyEnv serves the auth test library with trusted proxies and a log
// the test reads.
func proxyEnv(t *testing.T, trusted ...string) (*authEnv, *syncBuffer) {
	t.Helper()
	e := newAuthEnv(t)
	p := auth.TestParams
	e.auth = auth.New(e.st, auth.Options{Now: e.clock.Now, Params: &p, SessionLifetime: testLifetime, SharedDelay: 5 * time.Millisecond})
	logs := &syncBuffer{}
	conf := config.Default()
	conf.TrustedProxies = trusted
	srv, err := New(Options{Config: conf, Library: e.lib, Auth: e.auth, Log: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	return e, logs
}

// loginFrom signs in from peer (with the forwarding headers given) and
// returns the status.
func (e *authEnv) loginFrom(t *testing.T, peer string, hdr http.Header, email, pw string) int {
	t.Helper()
	get := httptest.NewRequest(http.MethodGet, "/login", nil)
	get.RemoteAddr = peer
	maps(get.Header, hdr)
	w := e.do(t, get)
	form := url.Values{"email": {email}, "password": {pw}, "csrf_token": {csrfOf(t, w.Body.String())}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = peer
	maps(req.Header, hdr)
	for _, c := range w.Result().Cookies() {
		req.AddCookie(c)
	}
	return e.do(t, req).Code
}

func maps(dst, src http.Header) {
	for k, v := range src {
		dst[k] = v
	}
}

// A peer that is not trusted but sends X-Forwarded-For: a warning naming
// the setting, logged once and shown to staff; its failed sign-ins slow it
// but never lock everyone behind it out, while per-account limits hold.
func TestUntrustedProxyWarnsAndDoesNotLockEveryoneOut(t *testing.T) {
	e, logs := proxyEnv(t)
	proxy := "10.0.0.5:41000"
	fwd := func(client string) http.Header { return http.Header{"X-Forwarded-For": {client}} }
	for i := 0; i < 25; i++ {
		if st := e.loginFrom(t, proxy, fwd("203.0.113.7"), "guess"+string(rune('a'+i))+"@example.org", "wrong password!"); st != http.StatusUnauthorized {
			t.Fatalf("failed sign-in %d: %d", i, st)
		}
	}
	if st := e.loginFrom(t, proxy, fwd("198.51.100.3"), memberEmail, testPassword); st != http.StatusSeeOther {
		t.Fatalf("someone else behind the untrusted proxy: %d (locked out by another's failures)", st)
	}
	for i := 0; i < 5; i++ {
		e.loginFrom(t, proxy, fwd("203.0.113.7"), staffEmail, "wrong password!")
	}
	if st := e.loginFrom(t, proxy, fwd("198.51.100.3"), staffEmail, testPassword); st != http.StatusTooManyRequests {
		t.Fatalf("per-account limit behind the untrusted proxy: %d", st)
	}
	if n := strings.Count(logs.String(), "setting=--trusted-proxies"); n != 1 {
		t.Fatalf("warning naming --trusted-proxies logged %d times:\n%s", n, logs)
	}
	page := e.getAs(t, withSession(e.session(t, adminEmail)), "/admin/people").Body.String()
	mustContain(t, page, "Setup problem")
	mustContain(t, page, "--trusted-proxies")
	// Not shown to members.
	if strings.Contains(e.getAs(t, withSession(e.session(t, memberEmail)), "/search").Body.String(), "Setup problem") {
		t.Fatal("setup warning shown to a member")
	}
	// The audit log has the proxy's address (all it can know).
	if !strings.Contains(e.getAs(t, withSession(e.session(t, adminEmail)), "/admin/audit").Body.String(), "10.0.0.5") {
		t.Fatal("audit log lacks the peer address")
	}
}

// A trusted proxy: the client's own address is throttled and audited, no
// warning, HSTS when the proxy says https; X-Forwarded-For from anyone
// else is not believed.
func TestTrustedProxy(t *testing.T) {
	e, logs := proxyEnv(t, "10.0.0.5")
	proxy := "10.0.0.5:41000"
	for i := 0; i < 20; i++ {
		e.loginFrom(t, proxy, http.Header{"X-Forwarded-For": {"203.0.113.7"}}, "guess"+string(rune('a'+i))+"@example.org", "wrong password!")
	}
	if st := e.loginFrom(t, proxy, http.Header{"X-Forwarded-For": {"203.0.113.7"}}, memberEmail, testPassword); st != http.StatusTooManyRequests {
		t.Fatalf("the guessing client: %d, want locked", st)
	}
	if st := e.loginFrom(t, proxy, http.Header{"X-Forwarded-For": {"198.51.100.3"}}, memberEmail, testPassword); st != http.StatusSeeOther {
		t.Fatalf("another client through the same proxy: %d", st)
	}
	if strings.Contains(logs.String(), "--trusted-proxies") {
		t.Fatalf("warned with a trusted proxy:\n%s", logs)
	}
	audit := e.getAs(t, withSession(e.session(t, adminEmail)), "/admin/audit").Body.String()
	mustContain(t, audit, "203.0.113.7")
	mustContain(t, audit, "198.51.100.3")

	req := httptest.NewRequest(http.MethodGet, "/search", nil)
	req.RemoteAddr = proxy
	req.Header.Set("X-Forwarded-Proto", "https")
	if h := e.do(t, req).Header().Get("Strict-Transport-Security"); h != hstsValue {
		t.Fatalf("HSTS over https via the proxy: %q", h)
	}
	req = httptest.NewRequest(http.MethodGet, "/search", nil)
	req.RemoteAddr = "192.0.2.50:5000"
	req.Header.Set("X-Forwarded-Proto", "https")
	if h := e.do(t, req).Header().Get("Strict-Transport-Security"); h != "" {
		t.Fatalf("HSTS on plain http from an untrusted peer's say-so: %q", h)
	}
}

func TestTrustedProxiesRefusesJunk(t *testing.T) {
	if _, err := newProxyGuard([]string{"10.0.0.0/8", "::1", "not-an-ip"}); err == nil || !strings.Contains(err.Error(), "--trusted-proxies") {
		t.Fatalf("junk in --trusted-proxies: %v", err)
	}
}
