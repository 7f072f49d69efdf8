package web

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"

	"safelib/internal/config"
)

// loginForm fetches GET /login and returns its CSRF token and cookie.
func (e *authEnv) loginForm(t *testing.T) (string, *http.Cookie) {
	t.Helper()
	w := e.get(t, "/login?next=/resources/"+membersID)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /login: %d", w.Code)
	}
	ck := cookie(w, preCSRFCookie)
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Fatalf("pre-session CSRF cookie %+v", ck)
	}
	tok := csrfOf(t, w.Body.String())
	if tok != ck.Value {
		t.Fatal("form token differs from its cookie")
	}
	checkPageHeaders(t, w)
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", w.Header().Get("Cache-Control"))
	}
	return tok, ck
}

func TestLoginFlow(t *testing.T) {
	e := newAuthEnv(t)
	tok, ck := e.loginForm(t)
	w := e.postForm(t, anonymous, "/login", url.Values{"email": {memberEmail}, "password": {testPassword},
		"csrf_token": {tok}, "next": {"/resources/" + membersID}}, ck)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/resources/"+membersID {
		t.Fatalf("sign-in: %d to %q: %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	sc := cookie(w, sessionCookie)
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Secure || sc.Path != "/" ||
		sc.MaxAge != int(testLifetime.Seconds()) {
		t.Fatalf("session cookie %+v", sc)
	}
	// Signed in: the members-only text, the email and a sign-out button
	// carrying the session's CSRF token.
	w = e.getAs(t, withSession(sc.Value), "/resources/"+membersID)
	body := w.Body.String()
	mustContain(t, body, secretWord)
	mustContain(t, body, memberEmail)
	mustContain(t, body, `action="/logout"`)
	if csrfOf(t, body) == tok {
		t.Error("the session reuses the pre-session CSRF token")
	}
	// An off-site next is ignored.
	tok, ck = e.loginForm(t)
	w = e.postForm(t, anonymous, "/login", url.Values{"email": {memberEmail}, "password": {testPassword},
		"csrf_token": {tok}, "next": {"//evil.example/x"}}, ck)
	if w.Header().Get("Location") != "/" {
		t.Errorf("next off-site: redirected to %q", w.Header().Get("Location"))
	}
	log, _ := e.st.ListAudit(context.Background(), catalog.AuditFilter{Action: "login", Actor: memberEmail})
	if len(log) != 2 {
		t.Errorf("%d sign-ins in the audit log", len(log))
	}
}

func TestSessionCookieSecure(t *testing.T) {
	for _, tc := range []struct {
		name string
		base string
		tls  bool
	}{{"TLS", "", true}, {"https base URL", "https://library.example.org", false}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAuthEnv(t, func(c *config.Config) { c.BaseURL = tc.base })
			tok, ck := e.loginForm(t)
			req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{"email": {memberEmail},
				"password": {testPassword}, "csrf_token": {tok}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(ck)
			if tc.tls {
				req.TLS = &tls.ConnectionState{}
			}
			w := e.do(t, req)
			if sc := cookie(w, sessionCookie); w.Code != http.StatusSeeOther || sc == nil || !sc.Secure || !sc.HttpOnly {
				t.Fatalf("%d %+v", w.Code, sc)
			}
		})
	}
}

