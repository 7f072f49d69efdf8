package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// TestBrowserUnsubscribeFromLink: a member opens the unsubscribe link of
// an alert email (not signed in), sees what it would stop and a button,
// and ends the alert with it; both pages pass axe. Opening the link alone
// ended nothing.
func TestBrowserUnsubscribeFromLink(t *testing.T) {
	b := newBrowser(t, 60*time.Second)
	ctx := context.Background()
	au := b.env.srv.auth
	u, err := au.AddUser(ctx, auth.System, auth.NewUser{Email: memberEmail, Role: catalog.RoleMember,
		Expires: time.Now().AddDate(1, 0, 0).Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	a := &catalog.Alert{Search: "q=neglect&type=report", Cadence: catalog.Weekly, Day: "friday"}
	if err := b.env.srv.lib.CreateAlert(ctx, au.ReaderFor(u), a); err != nil {
		t.Fatal(err)
	}
	s, err := au.MailSigner(ctx)
	if err != nil {
		t.Fatal(err)
	}
	alerts := func() int {
		as, err := b.env.srv.lib.Alerts(ctx, catalog.Reader{UserID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		return len(as)
	}
	b.open("/mail/unsubscribe?token=" + s.Token(u, auth.ScopeAlert, a.ID))
	if got := b.text("main"); !strings.Contains(got, "Stop this alert?") || !strings.Contains(got, "“neglect”, Type: Report") {
		t.Fatalf("confirmation page: %q", got)
	}
	if alerts() != 1 {
		t.Fatal("opening the link ended the alert")
	}
	b.axe("unsubscribe confirmation page")
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#unsubscribe"))); err != nil {
		t.Fatal(err)
	}
	if got := b.text("[role=status]"); !strings.Contains(got, "1 alert ended") {
		t.Fatalf("after the button: %q", got)
	}
	b.axe("unsubscribed page")
	if alerts() != 0 {
		t.Fatal("the button did not end the alert")
	}
}
