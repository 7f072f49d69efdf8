package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"safelib/internal/auth"
	"strings"
	"testing"
)

// A sign-in form over the size limit answers 413 saying so, not 403.
func TestOversizedFormIs413(t *testing.T) {
	e := newAuthEnv(t)
	form := url.Values{"email": {"a@example.org"}, "password": {strings.Repeat("x", 1100<<10)}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := e.do(t, req)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "larger than this page accepts") {
		t.Fatalf("1.1 MB sign-in: %d\n%.500s", w.Code, w.Body)
	}
}

func TestFaviconICO(t *testing.T) {
	e := newTestEnv(t)
	w := e.get(t, "/favicon.ico")
	loc := w.Header().Get("Location")
	if w.Code != http.StatusMovedPermanently || !strings.HasPrefix(loc, "/static/") {
		t.Fatalf("/favicon.ico: %d %q", w.Code, loc)
	}
	if w := e.get(t, loc); w.Code != http.StatusOK {
		t.Fatalf("%s: %d", loc, w.Code)
	}
}

// An empty feed says when it was made, not 1970.
func TestEmptyFeedUpdated(t *testing.T) {
	e := newTestEnv(t)
	w := e.get(t, "/feed.atom?q=zzzznothingmatchesthis")
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "1970-01-01") || strings.Contains(w.Body.String(), "<entry>") {
		t.Fatalf("empty feed: %d\n%s", w.Code, w.Body)
	}
	mustContain(t, w.Body.String(), "<updated>20")
}

// A lapsed member's private feed does not promise members-only items.
func TestLapsedPrivateFeedSubtitle(t *testing.T) {
	e := newAuthEnv(t)
	for email, want := range map[string]string{memberEmail: "includes members-only items", lapsedEmail: "membership has lapsed"} {
		raw, _, err := e.auth.CreateFeedToken(context.Background(), auth.System, email)
		if err != nil {
			t.Fatal(err)
		}
		body := e.get(t, "/feed.atom?token="+raw).Body.String()
		mustContain(t, body, want)
	}
}

func TestRobotsTxt(t *testing.T) {
	e := newTestEnv(t)
	w := e.get(t, "/robots.txt")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("/robots.txt: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	for _, want := range []string{"Allow: /resources/", "Disallow: /search?", "Disallow: /feed.atom?"} {
		mustContain(t, w.Body.String(), want)
	}
}

// A search with selections asks not to be indexed; the plain search does not.
func TestNoIndexOnSelections(t *testing.T) {
	e := newTestEnv(t)
	if strings.Contains(e.get(t, "/search?q=neglect").Body.String(), `name="robots"`) {
		t.Fatal("plain search marked noindex")
	}
	body := e.get(t, "/search?q=neglect&theme=neglect").Body.String()
	mustContain(t, body, `<meta name="robots" content="noindex, nofollow">`)
	mustContain(t, body, `rel="nofollow"`)
}