// TestCSRFRefused: forms without the right token, and cross-site
// requests with it, are refused with 403 and change nothing.
func TestCSRFRefused(t *testing.T) {
	e := newAuthEnv(t)
	tok, ck := e.loginForm(t)
	creds := url.Values{"email": {memberEmail}, "password": {testPassword}}
	with := func(extra url.Values) url.Values {
		v := url.Values{}
		for k, x := range creds {
			v[k] = x
		}
		for k, x := range extra {
			v[k] = x
		}
		return v
	}
	cases := []struct {
		name    string
		form    url.Values
		cookies []*http.Cookie
		header  map[string]string
	}{
		{"sign-in without a token", creds, []*http.Cookie{ck}, nil},
		{"sign-in without the cookie", with(url.Values{"csrf_token": {tok}}), nil, nil},
		{"sign-in with a token not matching its cookie", with(url.Values{"csrf_token": {strings.Repeat("A", 43)}}), []*http.Cookie{ck}, nil},
		{"sign-in from another site", with(url.Values{"csrf_token": {tok}}), []*http.Cookie{ck}, map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"sign-in with a foreign Origin", with(url.Values{"csrf_token": {tok}}), []*http.Cookie{ck}, map[string]string{"Origin": "https://evil.example"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			for _, c := range tc.cookies {
				req.AddCookie(c)
			}
			w := e.do(t, req)
			if w.Code != http.StatusForbidden || cookie(w, sessionCookie) != nil {
				t.Fatalf("status %d, session cookie %v", w.Code, cookie(w, sessionCookie))
			}
		})
	}

	// Signed in: sign-out, password change and admin forms need the
	// session's token; the pre-session token is not it.
	admin := e.session(t, adminEmail)
	for _, target := range []string{"/logout", "/account/password", "/admin/people", "/admin/organisations"} {
		for _, bad := range []string{"", tok} {
			w := e.postForm(t, withSession(admin), target, url.Values{"csrf_token": {bad}, "email": {"x@example.org"},
				"role": {"admin"}, "name": {"Org"}}, ck)
			if w.Code != http.StatusForbidden {
				t.Errorf("POST %s with token %q: %d", target, bad, w.Code)
			}
		}
	}
	if _, err := e.auth.Session(context.Background(), admin); err != nil {
		t.Errorf("a refused sign-out ended the session: %v", err)
	}
	us, _ := e.st.ListUsers(context.Background(), catalog.UserFilter{Query: "x@example.org"})
	if len(us) != 0 {
		t.Error("a refused form added a person")
	}
}

// TestLoginFailuresLookAlike: an unknown email and a wrong password get
// the same status and the same page.
func TestLoginFailuresLookAlike(t *testing.T) {
	e := newAuthEnv(t)
	tok, ck := e.loginForm(t)
	try := func(email, pw string) *httptest.ResponseRecorder {
		return e.postForm(t, anonymous, "/login", url.Values{"email": {email}, "password": {pw}, "csrf_token": {tok}}, ck)
	}
	unknown := try("nobody@example.org", testPassword)
	wrong := try(memberEmail, "not the password")
	if unknown.Code != http.StatusUnauthorized || wrong.Code != http.StatusUnauthorized {
		t.Fatalf("statuses %d, %d", unknown.Code, wrong.Code)
	}
	norm := func(w *httptest.ResponseRecorder, email string) string {
		return strings.ReplaceAll(w.Body.String(), email, "EMAIL")
	}
	if norm(unknown, "nobody@example.org") != norm(wrong, memberEmail) {
		t.Error("the answers differ")
	}
	mustContain(t, wrong.Body.String(), badCredentials)
	if cookie(unknown, sessionCookie) != nil || cookie(wrong, sessionCookie) != nil {
		t.Error("a failed sign-in set a session cookie")
	}
	log, _ := e.st.ListAudit(context.Background(), catalog.AuditFilter{Action: "login.failed"})
	if len(log) != 2 {
		t.Errorf("%d failed sign-ins in the audit log", len(log))
	}
}

