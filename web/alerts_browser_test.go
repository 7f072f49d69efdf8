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

// TestBrowserSubscribeFromSearch: a member signs in, searches, asks for
// weekly alerts on Fridays from the search page, and finds the alert on
// their account page; both pages pass axe.
func TestBrowserSubscribeFromSearch(t *testing.T) {
	b := newBrowser(t, 60*time.Second)
	ctx := context.Background()
	ends := time.Now().AddDate(1, 0, 0).Format("2006-01-02")
	u, err := b.env.srv.auth.AddUser(ctx, auth.System, auth.NewUser{Email: memberEmail, Role: catalog.RoleMember,
		Expires: ends, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	b.open("/login?next=" + "/search%3Fq%3Dneglect%26type%3Dreport")
	if err := chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#email"), memberEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#signin-button"))); err != nil {
		t.Fatal(err)
	}
	if got := b.text("#alert-heading"); got != "Email alerts" {
		t.Fatalf("no alert offer on the search page: %q", got)
	}
	b.axe("search page with the alert form")
	if err := chromedp.Do(b.ctx,
		chromedp.SetValue(chromedp.CSS("#alert-cadence"), "weekly"),
		chromedp.SetValue(chromedp.CSS("#alert-day"), "friday"),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#alert-subscribe"))); err != nil {
		t.Fatal(err)
	}
	if got := b.text("#alerts + div table, #alerts ~ .table-wrap"); !strings.Contains(got, "neglect") || !strings.Contains(got, "weekly (friday)") {
		t.Fatalf("account page alerts: %q", got)
	}
	b.axe("account page")
	as, err := b.env.srv.lib.Alerts(ctx, catalog.Reader{UserID: u.ID, Email: u.Email, Role: u.Role})
	if err != nil || len(as) != 1 || as[0].Search != "q=neglect&type=report" || as[0].Day != "friday" {
		t.Fatalf("stored alerts %+v %v", as, err)
	}
}
