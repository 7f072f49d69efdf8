package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

func TestAPISearchShape(t *testing.T) {
	e := newTestEnv(t)
	w := e.get(t, "/api/v1/search")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	raw := decode[map[string]any](t, w.Body)
	for _, k := range []string{"query", "total", "page", "per_page", "hits", "facets"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("answer has no %q", k)
		}
	}
	facets, _ := raw["facets"].(map[string]any)
	for _, k := range []string{"theme", "publisher", "type", "year", "area"} {
		if _, ok := facets[k].([]any); !ok {
			t.Errorf("facets.%s is %T, want a list", k, facets[k])
		}
	}
	if got := int(raw["total"].(float64)); got != e.total {
		t.Errorf("total %d, want %d (everything)", got, e.total)
	}
	if raw["page"].(float64) != 1 || raw["per_page"].(float64) != 20 {
		t.Errorf("page %v per_page %v", raw["page"], raw["per_page"])
	}
	hits := raw["hits"].([]any)
	if len(hits) != 20 {
		t.Fatalf("%d hits", len(hits))
	}
	h := hits[0].(map[string]any)
	for _, k := range []string{"id", "title", "url", "publisher", "type", "themes", "published", "area", "region", "summary", "access"} {
		if _, ok := h[k]; !ok {
			t.Errorf("hit has no %q: %v", k, h)
		}
	}

	// No results still has lists, not nulls.
	w = e.get(t, "/api/v1/search?q=nothingmatchesthisatallxyz")
	body := w.Body.String()
	mustContain(t, body, `"hits":[]`)
	for _, k := range []string{"theme", "publisher", "type", "year", "area"} {
		mustContain(t, body, `"`+k+`":[]`)
	}
}

