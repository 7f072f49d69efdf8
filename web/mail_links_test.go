package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// mailLinkEnv is an authEnv where the member has three alerts.
func mailLinkEnv(t *testing.T) (*authEnv, *catalog.User, []*catalog.Alert, *auth.MailSigner) {
	t.Helper()
	e := newAuthEnv(t)
	ctx := context.Background()
	u, err := e.auth.User(ctx, auth.System, memberEmail)
	if err != nil {
		t.Fatal(err)
	}
	var as []*catalog.Alert
	for _, a := range []*catalog.Alert{{Search: "q=neglect", Cadence: catalog.Daily}, {Search: "theme=sport", Cadence: catalog.Daily},
		{Search: "q=audit", Cadence: catalog.Weekly}} {
		if err := e.lib.CreateAlert(ctx, e.auth.ReaderFor(u), a); err != nil {
			t.Fatal(err)
		}
		as = append(as, a)
	}
	s, err := e.auth.MailSigner(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return e, u, as, s
}

func (e *authEnv) alertCount(t *testing.T, u *catalog.User) int {
	t.Helper()
	as, err := e.lib.Alerts(context.Background(), catalog.Reader{UserID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	return len(as)
}

// RFC 8058: a POST of List-Unsubscribe=One-Click to the List-Unsubscribe
// address ends the alert with no sign-in, no cookie and no form token; a
// GET (a link scanner, a preview) ends nothing and shows a form.
func TestOneClickUnsubscribe(t *testing.T) {
	e, u, as, s := mailLinkEnv(t)
	link := "/mail/unsubscribe?token=" + s.Token(u, auth.ScopeAlert, as[0].ID)
	for range 3 {
		w := e.getAs(t, anonymous, link)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `<form method="post" action="`+strings.ReplaceAll(link, "&", "&amp;")) ||
			!strings.Contains(w.Body.String(), "“neglect”") {
			t.Fatalf("GET: %d %s", w.Code, w.Body)
		}
		if w.Header().Get("Referrer-Policy") != "no-referrer" || w.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("headers %v", w.Header())
		}
	}
	if n := e.alertCount(t, u); n != 3 {
		t.Fatalf("a GET ended an alert: %d left", n)
	}
	// The one-click POST, as a mail provider sends it.
	req, _ := http.NewRequest(http.MethodPost, link, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := e.do(t, req)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "1 alert ended") {
		t.Fatalf("one-click POST: %d %s", w.Code, w.Body)
	}
	if n := e.alertCount(t, u); n != 2 {
		t.Fatalf("after one-click: %d alerts", n)
	}
	// Again: nothing left to end, still fine.
	if w := e.do(t, mustPost(t, link, "List-Unsubscribe=One-Click")); w.Code != http.StatusOK {
		t.Fatalf("repeat: %d", w.Code)
	}
	// A digest's link ends the alerts of its cadence only.
	w = e.do(t, mustPost(t, "/mail/unsubscribe?token="+s.DigestToken(u, catalog.Daily), "List-Unsubscribe=One-Click"))
	if w.Code != http.StatusOK || e.alertCount(t, u) != 1 {
		t.Fatalf("digest link: %d, %d alerts left", w.Code, e.alertCount(t, u))
	}
	// A cross-site browser POST is still refused.
	req = mustPost(t, "/mail/unsubscribe?token="+s.Token(u, auth.ScopeAll, 0), "List-Unsubscribe=One-Click")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if w := e.do(t, req); w.Code != http.StatusForbidden || e.alertCount(t, u) != 1 {
		t.Fatalf("cross-site POST: %d", w.Code)
	}
	// Forged and damaged tokens: 401, nothing changed.
	for _, bad := range []string{"", "x", s.Token(u, auth.ScopeAlert, as[2].ID) + "x", strings.Replace(s.Token(u, auth.ScopeAll, 0), "e", "l", 1)} {
		if w := e.do(t, mustPost(t, "/mail/unsubscribe?token="+url.QueryEscape(bad), "List-Unsubscribe=One-Click")); w.Code != http.StatusUnauthorized {
			t.Errorf("token %q: %d", bad, w.Code)
		}
	}
	if e.alertCount(t, u) != 1 {
		t.Fatal("a forged token changed something")
	}
	// Everything: the last alert and the newsletter.
	if w := e.do(t, mustPost(t, "/mail/unsubscribe?token="+s.Token(u, auth.ScopeAll, 0), "token=&x=1")); w.Code != http.StatusOK ||
		!strings.Contains(w.Body.String(), "No more newsletters") {
		t.Fatalf("everything: %d %s", w.Code, w.Body)
	}
	if out, _ := e.auth.NewsletterOptedOut(context.Background(), u.ID); !out || e.alertCount(t, u) != 0 {
		t.Fatal("unsubscribe from everything left something")
	}
}

func mustPost(t *testing.T, target, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// Pause, change and manage: each only within its token's reach.
func TestMailLinkPauseChangeManage(t *testing.T) {
	e, u, as, s := mailLinkEnv(t)
	ctx := context.Background()
	one := s.Token(u, auth.ScopeAlert, as[0].ID)
	if w := e.getAs(t, anonymous, "/mail/pause?token="+one); w.Code != 200 || !strings.Contains(w.Body.String(), "Pause this alert") {
		t.Fatalf("pause page: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, mustPost(t, "/mail/pause?token="+one, "")); w.Code != 200 {
		t.Fatalf("pause: %d %s", w.Code, w.Body)
	}
	got, _ := e.lib.Alerts(ctx, catalog.Reader{UserID: u.ID})
	if !got[0].Paused || got[1].Paused {
		t.Fatalf("paused %v %v", got[0].Paused, got[1].Paused)
	}
	// Change: this alert yes, another (even the member's own) no.
	if w := e.do(t, mustPost(t, "/mail/change?token="+one, url.Values{"alert": {itoa(as[0].ID)}, "cadence": {"weekly"}, "day": {"friday"}}.Encode())); w.Code != 200 {
		t.Fatalf("change: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, mustPost(t, "/mail/change?token="+one, url.Values{"alert": {itoa(as[1].ID)}, "cadence": {"monthly"}}.Encode())); w.Code != http.StatusNotFound {
		t.Fatalf("change of another alert: %d", w.Code)
	}
	if w := e.do(t, mustPost(t, "/mail/change?token="+one, url.Values{"alert": {itoa(as[0].ID)}, "cadence": {"hourly"}}.Encode())); w.Code != http.StatusBadRequest {
		t.Fatalf("bad cadence: %d", w.Code)
	}
	got, _ = e.lib.Alerts(ctx, catalog.Reader{UserID: u.ID})
	if got[0].Cadence != "weekly" || got[0].Day != "friday" || got[1].Cadence != "daily" {
		t.Fatalf("after change: %+v %+v", got[0], got[1])
	}
	// Another person's alert through a valid link of theirs: not found.
	lapsed, _ := e.auth.User(ctx, auth.System, lapsedEmail)
	theirs := s.Token(lapsed, auth.ScopeAll, 0)
	if w := e.do(t, mustPost(t, "/mail/manage?token="+theirs, url.Values{"action": {"delete"}, "alert": {itoa(as[1].ID)}}.Encode())); w.Code != http.StatusNotFound {
		t.Fatalf("another's alert: %d", w.Code)
	}
	// Manage: lists every alert and the newsletter, and acts on them.
	all := s.Token(u, auth.ScopeAll, 0)
	w := e.getAs(t, anonymous, "/mail/manage?token="+all)
	if w.Code != 200 || strings.Count(w.Body.String(), `name="alert" value=`) < 3 || !strings.Contains(w.Body.String(), "Stop the newsletter") {
		t.Fatalf("manage page: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, mustPost(t, "/mail/manage?token="+all, url.Values{"action": {"delete"}, "alert": {itoa(as[2].ID)}}.Encode())); w.Code != 200 || e.alertCount(t, u) != 2 {
		t.Fatalf("manage delete: %d", w.Code)
	}
	if w := e.do(t, mustPost(t, "/mail/manage?token="+all, "action=newsletter-off")); w.Code != 200 || !strings.Contains(w.Body.String(), "Get the newsletter again") {
		t.Fatalf("newsletter off: %d %s", w.Code, w.Body)
	}
	// An alert link can't reach the newsletter.
	if w := e.do(t, mustPost(t, "/mail/manage?token="+one, "action=newsletter-on")); w.Code != http.StatusForbidden {
		t.Fatalf("alert link, newsletter: %d", w.Code)
	}
}
