package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"
)

// Oversized and abusive requests are refused at once, before any search
// runs: the search histogram of the metrics proves no search started.

// searches returns how many library searches the server has timed.
func (e *testEnv) searches(t *testing.T) uint64 {
	t.Helper()
	fams, err := e.srv.metrics.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == "safelib_search_duration_seconds" {
			return f.GetMetric()[0].GetHistogram().GetSampleCount()
		}
	}
	return 0
}

// repeat builds a query string of n name=value pairs.
func repeat(name string, n int, value func(i int) string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(name + "=" + url.QueryEscape(value(i)))
	}
	return b.String()
}

func TestOversizedRequestsRefused(t *testing.T) {
	e := newTestEnv(t)
	word := func(int) string { return "neglect" }
	num := func(i int) string { return string(rune('a'+i%26)) + string(rune('a'+i/26%26)) }
	for _, tc := range []struct {
		name  string
		query string
		want  int
	}{
		// Longer than the 8 KB query string bound: refused before parsing.
		{"query of 100 KB", "q=" + strings.Repeat("neglect+", 100<<10/8), http.StatusRequestURITooLong},
		{"10,000 facet values", repeat("theme", 10_000, num), http.StatusRequestURITooLong},
		{"10,000 parameters", repeat("x", 10_000, word), http.StatusRequestURITooLong},
		// Within 8 KB, the library's own bounds answer 400.
		{"query of 1,001 bytes", "q=" + strings.Repeat("a", 1001), http.StatusBadRequest},
		{"51 values of one facet", repeat("theme", 51, num), http.StatusBadRequest},
		{"600 facet values", repeat("year", 600, num), http.StatusBadRequest},
		{"long facet value", "theme=" + strings.Repeat("x", 201), http.StatusBadRequest},
		{"page 100,000", "q=neglect&page=100000", http.StatusBadRequest},
		{"page 501", "page=501", http.StatusBadRequest},
		{"page huge", "page=99999999999999999999999", http.StatusBadRequest},
		{"page negative", "page=-1", http.StatusBadRequest},
		{"per_page 10,000", "per_page=10000", http.StatusBadRequest},
		{"q twice", "q=a&q=b", http.StatusBadRequest},
		{"600 unknown parameters", repeat("x", 600, word), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/api/v1/search", "/search"} {
				before := e.searches(t)
				start := time.Now()
				w := e.get(t, path+"?"+tc.query)
				took := time.Since(start)
				if w.Code != tc.want {
					t.Fatalf("%s: status %d, want %d: %.200s", path, w.Code, tc.want, w.Body)
				}
				if n := e.searches(t) - before; n != 0 {
					t.Fatalf("%s: %d searches ran for a refused request", path, n)
				}
				// Generous: a refusal does no work, but CI machines are busy.
				if took > 2*time.Second {
					t.Fatalf("%s: refused in %s", path, took)
				}
				if path == "/api/v1/search" && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") {
					t.Fatalf("%s: answered %q, want a problem document", path, w.Header().Get("Content-Type"))
				}
				if w.Body.Len() > 64<<10 {
					t.Fatalf("%s: a %d-byte answer to a bad request", path, w.Body.Len())
				}
			}
		})
	}
}

// The largest requests that are allowed still answer quickly: the bounds
// leave no slow corner.
func TestLargestAllowedRequestsAnswer(t *testing.T) {
	e := newTestEnv(t)
	many := func(i int) string { return "w" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) }
	for _, tc := range []struct{ name, query string }{
		{"90 OR-ed words", "q=" + url.QueryEscape(strings.TrimSuffix(strings.Repeat("neglect OR ", 90), " OR "))},
		{"acronyms with synonyms", "q=" + url.QueryEscape(strings.TrimSpace(strings.Repeat("cse ehe lac scr cspr cdop marac abuse ", 26)))},
		{"deep nesting", "q=" + url.QueryEscape(strings.Repeat("(", 400)+"neglect"+strings.Repeat(")", 400))},
		{"many quotes and minuses", "q=" + url.QueryEscape(strings.Repeat(`"-a" -"b" `, 100))},
		{"last page, 100 per page", "page=500&per_page=100&sort=title"},
		{"50 values in each facet", strings.Join([]string{repeat("theme", 50, many), repeat("publisher", 50, many),
			repeat("type", 50, many), repeat("area", 50, many), repeat("-region", 50, many)}, "&")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.query) > maxQueryString {
				t.Fatalf("test query of %d bytes is over the bound", len(tc.query))
			}
			start := time.Now()
			w := e.get(t, "/api/v1/search?"+tc.query)
			if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
				t.Fatalf("status %d: %.300s", w.Code, w.Body)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Fatalf("answered in %s", took)
			}
		})
	}
}

func TestOversizedBodiesRefused(t *testing.T) {
	e := newAuthEnv(t)
	staff := e.token(t, staffEmail)
	huge := bytes.Repeat([]byte("a"), maxCreateBytes+1)
	for _, tc := range []struct {
		name, method, path, ctype string
		body                      []byte
		want                      int
	}{
		{"create over the body bound", http.MethodPost, "/api/v1/resources", "application/json",
			append(append([]byte(`{"title":"x","body":"`), huge...), `"}`...), http.StatusRequestEntityTooLarge},
		{"patch over the body bound", http.MethodPatch, "/api/v1/resources/" + xssID, "application/merge-patch+json",
			append(append([]byte(`{"body":"`), huge...), `"}`...), http.StatusRequestEntityTooLarge},
		{"deeply nested JSON", http.MethodPost, "/api/v1/resources", "application/json",
			[]byte(strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, bytes.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			withBearer(staff)(req)
			start := time.Now()
			w := e.do(t, req)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d: %.300s", w.Code, tc.want, w.Body)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Fatalf("refused in %s", took)
			}
		})
	}
}

// A full disk is the server's trouble, said plainly: 507, and whether the
// change was kept.
func TestStorageFullIs507(t *testing.T) {
	code, detail := statusOf(errors.New(`commit: database or disk is full (13)`))
	if code != http.StatusInsufficientStorage || !strings.Contains(detail, "nothing was saved") {
		t.Fatalf("%d %q", code, detail)
	}
	code, detail = statusOf(catalog.Errorf(catalog.NotIndexed, "saved, but indexing failed (will retry at next start): %w",
		errors.New("write x: no space left on device")))
	if code != http.StatusInsufficientStorage || !strings.HasPrefix(detail, "Saved") {
		t.Fatalf("%d %q", code, detail)
	}
}
