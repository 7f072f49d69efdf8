package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/crawl"
)

// TestBrowserStaffCuration: a staff member signs in, adds a link to a
// publisher's page (fetched at once from a loopback fixture, as with
// --allow-private), corrects the title and saves it; edits it in two tabs
// and is shown the difference when the second save conflicts, then saves
// their version; withdraws it (gone from search) and restores it.
func TestBrowserStaffCuration(t *testing.T) {
	b := newBrowser(t, 120*time.Second)
	ctx := context.Background()
	if _, err := b.env.srv.auth.AddUser(ctx, auth.System, auth.NewUser{Email: staffEmail, Role: catalog.RoleStaff,
		Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	site := publisherSite(t)
	b.env.lib.SetFetcher(crawl.NewFetcher(fetcherOptions(true)).ForLibrary())

	click := func(ctx context.Context, sel string) int64 {
		t.Helper()
		resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
		return resp.Status
	}
	location := func(ctx context.Context) string {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(loc, b.base)
	}
	value := func(ctx context.Context, sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("value of %s: %v", sel, err)
		}
		return v
	}
	typeInto := func(ctx context.Context, sel, text string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
			t.Fatalf("type into %s: %v", sel, err)
		}
	}
	textOf := func(ctx context.Context, sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}

	// Sign in, straight to the staff area.
	b.open("/login?next=/staff")
	if err := chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#email"), staffEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	); err != nil {
		t.Fatal(err)
	}
	click(b.ctx, "#signin-button")
	if loc := location(b.ctx); loc != "/staff" {
		t.Fatalf("after sign-in at %s", loc)
	}
	b.axe("staff dashboard")
	b.open("/staff/import")
	b.axe("import and export")

	// Add a link: one field, fetched at once, a form to confirm.
	b.open("/staff/add")
	typeInto(b.ctx, "#f-url", site.URL+"/guide")
	if st := click(b.ctx, "#fetch-button"); st != http.StatusOK {
		t.Fatalf("fetch answered %d", st)
	}
	if got := value(b.ctx, "#f-title"); got != "Child exploitation practice guide" {
		t.Fatalf("fetched title %q", got)
	}
	if got := value(b.ctx, "#f-published"); got != "2025-06-12" {
		t.Fatalf("fetched date %q", got)
	}
	b.axe("add a link: confirm")
	typeInto(b.ctx, "#f-title", "Child exploitation: a practice guide")
	typeInto(b.ctx, "#f-area", "Exampleshire")
	click(b.ctx, "#save-button")
	loc := location(b.ctx)
	if !strings.HasPrefix(loc, "/staff/resources/") {
		t.Fatalf("after saving at %s", loc)
	}
	id := strings.TrimPrefix(loc, "/staff/resources/")
	if got := textOf(b.ctx, ".flash"); !strings.Contains(got, "Added") {
		t.Fatalf("flash %q", got)
	}
	// Searchable at once.
	b.open("/search?q=quokkaflorin")
	if got := textOf(b.ctx, "main"); !strings.Contains(got, "Child exploitation: a practice guide") {
		t.Fatalf("search after adding: %q", got)
	}
	// Pasting it again opens the existing item.
	b.open("/staff/add")
	typeInto(b.ctx, "#f-url", site.URL+"/guide?utm_source=newsletter")
	click(b.ctx, "#fetch-button")
	if loc := location(b.ctx); loc != "/staff/resources/"+id {
		t.Fatalf("second add at %s", loc)
	}

	// Two tabs edit the same version; the second save is told.
	tab2, cancel2 := chromedp.NewContext(b.ctx)
	defer cancel2()
	b.open("/staff/resources/" + id)
	b.axe("staff edit page")
	if _, err := chromedp.RunResponse(tab2, chromedp.Navigate(b.base+"/staff/resources/"+id)); err != nil {
		t.Fatal(err)
	}
	typeInto(tab2, "#f-title", "Practice guide, edited in the other tab")
	click(tab2, "#save-button")
	if got := textOf(tab2, ".flash"); !strings.Contains(got, "Saved") {
		t.Fatalf("other tab flash %q", got)
	}
	typeInto(b.ctx, "#f-region", "North West")
	if st := click(b.ctx, "#save-button"); st != http.StatusConflict {
		t.Fatalf("conflicting save answered %d", st)
	}
	diff := textOf(b.ctx, "#conflict-diff")
	if !strings.Contains(diff, "Practice guide, edited in the other tab") || !strings.Contains(diff, "North West") {
		t.Fatalf("conflict shows %q", diff)
	}
	if got := value(b.ctx, "#f-region"); got != "North West" {
		t.Fatalf("what was typed was lost: region %q", got)
	}
	b.axe("edit conflict")
	click(b.ctx, "#save-button")
	if got := textOf(b.ctx, ".flash"); !strings.Contains(got, "Saved") {
		t.Fatalf("flash after saving my version %q", got)
	}
	if got := textOf(b.ctx, "#history"); !strings.Contains(got, "North West") {
		t.Fatalf("history: %q", got)
	}

	// Withdraw: hidden from everyone else; restore.
	typeInto(b.ctx, "#withdraw-reason", "checking the licence")
	click(b.ctx, "#withdraw-button")
	if got := textOf(b.ctx, ".flash"); !strings.Contains(got, "Withdrawn") {
		t.Fatalf("flash %q", got)
	}
	if w := b.env.do(t, httptest.NewRequest(http.MethodGet, "/resources/"+id, nil)); w.Code != http.StatusNotFound {
		t.Fatalf("withdrawn item answers %d to anonymous readers", w.Code)
	}
	click(b.ctx, "#restore-button")
	if got := textOf(b.ctx, ".flash"); !strings.Contains(got, "Restored") {
		t.Fatalf("flash %q", got)
	}
	if w := b.env.do(t, httptest.NewRequest(http.MethodGet, "/resources/"+id, nil)); w.Code != http.StatusOK {
		t.Fatalf("restored item answers %d", w.Code)
	}
}
