package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"safelib/internal/config"
)

// limited is an auth env whose clients may make 3 requests and then
// (practically) no more during the test.
func limitedEnv(t *testing.T, more ...func(*config.Config)) *authEnv {
	return newAuthEnv(t, append([]func(*config.Config){func(c *config.Config) {
		c.RateLimit, c.RateBurst = 0.001, 3
	}}, more...)...)
}

func fromAddr(ip string) as {
	return func(r *http.Request) { r.RemoteAddr = ip + ":40000" }
}

func both(a, b as) as { return func(r *http.Request) { a(r); b(r) } }

func TestRateLimitPerClient(t *testing.T) {
	e := limitedEnv(t)
	alice, bob := fromAddr("198.51.100.7"), fromAddr("198.51.100.8")
	for i := range 3 {
		if w := e.getAs(t, alice, "/api/v1/search?q=neglect"); w.Code != http.StatusOK {
			t.Fatalf("request %d within the burst: %d", i+1, w.Code)
		}
	}
	w := e.getAs(t, alice, "/api/v1/themes")
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("request over the burst: %d, want 429", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("429 Content-Type %q", ct)
	}
	if ra, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || ra < 1 {
		t.Errorf("Retry-After %q, want whole seconds", w.Header().Get("Retry-After"))
	}
	mustContain(t, w.Body.String(), "Too many requests")
	// The search page and the feed share the client's budget and say so
	// in their own form.
	page := e.getAs(t, alice, "/search?q=neglect")
	if page.Code != http.StatusTooManyRequests || !strings.HasPrefix(page.Header().Get("Content-Type"), "text/html") {
		t.Errorf("search page over the limit: %d %s", page.Code, page.Header().Get("Content-Type"))
	}
	if w := e.getAs(t, alice, "/feed.atom"); w.Code != http.StatusTooManyRequests {
		t.Errorf("feed over the limit: %d", w.Code)
	}
	// Another client is not affected.
	if w := e.getAs(t, bob, "/api/v1/search?q=neglect"); w.Code != http.StatusOK {
		t.Errorf("another client: %d", w.Code)
	}
	// Never /healthz, static files or the sign-in page.
	for _, path := range []string{"/healthz", "/robots.txt", "/login"} {
		if w := e.getAs(t, alice, path); w.Code != http.StatusOK {
			t.Errorf("%s for a limited client: %d", path, w.Code)
		}
	}
	// Never signed-in staff, whatever their address; members are limited.
	staff := both(alice, withBearer(e.token(t, staffEmail)))
	for i := range 10 {
		if w := e.getAs(t, staff, "/api/v1/search?q=neglect"); w.Code != http.StatusOK {
			t.Fatalf("staff request %d: %d", i+1, w.Code)
		}
	}
	member := both(alice, withBearer(e.token(t, memberEmail)))
	if w := e.getAs(t, member, "/api/v1/search?q=neglect"); w.Code != http.StatusTooManyRequests {
		t.Errorf("member from the limited address: %d, want 429", w.Code)
	}
	// The refusals are counted.
	m := e.getAs(t, fromAddr("127.0.0.1"), "/metrics")
	if !strings.Contains(m.Body.String(), "safelib_rate_limited_total 4") {
		t.Errorf("/metrics does not count the 4 refusals:\n%s", grepLines(m.Body.String(), "rate_limited"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// Behind a trusted proxy the limit is per real client, not per proxy.
func TestRateLimitBehindTrustedProxy(t *testing.T) {
	e := limitedEnv(t, func(c *config.Config) { c.TrustedProxies = []string{"10.0.0.1"} })
	via := func(client string) as {
		return func(r *http.Request) {
			r.RemoteAddr = "10.0.0.1:50000"
			r.Header.Set("X-Forwarded-For", client)
		}
	}
	for range 3 {
		e.getAs(t, via("203.0.113.5"), "/api/v1/themes")
	}
	if w := e.getAs(t, via("203.0.113.5"), "/api/v1/themes"); w.Code != http.StatusTooManyRequests {
		t.Errorf("the 4th request of one client behind the proxy: %d, want 429", w.Code)
	}
	if w := e.getAs(t, via("203.0.113.6"), "/api/v1/themes"); w.Code != http.StatusOK {
		t.Errorf("another client behind the same proxy: %d", w.Code)
	}
}

// From an untrusted peer carrying forwarding headers (the misconfigured
// proxy: everyone seems to be that peer), requests over the limit are
// slowed down, not refused, so one busy client does not lock out
// everyone.
func TestRateLimitSharedAddressSlowsDown(t *testing.T) {
	e := newAuthEnv(t, func(c *config.Config) { c.RateLimit, c.RateBurst = 50, 1 })
	proxy := func(r *http.Request) {
		r.RemoteAddr = "10.0.0.9:50000"
		r.Header.Set("X-Forwarded-For", "203.0.113.50")
	}
	for i := range 4 {
		if w := e.getAs(t, proxy, "/api/v1/themes"); w.Code != http.StatusOK {
			t.Fatalf("request %d through an untrusted proxy: %d, want 200 (slowed, not refused)", i+1, w.Code)
		}
	}
	// A direct client without forwarding headers is refused as usual.
	direct := fromAddr("10.0.0.10")
	e.getAs(t, direct, "/api/v1/themes")
	if w := e.getAs(t, direct, "/api/v1/themes"); w.Code != http.StatusTooManyRequests {
		t.Errorf("a direct client over the limit: %d, want 429", w.Code)
	}
}

func TestRateLimitOff(t *testing.T) {
	e := newAuthEnv(t, func(c *config.Config) { c.RateLimit, c.RateBurst = 0, 0 })
	for i := range 60 {
		if w := e.getAs(t, fromAddr("198.51.100.9"), "/api/v1/themes"); w.Code != http.StatusOK {
			t.Fatalf("request %d with --rate-limit 0: %d", i+1, w.Code)
		}
	}
}

// The table of clients stays bounded: idle clients are dropped once their
// bucket has filled again, and a flood of addresses never grows it past
// maxClients.
func TestRateLimiterMemoryBounded(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	l := newRateLimiter(10, 50, func() time.Time { return now })
	for i := range maxClients + 20_000 {
		if _, ok := l.reserve(fmt.Sprintf("k%d", i), 0); !ok {
			t.Fatalf("a new client was refused")
		}
	}
	if n := l.size(); n > maxClients {
		t.Fatalf("%d clients tracked, bound %d", n, maxClients)
	}
	// One client uses its burst and is refused...
	for range 50 {
		l.reserve("busy", 0)
	}
	if wait, ok := l.reserve("busy", 0); ok || wait <= 0 {
		t.Fatalf("over the burst: ok=%v wait=%v", ok, wait)
	}
	// ...and after the refill time everyone idle is forgotten.
	now = now.Add(l.refill() + time.Second)
	l.reserve("late", 0)
	if n := l.size(); n != 1 {
		t.Errorf("after everyone went idle, %d clients tracked, want 1", n)
	}
	if _, ok := l.reserve("busy", 0); !ok {
		t.Error("an idle client did not get its burst back")
	}
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":               "192.0.2.1",
		"::ffff:192.0.2.1":        "192.0.2.1",
		"2001:db8:1:2:3:4:5:6":    "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":    "2001:db8:1:2::/64",
		"not an address":          "not an address",
		"2001:db8:1:3:3:4:5:6":    "2001:db8:1:3::/64",
		"2001:db8:0:0:0:0:0:0001": "2001:db8::/64",
	} {
		if got := clientKey(in); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", in, got, want)
		}
	}
}
