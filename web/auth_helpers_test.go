package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/config"
)

// testClock is a settable clock for sessions and membership dates.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// authNow is 20 April 2026, 10:00 in London.
var authNow = time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)

const (
	testPassword   = "correct horse battery"
	testLifetime   = 24 * time.Hour
	adminEmail     = "admin@example.org"
	staffEmail     = "staff@example.org"
	memberEmail    = "member@example.org"
	lapsedEmail    = "lapsed@example.org"
	lapsingEmail   = "lapsing@example.org"
	membersSummary = "Confidential summary"
	membersURL     = "example.org/members/funding-briefing"
	membersTitle   = "Partnership funding briefing for members"
)

// authEnv is the test library served with accounts: an admin, staff, a
// member in date, one whose membership lapsed and one lapsing soon.
type authEnv struct {
	*testEnv
	auth  *auth.Auth
	clock *testClock
}

func newAuthEnv(t testing.TB, cfg ...func(*config.Config)) *authEnv {
	t.Helper()
	e := newTestEnv(t)
	clock := &testClock{t: authNow}
	p := auth.TestParams
	a := auth.New(e.st, auth.Options{Now: clock.Now, Params: &p, SessionLifetime: testLifetime})
	conf := testConfig()
	for _, f := range cfg {
		f(&conf)
	}
	srv, err := New(Options{Config: conf, Library: e.lib, Auth: a})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	ctx := context.Background()
	for _, u := range []auth.NewUser{
		{Email: adminEmail, Role: catalog.RoleAdmin},
		{Email: staffEmail, Role: catalog.RoleStaff},
		{Email: memberEmail, Role: catalog.RoleMember, Expires: "2027-04-30"},
		{Email: lapsedEmail, Role: catalog.RoleMember, Expires: "2026-03-31"},
		{Email: lapsingEmail, Role: catalog.RoleMember, Expires: "2026-05-10"},
	} {
		u.Password = testPassword
		if _, err := a.AddUser(ctx, auth.System, u); err != nil {
			t.Fatal(err)
		}
	}
	return &authEnv{testEnv: e, auth: a, clock: clock}
}

// session signs email in directly and returns the session cookie value.
func (e *authEnv) session(t testing.TB, email string) string {
	t.Helper()
	res, err := e.auth.Login(context.Background(), email, testPassword, auth.Client{IP: "192.0.2.200"})
	if err != nil {
		t.Fatalf("sign in %s: %v", email, err)
	}
	return res.Token
}

// token makes an API token for email.
func (e *authEnv) token(t testing.TB, email string) string {
	t.Helper()
	raw, _, err := e.auth.CreateToken(context.Background(), auth.System, email, "test")
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// as is a way to present credentials on a request.
type as func(*http.Request)

func withSession(tok string) as {
	return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: sessionCookie, Value: tok}) }
}

func withBearer(tok string) as {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func anonymous(*http.Request) {}

func (e *authEnv) getAs(t testing.TB, who as, target string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	who(req)
	return e.do(t, req)
}

// postForm posts form values as who, with the cookies given.
func (e *authEnv) postForm(t testing.TB, who as, target string, form url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	who(req)
	return e.do(t, req)
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrfOf returns the first CSRF token in a page.
func csrfOf(t testing.TB, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no csrf_token field in the page")
	}
	return m[1]
}

// cookie returns the Set-Cookie named name, or nil.
func cookie(w *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (e *authEnv) systemActor() auth.Actor { return auth.System }

// csrfToken is the CSRF token of a session.
func csrfToken(session string) string { return auth.CSRFToken(session) }
