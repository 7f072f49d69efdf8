package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"safelib/index"
	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/config"
	"safelib/internal/library"
	"safelib/internal/store"
	"safelib/internal/taxonomy"
)

// Fixtures added to the seed library. Their words are chosen to appear
// nowhere else.
const (
	secretWord = "zanzibarquokka"   // only in the members-only body
	pdfWord    = "wobblefrangipane" // only on page 2 of the PDF fixture
	xssTitle   = "Escaping test <script>alert(1)</script> report"
	membersID  = "members-funding-briefing-2024"
	xssID      = "escaping-test-report-2023"
	pdfID      = "pdf-neglect-review-2022"
)

// pdfPage1 is long enough for the resource page to show an excerpt.
var pdfPage1 = "Page one is about chronic neglect. " + strings.Repeat("The review looked at how agencies recognised and responded to long-term harm. ", 12)

func fixtures() []*catalog.Resource {
	return []*catalog.Resource{
		{
			ID: membersID, Title: "Partnership funding briefing for members",
			URL: "https://example.org/members/funding-briefing", Publisher: "Association of Independent LSCP Chairs",
			Type: "briefing", Themes: []string{"partnership-arrangements"}, Published: "2024-03",
			Summary: "Confidential summary of partner contributions.",
			Body:    "Members only text. The codeword is " + secretWord + ".",
			Access:  catalog.Members, Source: "curated",
		},
		{
			ID: xssID, Title: xssTitle,
			URL: "https://example.org/escaping", Publisher: "Test <b>Publisher</b>",
			Type: "report", Themes: []string{"neglect"}, Published: "2023-05-01",
			Summary: "A summary with <img src=x onerror=alert(2)> markup.",
			Body:    "Body text with <script>alert(3)</script> and the word escapade.",
			Access:  catalog.Public, Source: "curated",
		},
		{
			ID: pdfID, Title: "Neglect thematic review (PDF)",
			URL: "https://example.org/neglect.pdf", Publisher: "Example Safeguarding Partnership",
			Type: "serious-case-review", Themes: []string{"neglect"}, Published: "2022",
			Area: "Exampleshire", Region: "North West",
			Summary: "A thematic review of neglect cases.",
			Pages:   []string{pdfPage1, "Page two mentions " + pdfWord + " in passing."},
			Body:    pdfPage1 + "\n\nPage two mentions " + pdfWord + " in passing.",
			Access:  catalog.Public, Source: "curated",
		},
	}
}

// testEnv is a real library (SQLite in a temp dir, in-memory Bleve) with
// the seed catalog and the fixtures, and a web.Server over it.
type testEnv struct {
	lib    *library.Library
	st     *store.Store
	srv    *Server
	total  int // active resources
	stored []*catalog.Resource
}

func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "safelib.db"))
	if err != nil {
		t.Fatal(err)
	}
	tax := taxonomy.Default()
	ix, err := index.OpenMemory(index.Options{Synonyms: tax.SynonymMap()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ix.Close()
		st.Close()
	})
	lib := library.New(st, ix, tax, nil)
	seed, err := library.SeedResources()
	if err != nil {
		t.Fatal(err)
	}
	all := append(seed, fixtures()...)
	if _, err := lib.Upsert(ctx, all); err != nil {
		t.Fatal(err)
	}
	// Expected counts come from what the store kept: seed items sharing a
	// URL were merged into one.
	var stored []*catalog.Resource
	if err := st.ScanResources(ctx, 500, false, func(rs []*catalog.Resource) error {
		for _, r := range rs {
			if r.Status == catalog.StatusActive {
				stored = append(stored, r)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Config: testConfig(), Library: lib, Auth: auth.New(st, auth.Options{SessionLifetime: config.Default().SessionLifetime})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return &testEnv{lib: lib, st: st, srv: srv, total: len(stored), stored: stored}
}

// testConfig is the default configuration without the per-client rate
// limit: tests make many requests from one address (ratelimit_test.go
// tests the limit itself).
func testConfig() config.Config {
	c := config.Default()
	c.RateLimit = 0
	return c
}

// count counts the active resources matching f.
func (e *testEnv) count(f func(r *catalog.Resource) bool) int {
	n := 0
	for _, r := range e.stored {
		if f(r) {
			n++
		}
	}
	return n
}

// hasTheme matches the resources found under a theme: those with it, or,
// for a broader theme, with any theme under it (each counted once),
// confirmed or suggested.
func hasTheme(slug string) func(r *catalog.Resource) bool {
	tax := taxonomy.Default()
	return func(r *catalog.Resource) bool {
		for _, t := range append(append([]string{}, r.Themes...), r.MachineThemes...) {
			if t == slug || slices.Contains(tax.Narrower(slug), t) {
				return true
			}
		}
		return false
	}
}

// get performs a GET against the server.
func (e *testEnv) get(t testing.TB, target string) *httptest.ResponseRecorder {
	t.Helper()
	return e.do(t, httptest.NewRequest(http.MethodGet, target, nil))
}

func (e *testEnv) do(t testing.TB, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	checkContract(t, req, w.Code, w.Header(), w.Body.Bytes())
	return w
}

// searchJSON mirrors the API's search answer for decoding in tests.
type searchJSON struct {
	Query      string                 `json:"query"`
	Total      int                    `json:"total"`
	Page       int                    `json:"page"`
	PerPage    int                    `json:"per_page"`
	Suggestion string                 `json:"suggestion"`
	Hits       []map[string]any       `json:"hits"`
	Facets     map[string][]facetJSON `json:"facets"`
}

type facetJSON struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

func decode[T any](t testing.TB, r io.Reader) T {
	t.Helper()
	var v T
	if err := json.NewDecoder(r).Decode(&v); err != nil {
		t.Fatalf("decode JSON: %v", err)
	}
	return v
}

func facetCount(vals []facetJSON, value string) int {
	for _, v := range vals {
		if v.Value == value {
			return v.Count
		}
	}
	return 0
}

func hitIDs(hits []map[string]any) []string {
	var ids []string
	for _, h := range hits {
		ids = append(ids, h["id"].(string))
	}
	return ids
}

func strs(v any) []string {
	var out []string
	if list, ok := v.([]any); ok {
		for _, x := range list {
			out = append(out, x.(string))
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func mustContain(t testing.TB, body, want string) {
	t.Helper()
	if !strings.Contains(body, want) {
		t.Errorf("body does not contain %q", want)
	}
}

func mustNotContain(t testing.TB, body, bad string) {
	t.Helper()
	if strings.Contains(body, bad) {
		t.Errorf("body contains %q", bad)
	}
}
