package index

import (
	"context"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
)

// searchHook runs code of ours inside one Bleve search, while its index
// snapshot is open, through Bleve's document match handler hook; the
// search's own top-N collection is unchanged. Before the first match it
// binds the sort keys of sort to the snapshot (sortkeys.go); when done is
// set, it records the numbers of the documents the search matches and
// calls done with them at the end (facets.go). With selected, only the
// matches that have a selected value in every facet with a selection go on
// to the page (the search itself is of the words without the selections,
// whose every match the facet counts need); within counts them.
type searchHook struct {
	ix       *Index
	sort     search.SortOrder
	done     func(r indexReader, matched *roaring.Bitmap) error
	selected Selections
	within   uint64
}

// context returns ctx carrying the hook; pass it to SearchInContext.
func (h *searchHook) context(ctx context.Context) context.Context {
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(h.handler))
}

func (h *searchHook) handler(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
	topN, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
	if err != nil {
		return nil, false, err
	}
	r := sctx.IndexReader
	if err := h.ix.bindSortKeys(h.sort, r); err != nil {
		return nil, false, err
	}
	if h.done == nil {
		return topN, loadID, nil
	}
	var keep *roaring.Bitmap
	if len(h.selected) > 0 {
		fp, err := h.ix.postings(r)
		if err != nil {
			return nil, false, err
		}
		keep = fp.withinSelections(h.selected)
	}
	matched := roaring.New()
	buf := make([]uint32, 0, 4096) // document numbers come in increasing order: added in runs
	return func(d *search.DocumentMatch) error {
		if d == nil { // the end: flush, then report while r is open
			matched.AddMany(buf)
			if err := topN(nil); err != nil {
				return err
			}
			return h.done(r, matched)
		}
		n, err := docNumber(d.IndexInternalID)
		if err != nil {
			return err
		}
		if buf = append(buf, n); len(buf) == cap(buf) {
			matched.AddMany(buf)
			buf = buf[:0]
		}
		if keep != nil && !keep.Contains(n) {
			sctx.DocumentMatchPool.Put(d)
			return nil
		}
		h.within++
		return topN(d) // may recycle d
	}, loadID, nil
}
