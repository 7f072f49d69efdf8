package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// TestBrowserSignInSignOut: a member sees a teaser, signs in from the
// header, lands back on the item and reads its members-only text, then
// signs out and sees the teaser again, with the session gone from the
// server.
func TestBrowserSignInSignOut(t *testing.T) {
	b := newBrowser(t, 60*time.Second)
	ctx := context.Background()
	ends := time.Now().AddDate(1, 0, 0).Format("2006-01-02")
	u, err := b.env.srv.auth.AddUser(ctx, auth.System, auth.NewUser{Email: memberEmail, Role: catalog.RoleMember,
		Expires: ends, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	click := func(sel string) {
		t.Helper()
		if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
	}
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(b.ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(loc, b.base)
	}

	b.open("/resources/" + membersID)
	if got := b.text(".teaser-box h2"); !strings.Contains(got, "Members only") {
		t.Fatalf("teaser box says %q", got)
	}
	click("a.signin")
	if u, err := url.Parse(location()); err != nil || u.Path != "/login" || u.Query().Get("next") != "/resources/"+membersID {
		t.Fatalf("sign-in link went to %v (%v)", u, err)
	}
	b.axe("sign-in page")
	if err := chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#email"), memberEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	); err != nil {
		t.Fatal(err)
	}
	click("#signin-button")
	if loc := location(); loc != "/resources/"+membersID {
		t.Fatalf("after sign-in at %s", loc)
	}
	if got := b.text("article.resource"); !strings.Contains(got, secretWord) {
		t.Fatalf("signed-in member does not see the members-only text: %q", got)
	}
	if got := b.text(".account .who"); got != memberEmail {
		t.Errorf("header shows %q", got)
	}
	// The session cookie is HttpOnly: page scripts can't read it.
	if c := eval[string](b, `document.cookie`); strings.Contains(c, sessionCookie) {
		t.Errorf("document.cookie exposes the session: %q", c)
	}
	b.axe("members-only resource, signed in")
	if ss, _ := b.env.srv.auth.Sessions(ctx, auth.System, memberEmail); len(ss) != 1 {
		t.Fatalf("%d sessions on the server", len(ss))
	}

	click("#signout-button")
	if loc := location(); loc != "/" {
		t.Fatalf("after sign-out at %s", loc)
	}
	if got := b.text(".flash"); !strings.Contains(got, "signed out") {
		t.Errorf("flash %q", got)
	}
	b.open("/resources/" + membersID)
	if got := b.text("article.resource"); strings.Contains(got, secretWord) {
		t.Error("signed out, the members-only text still shows")
	}
	if ss, _ := b.env.srv.auth.Sessions(ctx, auth.System, u.Email); len(ss) != 0 {
		t.Errorf("%d sessions left on the server after sign-out", len(ss))
	}
}
