package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"safelib/internal/mail/mailtest"
)

func TestMembersAccount(t *testing.T) {
	e := newAuthEnv(t)
	if w := e.get(t, "/members/account"); w.Code != http.StatusSeeOther {
		t.Fatalf("anonymous: %d", w.Code)
	}
	sess := e.session(t, memberEmail)
	w := e.getAs(t, withSession(sess), "/members/account")
	if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("account: %d %q", w.Code, w.Header().Get("Cache-Control"))
	}
	body := w.Body.String()
	mustContain(t, body, "30 April 2027")
	mustContain(t, body, `id="alerts"`)
	mustNotContain(t, body, "lapsed")
	mustContain(t, e.getAs(t, withSession(e.session(t, lapsedEmail)), "/members/account").Body.String(),
		"alerts bring public items only")

	// A token of one's own, shown once, reaching one's own alerts.
	w = e.postForm(t, withSession(sess), "/members/account/tokens", url.Values{"csrf_token": {csrfToken(sess)}, "name": {"my script"}})
	m := regexp.MustCompile(`<code id="new-token">(slb_[^<]+)</code>`).FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || m == nil {
		t.Fatalf("create token: %d %s", w.Code, w.Body)
	}
	tok := m[1]
	if w := e.getAs(t, withBearer(tok), "/api/v1/alerts"); w.Code != http.StatusOK {
		t.Fatalf("member's token: %d", w.Code)
	}
	body = e.getAs(t, withSession(sess), "/members/account").Body.String()
	mustContain(t, body, "my script")
	mustNotContain(t, body, tok)
	id := regexp.MustCompile(`action="(/members/account/tokens/\d+/revoke)"`).FindStringSubmatch(body)
	if id == nil {
		t.Fatal("no revoke button")
	}
	// Someone else can't revoke it.
	other := e.session(t, lapsingEmail)
	if w := e.postForm(t, withSession(other), id[1], url.Values{"csrf_token": {csrfToken(other)}}); w.Code == http.StatusSeeOther {
		t.Fatal("another member revoked the token")
	}
	if w := e.postForm(t, withSession(sess), id[1], url.Values{"csrf_token": {csrfToken(sess)}}); w.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", w.Code)
	}
	if w := e.getAs(t, withBearer(tok), "/api/v1/alerts"); w.Code != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", w.Code)
	}
}

func TestAdminPeopleShowReminders(t *testing.T) {
	e := newMailEnv(t)
	sum, err := e.auth.RemindRenewals(context.Background())
	if err != nil || sum.Emails != 1 {
		t.Fatalf("reminders %+v %v", sum, err)
	}
	body := e.getAs(t, withSession(e.session(t, staffEmail)), "/admin/people").Body.String()
	row := regexp.MustCompile(`(?s)<tr>\s*<td><a href="[^"]+">` + regexp.QuoteMeta(lapsingEmail) + `</a>.*?</tr>`).FindString(body)
	if !strings.Contains(row, "30 days before, 20 Apr 2026") {
		t.Fatalf("lapsing row: %s", row)
	}
	ms := e.deliver(t)
	if len(ms) != 1 || ms[0].To[0] != lapsingEmail || !strings.Contains(mailtest.Part(ms[0], "text/plain"), "10 May 2026") {
		t.Fatalf("reminder: %+v", ms)
	}
}
