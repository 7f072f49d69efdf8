package library

import (
	"context"
	"errors"
	"fmt"
	"time"

	"safelib/index"
	"safelib/internal/catalog"
)

// The bounds of a search request, the index's (not copies of them).
const (
	MaxPerPage     = index.MaxPerPage
	DefaultPerPage = index.DefaultPerPage
	MaxPage        = index.MaxPage
	MaxQueryLen    = index.MaxQueryBytes
	MaxSelections  = index.MaxSelections
)

// Sorts are the accepted sort orders and FacetFields the fields a search
// can filter and count by, in display order: the index's lists, not
// copies of them.
var (
	Sorts       = index.Sorts
	FacetFields = index.FacetFields
)

// SearchParams is a search request: the index's one definition of it
// (index.Request, with its one validator, Validate). Search adds only the
// reader. Field, Selections and Sort are its filter fields, their chosen
// values and its orders.
type (
	SearchParams = index.Request
	Field        = index.Field
	Selections   = index.Selections
	Sort         = index.Sort
)

// The filterable fields (ParseField reads them from strings).
const (
	FieldTheme     = index.FieldTheme
	FieldPublisher = index.FieldPublisher
	FieldType      = index.FieldType
	FieldYear      = index.FieldYear
	FieldRegion    = index.FieldRegion
	FieldArea      = index.FieldArea
	FieldAccess    = index.FieldAccess
	FieldSource    = index.FieldSource
)

// ParseField is the Field named name, if there is one.
func ParseField(name string) (Field, bool) { return index.ParseField(name) }

// The sort orders, by name.
const (
	SortRelevance = index.SortRelevance
	SortNewest    = index.SortNewest
	SortOldest    = index.SortOldest
	SortTitle     = index.SortTitle
)

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
	Facets     map[Field][]FacetValue
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
	p.Members = rd.Members // the one thing the library adds: who is reading
	start := time.Now()
	res, err := l.ix.Search(ctx, p)
	if err != nil {
		if errors.Is(err, index.ErrBadQuery) {
			return nil, err // catalog.Invalid, with its message for people
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	// Highlight the query with its synonyms, so "cse" marks "child
	// sexual exploitation" too.
	hq := res.Highlight
	if hq.Empty() {
		hq = p.Query()
	}
	// A reader without members' access may read only public items, and
	// the public fields of a members-only item hold only its title: where
	// the words sit in every hit, as a public item, is asked of the index
	// while the hits load from the store (both need only their ids). A
	// members-only hit becomes a teaser, its spots unused. A member's
	// spots wait for the store to say which hits are members-only.
	var ahead func() (map[string]*index.Spots, error)
	if !rd.Members && !hq.Empty() && len(ids) > 0 {
		docs := make([]index.SpotDoc, len(ids))
		for i, id := range ids {
			docs[i] = index.SpotDoc{ID: id}
		}
		done := make(chan struct{})
		var spots map[string]*index.Spots
		var spotsErr error
		go func() {
			defer close(done)
			spots, spotsErr = l.ix.Spots(ctx, hq, docs)
		}()
		ahead = func() (map[string]*index.Spots, error) { <-done; return spots, spotsErr }
	}
	rs, err := l.st.Resources(ctx, ids, false) // texts below, only where snippets need them
	if err != nil {
		return nil, err
	}
	out := &SearchResult{
		Params:     p,
		Total:      int(res.Total),
		Suggestion: res.Suggestion,
		Facets:     map[Field][]FacetValue{},
	}
	if out.Hits, err = l.hitsWith(ctx, rd, hq, rs, ahead); err != nil {
		return nil, err
	}
	for field, vals := range res.Facets {
		fv := make([]FacetValue, 0, len(vals))
		for _, v := range vals {
			label := v.Value
			if field == FieldTheme {
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
