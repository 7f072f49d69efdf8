package index

import (
	"fmt"
	"math"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Facet counting by bitmaps.
//
// Bleve counts facets by visiting every matching document's docvalues,
// which was most of the CPU of a search over 100k documents. Instead, a
// search records the numbers of the documents it matches in a bitmap, and
// each facet value's count is the size of that bitmap's intersection with
// the value's postings. The postings bitmaps are built once per index
// snapshot (document numbers change when Bleve merges segments) and shared
// by every search that runs on it; a write makes a new snapshot, so counts
// are never stale. Multi-select counts (each selected field counted with
// its own selection left out) come from one search's bitmap combined with
// the selections' postings, instead of one more search per field.

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

// segmentPostings is one segment's facet postings, in its own document
// numbers. Segments never change, so they are read once, however many
// snapshots share them: a write reads only its new segment.
type segmentPostings map[string]map[string]*roaring.Bitmap // Bleve field -> value -> documents

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

// buildPostings assembles a snapshot's postings from its segments': a
// segment's documents are numbered from the sum of the sizes (deleted
// documents included) of the segments before it.
func (ix *Index) buildPostings(fp *facetPostings, r indexReader) error {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return fmt.Errorf("index: facet postings: not a scorch snapshot but %T", r)
	}
	segs := snap.Segments()
	fp.fields = make(map[string]map[string]*roaring.Bitmap, len(FacetFields))
	for _, name := range FacetFields {
		fp.fields[filterFields[name]] = map[string]*roaring.Bitmap{}
	}
	fp.all = roaring.New()
	var offset uint64
	for _, ss := range segs {
		seg := ss.Segment()
		sp, err := ix.segmentPostings(seg)
		if err != nil {
			return err
		}
		for field, byTerm := range sp {
			for t, bm := range byTerm {
				shifted := roaring.AddOffset64(bm, int64(offset))
				if cur := fp.fields[field][t]; cur != nil {
					cur.Or(shifted)
				} else {
					fp.fields[field][t] = shifted
				}
			}
		}
		live := roaring.New()
		live.AddRange(0, seg.Count())
		if del := ss.Deleted(); del != nil {
			live.AndNot(del)
		}
		fp.all.Or(roaring.AddOffset64(live, int64(offset)))
		offset += seg.Count()
	}
	if offset > math.MaxUint32 {
		return fmt.Errorf("index: facet postings: %d document numbers", offset)
	}
	ix.forgetSegments(snap)
	return nil
}

// segmentPostings returns the cached postings of seg, reading them first if
// needed. seg must be open (held by the caller's snapshot).
func (ix *Index) segmentPostings(seg segment.Segment) (segmentPostings, error) {
	ix.segMu.Lock()
	sp, ok := ix.segPostings[seg]
	ix.segMu.Unlock()
	if ok {
		return sp, nil
	}
	sp = make(segmentPostings, len(FacetFields))
	for _, name := range FacetFields {
		field := filterFields[name]
		byTerm, err := readFieldPostings(seg, field)
		if err != nil {
			return nil, fmt.Errorf("index: facet postings of %s: %w", field, err)
		}
		sp[field] = byTerm
	}
	ix.segMu.Lock()
	if ix.segPostings == nil {
		ix.segPostings = map[segment.Segment]segmentPostings{}
	}
	ix.segPostings[seg] = sp
	ix.segMu.Unlock()
	return sp, nil
}

// readFieldPostings reads every term of field in seg with its documents.
func readFieldPostings(seg segment.Segment, field string) (map[string]*roaring.Bitmap, error) {
	dict, err := seg.Dictionary(field)
	if err != nil || dict == nil {
		return nil, err
	}
	out := map[string]*roaring.Bitmap{}
	terms := dict.AutomatonIterator(nil, nil, nil)
	var buf []uint32
	var pi segment.PostingsIterator
	for {
		e, err := terms.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return out, nil
		}
		pl, err := dict.PostingsList([]byte(e.Term), nil, nil)
		if err != nil {
			return nil, err
		}
		pi = pl.Iterator(false, false, false, pi)
		buf = buf[:0]
		for {
			p, err := pi.Next()
			if err != nil {
				return nil, err
			}
			if p == nil {
				break
			}
			buf = append(buf, uint32(p.Number()))
		}
		if len(buf) > 0 {
			out[e.Term] = roaring.BitmapOf(buf...)
		}
	}
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
	// selected[f] = documents having any selected value of facet f.
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
