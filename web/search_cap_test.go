package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"safelib/internal/library"
	"safelib/internal/taxonomy"
)

var hrefAttr = regexp.MustCompile(`href="([^"]*)"`)

// The facet amplification of the outside checkers: every theme both
// chosen and excluded, plus padding. It is refused with a clear message,
// on the page and in the API, instead of making a page of thousands of
// long links.
func TestFacetSelectionsCapped(t *testing.T) {
	e := newTestEnv(t)
	v := url.Values{}
	for _, th := range taxonomy.Default().Themes() {
		v.Add("theme", th.Slug)
		v.Add("-theme", th.Slug)
	}
	v.Add("publisher", strings.Repeat("padding ", 20))
	raw := v.Encode()
	if len(raw) > maxQueryString {
		raw = raw[:strings.LastIndex(raw[:maxQueryString], "&")]
	}
	w := e.get(t, "/search?"+raw)
	if w.Code != http.StatusBadRequest {
		t.Fatalf("amplified search page: %d, want 400", w.Code)
	}
	mustContain(t, w.Body.String(), "at most 20 facet selections")
	if w.Body.Len() > 64<<10 {
		t.Errorf("the refusal is %d bytes", w.Body.Len())
	}
	api := e.get(t, "/api/v1/search?"+raw)
	if api.Code != http.StatusBadRequest || !strings.Contains(api.Body.String(), "at most 20 facet selections") {
		t.Errorf("amplified API search: %d %s", api.Code, api.Body)
	}
	// Few but very long values are refused too (their links would be
	// over what the server accepts).
	long := url.Values{}
	for i := range 10 {
		long.Add("publisher", strings.Repeat(string(rune('a'+i)), 199))
		long.Add("-area", strings.Repeat("é", 90)+string(rune('a'+i)))
	}
	if w := e.get(t, "/api/v1/search?"+long.Encode()); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "too long to link to") {
		t.Errorf("long selections: %d %s", w.Code, w.Body)
	}
}

// At the cap, every link the results page makes is one the server
// accepts: none is over the query-string limit, and each answers.
func TestEveryGeneratedLinkValid(t *testing.T) {
	e := newTestEnv(t)
	v := url.Values{"q": {"safeguarding"}}
	themes := taxonomy.Default().Themes()
	for i := 0; i < library.MaxSelections-2; i++ {
		if i%2 == 0 {
			v.Add("theme", themes[i].Slug)
		} else {
			v.Add("-theme", themes[i].Slug)
		}
	}
	v.Add("publisher", strings.Repeat("Long publisher name ", 9))
	v.Add("-area", strings.Repeat("Somewhere far ", 10))
	v.Set("from", "2010")
	w := e.get(t, "/search?"+v.Encode())
	if w.Code != http.StatusOK {
		t.Fatalf("a search at the cap: %d %.500s", w.Code, w.Body)
	}
	checked := 0
	for _, m := range hrefAttr.FindAllStringSubmatch(w.Body.String(), -1) {
		href := html.UnescapeString(m[1])
		u, err := url.Parse(href)
		if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") || u.RawQuery == "" {
			continue
		}
		if len(u.RawQuery) > maxQueryString {
			t.Errorf("link of %d bytes of query: %.100s…", len(u.RawQuery), href)
			continue
		}
		if strings.HasPrefix(u.Path, "/login") || strings.HasPrefix(u.Path, "/static/") {
			continue
		}
		if got := e.get(t, u.RequestURI()); got.Code >= 400 {
			t.Errorf("link %.120s answers %d", href, got.Code)
		}
		checked++
	}
	if checked < 10 {
		t.Errorf("only %d links checked", checked)
	}
}
