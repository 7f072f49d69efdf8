package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Result is one page of ids plus totals and facets.
type Result struct {
	Total      uint64
	Hits       []Hit
	Facets     map[Field][]FacetValue // field -> values, count desc then value
	Suggestion string                 // when Total == 0: a corrected or loosened query, or ""
	Took       time.Duration
	// Highlight is the query with synonyms expanded: pass it to Snippets so
	// "cse" also marks "child sexual exploitation".
	Highlight Query
}

// Hit is one matching document.
type Hit struct {
	ID    string
	Score float64
}

// FacetValue is one facet value and its count.
type FacetValue struct {
	Value string
	Count int
}

// Search runs the request (after Validate). Members-only summaries,
// bodies and extra text are searched only when req.Members is true.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	if err := req.Validate(); err != nil {
		return nil, err
	}
	release, err := ix.takeSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	c := newCompiler(ix.an, req.Members)
	expanded := ix.Expand(req.query)
	text := c.compile(expanded)

	// Relevance needs positive words; browsing (no words, or only
	// exclusions) lists the newest first.
	sortOrder := req.Sort
	if sortOrder == SortRelevance && (text == nil || onlyExclusions(req.query.root)) {
		sortOrder = SortNewest
	}
	// The date range narrows the search as a filter; so do ids when
	// there are no words. With words, the ids drive them (a conjunction
	// leapfrogs from one id to the next instead of filtering every
	// match of the words: a digest asks for a few hundred ids of 100,000).
	published := req.dateRange().query()
	if req.IDs != nil {
		ids := query.NewDocIDQuery(req.IDs)
		switch {
		case text != nil:
			text = query.NewConjunctionQuery([]query.Query{ids, text})
		case published != nil:
			published = query.NewConjunctionQuery([]query.Query{published, ids})
		default:
			published = ids
		}
	}
	main := bleve.NewSearchRequestOptions(ix.assemble(text, req.Filters, req.Excludes, published), req.PerPage, req.from(), false)
	main.Sort = sortFor(sortOrder)
	if sortOrder != SortRelevance {
		main.Score = "none"
	}
	hook := &searchHook{ix: ix, sort: main.Sort}
	var fr *facetRun
	if !req.NoFacets {
		fr = ix.planFacets(ctx, &req, text, published, main, hook)
	}
	res, err := ix.bi.SearchInContext(hook.context(ctx), main)
	if fr != nil {
		fr.wg.Wait()
	}
	if err != nil {
		return nil, fmt.Errorf("index: search: %w", err)
	}
	out := &Result{Total: res.Total, Hits: make([]Hit, 0, len(res.Hits)), Highlight: expanded}
	if len(hook.selected) > 0 {
		out.Total = hook.within // Bleve counted the matches outside the selections too
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, Hit{ID: h.ID, Score: h.Score})
	}
	if fr != nil {
		if out.Facets, err = fr.result(); err != nil {
			return nil, err
		}
	}
	if out.Total == 0 && req.Page == 1 && !req.query.Empty() {
		out.Suggestion = ix.suggest(ctx, req, c)
	}
	out.Took = time.Since(start)
	return out, nil
}

