package library

import (
	"context"
	"testing"

	"safelib/internal/catalog"
)

// TestSearchAfterAccessChange searches as a reader without members'
// access before and after an item becomes members-only (and public
// again): the hits the store keeps between searches never show its
// summary or text once it is members-only.
func TestSearchAfterAccessChange(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	anon := catalog.Reader{}
	find := func() Hit {
		t.Helper()
		for range 2 { // the second from the store's cache, when nothing changed
			res, err := l.Search(ctx, anon, SearchParams{Q: "neglect strategy"})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				if h.Resource.ID == "policy-neglect" {
					return h
				}
			}
		}
		t.Fatal("policy-neglect not found")
		return Hit{}
	}
	if h := find(); h.Teaser || len(h.Highlights["body"]) == 0 {
		t.Fatalf("public: %+v", h)
	}
	for _, access := range []catalog.Access{catalog.Members, catalog.Public, catalog.Members} {
		r, err := l.st.GetResource(ctx, "policy-neglect")
		if err != nil {
			t.Fatal(err)
		}
		r.Access, r.Version = access, 0
		if _, err := l.Upsert(ctx, []*catalog.Resource{r}); err != nil {
			t.Fatal(err)
		}
		h := find()
		if access == catalog.Members && (!h.Teaser || h.Resource.Summary != "" || len(h.Highlights) > 0 || h.Resource.Access != catalog.Members) {
			t.Fatalf("members-only, found as %+v (%+v)", h, h.Resource)
		}
		if access == catalog.Public && (h.Teaser || len(h.Highlights["body"]) == 0) {
			t.Fatalf("public again, found as %+v", h)
		}
	}
}
