package index

import (
	"sort"

	"github.com/blevesearch/bleve/v2/search"
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

func newSortKey(field string, desc bool) *sortKey {
	return &sortKey{field: field, desc: desc, col: &sortColumn{}}
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
	var ss *snapshotSegments
	for _, s := range so {
		k, ok := s.(*sortKey)
		if !ok {
			continue
		}
		if ss == nil {
			var err error
			if ss, err = ix.segmentsOf(r); err != nil {
				return err
			}
		}
		k.col.offsets = ss.offsets
		k.col.tables = make([][]string, len(ss.segs))
		for i, s := range ss.segs {
			t, err := ix.segmentData(s.Segment()).sortValues(s.Segment(), k.field)
			if err != nil {
				return err
			}
			k.col.tables[i] = t
		}
	}
	return nil
}
