package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"safelib/internal/mail/mailtest"
)

// TestEmailChangeNotice: a member changes their own address on the
// account page (password re-entered); an admin changes someone's on
// their page. Each time the old address is told, in both parts.
func TestEmailChangeNotice(t *testing.T) {
	e := newMailEnv(t)
	tok := e.session(t, memberEmail)
	// No CSRF token: refused, nothing changes.
	if w := e.postForm(t, withSession(tok), "/members/account/email", url.Values{"email": {"new@example.org"}, "password": {testPassword}}); w.Code != http.StatusForbidden {
		t.Fatalf("without a CSRF token: %d", w.Code)
	}
	w := e.sessionPost(t, tok, "/members/account/email", url.Values{"email": {"new@example.org"}, "password": {"wrong password here"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("wrong password: %d", w.Code)
	}
	mustContain(t, w.Body.String(), "the password is wrong")
	mustContain(t, w.Body.String(), `value="new@example.org"`)
	if w := e.sessionPost(t, tok, "/members/account/email", url.Values{"email": {staffEmail}, "password": {testPassword}}); w.Code != http.StatusConflict {
		t.Fatalf("taken address: %d", w.Code)
	}
	if ms := e.deliver(t); len(ms) != 0 {
		t.Fatalf("refused changes sent %d messages", len(ms))
	}
	if w := e.sessionPost(t, tok, "/members/account/email", url.Values{"email": {"new@example.org"}, "password": {testPassword}}); w.Code != http.StatusSeeOther {
		t.Fatalf("change: %d %s", w.Code, w.Body)
	}
	mustContain(t, e.getAs(t, withSession(tok), "/members/account").Body.String(), "new@example.org")

	admin := e.session(t, adminEmail)
	page := e.getAs(t, withSession(admin), "/admin/people")
	m := regexpFind(t, page.Body.String(), `href="(/admin/people/\d+)">`+lapsedEmail)
	if m == "" {
		t.Fatalf("no link to %s on the people page", lapsedEmail)
	}
	w = e.sessionPost(t, admin, m, url.Values{"email": {"renamed@example.org"}, "role": {"member"}, "expires": {"2026-03-31"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("admin change: %d %s", w.Code, w.Body)
	}
	ms := e.deliver(t)
	if len(ms) != 2 {
		t.Fatalf("%d messages, want 2", len(ms))
	}
	for _, c := range []struct{ old, now string }{{memberEmail, "new@example.org"}, {lapsedEmail, "renamed@example.org"}} {
		var got *mailtest.Message
		for i := range ms {
			if ms[i].To[0] == c.old {
				got = &ms[i]
			}
		}
		if got == nil {
			t.Fatalf("no notice to the old address %s", c.old)
		}
		text, html := mailtest.Part(*got, "text/plain"), mailtest.Part(*got, "text/html")
		if !strings.Contains(text, c.now) || !strings.Contains(html, c.now) || !strings.Contains(text, "/forgot") {
			t.Fatalf("notice to %s:\n%s\n%s", c.old, text, html)
		}
	}
}

// sessionPost posts a form as a signed-in person, with their CSRF token.
func (e *authEnv) sessionPost(t *testing.T, tok, target string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	form.Set("csrf_token", csrfToken(tok))
	return e.postForm(t, withSession(tok), target, form)
}