func TestAPISearchFilters(t *testing.T) {
	e := newTestEnv(t)
	sport := e.count(hasTheme("sport"))
	neglect := e.count(hasTheme("neglect"))
	sportOrNeglect := e.count(func(r *catalog.Resource) bool { return hasTheme("sport")(r) || hasTheme("neglect")(r) })
	if sport == 0 || neglect == 0 {
		t.Fatal("fixtures lack sport or neglect items")
	}
	unfiltered := decode[searchJSON](t, e.get(t, "/api/v1/search?per_page=100").Body)

	tests := []struct {
		name  string
		query string
		total int
		check func(t *testing.T, r searchJSON)
	}{
		{"filter", "theme=sport&per_page=100", sport, func(t *testing.T, r searchJSON) {
			for _, h := range r.Hits {
				if !contains(strs(h["themes"]), "sport") {
					t.Errorf("hit %v has no sport theme", h["id"])
				}
			}
		}},
		{"exclusion", "-theme=sport&per_page=100", e.total - sport, func(t *testing.T, r searchJSON) {
			for _, h := range r.Hits {
				if contains(strs(h["themes"]), "sport") {
					t.Errorf("hit %v has the excluded sport theme", h["id"])
				}
			}
		}},
		{"multi-select OR within a field", "theme=sport&theme=neglect", sportOrNeglect, func(t *testing.T, r searchJSON) {
			// The theme facet ignores the theme selection, so the other
			// themes still show what choosing them would add.
			for _, slug := range []string{"sport", "neglect", "partnership-arrangements"} {
				if got, want := facetCount(r.Facets["theme"], slug), facetCount(unfiltered.Facets["theme"], slug); got != want {
					t.Errorf("theme facet %s: %d, want the unfiltered %d", slug, got, want)
				}
			}
			// Other facets count within the selection.
			n := 0
			for _, v := range r.Facets["type"] {
				n += v.Count
			}
			if n != sportOrNeglect {
				t.Errorf("type facet counts sum to %d, want %d", n, sportOrNeglect)
			}
		}},
		{"region filter", "region=North+West", e.count(func(r *catalog.Resource) bool { return r.Region == "North West" }), nil},
		{"year filter", "year=2022", e.count(func(r *catalog.Resource) bool { return r.Published.Year() == 2022 }), nil},
		{"filter and exclude", "theme=neglect&-type=report", e.count(func(r *catalog.Resource) bool { return hasTheme("neglect")(r) && r.Type != "report" }), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := e.get(t, "/api/v1/search?"+tc.query)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			r := decode[searchJSON](t, w.Body)
			if r.Total != tc.total {
				t.Errorf("total %d, want %d", r.Total, tc.total)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func TestAPISearchSortAndPages(t *testing.T) {
	e := newTestEnv(t)
	published := func(r searchJSON) []string {
		var out []string
		for _, h := range r.Hits {
			if p := h["published"].(string); p != "" {
				out = append(out, catalog.Date(p).SortKey())
			}
		}
		return out
	}
	newest := decode[searchJSON](t, e.get(t, "/api/v1/search?sort=newest&per_page=100").Body)
	if p := published(newest); !sort.IsSorted(sort.Reverse(sort.StringSlice(p))) {
		t.Errorf("newest not descending: %v", p)
	}
	oldest := decode[searchJSON](t, e.get(t, "/api/v1/search?sort=oldest&per_page=100").Body)
	if p := published(oldest); !sort.StringsAreSorted(p) {
		t.Errorf("oldest not ascending: %v", p)
	}
	byTitle := decode[searchJSON](t, e.get(t, "/api/v1/search?sort=title&per_page=100").Body)
	var titles []string
	for _, h := range byTitle.Hits {
		titles = append(titles, strings.ToLower(h["title"].(string)))
	}
	if !sort.StringsAreSorted(titles) {
		t.Errorf("titles not sorted: %v", titles)
	}
	// Browsing with no sort is newest first.
	browse := decode[searchJSON](t, e.get(t, "/api/v1/search?per_page=100").Body)
	if strings.Join(hitIDs(browse.Hits), ",") != strings.Join(hitIDs(newest.Hits), ",") {
		t.Errorf("browse order differs from newest")
	}

	p1 := decode[searchJSON](t, e.get(t, "/api/v1/search?per_page=5&page=1").Body)
	p2 := decode[searchJSON](t, e.get(t, "/api/v1/search?per_page=5&page=2").Body)
	if len(p1.Hits) != 5 || len(p2.Hits) != 5 || p2.Page != 2 || p2.PerPage != 5 {
		t.Fatalf("pages: %d and %d hits, page %d per_page %d", len(p1.Hits), len(p2.Hits), p2.Page, p2.PerPage)
	}
	if got, want := append(hitIDs(p1.Hits), hitIDs(p2.Hits)...), hitIDs(newest.Hits)[:10]; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("pages 1-2 %v, want %v", got, want)
	}
	w := e.get(t, "/api/v1/search?page=400")
	if w.Code != http.StatusOK {
		t.Fatalf("page past the end: %d", w.Code)
	}
	mustContain(t, w.Body.String(), `"hits":[]`)
}

func TestAPIBadInput(t *testing.T) {
	e := newTestEnv(t)
	long := strings.Repeat("a", 2000)
	tests := []struct {
		name, target string
		status       int
		detail       string
	}{
		{"per_page too big", "/api/v1/search?per_page=101", 400, "per_page"},
		{"per_page zero", "/api/v1/search?per_page=0", 400, "per_page"},
		{"per_page not a number", "/api/v1/search?per_page=ten", 400, "per_page"},
		{"page zero", "/api/v1/search?page=0", 400, "page"},
		{"page negative", "/api/v1/search?page=-1", 400, "page"},
		{"page beyond the limit", "/api/v1/search?page=501", 400, "page"},
		{"deep page beyond the index window", "/api/v1/search?page=500&per_page=100", 400, ""},
		{"unknown sort", "/api/v1/search?sort=foo", 400, "sort"},
		{"unknown facet", "/api/v1/search?-colour=red", 400, "facet"},
		{"unknown parameter", "/api/v1/search?colour=red", 400, "colour"},
		{"repeated q", "/api/v1/search?q=a&q=b", 400, "q"},
		{"year not a number", "/api/v1/search?year=last", 400, "year"},
		{"query too long", "/api/v1/search?q=" + long, 400, "query"},
		{"malformed query string", "/api/v1/search?q=%zz", 400, "malformed"},
		{"unbalanced quote", "/api/v1/search?q=%22early+help", 200, ""},
		{"only operators", "/api/v1/search?q=OR+AND+-", 200, ""},
		{"query string too long", "/api/v1/search?q=" + strings.Repeat("b", 9000), 414, ""},
		{"unknown id", "/api/v1/resources/no-such-thing", 404, ""},
		{"malformed id", "/api/v1/resources/NOT_AN_ID", 404, ""},
		{"unknown API path", "/api/v1/nothing", 404, ""},
		{"unknown API version", "/api/v2/search", 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := e.get(t, tc.target)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if tc.status < 400 {
				return
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			p := decode[problem](t, w.Body)
			if p.Status != tc.status || p.Title == "" || p.Type == "" || p.Detail == "" {
				t.Errorf("problem %+v", p)
			}
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q does not mention %q", p.Detail, tc.detail)
			}
		})
	}
}

func TestAPIMethodNotAllowed(t *testing.T) {
	e := newTestEnv(t)
	w := e.do(t, httptest.NewRequest(http.MethodPost, "/api/v1/search", strings.NewReader("{}")))
	if w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("status %d", w.Code)
	}
	if w.Header().Get("Allow") != "GET" {
		t.Errorf("Allow %q", w.Header().Get("Allow"))
	}
	if p := decode[problem](t, w.Body); p.Status != 405 {
		t.Errorf("problem %+v", p)
	}
}

func TestAPITeasers(t *testing.T) {
	e := newTestEnv(t)
	// The secret word is in a members-only body: anonymous readers can't
	// find it.
	r := decode[searchJSON](t, e.get(t, "/api/v1/search?q="+secretWord).Body)
	if r.Total != 0 {
		t.Errorf("anonymous search for the secret word found %d", r.Total)
	}
	// The title is public: the item comes back as a teaser.
	w := e.get(t, "/api/v1/search?q=funding+briefing+members")
	mustNotContain(t, w.Body.String(), secretWord)
	mustNotContain(t, w.Body.String(), "Confidential summary")
	mustNotContain(t, w.Body.String(), "example.org/members")
	r = decode[searchJSON](t, w.Body)
	var teaser map[string]any
	for _, h := range r.Hits {
		if h["id"] == membersID {
			teaser = h
		}
	}
	if teaser == nil {
		t.Fatalf("members item not found as a teaser: %v", hitIDs(r.Hits))
	}
	if teaser["teaser"] != true || teaser["url"] != "" || teaser["summary"] != "" || teaser["access"] != "members" {
		t.Errorf("teaser %v", teaser)
	}
	if _, ok := teaser["highlights"]; ok {
		t.Errorf("teaser has highlights: %v", teaser["highlights"])
	}

	w = e.get(t, "/api/v1/resources/"+membersID)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	mustNotContain(t, w.Body.String(), secretWord)
	mustNotContain(t, w.Body.String(), "Confidential")
	res := decode[map[string]any](t, w.Body)
	if res["teaser"] != true || res["url"] != "" || res["body"] != nil {
		t.Errorf("resource teaser %v", res)
	}
}

func TestAPIResource(t *testing.T) {
	e := newTestEnv(t)
	w := e.get(t, "/api/v1/resources/"+pdfID)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	r := decode[map[string]any](t, w.Body)
	if r["id"] != pdfID || !strings.Contains(r["body"].(string), pdfWord) || r["url"] != "https://example.org/neglect.pdf" {
		t.Errorf("resource %v", r)
	}
	for _, k := range []string{"created", "updated", "themes", "published", "area", "region"} {
		if _, ok := r[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	if r["published"] != "2022" || r["area"] != "Exampleshire" {
		t.Errorf("published %v area %v", r["published"], r["area"])
	}
}

func TestAPIEscapesHTML(t *testing.T) {
	e := newTestEnv(t)
	for _, target := range []string{"/api/v1/resources/" + xssID, "/api/v1/search?q=escaping+test"} {
		w := e.get(t, target)
		body := w.Body.String()
		mustNotContain(t, body, "<script>")
		mustNotContain(t, body, "<img")
		mustContain(t, body, `\u003cscript\u003e`)
	}
}

// TestSnippetsAreEscaped holds the library to what snippetHTML trusts:
// snippet text is escaped and the only markup is <mark>.
func TestSnippetsAreEscaped(t *testing.T) {
	e := newTestEnv(t)
	r := decode[searchJSON](t, e.get(t, "/api/v1/search?q=escaping+alert+escapade").Body)
	var found bool
	for _, h := range r.Hits {
		if h["id"] != xssID {
			continue
		}
		found = true
		hl, _ := h["highlights"].(map[string]any)
		if len(hl) == 0 {
			t.Fatalf("no highlights: %v", h)
		}
		for field, list := range hl {
			for _, s := range strs(list) {
				rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
				if strings.ContainsAny(rest, "<>") {
					t.Errorf("%s snippet has markup besides <mark>: %q", field, s)
				}
				if !strings.Contains(s, "<mark>") {
					t.Errorf("%s snippet marks nothing: %q", field, s)
				}
			}
		}
	}
	if !found {
		t.Fatalf("escaping fixture not found: %v", hitIDs(r.Hits))
	}
}

func TestAPIPDFPage(t *testing.T) {
	e := newTestEnv(t)
	r := decode[searchJSON](t, e.get(t, "/api/v1/search?q="+pdfWord).Body)
	if r.Total != 1 || r.Hits[0]["id"] != pdfID {
		t.Fatalf("found %v", hitIDs(r.Hits))
	}
	if r.Hits[0]["page"] != float64(2) {
		t.Errorf("page %v, want 2", r.Hits[0]["page"])
	}
	hl := r.Hits[0]["highlights"].(map[string]any)
	if body := strs(hl["body"]); len(body) == 0 || !strings.Contains(body[0], "<mark>"+pdfWord+"</mark>") {
		t.Errorf("body highlights %v", hl["body"])
	}
}

func TestAPIThemes(t *testing.T) {
	e := newTestEnv(t)
	w := e.get(t, "/api/v1/themes")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	r := decode[struct {
		Themes []apiTheme `json:"themes"`
	}](t, w.Body)
	if len(r.Themes) != len(e.lib.Taxonomy().Themes()) {
		t.Errorf("%d themes, want %d", len(r.Themes), len(e.lib.Taxonomy().Themes()))
	}
	for _, th := range r.Themes {
		if th.Label == "" || th.Synonyms == nil {
			t.Errorf("theme %+v", th)
		}
		if want := e.count(hasTheme(th.Slug)); th.Count != want {
			t.Errorf("theme %s count %d, want %d", th.Slug, th.Count, want)
		}
		tax := e.lib.Taxonomy()
		if th.Children == nil || !slices.Equal(th.Children, tax.Narrower(th.Slug)) && len(th.Children)+len(tax.Narrower(th.Slug)) > 0 {
			t.Errorf("theme %s children %v, want %v", th.Slug, th.Children, tax.Narrower(th.Slug))
		}
		if b := tax.Broader(th.Slug); (b == "") != (th.Parent == nil) || th.Parent != nil && *th.Parent != b {
			t.Errorf("theme %s parent %v, want %q", th.Slug, th.Parent, b)
		}
	}
	// The contract's shape: parent is null or a slug, children a list.
	raw := decode[map[string][]map[string]any](t, e.get(t, "/api/v1/themes").Body)
	for _, th := range raw["themes"] {
		switch th["slug"] {
		case "grooming":
			if th["parent"] != "abuse-and-exploitation" {
				t.Errorf("grooming parent %v", th["parent"])
			}
		case "abuse-and-exploitation":
			if th["parent"] != nil || !contains(strs(th["children"]), "online-abuse") {
				t.Errorf("abuse-and-exploitation parent %v children %v", th["parent"], th["children"])
			}
		}
		if _, ok := th["children"].([]any); !ok {
			t.Errorf("%v: children %v is not a list", th["slug"], th["children"])
		}
	}
}

func TestHealthz(t *testing.T) {
	e := newTestEnv(t)
	w := e.get(t, "/healthz")
	if w.Code != http.StatusOK || strings.TrimSpace(w.Body.String()) != `{"status":"ok","version":""}` {
		t.Fatalf("healthz %d %s", w.Code, w.Body)
	}
	e.st.Close()
	if w := e.get(t, "/healthz"); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("healthz with the store closed: %d", w.Code)
	}
}

func TestRecovery(t *testing.T) {
	e := newTestEnv(t)
	e.srv.engine.GET("/api/v1/panic", func(*gin.Context) { panic("secret stack detail") })
	w := e.get(t, "/api/v1/panic")
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q", ct)
	}
	mustNotContain(t, w.Body.String(), "secret stack detail")
	mustNotContain(t, w.Body.String(), "goroutine")
}

func TestParseSearch(t *testing.T) {
	tests := []struct {
		query   string
		wantErr string
		check   func(t *testing.T, q string, p any)
	}{
		{query: "", check: nil},
		{query: "q=early+help&theme=sport&theme=neglect&-type=report&region=North+West&sort=title&page=2&per_page=50"},
		{query: "theme=&publisher=", check: nil},
		{query: "page=0", wantErr: "page"},
		{query: "per_page=101", wantErr: "per_page"},
		{query: "sort=foo", wantErr: "sort"},
		{query: "-nope=1", wantErr: "unknown facet"},
		{query: "nope=1", wantErr: "unknown parameter"},
		{query: "sort=a&sort=b", wantErr: "once"},
	}
	for _, tc := range tests {
		v, _ := url.ParseQuery(tc.query)
		p, err := parseSearch(v)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %v, want %q", tc.query, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.query, err)
			continue
		}
		if tc.query == "" && (p.Sort != "newest" || p.Page != 1 || p.PerPage != 20) {
			t.Errorf("defaults %+v", p)
		}
		if strings.HasPrefix(tc.query, "q=") {
			if p.Q != "early help" || len(p.Filters["theme"]) != 2 || p.Excludes["type"][0] != "report" ||
				p.Filters["region"][0] != "North West" || p.Sort != "title" || p.Page != 2 || p.PerPage != 50 {
				t.Errorf("parsed %+v", p)
			}
			// encodeSearch round-trips.
			u, _ := url.Parse(encodeSearch(p, p.Sort, p.Page))
			p2, err := parseSearch(u.Query())
			if err != nil || encodeSearch(p2, p2.Sort, p2.Page) != encodeSearch(p, p.Sort, p.Page) {
				t.Errorf("round trip: %v %+v", err, p2)
			}
		}
		if strings.HasPrefix(tc.query, "theme=&") && len(p.Filters) != 0 {
			t.Errorf("empty values kept: %+v", p.Filters)
		}
	}
}

// FuzzAPISearch holds the API to "never a 500 for user input": any query
// string gets 200, 400 or 414, and errors are problem documents.
func FuzzAPISearch(f *testing.F) {
	for _, s := range []string{"q=early+help", "q=%22unclosed", "q=(a+OR", "q=title:", "q=-", "q=*", "q=a~2",
		"q=/re.*/", "theme=sport&-theme=sport", "q=" + strings.Repeat("(", 300), "q=\x00", "q=%ff%fe", "sort=title&page=3"} {
		f.Add(s)
	}
	e := newTestEnv(f)
	f.Fuzz(func(t *testing.T, query string) {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/search", nil)
		req.URL.RawQuery = query
		w := e.do(t, req)
		switch w.Code {
		case 200:
		case 400, 414:
			if w.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%q: %d without a problem document", query, w.Code)
			}
		default:
			t.Errorf("%q: status %d: %s", query, w.Code, w.Body)
		}
	})
}