// TestLoginThrottled: after 5 failures for one account, the sixth try is
// refused with 429 and Retry-After, even with the right password, until
// the lock passes.
func TestLoginThrottled(t *testing.T) {
	e := newAuthEnv(t)
	tok, ck := e.loginForm(t)
	try := func(pw string) *httptest.ResponseRecorder {
		return e.postForm(t, anonymous, "/login", url.Values{"email": {memberEmail}, "password": {pw}, "csrf_token": {tok}}, ck)
	}
	for i := 0; i < 5; i++ {
		if w := try("not the password"); w.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, w.Code)
		}
	}
	w := try(testPassword)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "900" || cookie(w, sessionCookie) != nil {
		t.Fatalf("status %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	mustContain(t, w.Body.String(), "Too many failed sign-ins")
	e.clock.Add(15 * time.Minute)
	if w := try(testPassword); w.Code != http.StatusSeeOther {
		t.Fatalf("after the lock: %d", w.Code)
	}
}

// TestLogoutEndsServerSession: signing out deletes the session in the
// store, so the old cookie no longer works anywhere.
func TestLogoutEndsServerSession(t *testing.T) {
	e := newAuthEnv(t)
	sess := e.session(t, memberEmail)
	page := e.getAs(t, withSession(sess), "/search").Body.String()
	w := e.postForm(t, withSession(sess), "/logout", url.Values{"csrf_token": {csrfOf(t, page)}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Fatalf("sign-out: %d %q", w.Code, w.Header().Get("Location"))
	}
	if c := cookie(w, sessionCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("session cookie not cleared: %+v", c)
	}
	// Replaying the old cookie: anonymous.
	body := e.getAs(t, withSession(sess), "/resources/"+membersID).Body.String()
	mustNotContain(t, body, secretWord)
	mustContain(t, body, `class="signin"`)
	if _, err := e.st.SessionByHash(context.Background(), sess); err == nil {
		t.Error("raw token found in the store")
	}
	log, _ := e.st.ListAudit(context.Background(), catalog.AuditFilter{Action: "logout"})
	if len(log) != 1 {
		t.Errorf("%d sign-outs in the audit log", len(log))
	}
}

// TestSessionExpiry: a session past its lifetime reads as anonymous, and
// its cookie is cleared; restarts keep sessions (they live in the store).
func TestSessionExpiry(t *testing.T) {
	e := newAuthEnv(t)
	sess := e.session(t, memberEmail)
	// A new server over the same store (a restart) still knows the session.
	restarted, err := New(Options{Config: config.Default(), Library: e.lib, Auth: e.auth})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/resources/"+membersID, nil)
	withSession(sess)(req)
	w := httptest.NewRecorder()
	restarted.ServeHTTP(w, req)
	mustContain(t, w.Body.String(), secretWord)

	e.clock.Add(testLifetime)
	w = e.getAs(t, withSession(sess), "/resources/"+membersID)
	mustNotContain(t, w.Body.String(), secretWord)
	if c := cookie(w, sessionCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("expired session cookie not cleared: %+v", c)
	}
}

// TestLapsedMembership: the day after the end date the member reads
// teasers and is told why; on the end date itself they still read.
func TestLapsedMembership(t *testing.T) {
	e := newAuthEnv(t)
	e.clock.Set(time.Date(2026, 5, 10, 22, 30, 0, 0, time.UTC)) // 23:30 BST on the 10th
	sess := e.session(t, lapsingEmail)                          // membership ends 2026-05-10
	body := e.getAs(t, withSession(sess), "/resources/"+membersID).Body.String()
	mustContain(t, body, secretWord)
	mustNotContain(t, body, "lapsed-notice")
	e.clock.Set(time.Date(2026, 5, 10, 23, 30, 0, 0, time.UTC)) // 00:30 BST on the 11th
	body = e.getAs(t, withSession(sess), "/resources/"+membersID).Body.String()
	mustNotContain(t, body, secretWord)
	mustContain(t, body, "Your membership has lapsed")
}

// TestLogoutAfterExpiry: the sign-out button still works once the session
// has expired (there is nothing left to protect).
func TestLogoutAfterExpiry(t *testing.T) {
	e := newAuthEnv(t)
	sess := e.session(t, memberEmail)
	e.clock.Add(testLifetime)
	w := e.postForm(t, withSession(sess), "/logout", url.Values{"csrf_token": {csrfToken(sess)}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d", w.Code)
	}
}
