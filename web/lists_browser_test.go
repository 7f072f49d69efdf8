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

// TestBrowserFindAndKeep: a member ticks a broader theme, sets a date
// range, adds two hits to a new list without script help, shares it, and
// the share link opens signed out.
func TestBrowserFindAndKeep(t *testing.T) {
	b := newBrowser(t, 90*time.Second)
	ends := time.Now().AddDate(1, 0, 0).Format("2006-01-02")
	if _, err := b.env.srv.auth.AddUser(context.Background(), auth.System, auth.NewUser{Email: memberEmail, Role: catalog.RoleMember,
		Expires: ends, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	click := func(sel string) {
		t.Helper()
		if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
	}
	do := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b.ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	location := func() *url.URL {
		t.Helper()
		loc, err := chromedp.Run(b.ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(loc)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}

	b.open("/login?next=/search")
	do(chromedp.SendKeys(chromedp.CSS("#email"), memberEmail), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	click("#signin-button")

	// A broader theme and a date range.
	b.open("/search")
	do(chromedp.Click(chromedp.CSS(`input[name="theme"][value="forms-of-abuse"]`)),
		chromedp.SendKeys(chromedp.CSS("#date-from"), "2015"),
		chromedp.SendKeys(chromedp.CSS("#date-to"), "2019-06"))
	click("#apply-filters")
	q := location().Query()
	if q.Get("theme") != "forms-of-abuse" || q.Get("from") != "2015" || q.Get("to") != "2019-06" {
		t.Fatalf("search at %s", location())
	}
	n := leadingNumber(t, b.text("#results-heading"))
	if n < 2 {
		t.Fatalf("only %d results", n)
	}
	if !eval[bool](b, `document.querySelector('input[name="theme"][value="forms-of-abuse"]').checked`) {
		t.Error("the broader theme is not ticked after searching")
	}
	b.axe("search with a broader theme, a date range and Add to list")

	// Two hits into a new list: the first names it, the second picks it.
	first := eval[string](b, `document.querySelectorAll("ol.hits > li.hit")[0].querySelector('input[name="resource_id"]').value`)
	second := eval[string](b, `document.querySelectorAll("ol.hits > li.hit")[1].querySelector('input[name="resource_id"]').value`)
	do(chromedp.SendKeys(chromedp.CSS(`#atl-new-`+first), "Board paper: abuse"))
	click(`ol.hits > li.hit:nth-child(1) .add-to-list button`)
	if u := location(); u.Path != "/search" || u.Query().Get("theme") != "forms-of-abuse" {
		t.Fatalf("after adding, at %s", u)
	}
	if got := b.text("main"); !strings.Contains(got, "Added to your reading list") {
		t.Errorf("no confirmation after adding")
	}
	if v := eval[string](b, `document.querySelector("#atl-`+second+`").options[0].textContent`); v != "Board paper: abuse" {
		t.Fatalf("the new list is not offered for the second hit: %q", v)
	}
	click(`ol.hits > li.hit:nth-child(2) .add-to-list button`)

	// The list, shared.
	b.open("/lists")
	click(`ul.reading-lists a`)
	b.axe("reading list page")
	click(`.list-share button`)
	share := eval[string](b, `document.querySelector("#share-url").value`)
	su, err := url.Parse(share)
	if err != nil || !strings.HasPrefix(su.Path, "/lists/shared/") {
		t.Fatalf("share address %q", share)
	}
	click("#signout-button")
	b.open(su.Path)
	if got := eval[int](b, `document.querySelectorAll("ol.hits > li.hit").length`); got != 2 {
		t.Fatalf("shared list shows %d items signed out, want 2", got)
	}
	page := b.text("main")
	for _, id := range []string{first, second} {
		if !eval[bool](b, `!!document.querySelector('a[href="/resources/`+id+`"]')`) {
			t.Errorf("shared list lacks %s", id)
		}
	}
	if strings.Contains(page, "Stop sharing") || strings.Contains(page, "Move down") {
		t.Error("the shared page shows the owner's forms")
	}
	b.axe("shared reading list, signed out")
}
