package index

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Request limits.
const (
	DefaultSize      = 20
	MaxSize          = 100
	MaxWindow        = 10000 // From+Size
	DefaultFacetSize = 50
	MaxFacetSize     = 1000
	MaxFilterValues  = 50
)

// FacetFields are the public facet names, in display order: a region
// before the (many) local areas within it.
var FacetFields = []string{"theme", "publisher", "type", "year", "region", "area"}

// filterFields maps filter names to keyword fields. Besides the facets,
// "access" and "source" may be filtered on.
var filterFields = map[string]string{
	"theme": fTheme, "publisher": fPublisher, "type": fType, "year": fYear,
	"area": fArea, "region": fRegion, "access": fAccess, "source": fSource,
}

// Sort orders accepted in Request.Sort.
const (
	SortRelevance = "relevance"
	SortNewest    = "newest"
	SortOldest    = "oldest"
	SortTitle     = "title"
)

// Sorts lists the sort orders, the one list every layer checks against.
var Sorts = []string{SortRelevance, SortNewest, SortOldest, SortTitle}

// Request is one search.
type Request struct {
	Query    Query
	Filters  map[string][]string // facet field -> selected values; OR within a field, AND across fields
	Excludes map[string][]string // facet field -> excluded values (NOT)
	Members  bool                // the reader may read members-only text
	Sort     string              // "relevance" (default; newest when the query is empty), "newest", "oldest", "title"
	From     int
	Size     int // 0 means DefaultSize; at most MaxSize
	Facets   bool
	// FacetSize is the most values per facet (0 means DefaultFacetSize).
	FacetSize int
	// Published, when set, keeps only documents whose published key is
	// within it. It narrows every facet's counts too (it is not a facet).
	Published *DateRange
}

// DateRange keeps the documents whose published key (Document.Published)
// is within From..To, both inclusive ("" leaves that end open), or is one
// of Also (keys of periods that start before From yet reach into the
// range: a year, a month). A document without a published key never
// matches. The caller decides what the keys mean.
type DateRange struct {
	From, To string
	Also     []string
}

// MaxDateAlso bounds DateRange.Also.
const MaxDateAlso = 4

var dayKeyRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func (d *DateRange) validate() error {
	for _, k := range []string{d.From, d.To} {
		if k != "" && !dayKeyRE.MatchString(k) {
			return fmt.Errorf("%w: date range end %q is not YYYY-MM-DD", ErrBadQuery, k)
		}
	}
	if d.From != "" && d.To != "" && d.From > d.To {
		return fmt.Errorf("%w: date range from %q is after to %q", ErrBadQuery, d.From, d.To)
	}
	if len(d.Also) > MaxDateAlso {
		return fmt.Errorf("%w: more than %d extra date keys", ErrBadQuery, MaxDateAlso)
	}
	return nil
}

