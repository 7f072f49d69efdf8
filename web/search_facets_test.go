package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// localPolicy is one example local policy for the area and region facets.
type localPolicy struct{ area, region string }

// localPolicies are spread over more areas than a facet shows before
// "Show more": three in the South West, the rest elsewhere.
var localPolicies = []localPolicy{
	{"Southshire", "South West"}, {"Westshire", "South West"}, {"Westshire", "South West"},
	{"Northshire", "North East"}, {"Tyneside", "North East"}, {"Wearside", "North East"},
	{"Camden", "London"}, {"Hackney", "London"}, {"Islington", "London"},
	{"Kent", "South East"}, {"Surrey", "South East"},
}

// addLocalPolicies adds localPolicies to the library and returns how many
// are in region.
func addLocalPolicies(t testing.TB, lib *library.Library, region string) int {
	t.Helper()
	var rs []*catalog.Resource
	n := 0
	for i, p := range localPolicies {
		rs = append(rs, &catalog.Resource{
			ID: fmt.Sprintf("local-policy-%02d", i), Title: fmt.Sprintf("%s neglect strategy %d", p.area, i),
			URL: fmt.Sprintf("https://example.org/local/%d", i), Publisher: p.area + " Safeguarding Children Partnership",
			Type: "local-policy", Themes: []string{"neglect"}, Published: "2024-01",
			Area: p.area, Region: p.region, Access: catalog.Public, Source: "curated",
		})
		if p.region == region {
			n++
		}
	}
	if _, err := lib.Upsert(context.Background(), rs); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSearchPageAreaRegion: the search page offers region and area as
// facets with counts; ticking a region narrows the results, shows a chip
// that removes it, and is kept by the pager and the feed link.
func TestSearchPageAreaRegion(t *testing.T) {
	e := newTestEnv(t)
	inSouthWest := addLocalPolicies(t, e.lib, "South West")

	body := e.get(t, "/search?type=local-policy").Body.String()
	for _, want := range []string{
		"<legend>Region</legend>", "<legend>Area</legend>",
		`name="region" value="South West">`, `South West <span class="count">(3)</span>`,
		`name="-region" value="North East">`,
		`Westshire <span class="count">(2)</span>`,
		// Ten areas: the top eight show, the rest behind "Show more".
		`Show 2 more <span class="visually-hidden">Area values</span>`,
	} {
		mustContain(t, body, want)
	}
	if i, j := strings.Index(body, "<legend>Region</legend>"), strings.Index(body, "<legend>Area</legend>"); i > j {
		t.Error("the area facet comes before the region it lies in")
	}

	w := e.get(t, "/search?type=local-policy&region=South+West&per_page=2")
	body = w.Body.String()
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	for _, want := range []string{
		fmt.Sprintf("%d results", inSouthWest),
		`name="region" value="South West" checked>`,
		// The chip removes the region and keeps the rest.
		`href="/search?per_page=2&amp;type=local-policy"><span class="visually-hidden">Remove filter </span>Region: South West`,
		// The pager and the feed keep it.
		`href="/search?page=2&amp;per_page=2&amp;region=South&#43;West&amp;type=local-policy" rel="next"`,
		`type="application/atom+xml" title="Atom feed of this search" href="/feed.atom?region=South&#43;West&amp;type=local-policy"`,
		// Other regions still count (multi-select); areas only the South West's.
		`North East <span class="count">(3)</span>`,
		`Southshire <span class="count">(1)</span>`,
	} {
		mustContain(t, body, want)
	}
	for _, bad := range []string{"Northshire", "Camden"} {
		mustNotContain(t, body, bad)
	}

	// Excluding a region: the "not" box stays ticked, its chip says so.
	body = e.get(t, "/search?type=local-policy&-region=North+East").Body.String()
	mustContain(t, body, fmt.Sprintf("%d results", len(localPolicies)-3))
	mustContain(t, body, `name="-region" value="North East" checked>`)
	mustContain(t, body, "Region: not North East")
}
