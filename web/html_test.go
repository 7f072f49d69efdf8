package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestPages(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name, target string
		status       int
		want         []string
		notWant      []string
	}{
		{"home browses everything", "/", 200,
			[]string{`<html lang="en-GB">`, `href="#main"`, `<main id="main"`, `<label for="q">`, "Apply filters",
				`<legend>Theme</legend>`, `name="-theme"`, `Newest first`, `aria-current="page"`, "Results by year", `role="group" aria-labelledby="year-chart-title"`},
			nil},
		{"search with a query", "/search?q=neglect", 200,
			[]string{"Results for “neglect”", "<mark>", `value="neglect"`}, nil},
		{"filter chips remove filters", "/search?theme=sport&-type=report", 200,
			[]string{`class="chip"`, `class="chip chip-not"`, "Clear all filters", `href="/search?-type=report"`, `href="/search?theme=sport"`, `checked`},
			nil},
		{"pagination", "/search?per_page=5&page=2", 200,
			[]string{`rel="prev"`, `rel="next"`, `aria-current="page"><span class="visually-hidden">Page </span>2`, `name="per_page" value="5"`}, nil},
		{"teaser", "/search?q=funding+briefing+members", 200,
			[]string{"Members only", "Sign in to read", `href="/resources/` + membersID + `"`},
			[]string{secretWord, "Confidential summary", "example.org/members"}},
		{"PDF page link", "/search?q=" + pdfWord, 200,
			[]string{`href="https://example.org/neglect.pdf#page=2"`, "p. 2"}, nil},
		{"zero results", "/search?q=nothingatallmatchesxyz", 200,
			[]string{"0 results", "check the spelling"}, nil},
		{"resource", "/resources/" + pdfID, 200,
			[]string{"<h1>Neglect thematic review (PDF)</h1>", `href="/search?theme=neglect"`, "Read the original", "<details", pdfWord, "Exampleshire", "North West"}, nil},
		{"resource teaser", "/resources/" + membersID, 200,
			[]string{"Members only — sign in to read"},
			[]string{secretWord, "Confidential summary", "example.org/members"}},
		{"listing contact", "/search?type=listing", 200, []string{"Phone:"}, nil},
		{"themes", "/themes", 200,
			[]string{"<h1>Browse by theme</h1>", `href="/search?theme=sport"`, "items"}, nil},
		{"not found", "/no/such/page", 404, []string{"Page not found"}, nil},
		{"resource not found", "/resources/no-such-thing", 404, []string{"Page not found"}, nil},
		{"bad search input", "/search?page=0", 400,
			[]string{"There is a problem with your search", "page must be between", `<label for="q">`}, nil},
		{"bad search keeps the query", "/search?q=early+help&sort=foo", 400,
			[]string{`value="early help"`, "unknown sort"}, nil},
		{"query too long", "/search?q=" + strings.Repeat("x", 2000), 400,
			[]string{"longer than"}, []string{strings.Repeat("x", 1001)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := e.get(t, tc.target)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			body := w.Body.String()
			for _, s := range tc.want {
				mustContain(t, body, s)
			}
			for _, s := range tc.notWant {
				mustNotContain(t, body, s)
			}
			if n := strings.Count(body, "<h1"); n != 1 {
				t.Errorf("%d h1 elements", n)
			}
			checkPageHeaders(t, w)
		})
	}
}

func TestPagesEscape(t *testing.T) {
	e := newTestEnv(t)
	for _, target := range []string{"/resources/" + xssID, "/search?q=escaping+test", "/search?q=" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/search?sort=newest"} {
		body := e.get(t, target).Body.String()
		mustNotContain(t, body, "<script")
		mustNotContain(t, body, "<img")
		mustNotContain(t, body, "<b>Publisher")
	}
	body := e.get(t, "/resources/"+xssID).Body.String()
	mustContain(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
}

// Every HTML answer carries the security headers; only /embed may be
// framed.
func checkPageHeaders(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
		"X-Frame-Options":         "DENY",
	}
	for k, v := range want {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
}

func TestHeadersOnAPIAndErrors(t *testing.T) {
	e := newTestEnv(t)
	for _, target := range []string{"/api/v1/search", "/api/v1/nothing", "/healthz", "/nothing"} {
		w := e.get(t, target)
		if w.Header().Get("X-Content-Type-Options") != "nosniff" || w.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", target, w.Header())
		}
	}
}

func TestPageMethodNotAllowed(t *testing.T) {
	e := newTestEnv(t)
	w := e.do(t, httptest.NewRequest(http.MethodPost, "/search", nil))
	if w.Code != http.StatusMethodNotAllowed || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, Content-Type %q", w.Code, w.Header().Get("Content-Type"))
	}
}

func TestStatic(t *testing.T) {
	e := newTestEnv(t)
	home := e.get(t, "/").Body.String()
	m := regexp.MustCompile(`href="(/static/site\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(home)
	if m == nil {
		t.Fatal("no versioned stylesheet link")
	}
	w := e.get(t, m[1])
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Fatalf("status %d, Content-Type %q", w.Code, w.Header().Get("Content-Type"))
	}
	if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control %q", cc)
	}
	etag := w.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req := httptest.NewRequest(http.MethodGet, "/static/site.css", nil)
	req.Header.Set("If-None-Match", etag)
	if w := e.do(t, req); w.Code != http.StatusNotModified {
		t.Errorf("revalidation: %d", w.Code)
	}
	if w := e.get(t, "/static/nope.css"); w.Code != 404 {
		t.Errorf("missing static file: %d", w.Code)
	}
}

func TestSuggestion(t *testing.T) {
	e := newTestEnv(t)
	r := decode[searchJSON](t, e.get(t, "/api/v1/search?q=neglekt").Body)
	// The seed library has "neglect" many times over and "neglekt" never:
	// no hits and a suggestion, or suggestions are broken.
	if r.Total != 0 || r.Suggestion != "neglect" {
		t.Fatalf("a misspelling: total %d, suggestion %q, want 0 and \"neglect\"", r.Total, r.Suggestion)
	}
	body := e.get(t, "/search?q=neglekt").Body.String()
	mustContain(t, body, "Did you mean")
	mustContain(t, body, `href="/search?q=`+r.Suggestion)
}

// The CSP allows no inline script or style: keep the templates free of
// them, so pages never depend on what the browser blocks.
func TestTemplatesHaveNoInlineScriptOrStyle(t *testing.T) {
	bad := regexp.MustCompile(`(?i)<script|<style|\sstyle=|\son[a-z]+=|javascript:`)
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(p)
		if err != nil {
			return err
		}
		if m := bad.Find(b); m != nil {
			t.Errorf("%s: %q", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEmbedHeaders(t *testing.T) {
	e := newTestEnv(t)
	e.srv.engine.Group("/embed", embedHeaders()).GET("/probe", func(c *gin.Context) { c.String(200, "ok") })
	w := e.get(t, "/embed/probe")
	if w.Header().Get("X-Frame-Options") != "" || !strings.Contains(w.Header().Get("Content-Security-Policy"), "frame-ancestors *") {
		t.Errorf("embed headers %v", w.Header())
	}
	if w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("embed without nosniff")
	}
}
