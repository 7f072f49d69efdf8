package index

import (
	"fmt"
	"math"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Facet counting by bitmaps.
//
// Bleve counts facets by visiting every matching document's docvalues,
// which was most of the CPU of a search over 100k documents. Instead, a
// search records the numbers of the documents it matches in a bitmap
// (searchHook), and each facet value's count is the size of that bitmap's
// intersection with the value's postings. The postings are read once per
// segment (segments.go) and numbered for each snapshot, which every search
// on it shares; a write makes a new snapshot, so counts are never stale.
// Multi-select counts (each selected facet counted with its own selection
// left out) come from the matches of the words without the selections,
// narrowed by the selections' postings; the same search gives the page,
// keeping only the matches within every selection (searchHook.selected).

// facetPostings is, for one index snapshot, every facet field's values with
// the documents that have each, and the set of all live documents, in the
// snapshot's document numbers.
type facetPostings struct {
	reader indexReader // identity of the snapshot; only read while a search holds it open
	once   sync.Once
	fields map[string]map[string]*roaring.Bitmap // Bleve field -> value -> documents
	all    *roaring.Bitmap
	err    error
}

// postings returns the facet postings of the snapshot r, building them when
// r is not the snapshot of the cached ones. r must be open (the caller's
// search holds it) for the whole call.
func (ix *Index) postings(r indexReader) (*facetPostings, error) {
	ix.cacheMu.Lock()
	fp := ix.facetCache
	if fp == nil || fp.reader != r {
		fp = &facetPostings{reader: r}
		ix.facetCache = fp
	}
	ix.cacheMu.Unlock()
	fp.once.Do(func() { fp.err = ix.buildPostings(fp, r) })
	return fp, fp.err
}

// buildPostings assembles a snapshot's postings from its segments'.
func (ix *Index) buildPostings(fp *facetPostings, r indexReader) error {
	ss, err := ix.segmentsOf(r)
	if err != nil {
		return err
	}
	fp.fields = make(map[string]map[string]*roaring.Bitmap, len(FacetFields))
	for _, name := range FacetFields {
		fp.fields[filterFields[name]] = map[string]*roaring.Bitmap{}
	}
	fp.all = roaring.New()
	for i, s := range ss.segs {
		seg, offset := s.Segment(), int64(ss.offsets[i])
		byField, err := ix.segmentData(seg).facetPostings(seg)
		if err != nil {
			return err
		}
		for field, byTerm := range byField {
			for t, bm := range byTerm {
				shifted := roaring.AddOffset64(bm, offset)
				if cur := fp.fields[field][t]; cur != nil {
					cur.Or(shifted)
				} else {
					fp.fields[field][t] = shifted
				}
			}
		}
		live := roaring.New()
		live.AddRange(0, seg.Count())
		if del := s.Deleted(); del != nil {
			live.AndNot(del)
		}
		fp.all.Or(roaring.AddOffset64(live, offset))
	}
	return nil
}

// docNumber decodes an index-internal document id (a number within one
// snapshot).
func docNumber(id bindex.IndexInternalID) (uint32, error) {
	if len(id) != 8 {
		return 0, fmt.Errorf("index: internal id of %d bytes", len(id))
	}
	v := id.Value()
	if v > math.MaxUint32 {
		return 0, fmt.Errorf("index: document number %d out of range", v)
	}
	return uint32(v), nil
}

// facetCounts counts the facets of the documents matched by text and the
// exclusions and non-facet filters (base), for each facet field given the
// selections in the other facet fields: a field with no selection is
// counted over the results the reader sees, a field with a selection as if
// that one selection were removed (multi-select).
func (fp *facetPostings) facetCounts(base *roaring.Bitmap, filters map[string][]string, size int) map[string][]FacetValue {
	selected := fp.selections(filters)
	// within(skip) = base narrowed by every selection but skip's.
	within := func(skip string) *roaring.Bitmap {
		out := base
		for f, bm := range selected {
			if f != skip {
				out = roaring.And(out, bm)
			}
		}
		return out
	}
	var all *roaring.Bitmap // base narrowed by every selection, shared by unselected fields
	out := make(map[string][]FacetValue, len(FacetFields))
	for _, f := range FacetFields {
		docs := all
		if _, ok := selected[f]; ok {
			docs = within(f)
		} else if all == nil {
			all = within("")
			docs = all
		}
		out[f] = countValues(fp.fields[filterFields[f]], docs, size)
	}
	return out
}

// selections returns, for each facet with a selection in filters, the
// documents having any selected value.
func (fp *facetPostings) selections(filters map[string][]string) map[string]*roaring.Bitmap {
	selected := map[string]*roaring.Bitmap{}
	for _, f := range FacetFields {
		vs := nonEmpty(filters[f])
		if len(vs) == 0 {
			continue
		}
		byTerm := fp.fields[filterFields[f]]
		bms := make([]*roaring.Bitmap, 0, len(vs))
		for _, v := range vs {
			if bm := byTerm[v]; bm != nil {
				bms = append(bms, bm)
			}
		}
		selected[f] = roaring.FastOr(bms...)
	}
	return selected
}

// withinSelections returns the documents with a selected value in every
// facet that has a selection in filters, or nil when none has.
func (fp *facetPostings) withinSelections(filters map[string][]string) *roaring.Bitmap {
	var out *roaring.Bitmap
	for _, bm := range fp.selections(filters) {
		if out == nil {
			out = bm.Clone()
		} else {
			out.And(bm)
		}
	}
	return out
}

// countValues returns the size most frequent values among docs.
func countValues(byTerm map[string]*roaring.Bitmap, docs *roaring.Bitmap, size int) []FacetValue {
	vs := make([]FacetValue, 0, len(byTerm))
	if !docs.IsEmpty() {
		for t, bm := range byTerm {
			if n := docs.AndCardinality(bm); n > 0 {
				vs = append(vs, FacetValue{Value: t, Count: int(n)})
			}
		}
	}
	sortFacetValues(vs)
	if len(vs) > size {
		vs = vs[:size]
	}
	return vs
}
