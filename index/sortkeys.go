package index

import (
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Sorting by a keyword field without docvalues.
//
// Bleve's SortField reads each matching document's docvalues and copies
// the value into a new string: at 100k documents that was a fifth of the
// server's CPU and of its allocations under load. A sortKey instead looks
// the value up in a table per segment (local document number -> value),
// read once from the segment's term dictionary, since segments never
// change; a search finds a document's segment from its number within the
// snapshot. The order is the same as SortField's with SortFieldAsString and
// missing values last.

// sortKey is a search.SearchSort on a keyword field with one value per
// document. Its column is bound to the search's snapshot by the match hook
// (searchHook) before the first document is collected.
type sortKey struct {
	field string
	desc  bool
	col   *sortColumn // shared by copies
}

// sortColumn is a field's values in one snapshot: segment i's documents
// are numbered from offsets[i], and tables[i][local] is a document's value
// ("" when it has none).
type sortColumn struct {
	offsets []uint64
	tables  [][]string
}

func (k *sortKey) UpdateVisitor(string, []byte) {}

func (k *sortKey) Value(d *search.DocumentMatch) string {
	c := k.col
	n := d.IndexInternalID.Value()
	i := sort.Search(len(c.offsets), func(i int) bool { return c.offsets[i] > n }) - 1
	if i < 0 || n-c.offsets[i] >= uint64(len(c.tables[i])) {
		return k.missing()
	}
	if v := c.tables[i][n-c.offsets[i]]; v != "" {
		return v
	}
	return k.missing()
}

// missing sorts documents without a value last, as SortFieldMissingLast.
func (k *sortKey) missing() string {
	if k.desc {
		return search.LowTerm
	}
	return search.HighTerm
}

func (k *sortKey) DecodeValue(v string) string { return v }
func (k *sortKey) Descending() bool            { return k.desc }
func (k *sortKey) RequiresDocID() bool         { return false }
func (k *sortKey) RequiresScoring() bool       { return false }
func (k *sortKey) RequiresFields() []string    { return nil }
func (k *sortKey) Reverse()                    { k.desc = !k.desc }

func (k *sortKey) Copy() search.SearchSort {
	c := *k
	return &c
}

// bindSortKeys fills the columns of the sort keys in so for the snapshot r
// (open, held by the caller's search).
func (ix *Index) bindSortKeys(so search.SortOrder, r indexReader) error {
	for _, s := range so {
		k, ok := s.(*sortKey)
		if !ok {
			continue
		}
		snap, ok := r.(*scorch.IndexSnapshot)
		if !ok {
			return fmt.Errorf("index: sort by %s: not a scorch snapshot but %T", k.field, r)
		}
		ix.forgetSegments(snap)
		segs := snap.Segments()
		k.col.offsets = make([]uint64, len(segs))
		k.col.tables = make([][]string, len(segs))
		var offset uint64
		for i, ss := range segs {
			t, err := ix.segmentSortTable(ss.Segment(), k.field)
			if err != nil {
				return err
			}
			k.col.offsets[i], k.col.tables[i] = offset, t
			offset += ss.Segment().Count()
		}
	}
	return nil
}

// segmentSortTable returns seg's values of field by local document
// number, reading them from its term dictionary the first time.
func (ix *Index) segmentSortTable(seg segment.Segment, field string) ([]string, error) {
	ix.segMu.Lock()
	t, ok := ix.segSorts[seg][field]
	ix.segMu.Unlock()
	if ok {
		return t, nil
	}
	byTerm, err := readFieldPostings(seg, field)
	if err != nil {
		return nil, fmt.Errorf("index: sort values of %s: %w", field, err)
	}
	t = make([]string, seg.Count())
	for term, docs := range byTerm {
		it := docs.Iterator()
		for it.HasNext() {
			if n := it.Next(); int(n) < len(t) {
				t[n] = term
			}
		}
	}
	ix.segMu.Lock()
	if ix.segSorts == nil {
		ix.segSorts = map[segment.Segment]map[string][]string{}
	}
	if ix.segSorts[seg] == nil {
		ix.segSorts[seg] = map[string][]string{}
	}
	ix.segSorts[seg][field] = t
	ix.segMu.Unlock()
	return t, nil
}

// forgetSegments drops the cached tables of the segments that are not in
// the snapshot r (merged away), once per snapshot.
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
	for seg := range ix.segPostings {
		if !inUse[seg] {
			delete(ix.segPostings, seg)
		}
	}
	for seg := range ix.segSorts {
		if !inUse[seg] {
			delete(ix.segSorts, seg)
		}
	}
}
