package library

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"safelib/index"
	"safelib/internal/catalog"
)

// Bounds on a search request.
const (
	MaxPerPage     = 100
	DefaultPerPage = 20
	MaxPage        = 500
	MaxQueryLen    = 1000
)

// Sorts are the accepted sort orders and FacetFields the fields a search
// can filter and count by, in display order: the index's lists, not
// copies of them.
var (
	Sorts       = index.Sorts
	FacetFields = index.FacetFields
)

// The sort orders, by name.
const (
	SortRelevance = index.SortRelevance
	SortNewest    = index.SortNewest
	SortOldest    = index.SortOldest
	SortTitle     = index.SortTitle
)

// SearchParams is a validated search request.
type SearchParams struct {
	Q        string
	Filters  map[string][]string // field -> values, OR within a field
	Excludes map[string][]string // field -> values excluded
	Sort     string
	Page     int
	PerPage  int
	// NoFacets skips facet counting (feeds, embeds).
	NoFacets bool
	// DateFrom and DateTo keep items published within them, both
	// inclusive, either may be unknown (""). An item dated only to a year
	// or a month is within when its period overlaps the range.
	DateFrom, DateTo catalog.Date
}

// dateRange is the index's form of the params' date range, or nil. The
// index's published keys sort a year's key ("2016-00-00") and a month's
// ("2016-03-00") before the days of their period, so the range is the
// keys from the first day of DateFrom to the last of DateTo, and also the
// year and month keys of DateFrom, whose periods start before it and
// reach into it.
func (p *SearchParams) dateRange() *index.DateRange {
	if p.DateFrom == "" && p.DateTo == "" {
		return nil
	}
	r := &index.DateRange{To: p.DateTo.Last()}
	if p.DateFrom != "" {
		r.From = p.DateFrom.First()
		for _, k := range []string{catalog.Date(r.From[:4]).SortKey(), catalog.Date(r.From[:7]).SortKey()} {
			if r.To == "" || k <= r.To {
				r.Also = append(r.Also, k)
			}
		}
	}
	return r
}

// Validate checks bounds and names, returning an error wrapping catalog.ErrInvalid.
func (p *SearchParams) Validate() error {
	if len(p.Q) > MaxQueryLen {
		return catalog.Errorf(catalog.Invalid, "query is longer than %d bytes", MaxQueryLen)
	}
	if p.Page == 0 {
		p.Page = 1
	}
	if p.Page < 1 || p.Page > MaxPage {
		return catalog.Errorf(catalog.Invalid, "page must be between 1 and %d", MaxPage)
	}
	if p.PerPage == 0 {
		p.PerPage = DefaultPerPage
	}
	if p.PerPage < 1 || p.PerPage > MaxPerPage {
		return catalog.Errorf(catalog.Invalid, "per_page must be between 1 and %d", MaxPerPage)
	}
	if p.Sort == "" {
		p.Sort = SortRelevance
	}
	for name, d := range map[string]catalog.Date{"from": p.DateFrom, "to": p.DateTo} {
		if _, err := catalog.ParseDate(string(d)); err != nil {
			return catalog.Errorf(catalog.Invalid, "%s: %v", name, err)
		}
	}
	if p.DateFrom != "" && p.DateTo != "" && p.DateFrom.First() > p.DateTo.Last() {
		return catalog.Errorf(catalog.Invalid, "from (%s) is after to (%s)", p.DateFrom, p.DateTo)
	}
	if !slices.Contains(Sorts, p.Sort) {
		return catalog.Errorf(catalog.Invalid, "unknown sort %q (want relevance, newest, oldest or title)", p.Sort)
	}
	for _, m := range []map[string][]string{p.Filters, p.Excludes} {
		for f, vs := range m {
			if !slices.Contains(FacetFields, f) {
				return catalog.Errorf(catalog.Invalid, "unknown facet %q", f)
			}
			if len(vs) > index.MaxFilterValues {
				return catalog.Errorf(catalog.Invalid, "at most %d values for facet %q", index.MaxFilterValues, f)
			}
			for _, v := range vs {
				if len(v) > 200 {
					return catalog.Errorf(catalog.Invalid, "facet value too long")
				}
				if f == "year" {
					if _, err := strconv.Atoi(v); err != nil {
						return catalog.Errorf(catalog.Invalid, "year %q is not a number", v)
					}
				}
			}
		}
	}
	return nil
}

// Hit is one search result as the reader may see it.
type Hit struct {
	Resource *catalog.Resource
	// Teaser is set when the reader may not read this item: only its title,
	// publisher, type, date and themes are filled in.
	Teaser     bool
	Highlights map[string][]string
	// Page is the PDF page the body snippet came from (0 when none).
	Page int
	// Slide is the presentation slide the body snippet came from (0
	// when none); Page is then 0.
	Slide int
}

