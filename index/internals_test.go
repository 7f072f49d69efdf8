package index

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
)

// safelib reads Bleve's scorch internals for facets, sort keys and the
// search hook (segments.go, facets.go, sortkeys.go, hook.go). This test
// checks each assumption on its own, so a Bleve upgrade that changes one
// of them fails here with a message naming it, before any search quietly
// counts wrongly. README.md, "Bleve upgrades", says what to check.
func TestScorchInternalsShape(t *testing.T) {
	disk, err := Open(filepath.Join(t.TempDir(), "ix"), Options{Synonyms: testSynonyms})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = disk.Close() })
	// Two batches: at least two segments until a merge, so the document
	// number offsets are exercised.
	if err := disk.Batch(fixture[:6], nil); err != nil {
		t.Fatal(err)
	}
	if err := disk.Batch(fixture[6:], nil); err != nil {
		t.Fatal(err)
	}
	for name, ix := range map[string]*Index{"memory": newFixtureIndex(t), "disk": disk} {
		t.Run(name, func(t *testing.T) {
			n, err := ix.Count()
			if err != nil {
				t.Fatal(err)
			}
			err = ix.withReader(func(r indexReader) error {
				// 1. The reader is a scorch snapshot of segments whose sizes
				// give document numbers.
				ss, err := ix.segmentsOf(r)
				if err != nil {
					t.Fatalf("BLEVE INTERNALS CHANGED: the index reader is no longer a scorch snapshot: %v", err)
				}
				var total uint64
				for _, s := range ss.segs {
					total += s.Segment().Count()
				}
				if len(ss.segs) == 0 || total < n {
					t.Fatalf("BLEVE INTERNALS CHANGED: %d segments hold %d document numbers for %d documents", len(ss.segs), total, n)
				}
				// 2. Postings read from the segments agree with Bleve's own
				// facet counts, value by value.
				fp, err := ix.postings(r)
				if err != nil {
					t.Fatalf("BLEVE INTERNALS CHANGED: reading segment postings: %v", err)
				}
				if fp.all.GetCardinality() != n {
					t.Fatalf("BLEVE INTERNALS CHANGED: postings cover %d documents, the index has %d", fp.all.GetCardinality(), n)
				}
				for _, facet := range FacetFields {
					field := filterFields[facet]
					req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 0, 0, false)
					req.AddFacet(string(facet), bleve.NewFacetRequest(field, 1000))
					res, err := ix.bi.Search(req)
					if err != nil {
						t.Fatal(err)
					}
					want := map[string]uint64{}
					for _, tf := range res.Facets[string(facet)].Terms.Terms() {
						want[tf.Term] = uint64(tf.Count)
					}
					got := map[string]uint64{}
					for v, bm := range fp.fields[field] {
						if c := bm.GetCardinality(); c > 0 {
							got[v] = c
						}
					}
					if len(want) == 0 || len(got) != len(want) {
						t.Fatalf("BLEVE INTERNALS CHANGED: facet %s: segment postings have %d values, Bleve counts %d (%v vs %v)", facet, len(got), len(want), got, want)
					}
					for v, c := range want {
						if got[v] != c {
							t.Fatalf("BLEVE INTERNALS CHANGED: facet %s value %q: %d from segment postings, %d from Bleve", facet, v, got[v], c)
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// 3. The document match handler hook runs inside a search with
			// the snapshot open, and sees every match.
			var seen *roaring.Bitmap
			h := &searchHook{ix: ix, sort: search.SortOrder{newSortKey(fPublished, false), newSortKey(fIDSort, false)},
				done: func(r indexReader, matched *roaring.Bitmap) error { seen = matched.Clone(); return nil }}
			req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 3, 0, false)
			req.SortByCustom(h.sort)
			res, err := ix.bi.SearchInContext(h.context(context.Background()), req)
			if err != nil {
				t.Fatalf("BLEVE INTERNALS CHANGED: a search with our hook and sort keys: %v", err)
			}
			if seen == nil {
				t.Fatal("BLEVE INTERNALS CHANGED: the document match handler hook was not called (search.MakeDocumentMatchHandlerKey)")
			}
			if seen.GetCardinality() != n || res.Total != n || len(res.Hits) != 3 {
				t.Fatalf("BLEVE INTERNALS CHANGED: the hook saw %d matches, Bleve reports %d of %d documents, %d hits", seen.GetCardinality(), res.Total, n, len(res.Hits))
			}
		})
	}
}
