package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"
)

// TestDateRangeParams: from and to in the API, the page, feeds and embeds;
// bad dates answer 400 problem+json. (Which items a range keeps, at day,
// month and year precision, is library's TestDateRange.)
func TestDateRangeParams(t *testing.T) {
	e := newTestEnv(t)
	inYear := func(y string, publicOnly bool) int {
		n := 0
		for _, r := range e.stored {
			if strings.HasPrefix(string(r.Published), y) && (!publicOnly || r.Access == catalog.Public) {
				n++
			}
		}
		return n
	}
	n2017 := inYear("2017", false)
	if n2017 < 5 {
		t.Fatalf("fixtures: only %d items of 2017", n2017)
	}
	type answer struct {
		Total int `json:"total"`
	}
	for _, q := range []string{"from=2017&to=2017", "from=2017-01-01&to=2017-12-31", "from=2017-01&to=2017-12"} {
		w := e.get(t, "/api/v1/search?"+q)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", q, w.Code, w.Body)
		}
		if a := decode[answer](t, w.Body); a.Total != n2017 {
			t.Errorf("%s: total %d, want %d", q, a.Total, n2017)
		}
	}
	for _, q := range []string{"from=2023-13", "from=2023-02-30", "to=23", "from=2024&to=2023", "from=2023-06-02&to=2023-06-01",
		"from=2023&from=2024", "to=yesterday"} {
		w := e.get(t, "/api/v1/search?"+q)
		if w.Code != http.StatusBadRequest || w.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s %s, want 400 problem+json", q, w.Code, w.Header().Get("Content-Type"), w.Body)
		}
		if w := e.get(t, "/search?"+q); w.Code != http.StatusBadRequest {
			t.Errorf("page %s: %d, want 400", q, w.Code)
		}
		if w := e.get(t, "/feed.atom?"+q); w.Code != http.StatusBadRequest {
			t.Errorf("feed %s: %d, want 400", q, w.Code)
		}
	}

	// The page: two date fields beside the year facet, quick choices, a
	// chip, and year bars that link to their year's range.
	body := e.get(t, "/search?from=2023").Body.String()
	mustContain(t, body, `<input type="text" id="date-from" name="from" value="2023"`)
	mustContain(t, body, `<input type="text" id="date-to" name="to" value=""`)
	mustContain(t, body, `Published: since 2023`)
	from := time.Now().AddDate(-1, 0, 0).Format("2006-01-02")
	mustContain(t, body, fmt.Sprintf(`<a href="/search?from=%s" rel="nofollow">Last 12 months</a>`, from))
	mustContain(t, body, `>Any date</a>`)
	if i, j := strings.Index(body, `id="date-from"`), strings.Index(body, "<legend>Year</legend>"); i < 0 || j < 0 || i > j {
		t.Errorf("the date fields should come just before the year facet (%d, %d)", i, j)
	}
	browse := e.get(t, "/search").Body.String()
	mustContain(t, browse, `<a href="/search?from=2017&amp;to=2017" rel="nofollow" aria-label="2017: `)

	// Feeds and embeds take the same range.
	feed := e.get(t, "/feed.atom?from=2017&to=2017").Body.String()
	if n, want := strings.Count(feed, "<entry>"), inYear("2017", true); n != want {
		t.Errorf("feed from=2017&to=2017: %d entries, want the %d public ones", n, want)
	}
	frame := e.get(t, "/embed/search?from=2017&to=2017").Body.String()
	mustContain(t, frame, fmt.Sprintf("%d results", n2017))
}
