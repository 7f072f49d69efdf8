package library

import (
	"context"
	"errors"
	"slices"
	"testing"

	"safelib/internal/catalog"
)

// Similar-items fixtures: four items on private fostering (one members-only,
// one to be withdrawn) and a decoy that shares nothing with the
// members-only one but the made-up words of its summary.
const (
	pfGuide     = "pf-guide"
	pfLeaflet   = "pf-leaflet"
	pfAudit     = "pf-audit" // members-only
	pfOld       = "pf-old"   // withdrawn in the test
	pfDecoy     = "decoy-notes"
	auditSecret = "glorbnax zyxwort" // only in pfAudit's (members-only) summary and the decoy's title
)

func newSimilarLibrary(t *testing.T) *Library {
	t.Helper()
	l := newTestLibrary(t)
	_, err := l.Upsert(context.Background(), []*catalog.Resource{
		{ID: pfGuide, Title: "Private fostering guidance for practitioners", Type: "guidance", Publisher: "Fosterwell Trust",
			Themes: []string{"private-fostering"}, Published: "2021-02", Summary: "Notifying the council about private fostering arrangements.",
			Source: "curated"},
		{ID: pfLeaflet, Title: "Private fostering: a leaflet for parents", Type: "campaign", Publisher: "Fosterwell Trust",
			Themes: []string{"private-fostering"}, Published: "2022", Summary: "What parents should know about private fostering.",
			Source: "curated"},
		{ID: pfAudit, Title: "Private fostering audit", URL: "https://example.org/pf-audit.pdf", Type: "report",
			Publisher: "Association of Independent LSCB Chairs", Themes: []string{"private-fostering"}, Published: "2023",
			Summary: "Audit summary: " + auditSecret + ".", Body: "Members-only findings.", Access: catalog.Members, Source: "curated"},
		{ID: pfOld, Title: "Private fostering guidance (old edition)", Type: "guidance", Publisher: "Fosterwell Trust",
			Themes: []string{"private-fostering"}, Published: "2015", Summary: "Superseded guidance on private fostering.",
			Source: "curated"},
		{ID: pfDecoy, Title: "Glorbnax and zyxwort notes", Type: "article", Publisher: "Decoy Press",
			Themes: []string{"sport"}, Published: "2020", Summary: "Field notes.", Source: "curated"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Withdraw(context.Background(), curStaff, pfOld, 0, "superseded"); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestSimilar(t *testing.T) {
	ctx := context.Background()
	l := newSimilarLibrary(t)
	for _, tc := range []struct {
		name   string
		reader catalog.Reader
		id     string
		n      int
		err    error
		want   []string // among the results
		top    []string // the first results, in any order
		absent []string
		check  func(t *testing.T, hs []Hit)
	}{
		{name: "a themed item finds its neighbours, never itself nor withdrawn ones", reader: catalog.Anonymous, id: pfGuide, n: 20,
			top: []string{pfAudit, pfLeaflet}, absent: []string{pfGuide, pfOld, pfDecoy}},
		{name: "default n", reader: catalog.Anonymous, id: pfGuide,
			check: func(t *testing.T, hs []Hit) {
				if len(hs) != DefaultSimilar {
					t.Errorf("%d results, want %d", len(hs), DefaultSimilar)
				}
			}},
		{name: "n bounds the results", reader: member, id: pfGuide, n: 1,
			check: func(t *testing.T, hs []Hit) {
				if len(hs) != 1 {
					t.Errorf("%d results, want 1", len(hs))
				}
			}},
		{name: "anonymous sees a members-only neighbour only as a teaser", reader: catalog.Anonymous, id: pfLeaflet, n: 20,
			want: []string{pfAudit}, check: func(t *testing.T, hs []Hit) {
				for _, h := range hs {
					r := h.Resource
					if r.Access != catalog.Members {
						if h.Teaser {
							t.Errorf("%s: public item as a teaser", r.ID)
						}
						continue
					}
					if !h.Teaser || r.URL != "" || r.Summary != "" || r.Body != "" || len(h.Highlights) > 0 {
						t.Errorf("%s: teaser leaks: %+v %v", r.ID, r, h.Highlights)
					}
				}
			}},
		{name: "a member reads a members-only neighbour", reader: member, id: pfLeaflet, n: 20,
			want: []string{pfAudit}, check: func(t *testing.T, hs []Hit) {
				for _, h := range hs {
					if h.Teaser || h.Resource.Body != "" {
						t.Errorf("%s: teaser %v, body %q", h.Resource.ID, h.Teaser, h.Resource.Body)
					}
				}
			}},
		// The decoy shares only the members-only summary's words: a member
		// finds it through them, an anonymous reader must not.
		{name: "a member's neighbours use the members-only summary", reader: member, id: pfAudit, n: 20,
			want: []string{pfDecoy, pfGuide}, absent: []string{pfAudit, pfOld}},
		{name: "anonymous neighbours never use the members-only summary", reader: catalog.Anonymous, id: pfAudit, n: 20,
			want: []string{pfGuide, pfLeaflet}, absent: []string{pfDecoy, pfAudit, pfOld}},
		{name: "lapsed member is anonymous for members-only text", reader: catalog.Reader{UserID: 2, Role: "member", Lapsed: true}, id: pfAudit, n: 20,
			want: []string{pfGuide}, absent: []string{pfDecoy}},
		{name: "unknown id", reader: member, id: "no-such-item", err: catalog.ErrNotFound},
		{name: "invalid id", reader: member, id: "../etc/passwd", err: catalog.ErrNotFound},
		{name: "withdrawn item is not found for non-staff", reader: member, id: pfOld, err: catalog.ErrNotFound},
		{name: "staff may ask about a withdrawn item", reader: curStaff, id: pfOld, n: 20,
			want: []string{pfGuide}, absent: []string{pfOld}},
		{name: "n too big", reader: catalog.Anonymous, id: pfGuide, n: MaxSimilar + 1, err: catalog.ErrInvalid},
		{name: "n negative", reader: catalog.Anonymous, id: pfGuide, n: -1, err: catalog.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs, err := l.Similar(ctx, tc.reader, tc.id, tc.n)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ids(&SearchResult{Hits: hs})
			for _, id := range tc.want {
				if !slices.Contains(got, id) {
					t.Errorf("%s missing from %v", id, got)
				}
			}
			if len(got) < len(tc.top) || !slices.Equal(slices.Sorted(slices.Values(got[:len(tc.top)])), tc.top) {
				t.Errorf("got %v, want %v first", got, tc.top)
			}
			for _, id := range tc.absent {
				if slices.Contains(got, id) {
					t.Errorf("%s in %v", id, got)
				}
			}
			for _, h := range hs {
				if h.Resource.Status != catalog.StatusActive {
					t.Errorf("%s is %s", h.Resource.ID, h.Resource.Status)
				}
			}
			if tc.check != nil {
				tc.check(t, hs)
			}
		})
	}
}
