package index

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	bindex "github.com/blevesearch/bleve_index_api"
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
// the documents that have each, and the set of all live documents.
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
	fp.once.Do(func() { fp.err = fp.build(r) })
	return fp, fp.err
}

// build reads the postings of every facet field's values and the live
// documents.
func (fp *facetPostings) build(r indexReader) error {
	ctx := context.Background() // shared by searches: not cancelled with the one that builds it
	fp.fields = make(map[string]map[string]*roaring.Bitmap, len(FacetFields))
	for _, name := range FacetFields {
		field := filterFields[name]
		terms, err := fieldTerms(r, field)
		if err != nil {
			return fmt.Errorf("index: facet postings of %s: %w", field, err)
		}
		byTerm := make(map[string]*roaring.Bitmap, len(terms))
		for _, t := range terms {
			bm, err := termDocs(ctx, r, field, t)
			if err != nil {
				return fmt.Errorf("index: facet postings of %s:%s: %w", field, t, err)
			}
			if !bm.IsEmpty() {
				byTerm[t] = bm
			}
		}
		fp.fields[field] = byTerm
	}
	dr, err := r.DocIDReaderAll()
	if err != nil {
		return fmt.Errorf("index: live documents: %w", err)
	}
	defer dr.Close()
	var buf []uint32
	for {
		id, err := dr.Next()
		if err != nil {
			return fmt.Errorf("index: live documents: %w", err)
		}
		if id == nil {
			break
		}
		n, err := docNumber(id)
		if err != nil {
			return err
		}
		buf = append(buf, n)
	}
	fp.all = roaring.BitmapOf(buf...)
	return nil
}

// fieldTerms lists the terms of a field's dictionary.
func fieldTerms(r indexReader, field string) ([]string, error) {
	d, err := r.FieldDict(field)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var terms []string
	for {
		e, err := d.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return terms, nil
		}
		terms = append(terms, e.Term)
	}
}

// termDocs returns the numbers of the live documents with term in field.
func termDocs(ctx context.Context, r indexReader, field, term string) (*roaring.Bitmap, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return nil, err
	}
	defer tfr.Close()
	buf := make([]uint32, 0, tfr.Count())
	pre := &bindex.TermFieldDoc{}
	for {
		tfd, err := tfr.Next(pre)
		if err != nil {
			return nil, err
		}
		if tfd == nil {
			return roaring.BitmapOf(buf...), nil
		}
		n, err := docNumber(tfd.ID)
		if err != nil {
			return nil, err
		}
		buf = append(buf, n)
		pre = tfd
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

// matchRecorder records the numbers of the documents one search matches,
// and the snapshot it ran on, through Bleve's document match handler hook;
// the search's own top-N collection is unchanged. When the search ends,
// while its snapshot is still open, done is called.
type matchRecorder struct {
	matched *roaring.Bitmap
	buf     []uint32
	done    func(r indexReader, matched *roaring.Bitmap) error
}

// context returns ctx carrying the hook; pass it to SearchInContext.
func (m *matchRecorder) context(ctx context.Context) context.Context {
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(m.handler))
}

func (m *matchRecorder) handler(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
	topN, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
	if err != nil {
		return nil, false, err
	}
	m.matched = roaring.New()
	m.buf = m.buf[:0]
	r := sctx.IndexReader
	return func(d *search.DocumentMatch) error {
		if d == nil { // the end: flush, then count while r is open
			m.matched.AddMany(m.buf)
			if err := topN(nil); err != nil {
				return err
			}
			return m.done(r, m.matched)
		}
		n, err := docNumber(d.IndexInternalID)
		if err != nil {
			return err
		}
		if m.buf = append(m.buf, n); len(m.buf) == cap(m.buf) && len(m.buf) >= 4096 {
			m.matched.AddMany(m.buf)
			m.buf = m.buf[:0]
		}
		return topN(d) // may recycle d
	}, loadID, nil
}

// facetCounts counts the facets of the documents matched by text and the
// exclusions and non-facet filters (base), for each facet field given the
// selections in the other facet fields: a field with no selection is
// counted over the results the reader sees, a field with a selection as if
// that one selection were removed (multi-select).
func (fp *facetPostings) facetCounts(base *roaring.Bitmap, fields []string, filters map[string][]string, size int) map[string][]FacetValue {
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
	out := make(map[string][]FacetValue, len(fields))
	for _, f := range fields {
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
