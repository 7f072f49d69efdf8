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

// TestBrowserComposeNewsletter: staff compose an edition without any
// script of ours (a title, an introduction, a picked item with a note, a
// section), then preview it as the public and as a member; the compose
// page and both previews pass axe.
func TestBrowserComposeNewsletter(t *testing.T) {
	b := newBrowser(t, 90*time.Second)
	ctx := context.Background()
	if _, err := b.env.srv.auth.AddUser(ctx, auth.System, auth.NewUser{Email: staffEmail, Role: catalog.RoleStaff, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	b.open("/login?next=/staff/newsletter")
	if err := chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#email"), staffEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	); err != nil {
		t.Fatal(err)
	}
	click := func(sel string) {
		t.Helper()
		if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
	}
	click("#signin-button")
	b.axe("newsletter list")
	if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS("#edition-title"), "Spring 2027")); err != nil {
		t.Fatal(err)
	}
	click(`#edition-title ~ button, form[action="/staff/newsletter"] button[type=submit]`)
	if err := chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#intro"), "Welcome to the spring edition."),
		chromedp.Click(chromedp.CSS(`input[name=pick][value="`+membersID+`"]`)),
	); err != nil {
		t.Fatal(err)
	}
	click(`button[value=items]`)
	if got := b.text("#block-1 legend"); !strings.Contains(got, "Partnership funding briefing") {
		t.Fatalf("picked item not in the edition: %q", got)
	}
	if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS("#note-1"), "Read before the AGM.")); err != nil {
		t.Fatal(err)
	}
	click(`button[value=section]`)
	if got := b.text("#block-2 legend"); got != "Section 2" {
		t.Fatalf("no section added: %q", got)
	}
	b.axe("compose page")
	b.open("/staff/newsletter/1/preview?as=public")
	body := b.text("main")
	if !strings.Contains(body, "Welcome to the spring edition.") || !strings.Contains(body, "Members only") ||
		strings.Contains(body, "Confidential summary") || !strings.Contains(body, "Read before the AGM.") {
		t.Fatalf("public preview: %q", body)
	}
	b.axe("preview as the public")
	b.open("/staff/newsletter/1/preview?as=member")
	if body := b.text("main"); !strings.Contains(body, "Confidential summary of partner contributions.") {
		t.Fatalf("member preview: %q", body)
	}
	b.axe("preview as a member")
}
