package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type linksJSON struct {
	Page  int `json:"page"`
	Pages int `json:"pages"`
	Links struct {
		Self, First, Last string
		Prev, Next        *string
	} `json:"links"`
}

// Search answers link to themselves and their neighbours, in the body and
// in an RFC 8288 Link header; following them walks the pages, each link
// is accepted by the server, and the ends have no prev or next.
func TestSearchLinks(t *testing.T) {
	e := newTestEnv(t)
	get := func(t *testing.T, target string) (linksJSON, http.Header) {
		t.Helper()
		w := e.get(t, target)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, w.Code, w.Body)
		}
		var l linksJSON
		if err := json.Unmarshal(w.Body.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		return l, w.Header()
	}
	path := func(t *testing.T, abs string) string {
		t.Helper()
		u, err := url.Parse(abs)
		if err != nil || u.Scheme != "http" || u.Host != "example.com" || u.Path != "/api/v1/search" {
			t.Fatalf("link %q is not an absolute address of the search", abs)
		}
		return u.RequestURI()
	}
	l, h := get(t, "/api/v1/search?theme=neglect&-type=listing&per_page=1&page=2&sort=title")
	if l.Pages < 3 {
		t.Fatalf("need at least 3 pages, have %d", l.Pages)
	}
	if l.Links.Prev == nil || l.Links.Next == nil {
		t.Fatalf("page 2 of %d lacks prev or next: %+v", l.Pages, l.Links)
	}
	for _, want := range []string{"theme=neglect", "-type=listing", "per_page=1", "sort=title"} {
		for _, link := range []string{l.Links.Self, l.Links.First, l.Links.Last, *l.Links.Prev, *l.Links.Next} {
			if !strings.Contains(link, want) {
				t.Errorf("link %s lost %s", link, want)
			}
		}
	}
	lh := h.Get("Link")
	for _, want := range []string{"<" + l.Links.Self + `>; rel="self"`, "<" + *l.Links.Next + `>; rel="next"`,
		"<" + *l.Links.Prev + `>; rel="prev"`, "<" + l.Links.First + `>; rel="first"`, "<" + l.Links.Last + `>; rel="last"`} {
		if !strings.Contains(lh, want) {
			t.Errorf("Link header %q lacks %s", lh, want)
		}
	}
	// Walk from the first page to the last by next.
	cur := path(t, l.Links.First)
	seen := 0
	for {
		p, _ := get(t, cur)
		seen++
		if p.Page != seen {
			t.Fatalf("next led to page %d, want %d", p.Page, seen)
		}
		if p.Links.Next == nil {
			if path(t, p.Links.Self) != path(t, l.Links.Last) {
				t.Errorf("the page without next is %s, last says %s", p.Links.Self, l.Links.Last)
			}
			break
		}
		cur = path(t, *p.Links.Next)
		if seen > l.Pages {
			t.Fatal("next never ends")
		}
	}
	if seen != l.Pages {
		t.Errorf("walked %d pages, pages says %d", seen, l.Pages)
	}
	first, _ := get(t, path(t, l.Links.First))
	if first.Links.Prev != nil {
		t.Errorf("the first page has prev %s", *first.Links.Prev)
	}
	// No hits: one page, first and last the same.
	none, h := get(t, "/api/v1/search?q=zzzqqqxxy")
	if none.Links.First != none.Links.Last || none.Links.Next != nil || none.Links.Prev != nil {
		t.Errorf("empty search links: %+v", none.Links)
	}
	if strings.Contains(h.Get("Link"), `rel="next"`) {
		t.Errorf("empty search Link header: %s", h.Get("Link"))
	}
}