// query is the range as a query, or nil. A range of keys is a disjunction
// of every key in it, so it costs one posting list per distinct date: the
// whole years inside the range are asked of the year keyword instead (one
// term a year), and the days of the partial years at its ends of the
// published keys.
func (d *DateRange) query() query.Query {
	if d == nil {
		return nil
	}
	keys := func(field, lo, hi string) query.Query {
		yes := true
		r := query.NewTermRangeInclusiveQuery(lo, hi, &yes, &yes)
		r.SetField(field)
		return r
	}
	var qs []query.Query
	fy, ty := d.From, d.To
	if len(fy) >= 4 {
		fy = fy[:4]
	}
	if len(ty) >= 4 {
		ty = ty[:4]
	}
	partialF := d.From != "" && d.From[4:] != "-01-01"
	partialT := d.To != "" && d.To[4:] != "-12-31"
	if fy != "" && fy == ty && (partialF || partialT) {
		lo := d.From
		if !partialF {
			lo = fy + "-00-00" // the year's own key and its months' keys too
		}
		qs = append(qs, keys(fPublished, lo, d.To))
	} else {
		wlo, whi := "1", "" // whole years, as year keywords ("" is open)
		switch {
		case partialF:
			qs = append(qs, keys(fPublished, d.From, fy+"-12-31"))
			wlo = nextYear(fy, 1)
		case d.From != "":
			wlo = fy
		}
		switch {
		case partialT:
			qs = append(qs, keys(fPublished, ty+"-00-00", d.To))
			whi = nextYear(ty, -1)
		case d.To != "":
			whi = ty
		}
		if whi == "" || wlo <= whi {
			qs = append(qs, keys(fYear, wlo, whi))
		}
	}
	for _, k := range d.Also {
		t := query.NewTermQuery(k)
		t.SetField(fPublished)
		qs = append(qs, t)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// nextYear is the four-digit year y+delta.
func nextYear(y string, delta int) string {
	n, _ := strconv.Atoi(y)
	return fmt.Sprintf("%04d", n+delta)
}

// Result is one page of ids plus totals and facets.
type Result struct {
	Total      uint64
	Hits       []Hit
	Facets     map[string][]FacetValue // field -> values, count desc then value
	Suggestion string                  // when Total == 0: a corrected or loosened query, or ""
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

// validate checks the request bounds; errors wrap ErrBadQuery.
func (r *Request) validate() error {
	if r.From < 0 || r.Size < 0 {
		return fmt.Errorf("%w: negative from or size", ErrBadQuery)
	}
	if r.Size > MaxSize {
		return fmt.Errorf("%w: size %d is more than %d", ErrBadQuery, r.Size, MaxSize)
	}
	if r.From+r.size() > MaxWindow {
		return fmt.Errorf("%w: results beyond %d are not available", ErrBadQuery, MaxWindow)
	}
	if r.FacetSize < 0 || r.FacetSize > MaxFacetSize {
		return fmt.Errorf("%w: facet size %d out of range 0..%d", ErrBadQuery, r.FacetSize, MaxFacetSize)
	}
	if r.Published != nil {
		if err := r.Published.validate(); err != nil {
			return err
		}
	}
	if r.Sort != "" && !slices.Contains(Sorts, r.Sort) {
		return fmt.Errorf("%w: unknown sort %q", ErrBadQuery, r.Sort)
	}
	for what, m := range map[string]map[string][]string{"filter": r.Filters, "exclude": r.Excludes} {
		for f, vs := range m {
			if _, ok := filterFields[f]; !ok {
				return fmt.Errorf("%w: unknown %s field %q", ErrBadQuery, what, f)
			}
			if len(vs) > MaxFilterValues {
				return fmt.Errorf("%w: more than %d %s values for %q", ErrBadQuery, MaxFilterValues, what, f)
			}
		}
	}
	return nil
}

func (r *Request) size() int {
	if r.Size == 0 {
		return DefaultSize
	}
	return r.Size
}

func (r *Request) facetSize() int {
	if r.FacetSize == 0 {
		return DefaultFacetSize
	}
	return r.FacetSize
}

// Search runs the request. Members-only summaries, bodies and extra text are
// searched only when req.Members is true.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	if err := req.validate(); err != nil {
		return nil, err
	}
	// A search is CPU work from start to end: with more searches at once
	// than cores, each would take as long as all of them together. Taken
	// in turn, the first to come ends first (at 100k documents on 2 cores
	// with 4 clients in process: p99 105 ms rather than 135, at the same
	// 100 searches/s).
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
	defer func() { <-ix.slots }()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := newCompiler(ix.an, req.Members)
	expanded := ix.Expand(req.Query)
	text := c.compile(expanded)

	// Relevance needs positive words; browsing (no words, or only
	// exclusions) lists the newest first.
	sortOrder := req.Sort
	if sortOrder == "" {
		sortOrder = SortRelevance
	}
	if sortOrder == SortRelevance && (text == nil || onlyExclusions(req.Query.root)) {
		sortOrder = SortNewest
	}

	main := bleve.NewSearchRequestOptions(ix.assemble(text, req.Filters, req.Excludes, req.Published.query()), req.size(), req.From, false)
	main.Sort = sortFor(sortOrder)
	if sortOrder != SortRelevance {
		main.Score = "none"
	}

	// Facets are counted from bitmaps (facets.go), each facet narrowed by
	// the selections of the others, over: every document when neither words
	// nor exclusions nor filters other than facet selections narrow the
	// search; else the main search's matches when no facet has a
	// selection; else the matches without the selections, which the main
	// search gives too when there are words.
	var counts map[string][]FacetValue
	count := func(r indexReader, base *roaring.Bitmap, filters map[string][]string) error {
		fp, err := ix.postings(r)
		if err != nil {
			return err
		}
		if base == nil {
			base = fp.all
		}
		counts = fp.facetCounts(base, filters, req.facetSize())
		return nil
	}
	hook := &searchHook{ix: ix, sort: main.Sort}
	var wg sync.WaitGroup
	var countErr error
	if req.Facets {
		unfaceted := withoutFacets(req.Filters)
		switch {
		case text == nil && len(unfaceted) == 0 && !hasValues(req.Excludes) && req.Published == nil:
			wg.Go(func() { countErr = ix.withReader(func(r indexReader) error { return count(r, nil, req.Filters) }) })
		case !facetSelected(req.Filters):
			hook.done = func(r indexReader, m *roaring.Bitmap) error { return count(r, m, nil) }
		case text == nil:
			// Browsing: the selections drive the main search through their
			// postings; the counts need every match without them.
			wg.Go(func() {
				sr := bleve.NewSearchRequestOptions(ix.assemble(text, unfaceted, req.Excludes, req.Published.query()), 0, 0, false)
				sr.Score = "none"
				base := &searchHook{ix: ix, done: func(r indexReader, m *roaring.Bitmap) error { return count(r, m, req.Filters) }}
				_, countErr = ix.bi.SearchInContext(base.context(ctx), sr)
			})
		default:
			// Words: one search of them without the selections gives the
			// counts every match, and the page only those within them.
			main.Query = ix.assemble(text, unfaceted, req.Excludes, req.Published.query())
			hook.selected = req.Filters
			hook.done = func(r indexReader, m *roaring.Bitmap) error { return count(r, m, req.Filters) }
		}
	}
	res, err := ix.bi.SearchInContext(hook.context(ctx), main)
	wg.Wait()
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
	if req.Facets {
		if countErr != nil {
			return nil, fmt.Errorf("index: facets: %w", countErr)
		}
		out.Facets = make(map[string][]FacetValue, len(FacetFields))
		for _, f := range FacetFields {
			out.Facets[f] = counts[f]
			if out.Facets[f] == nil {
				out.Facets[f] = []FacetValue{}
			}
		}
	}
	if out.Total == 0 && req.From == 0 && !req.Query.Empty() {
		out.Suggestion = ix.suggest(ctx, req, c)
	}
	out.Took = time.Since(start)
	return out, nil
}

// assemble adds filters, exclusions and narrow (another required query,
// or nil) to the text query.
func (ix *Index) assemble(text query.Query, filters, excludes map[string][]string, narrow query.Query) query.Query {
	var must, not []query.Query
	if narrow != nil {
		must = append(must, narrow)
	}
	for _, name := range sortedKeys(filters) {
		vs := nonEmpty(filters[name])
		if len(vs) == 0 {
			continue
		}
		must = append(must, keywordAny(filterFields[name], vs))
	}
	for _, name := range sortedKeys(excludes) {
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
func sortFor(order string) search.SortOrder {
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
func withoutFacets(filters map[string][]string) map[string][]string {
	out := map[string][]string{}
	for f, vs := range filters {
		if !slices.Contains(FacetFields, f) && len(nonEmpty(vs)) > 0 {
			out[f] = vs
		}
	}
	return out
}

// facetSelected reports whether a value of any facet is selected.
func facetSelected(filters map[string][]string) bool {
	return slices.ContainsFunc(FacetFields, func(f string) bool { return len(nonEmpty(filters[f])) > 0 })
}

// hasValues reports whether m selects any value.
func hasValues(m map[string][]string) bool {
	for _, vs := range m {
		if len(nonEmpty(vs)) > 0 {
			return true
		}
	}
	return false
}

func sortFacetValues(vs []FacetValue) {
	sort.SliceStable(vs, func(i, j int) bool {
		if vs[i].Count != vs[j].Count {
			return vs[i].Count > vs[j].Count
		}
		return vs[i].Value < vs[j].Value
	})
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
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