// FacetValue is one facet bucket.
type FacetValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// SearchResult is a page of results.
type SearchResult struct {
	Params     SearchParams
	Total      int
	Hits       []Hit
	Facets     map[string][]FacetValue
	Suggestion string
	Took       time.Duration
}

// Pages returns the number of result pages (capped at MaxPage).
func (r *SearchResult) Pages() int {
	n := (r.Total + r.Params.PerPage - 1) / r.Params.PerPage
	if n > MaxPage {
		n = MaxPage
	}
	return n
}

// Search runs a search as rd. Members-only items the reader can't read
// match only on their title, publisher and themes, and come back as teasers.
func (l *Library) Search(ctx context.Context, rd catalog.Reader, p SearchParams) (*SearchResult, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q, err := index.Parse(p.Q)
	if err != nil {
		return nil, catalog.Errorf(catalog.Invalid, "%w", err)
	}
	start := time.Now()
	res, err := l.ix.Search(ctx, index.Request{
		Query:     q,
		Filters:   p.Filters,
		Excludes:  p.Excludes,
		Members:   rd.Members,
		Sort:      p.Sort,
		From:      (p.Page - 1) * p.PerPage,
		Size:      p.PerPage,
		Facets:    !p.NoFacets,
		FacetSize: 100,
		Published: p.dateRange(),
	})
	if err != nil {
		if errors.Is(err, index.ErrBadQuery) {
			return nil, catalog.Errorf(catalog.Invalid, "%w", err)
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	rs, err := l.st.Resources(ctx, ids, false) // texts below, only where snippets need them
	if err != nil {
		return nil, err
	}
	out := &SearchResult{
		Params:     p,
		Total:      int(res.Total),
		Suggestion: res.Suggestion,
		Facets:     map[string][]FacetValue{},
	}
	// Highlight the query with its synonyms, so "cse" marks "child
	// sexual exploitation" too.
	hq := res.Highlight
	if hq.Empty() {
		hq = q
	}
	if out.Hits, err = l.hits(ctx, rd, hq, rs); err != nil {
		return nil, err
	}
	for field, vals := range res.Facets {
		fv := make([]FacetValue, 0, len(vals))
		for _, v := range vals {
			label := v.Value
			if field == "theme" {
				label = l.tax.Label(v.Value)
			}
			fv = append(fv, FacetValue{Value: v.Value, Label: label, Count: v.Count})
		}
		out.Facets[field] = fv
	}
	out.Took = time.Since(start)
	l.observeSearch(out.Took)
	return out, nil
}

// hit builds a result for rd: a teaser when rd can't read r, else the
// resource with snippets cut from its text.
// sp holds where q's words sit in r's texts (nil: they are scanned).
func (l *Library) hit(r *catalog.Resource, rd catalog.Reader, q index.Query, sp *index.Spots) Hit {
	if !canRead(rd, r) {
		return Hit{Resource: teaser(r), Teaser: true}
	}
	h := Hit{Resource: r, Highlights: map[string][]string{}}
	if !q.Empty() { // a query of exclusions only marks nothing: no snippets either
		if s := sp.Snippets(index.SpotTitle, r.Title, q, 1, 300); len(s) > 0 {
			h.Highlights["title"] = s
		}
		if s := sp.Snippets(index.SpotSummary, r.Summary, q, 1, 240); len(s) > 0 {
			h.Highlights["summary"] = s
		}
		if len(r.Pages) > 0 {
			if page, s := sp.PageSnippets(r.Body, r.Pages, q, 2, 200); len(s) > 0 {
				h.Highlights["body"] = s
				if r.Slides {
					h.Slide = page
				} else {
					h.Page = page
				}
			}
		} else if s := sp.Snippets(index.SpotBody, r.Body, q, 2, 200); len(s) > 0 {
			h.Highlights["body"] = s
		}
	}
	r.Body = "" // results carry snippets, not whole texts
	r.Pages, r.Slides = nil, false
	return h
}

// canRead reports whether rd may read r's link, summary and text.
func canRead(rd catalog.Reader, r *catalog.Resource) bool {
	return r.Access == catalog.Public || rd.Members
}

// teaser keeps only what anyone may see of a members-only item.
func teaser(r *catalog.Resource) *catalog.Resource {
	return &catalog.Resource{
		ID:        r.ID,
		Title:     r.Title,
		Publisher: r.Publisher,
		Type:      r.Type,
		Themes:    r.Themes,
		// Suggested themes stay: the item is found under them by anyone.
		MachineThemes: r.MachineThemes,
		Published:     r.Published,
		Area:          r.Area,
		Region:        r.Region,
		Access:        r.Access,
		Source:        r.Source,
		Status:        r.Status,
		Created:       r.Created,
		Updated:       r.Updated,
	}
}
