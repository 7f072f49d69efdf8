package index

import (
	"fmt"
	"math"
	"slices"
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
//
// The counts themselves are not intersections of bitmaps (one per value,
// ~430 of them at 10k documents, each as long as the shorter of the two):
// each segment also keeps a table of every document's values
// (facetTable), and a count walks the matched documents once, adding one
// to each of their values, for all the facets that share those documents.

// facetPostings is, for one index snapshot, every facet field's values with
// the documents that have each, and the set of all live documents, in the
// snapshot's document numbers.
type facetPostings struct {
	reader indexReader // identity of the snapshot; only read while a search holds it open
	once   sync.Once
	fields map[string]map[string]*roaring.Bitmap // Bleve field -> value -> documents
	all    *roaring.Bitmap
	err    error
	// vals numbers each field's values in this snapshot (Bleve field ->
	// number -> value), and segs holds each segment's tables of values by
	// document, their numbers translated to vals'.
	vals map[string][]string
	segs []snapshotFacets
	// everyOnce/every: the counts over every document (browsing), the
	// same for every search on the snapshot, counted once.
	everyOnce sync.Once
	every     map[Field][]FacetValue
}

// snapshotFacets is one segment's facet tables in a snapshot.
type snapshotFacets struct {
	offset, count uint32
	tables        map[string]*facetTable // Bleve field -> the segment's table
	number        map[string][]uint32    // Bleve field -> table value number -> vals number
}

// facetTable is one segment's values of one facet field by local
// document: those of document d are vals[ords[start[d]:start[d+1]]].
type facetTable struct {
	vals  []string
	start []uint32
	ords  []uint32
}

// newFacetTable tabulates a segment's postings of one field (value ->
// local documents) for count documents.
func newFacetTable(byTerm map[string]*roaring.Bitmap, count uint64) *facetTable {
	t := &facetTable{vals: make([]string, 0, len(byTerm)), start: make([]uint32, count+1)}
	for v := range byTerm {
		t.vals = append(t.vals, v)
	}
	slices.Sort(t.vals)
	for _, v := range t.vals {
		it := byTerm[v].Iterator()
		for it.HasNext() {
			if d := it.Next(); uint64(d) < count {
				t.start[d+1]++
			}
		}
	}
	for d := range count {
		t.start[d+1] += t.start[d]
	}
	t.ords = make([]uint32, t.start[count])
	next := slices.Clone(t.start[:count])
	for k, v := range t.vals {
		it := byTerm[v].Iterator()
		for it.HasNext() {
			if d := it.Next(); uint64(d) < count {
				t.ords[next[d]] = uint32(k)
				next[d]++
			}
		}
	}
	return t
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
	fp.vals = make(map[string][]string, len(FacetFields))
	number := make(map[string]map[string]uint32, len(FacetFields)) // Bleve field -> value -> vals number
	for i, s := range ss.segs {
		seg, offset := s.Segment(), int64(ss.offsets[i])
		sd := ix.segmentData(seg)
		byField, err := sd.facetPostings(seg)
		if err != nil {
			return err
		}
		sf := snapshotFacets{offset: uint32(offset), count: uint32(seg.Count()), tables: sd.facetTables(seg, byField),
			number: make(map[string][]uint32, len(FacetFields))}
		for field, t := range sf.tables {
			if number[field] == nil {
				number[field] = map[string]uint32{}
			}
			nums := make([]uint32, len(t.vals))
			for k, v := range t.vals {
				n, ok := number[field][v]
				if !ok {
					n = uint32(len(fp.vals[field]))
					number[field][v] = n
					fp.vals[field] = append(fp.vals[field], v)
				}
				nums[k] = n
			}
			sf.number[field] = nums
		}
		fp.segs = append(fp.segs, sf)
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
func (fp *facetPostings) facetCounts(base *roaring.Bitmap, filters Selections, size int) map[Field][]FacetValue {
	selected := fp.selections(filters)
	if base == fp.all && len(selected) == 0 {
		fp.everyOnce.Do(func() {
			fp.every = make(map[Field][]FacetValue, len(FacetFields))
			fp.countInto(fp.every, base, FacetFields, MaxFacetSize)
		})
		out := make(map[Field][]FacetValue, len(FacetFields))
		for f, vs := range fp.every {
			out[f] = slices.Clone(vs[:min(len(vs), size)]) // callers own their results
		}
		return out
	}
	// within(skip) = base narrowed by every selection but skip's.
	within := func(skip Field) *roaring.Bitmap {
		out := base
		for f, bm := range selected {
			if f != skip {
				out = roaring.And(out, bm)
			}
		}
		return out
	}
	out := make(map[Field][]FacetValue, len(FacetFields))
	var unselected []Field // counted together, over base narrowed by every selection
	for _, f := range FacetFields {
		if _, ok := selected[f]; ok {
			fp.countInto(out, within(f), []Field{f}, size)
		} else {
			unselected = append(unselected, f)
		}
	}
	if len(unselected) > 0 {
		fp.countInto(out, within(""), unselected, size)
	}
	return out
}

// countInto sets out[f], for each facet f of facets, to the size most
// frequent values among docs, walking docs once through the segments'
// tables; or, when docs are dense, from the sizes of their intersections
// with each value's documents.
func (fp *facetPostings) countInto(out map[Field][]FacetValue, docs *roaring.Bitmap, facets []Field, size int) {
	if fp.dense(docs) {
		for _, f := range facets {
			out[f] = countValues(fp.fields[filterFields[f]], docs, size)
		}
		return
	}
	fp.countTables(out, docs, facets, size)
}

// countTables is countInto through the segments' tables.
func (fp *facetPostings) countTables(out map[Field][]FacetValue, docs *roaring.Bitmap, facets []Field, size int) {
	type counting struct {
		facet  Field
		field  string
		counts []int
	}
	cs := make([]counting, len(facets))
	for i, f := range facets {
		field := filterFields[f]
		cs[i] = counting{facet: f, field: field, counts: make([]int, len(fp.vals[field]))}
	}
	ns := docs.ToArray()
	for si := range fp.segs {
		sf := &fp.segs[si]
		// The documents of segment si: ns is in increasing order.
		lo, _ := slices.BinarySearch(ns, sf.offset)
		hi, _ := slices.BinarySearch(ns, sf.offset+sf.count)
		if lo == hi {
			continue
		}
		for _, c := range cs {
			t, number, counts := sf.tables[c.field], sf.number[c.field], c.counts
			if t == nil {
				continue
			}
			for _, n := range ns[lo:hi] {
				d := n - sf.offset
				for _, o := range t.ords[t.start[d]:t.start[d+1]] {
					counts[number[o]]++
				}
			}
		}
	}
	for _, c := range cs {
		vs := make([]FacetValue, 0, len(c.counts))
		for k, n := range c.counts {
			if n > 0 {
				vs = append(vs, FacetValue{Value: fp.vals[c.field][k], Count: n})
			}
		}
		sortFacetValues(vs)
		if len(vs) > size {
			vs = vs[:size]
		}
		out[c.facet] = vs
	}
}

// selections returns, for each facet with a selection in filters, the
// documents having any selected value.
func (fp *facetPostings) selections(filters Selections) map[Field]*roaring.Bitmap {
	selected := map[Field]*roaring.Bitmap{}
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
func (fp *facetPostings) withinSelections(filters Selections) *roaring.Bitmap {
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

// dense reports whether docs are held mostly as bitmaps: roaring keeps
// the numbers of each block of 65,536 in an array up to 4,096 of them.
// Counting a value over a bitmap is a popcount of its documents' words,
// whatever their number; the tables cost a few nanoseconds per document
// and value, which is less for fewer documents (BenchmarkFacetCounts10k:
// 5,000 of 10,000 documents 0.16 ms by intersections, 0.25 ms by tables;
// 1,000: 0.96 and 0.09 ms).
func (fp *facetPostings) dense(docs *roaring.Bitmap) bool {
	st := docs.Stats()
	return st.BitmapContainerValues+st.RunContainerValues > st.ArrayContainerValues
}

// countValues returns the size most frequent values among docs, from
// the sizes of their intersections with each value's documents.
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
