package web

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"safelib/internal/catalog"
)

func parseSitemap(t *testing.T, e *testEnv, path string) (sitemapURLSet, sitemapIndex) {
	t.Helper()
	w := e.get(t, path)
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/xml") {
		t.Fatalf("%s: %d %s", path, w.Code, w.Header().Get("Content-Type"))
	}
	var set sitemapURLSet
	var idx sitemapIndex
	if strings.Contains(w.Body.String(), "<sitemapindex") {
		if err := xml.Unmarshal(w.Body.Bytes(), &idx); err != nil {
			t.Fatal(err)
		}
	} else if err := xml.Unmarshal(w.Body.Bytes(), &set); err != nil {
		t.Fatal(err)
	}
	return set, idx
}

// The sitemap lists every active public resource page and nothing
// members-only or withdrawn; robots.txt names it; over the size of one
// sitemap it becomes an index of parts that together list the same.
func TestSitemap(t *testing.T) {
	e := newTestEnv(t)
	robots := e.get(t, "/robots.txt").Body.String()
	mustContain(t, robots, "Sitemap: http://example.com/sitemap.xml")

	set, _ := parseSitemap(t, e, "/sitemap.xml")
	listed := map[string]bool{}
	for _, u := range set.URLs {
		listed[u.Loc] = true
	}
	public := 0
	for _, r := range e.stored {
		loc := "http://example.com/resources/" + r.ID
		if r.Access == catalog.Public {
			public++
			if !listed[loc] {
				t.Errorf("public %s not in the sitemap", r.ID)
			}
		} else if listed[loc] {
			t.Errorf("members-only %s is in the sitemap", r.ID)
		}
	}
	if len(set.URLs) != public+2 { // and / and /themes
		t.Errorf("%d URLs, want %d", len(set.URLs), public+2)
	}
	// Every listed page answers.
	for _, u := range set.URLs[:min(len(set.URLs), 30)] {
		p, _ := url.Parse(u.Loc)
		if w := e.get(t, p.Path); w.Code != http.StatusOK {
			t.Errorf("%s: %d", u.Loc, w.Code)
		}
	}

	// Over one sitemap's size: an index whose parts hold the same URLs.
	defer func(n int) { sitemapSize = n }(sitemapSize)
	sitemapSize = 10
	_, idx := parseSitemap(t, e, "/sitemap.xml")
	if want := (len(set.URLs) + 9) / 10; len(idx.Sitemaps) != want {
		t.Fatalf("index of %d parts, want %d", len(idx.Sitemaps), want)
	}
	var again []string
	for _, part := range idx.Sitemaps {
		p, _ := url.Parse(part.Loc)
		s, _ := parseSitemap(t, e, p.Path)
		if len(s.URLs) > 10 {
			t.Errorf("%s holds %d URLs", p.Path, len(s.URLs))
		}
		for _, u := range s.URLs {
			again = append(again, u.Loc)
		}
	}
	if len(again) != len(set.URLs) {
		t.Errorf("parts hold %d URLs, the whole %d", len(again), len(set.URLs))
	}
	for _, bad := range []string{"/sitemaps/0.xml", "/sitemaps/99.xml", "/sitemaps/x.xml", "/sitemaps/1"} {
		if w := e.get(t, bad); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d", bad, w.Code)
		}
	}
}
