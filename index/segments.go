package index

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// What facets and sorts read from the index, read once per segment.
//
// A Bleve (scorch) snapshot is a list of immutable segments; a document's
// number in the snapshot is its number in its segment plus the sizes
// (deleted documents included) of the segments before it. A write adds a
// segment and a merge replaces several with one, so whatever is read from
// a segment stays valid for as long as the segment is in use.

// Warm reads what facets and sorts need from the segments of the current
// snapshot that were not read yet, so that the first search after opening
// (and, with Options.Warm, after each write) does not wait for it. At 100k
// documents a first read of everything takes about half a second.
func (ix *Index) Warm() error {
	return ix.withReader(func(r indexReader) error {
		if _, err := ix.postings(r); err != nil {
			return err
		}
		return ix.bindSortKeys(search.SortOrder{newSortKey(fPublished, false), newSortKey(fTitleSort, false), newSortKey(fIDSort, false)}, r)
	})
}

// snapshotSegments is a snapshot's segments with the first document
// number of each.
type snapshotSegments struct {
	segs    []*scorch.SegmentSnapshot
	offsets []uint64
}

// segmentsOf returns the segments of the snapshot r, which must be open
// (held by the caller's search), and forgets what was read from segments
// merged away.
func (ix *Index) segmentsOf(r indexReader) (*snapshotSegments, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("index: not a scorch snapshot but %T", r)
	}
	ix.forgetSegments(snap)
	ss := &snapshotSegments{segs: snap.Segments()}
	var offset uint64
	for _, s := range ss.segs {
		ss.offsets = append(ss.offsets, offset)
		offset += s.Segment().Count()
	}
	if offset > math.MaxUint32 {
		return nil, fmt.Errorf("index: %d document numbers in one snapshot", offset)
	}
	return ss, nil
}

// segmentReads counts reads of segments' facet postings and sort values
// (for tests).
var segmentReads atomic.Int64

// segmentData is what was read from one segment, each part when first
// needed.
type segmentData struct {
	facetsOnce sync.Once
	facets     map[string]map[string]*roaring.Bitmap // facet field -> value -> local documents
	facetsErr  error
	tablesOnce sync.Once
	tables     map[string]*facetTable // facet field -> values by local document

	mu     sync.Mutex
	values map[string][]string // sort field -> local document -> value ("" if none)
}

// segmentData returns the data cached for seg, creating an empty entry.
func (ix *Index) segmentData(seg segment.Segment) *segmentData {
	ix.segMu.Lock()
	defer ix.segMu.Unlock()
	sd := ix.segData[seg]
	if sd == nil {
		if ix.segData == nil {
			ix.segData = map[segment.Segment]*segmentData{}
		}
		sd = &segmentData{}
		ix.segData[seg] = sd
	}
	return sd
}

// facetPostings returns seg's postings of every facet field's values.
func (sd *segmentData) facetPostings(seg segment.Segment) (map[string]map[string]*roaring.Bitmap, error) {
	sd.facetsOnce.Do(func() {
		segmentReads.Add(1)
		sd.facets = make(map[string]map[string]*roaring.Bitmap, len(FacetFields))
		for _, name := range FacetFields {
			field := filterFields[name]
			byTerm, err := readFieldPostings(seg, field)
			if err != nil {
				sd.facetsErr = fmt.Errorf("index: facet postings of %s: %w", field, err)
				return
			}
			sd.facets[field] = byTerm
		}
	})
	return sd.facets, sd.facetsErr
}

// facetTables returns seg's tables of facet values by local document,
// from byField (its facetPostings).
func (sd *segmentData) facetTables(seg segment.Segment, byField map[string]map[string]*roaring.Bitmap) map[string]*facetTable {
	sd.tablesOnce.Do(func() {
		sd.tables = make(map[string]*facetTable, len(byField))
		for field, byTerm := range byField {
			sd.tables[field] = newFacetTable(byTerm, seg.Count())
		}
	})
	return sd.tables
}

// sortValues returns seg's values of a one-valued keyword field by local
// document number.
func (sd *segmentData) sortValues(seg segment.Segment, field string) ([]string, error) {
	sd.mu.Lock()
	defer sd.mu.Unlock()
	if t, ok := sd.values[field]; ok {
		return t, nil
	}
	segmentReads.Add(1)
	t := make([]string, seg.Count())
	err := visitFieldPostings(seg, field, func(term string, docs []uint32) {
		for _, n := range docs {
			if int(n) < len(t) {
				t[n] = term
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("index: sort values of %s: %w", field, err)
	}
	if sd.values == nil {
		sd.values = map[string][]string{}
	}
	sd.values[field] = t
	return t, nil
}

// forgetSegments drops the data of the segments that are not in the
// snapshot r (merged away), once per snapshot.
func (ix *Index) forgetSegments(r *scorch.IndexSnapshot) {
	ix.segMu.Lock()
	defer ix.segMu.Unlock()
	if ix.prunedFor == r {
		return
	}
	ix.prunedFor = r
	inUse := map[segment.Segment]bool{}
	for _, ss := range r.Segments() {
		inUse[ss.Segment()] = true
	}
	for seg := range ix.segData {
		if !inUse[seg] {
			delete(ix.segData, seg)
		}
	}
}

// readFieldPostings reads every term of field in seg with its documents.
func readFieldPostings(seg segment.Segment, field string) (map[string]*roaring.Bitmap, error) {
	out := map[string]*roaring.Bitmap{}
	err := visitFieldPostings(seg, field, func(term string, docs []uint32) {
		out[term] = roaring.BitmapOf(docs...) // copies docs
	})
	return out, err
}

// visitFieldPostings calls visit with every term of field in seg and its
// documents (a slice reused between calls).
func visitFieldPostings(seg segment.Segment, field string, visit func(term string, docs []uint32)) error {
	dict, err := seg.Dictionary(field)
	if err != nil || dict == nil {
		return err
	}
	terms := dict.AutomatonIterator(nil, nil, nil)
	var docs []uint32
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	for {
		e, err := terms.Next()
		if err != nil {
			return err
		}
		if e == nil {
			return nil
		}
		if pl, err = dict.PostingsList([]byte(e.Term), nil, pl); err != nil {
			return err
		}
		pi = pl.Iterator(false, false, false, pi)
		docs = docs[:0]
		for {
			p, err := pi.Next()
			if err != nil {
				return err
			}
			if p == nil {
				break
			}
			docs = append(docs, uint32(p.Number()))
		}
		if len(docs) > 0 {
			visit(e.Term, docs)
		}
	}
}
