package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"safelib/internal/catalog"
)

// TestHonestHits: an item is found under the themes the tagger suggested,
// so every hit, page, feed entry and embed names them (marked suggested,
// and in the API apart from the confirmed ones); a staff rejection takes a
// theme away from all of them, the index included, at once.
func TestHonestHits(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	const word = "quixotebramble"
	items := []*catalog.Resource{
		{ID: "honest-public", Title: "Public " + word + " report", URL: "https://example.org/honest/public",
			Publisher: "Example Partnership", Type: "report", Themes: []string{"early-help"},
			MachineThemes: []string{"private-fostering"}, Published: "2024-02", Summary: "About " + word + ".",
			Access: catalog.Public, Source: "crawled"},
		{ID: "honest-members", Title: "Members " + word + " briefing", URL: "https://example.org/honest/members",
			Publisher: "Example Partnership", Type: "briefing",
			MachineThemes: []string{"private-fostering"}, Published: "2024-03", Summary: "Secret " + word + ".",
			Access: catalog.Members, Source: "crawled"},
	}
	if _, err := e.lib.Upsert(ctx, items); err != nil {
		t.Fatal(err)
	}
	type hit struct {
		ID              string   `json:"id"`
		Themes          []string `json:"themes"`
		SuggestedThemes []string `json:"suggested_themes"`
		Teaser          bool     `json:"teaser"`
	}
	type answer struct {
		Total  int                    `json:"total"`
		Hits   []hit                  `json:"hits"`
		Facets map[string][]facetJSON `json:"facets"`
	}
	search := func(query string) answer {
		t.Helper()
		w := e.get(t, "/api/v1/search?"+query)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", query, w.Code, w.Body)
		}
		return decode[answer](t, w.Body)
	}

	a := search("q=" + word + "&theme=private-fostering&sort=title")
	if a.Total != 2 || len(a.Hits) != 2 {
		t.Fatalf("theme=private-fostering found %d, want both items", a.Total)
	}
	for _, h := range a.Hits {
		if !slices.Equal(h.SuggestedThemes, []string{"private-fostering"}) {
			t.Errorf("%s: suggested_themes %v, want [private-fostering] (teaser %v)", h.ID, h.SuggestedThemes, h.Teaser)
		}
		if h.ID == "honest-public" && !slices.Equal(h.Themes, []string{"early-help"}) {
			t.Errorf("themes %v, want only the confirmed [early-help]", h.Themes)
		}
		if h.ID == "honest-members" && (h.Themes == nil || len(h.Themes) != 0 || !h.Teaser) {
			t.Errorf("members item: themes %v teaser %v, want [] and a teaser", h.Themes, h.Teaser)
		}
	}
	if n := facetCount(a.Facets["theme"], "private-fostering"); n != 2 {
		t.Errorf("facet private-fostering = %d, want 2", n)
	}

	w := e.get(t, "/api/v1/resources/honest-public")
	r := decode[hit](t, w.Body)
	if !slices.Equal(r.SuggestedThemes, []string{"private-fostering"}) {
		t.Errorf("resource API suggested_themes %v", r.SuggestedThemes)
	}
	pages := map[string]string{
		"resource page": "/resources/honest-public",
		"teaser page":   "/resources/honest-members",
		"search page":   "/search?q=" + word,
	}
	for name, target := range pages {
		body := e.get(t, target).Body.String()
		mustContain(t, body, `<li class="suggested"><a href="/search?theme=private-fostering">Private fostering</a> <span class="tag-note">(suggested)</span></li>`)
		if name != "teaser page" {
			mustContain(t, body, `<li><a href="/search?theme=early-help">Early help</a></li>`)
		}
	}
	feed := e.get(t, "/feed.atom?q="+word).Body.String()
	mustContain(t, feed, `term="private-fostering"`)
	mustContain(t, feed, `label="Private fostering (suggested)"`)
	frame := e.get(t, "/embed/search?q="+word).Body.String()
	mustContain(t, frame, "Themes: Early help, Private fostering (suggested)")
	mustContain(t, frame, "Themes: Private fostering (suggested)")

	// Staff reject the suggestion on the public item.
	staff := catalog.Reader{UserID: 1, Role: "staff", Members: true}
	cur, err := e.lib.Resource(ctx, staff, "honest-public")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.ConfirmThemes(ctx, staff, "honest-public", cur.Resource.Version, nil, []string{"private-fostering"}); err != nil {
		t.Fatal(err)
	}
	a = search("q=" + word + "&theme=private-fostering")
	if a.Total != 1 || a.Hits[0].ID != "honest-members" {
		t.Fatalf("after rejection theme=private-fostering found %+v, want only the members item", a.Hits)
	}
	a = search("q=" + word)
	if n := facetCount(a.Facets["theme"], "private-fostering"); n != 1 {
		t.Errorf("after rejection facet private-fostering = %d, want 1", n)
	}
	for _, h := range a.Hits {
		if h.ID == "honest-public" && len(h.SuggestedThemes) != 0 {
			t.Errorf("after rejection suggested_themes %v", h.SuggestedThemes)
		}
	}
	for _, target := range []string{"/resources/honest-public", "/feed.atom?q=" + word + "&type=report"} {
		if body := e.get(t, target).Body.String(); strings.Contains(body, "private-fostering") {
			t.Errorf("%s still names the rejected theme", target)
		}
	}
}
