package index

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
)

// TestSortKeysMatchBleve checks that every sort order gives, page by page,
// the hits Bleve's own docvalues sort gives (SortField as string, missing
// last) on a random corpus of several segments with updated and deleted
// documents, ties on dates and documents without one.
func TestSortKeysMatchBleve(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	ix := randomIndex(t, rng)
	field := func(f string, desc bool) search.SearchSort {
		return &search.SortField{Field: f, Desc: desc, Type: search.SortFieldAsString, Missing: search.SortFieldMissingLast}
	}
	bleveOrder := map[Sort]search.SortOrder{
		SortRelevance: {&search.SortScore{Desc: true}, field(fIDSort, false)},
		SortNewest:    {field(fPublished, true), field(fIDSort, false)},
		SortOldest:    {field(fPublished, false), field(fIDSort, false)},
		SortTitle:     {field(fTitleSort, false), field(fIDSort, false)},
	}
	ctx := context.Background()
	for _, q := range []string{"", "neglect", "school OR health", "online"} {
		for order, want := range bleveOrder {
			if q == "" && order == SortRelevance {
				continue // browsing is by date
			}
			for from := 0; from < 60; from += 25 {
				req := Request{Q: q, Sort: order, Page: from/25 + 1, PerPage: 25, NoFacets: true}
				got := hitIDs(doSearch(t, ix, req))

				text := newCompiler(ix.an, false).compile(ix.Expand(mustParse(t, q)))
				sr := bleve.NewSearchRequestOptions(ix.assemble(text, nil, nil, nil), 25, from, false)
				sr.Sort = want
				res, err := ix.bi.SearchInContext(ctx, sr)
				if err != nil {
					t.Fatal(err)
				}
				var wantIDs []string
				for _, h := range res.Hits {
					wantIDs = append(wantIDs, h.ID)
				}
				if !slices.Equal(got, wantIDs) {
					t.Errorf("q=%q sort=%s from=%d:\n got %v\nwant %v", q, order, from, got, wantIDs)
				}
			}
		}
	}
}

// With Options.Warm, a write reads its segment for facets and sorts, so the
// next search reads nothing.
func TestWarm(t *testing.T) {
	for _, warm := range []bool{true, false} {
		ix, err := OpenMemory(Options{Warm: warm})
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Batch(fixture, nil); err != nil {
			t.Fatal(err)
		}
		before := segmentReads.Load()
		doSearch(t, ix, Request{Q: "neglect", Sort: SortNewest})
		if read := segmentReads.Load() - before; (read == 0) != warm {
			t.Errorf("warm=%v: the search read %d segment fields", warm, read)
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
