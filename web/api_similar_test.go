package web

import (
	"net/http"
	"strings"
	"testing"

	"safelib/internal/library"
)

func TestAPISimilar(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name   string
		target string
		status int
		// least and most are the bounds on the items of a 200 answer.
		least, most int
	}{
		{"default n", "/api/v1/resources/" + pdfID + "/similar", http.StatusOK, library.DefaultSimilar, library.DefaultSimilar},
		{"n", "/api/v1/resources/" + pdfID + "/similar?n=2", http.StatusOK, 2, 2},
		{"largest n", "/api/v1/resources/" + pdfID + "/similar?n=20", http.StatusOK, library.DefaultSimilar + 1, library.MaxSimilar},
		{"n too large", "/api/v1/resources/" + pdfID + "/similar?n=21", http.StatusBadRequest, 0, 0},
		{"n zero", "/api/v1/resources/" + pdfID + "/similar?n=0", http.StatusBadRequest, 0, 0},
		{"n negative", "/api/v1/resources/" + pdfID + "/similar?n=-3", http.StatusBadRequest, 0, 0},
		{"n not a number", "/api/v1/resources/" + pdfID + "/similar?n=five", http.StatusBadRequest, 0, 0},
		{"n twice", "/api/v1/resources/" + pdfID + "/similar?n=2&n=3", http.StatusBadRequest, 0, 0},
		{"unknown parameter", "/api/v1/resources/" + pdfID + "/similar?q=x", http.StatusBadRequest, 0, 0},
		{"malformed query string", "/api/v1/resources/" + pdfID + "/similar?n=%zz", http.StatusBadRequest, 0, 0},
		{"unknown id", "/api/v1/resources/no-such-item/similar", http.StatusNotFound, 0, 0},
		{"invalid id", "/api/v1/resources/NOT..valid/similar", http.StatusNotFound, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := e.get(t, tc.target)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if tc.status != http.StatusOK {
				if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type %q", ct)
				}
				p := decode[problem](t, w.Body)
				if p.Status != tc.status || p.Detail == "" {
					t.Errorf("problem %+v", p)
				}
				return
			}
			r := decode[struct {
				Items []map[string]any `json:"items"`
			}](t, w.Body)
			if len(r.Items) < tc.least || len(r.Items) > tc.most {
				t.Fatalf("%d items, want %d to %d", len(r.Items), tc.least, tc.most)
			}
			for _, h := range r.Items {
				if h["id"] == pdfID {
					t.Errorf("the item is similar to itself")
				}
				// The search API's item shape.
				for _, k := range []string{"id", "title", "url", "publisher", "type", "themes", "published", "area", "region", "summary", "access"} {
					if _, ok := h[k]; !ok {
						t.Errorf("item has no %q: %v", k, h)
					}
				}
			}
		})
	}
}

// TestResourcePageSimilar: the resource page lists similar items as plain
// links (no script needed), with the members-only ones badged for readers
// who can't read them.
func TestResourcePageSimilar(t *testing.T) {
	e := newTestEnv(t)
	w := e.get(t, "/resources/"+pdfID)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	body := w.Body.String()
	mustContain(t, body, `<section class="similar" aria-labelledby="similar-heading">`)
	mustContain(t, body, `<h2 id="similar-heading">Similar items</h2>`)
	section := similarSection(t, body)
	if n := strings.Count(section, "<li>"); n != library.DefaultSimilar {
		t.Errorf("%d similar items, want %d", n, library.DefaultSimilar)
	}
	mustNotContain(t, section, `href="/resources/`+pdfID+`"`)

	// The members-only item's neighbours include members-only items,
	// shown to anonymous readers with the badge and nothing more.
	body = e.get(t, "/resources/"+membersID).Body.String()
	section = similarSection(t, body)
	mustContain(t, section, `<span class="badge">Members only</span>`)
	for _, s := range []string{secretWord, membersSummary, membersURL} {
		mustNotContain(t, body, s)
	}
}

// similarSection returns the resource page's "Similar items" section.
func similarSection(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `id="similar-heading"`)
	if i < 0 {
		t.Fatal("no similar items section")
	}
	s := body[i:]
	return s[:strings.Index(s, "</section>")]
}