// takeSlot waits for a turn to search and returns its release. A search
// is CPU work from start to end: with more searches at once than cores,
// each would take as long as all of them together. Taken in turn, the
// first to come ends first (at 100k documents on 2 cores with 4 clients
// in process: p99 105 ms rather than 135, at the same 100 searches/s).
func (ix *Index) takeSlot(ctx context.Context) (func(), error) {
	select {
	case ix.slots <- struct{}{}:
	default:
		ix.waiting.add() // writes give way (Options.YieldToSearches)
		select {
		case ix.slots <- struct{}{}:
			ix.waiting.done()
		case <-ctx.Done():
			ix.waiting.done()
			return nil, ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil {
		<-ix.slots
		return nil, err
	}
	return func() { <-ix.slots }, nil
}

// facetRun counts a search's facets from bitmaps (facets.go) and keeps
// what it found.
type facetRun struct {
	ix     *Index
	size   int
	counts map[Field][]FacetValue
	err    error
	wg     sync.WaitGroup
}

// count counts the facets over base (nil: every document), each facet
// narrowed by the selections of the others in filters.
func (f *facetRun) count(r indexReader, base *roaring.Bitmap, filters Selections) error {
	fp, err := f.ix.postings(r)
	if err != nil {
		return err
	}
	if base == nil {
		base = fp.all
	}
	f.counts = fp.facetCounts(base, filters, f.size)
	return nil
}

// result is every facet's values (an empty list for a facet without any).
func (f *facetRun) result() (map[Field][]FacetValue, error) {
	if f.err != nil {
		return nil, fmt.Errorf("index: facets: %w", f.err)
	}
	out := make(map[Field][]FacetValue, len(FacetFields))
	for _, name := range FacetFields {
		out[name] = f.counts[name]
		if out[name] == nil {
			out[name] = []FacetValue{}
		}
	}
	return out, nil
}

// planFacets decides what the facets are counted over: every document
// when neither words nor exclusions nor filters other than facet
// selections narrow the search; else the main search's matches when no
// facet has a selection; else the matches without the selections, which
// the main search gives too when there are words (then main and hook
// change to ask for them).
func (ix *Index) planFacets(ctx context.Context, req *Request, text, published query.Query, main *bleve.SearchRequest, hook *searchHook) *facetRun {
	fr := &facetRun{ix: ix, size: req.facetSize()}
	unfaceted := withoutFacets(req.Filters)
	switch {
	case text == nil && len(unfaceted) == 0 && !hasValues(req.Excludes) && published == nil:
		fr.wg.Go(func() { fr.err = ix.withReader(func(r indexReader) error { return fr.count(r, nil, req.Filters) }) })
	case !facetSelected(req.Filters):
		hook.done = func(r indexReader, m *roaring.Bitmap) error { return fr.count(r, m, nil) }
	case text == nil:
		// Browsing: the selections drive the main search through their
		// postings; the counts need every match without them.
		fr.wg.Go(func() {
			sr := bleve.NewSearchRequestOptions(ix.assemble(text, unfaceted, req.Excludes, published), 0, 0, false)
			sr.Score = "none"
			base := &searchHook{ix: ix, done: func(r indexReader, m *roaring.Bitmap) error { return fr.count(r, m, req.Filters) }}
			_, fr.err = ix.bi.SearchInContext(base.context(ctx), sr)
		})
	default:
		// Words: one search of them without the selections gives the
		// counts every match, and the page only those within them.
		main.Query = ix.assemble(text, unfaceted, req.Excludes, published)
		hook.selected = req.Filters
		hook.done = func(r indexReader, m *roaring.Bitmap) error { return fr.count(r, m, req.Filters) }
	}
	return fr
}

// assemble adds filters, exclusions and narrow (another required query,
// or nil) to the text query.
func (ix *Index) assemble(text query.Query, filters, excludes Selections, narrow query.Query) query.Query {
	var must, not []query.Query
	if narrow != nil {
		must = append(must, narrow)
	}
	for _, name := range filters.Fields() {
		vs := nonEmpty(filters[name])
		if len(vs) == 0 {
			continue
		}
		must = append(must, keywordAny(filterFields[name], vs))
	}
	for _, name := range excludes.Fields() {
		vs := nonEmpty(excludes[name])
		if len(vs) == 0 {
			continue
		}
		not = append(not, keywordAny(filterFields[name], vs))
	}
	if len(must) == 0 && len(not) == 0 {
		if text == nil {
			return query.NewMatchAllQuery()
		}
		return text
	}
	b := query.NewBooleanQuery(nil, nil, nil)
	switch {
	case text == nil && len(must) > 0:
		// Browsing: the filters themselves drive the search (leapfrogging
		// postings) instead of filtering a scan of every document.
		b.AddMust(must...)
	case text == nil:
		b.AddMust(query.NewMatchAllQuery())
	default:
		b.AddMust(text)
		if len(must) == 1 {
			b.AddFilter(must[0])
		} else if len(must) > 1 {
			b.AddFilter(query.NewConjunctionQuery(must))
		}
	}
	if len(not) > 0 {
		b.AddMustNot(not...)
	}
	return b
}

// sortFor returns the Bleve sort order. Every order ends with the id so
// equal keys come back in a stable order; keys are read from per-segment
// tables (sortkeys.go), never from docvalues or stored fields.
func sortFor(order Sort) search.SortOrder {
	id := newSortKey(fIDSort, false)
	switch order {
	case SortNewest:
		return search.SortOrder{newSortKey(fPublished, true), id}
	case SortOldest:
		return search.SortOrder{newSortKey(fPublished, false), id}
	case SortTitle:
		return search.SortOrder{newSortKey(fTitleSort, false), id}
	}
	return search.SortOrder{&search.SortScore{Desc: true}, id}
}

// withoutFacets returns the filters on fields that are not facets (access,
// source), leaving out empty selections.
func withoutFacets(filters Selections) Selections {
	out := Selections{}
	for f, vs := range filters {
		if !f.IsFacet() && len(nonEmpty(vs)) > 0 {
			out[f] = vs
		}
	}
	return out
}

// facetSelected reports whether a value of any facet is selected.
func facetSelected(filters Selections) bool {
	return slices.ContainsFunc(FacetFields, func(f Field) bool { return len(nonEmpty(filters[f])) > 0 })
}

// hasValues reports whether m selects any value.
func hasValues(m Selections) bool {
	for _, vs := range m {
		if len(nonEmpty(vs)) > 0 {
			return true
		}
	}
	return false
}

// sortFacetValues sorts vs by count, highest first, then by value. The
// values of one facet are distinct, so the order is total (no stable sort
// needed; sort.SliceStable's reflection was 5% of a search's CPU).
func sortFacetValues(vs []FacetValue) {
	slices.SortFunc(vs, func(a, b FacetValue) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
}

func nonEmpty(vs []string) []string {
	out := vs[:0:0]
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}
