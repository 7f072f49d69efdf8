package web

import (
	"context"
	"strings"
	"testing"

	"safelib/internal/catalog"
)

// A presentation's hits cite the slide: "slide" in the API (not "page"),
// and "slide 3" linking to #slide=3 on the search page.
func TestSlideSnippets(t *testing.T) {
	e := newTestEnv(t)
	const word = "quillfeatherslide"
	slides := []string{"Members briefing", "County lines and exploitation", "Next steps mention " + word + " once."}
	if _, err := e.lib.Upsert(context.Background(), []*catalog.Resource{{
		ID: "slides-briefing-2016", Title: "Members briefing on exploitation",
		URL: "https://example.org/briefing.pptx", Publisher: "Example Safeguarding Partnership",
		Type: "briefing", Themes: []string{"neglect"}, Published: "2016-11-17",
		Summary: "A briefing.", Pages: slides, Slides: true, Body: strings.Join(slides, "\n\n"),
		Access: catalog.Public, Source: "curated",
	}}); err != nil {
		t.Fatal(err)
	}
	r := decode[searchJSON](t, e.get(t, "/api/v1/search?q="+word).Body)
	if r.Total != 1 {
		t.Fatalf("found %v", hitIDs(r.Hits))
	}
	if r.Hits[0]["slide"] != float64(3) || r.Hits[0]["page"] != nil {
		t.Errorf("slide %v page %v, want slide 3 and no page", r.Hits[0]["slide"], r.Hits[0]["page"])
	}
	// A PDF still says page.
	p := decode[searchJSON](t, e.get(t, "/api/v1/search?q="+pdfWord).Body)
	if len(p.Hits) != 1 || p.Hits[0]["page"] != float64(2) || p.Hits[0]["slide"] != nil {
		t.Errorf("pdf hit %v", p.Hits)
	}
	html := e.get(t, "/search?q="+word).Body.String()
	if !strings.Contains(html, `<a href="https://example.org/briefing.pptx#slide=3" class="snippet-page">slide 3<span class="visually-hidden"> of the original presentation</span></a>`) {
		t.Errorf("search page lacks the slide citation:\n%s", html)
	}
}
