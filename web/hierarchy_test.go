package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"safelib/internal/catalog"
)

// TestThemeHierarchyFacets: a broader theme finds every item under any of
// its narrower themes, counted once, alone, with other values (OR) and
// with exclusions of broader and narrower values.
func TestThemeHierarchyFacets(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	// Items under two narrower themes of one broader theme, one of them
	// suggested: counted once.
	both := []*catalog.Resource{
		{ID: "hier-both", Title: "Grooming online report", URL: "https://example.org/hier/both", Publisher: "P",
			Type: "report", Themes: []string{"grooming", "online-abuse"}, Published: "2025", Access: catalog.Public, Source: "curated"},
		{ID: "hier-suggested", Title: "Exploitation and neglect", URL: "https://example.org/hier/sugg", Publisher: "P",
			Type: "report", Themes: []string{"neglect"}, MachineThemes: []string{"child-sexual-exploitation", "criminal-exploitation"},
			Published: "2025", Access: catalog.Public, Source: "crawled"},
	}
	if _, err := e.lib.Upsert(ctx, both); err != nil {
		t.Fatal(err)
	}
	e.stored = append(e.stored, both...)
	ids := func(f func(*catalog.Resource) bool) map[string]bool {
		out := map[string]bool{}
		for _, r := range e.stored {
			if f(r) {
				out[r.ID] = true
			}
		}
		return out
	}
	// The union, computed from the vocabulary's own lists.
	tax := e.lib.Taxonomy()
	under := func(broader string) func(*catalog.Resource) bool {
		return func(r *catalog.Resource) bool {
			for _, th := range append(append([]string{}, r.Themes...), r.MachineThemes...) {
				if th == broader || tax.Broader(th) == broader {
					return true
				}
			}
			return false
		}
	}
	abuse, forms, neglect, grooming := ids(under("abuse-and-exploitation")), ids(under("forms-of-abuse")), ids(hasTheme("neglect")), ids(hasTheme("grooming"))
	sum := 0
	for _, n := range tax.Narrower("abuse-and-exploitation") {
		sum += len(ids(hasTheme(n)))
	}
	if sum <= len(abuse) {
		t.Fatalf("fixtures should overlap: narrower counts sum to %d, union %d", sum, len(abuse))
	}
	union := func(sets ...map[string]bool) map[string]bool {
		out := map[string]bool{}
		for _, s := range sets {
			for k := range s {
				out[k] = true
			}
		}
		return out
	}
	minus := func(a, b map[string]bool) map[string]bool {
		out := map[string]bool{}
		for k := range a {
			if !b[k] {
				out[k] = true
			}
		}
		return out
	}
	type answer struct {
		Total  int                    `json:"total"`
		Hits   []map[string]any       `json:"hits"`
		Facets map[string][]facetJSON `json:"facets"`
	}
	tests := []struct {
		name  string
		query url.Values
		want  map[string]bool
	}{
		{"broader alone", url.Values{"theme": {"abuse-and-exploitation"}}, abuse},
		{"broader or narrower of another", url.Values{"theme": {"abuse-and-exploitation", "neglect"}}, union(abuse, neglect)},
		{"broader and one of its own narrower", url.Values{"theme": {"abuse-and-exploitation", "grooming"}}, abuse},
		{"two broader", url.Values{"theme": {"abuse-and-exploitation", "forms-of-abuse"}}, union(abuse, forms)},
		{"broader without a narrower", url.Values{"theme": {"abuse-and-exploitation"}, "-theme": {"grooming"}}, minus(abuse, grooming)},
		{"broader without another broader", url.Values{"theme": {"forms-of-abuse"}, "-theme": {"abuse-and-exploitation"}}, minus(forms, abuse)},
		{"narrower without its broader", url.Values{"theme": {"grooming"}, "-theme": {"abuse-and-exploitation"}}, map[string]bool{}},
		{"broader excluded", url.Values{"-theme": {"abuse-and-exploitation"}}, minus(ids(func(*catalog.Resource) bool { return true }), abuse)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.query.Set("per_page", "100")
			w := e.get(t, "/api/v1/search?"+tt.query.Encode())
			if w.Code != http.StatusOK {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			a := decode[answer](t, w.Body)
			if a.Total != len(tt.want) {
				t.Errorf("total %d, want %d", a.Total, len(tt.want))
			}
			for _, id := range hitIDs(a.Hits) {
				if !tt.want[id] {
					t.Errorf("%s should not match", id)
				}
			}
			// Counts ignore the theme facet's own selection: the broader
			// theme's count is the union's size within the rest.
			if _, has := tt.query["-theme"]; !has {
				if n := facetCount(a.Facets["theme"], "abuse-and-exploitation"); n != len(abuse) {
					t.Errorf("abuse-and-exploitation count %d, want %d (the union)", n, len(abuse))
				}
			}
		})
	}

	// The page: broader themes with their narrower ones under them.
	body := e.get(t, "/search?theme=abuse-and-exploitation").Body.String()
	i := strings.Index(body, `aria-label="Under Abuse and exploitation"`)
	if i < 0 {
		t.Fatal("no narrower list under Abuse and exploitation in the facet")
	}
	rest := body[i:]
	rest = rest[:strings.Index(rest, "</ul>")]
	if !strings.Contains(rest, `value="grooming"`) || strings.Contains(rest, `value="neglect"`) {
		t.Errorf("narrower list under Abuse and exploitation: %s", rest)
	}
	mustContain(t, body, `value="abuse-and-exploitation" checked`)

	themes := e.get(t, "/themes").Body.String()
	i = strings.Index(themes, `aria-label="Under Learning from cases"`)
	if i < 0 {
		t.Fatal("themes page: no tree under Learning from cases")
	}
	rest = themes[i:]
	rest = rest[:strings.Index(rest, "</ul>")]
	for _, l := range []string{"Serious case reviews", "Child death review"} {
		if !strings.Contains(rest, l) {
			t.Errorf("themes page: %s not under Learning from cases", l)
		}
	}
}
