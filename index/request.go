package index

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"

	"safelib/internal/catalog"
)

// Limits on a search request, the ones every layer checks against.
const (
	DefaultPerPage   = 20
	MaxPerPage       = 100
	MaxPage          = 500
	MaxWindow        = 10000 // results beyond this are not available, whatever the page size
	DefaultFacetSize = 100
	MaxFacetSize     = 1000
	MaxFilterValues  = 50  // values of one field in Filters or Excludes
	MaxFilterValue   = 200 // bytes of one filter value
	// MaxSelections bounds the values of Filters and Excludes together:
	// a results page links to each selection, so an unbounded request
	// made an unbounded page (the facet amplification of issue 13).
	MaxSelections = 20
)

// Field is a field a search may filter on (Request.Filters and
// Excludes): a facet, or access or source. Strings from readers become
// Fields in one place, ParseField; code names them by the constants.
type Field string

// The filterable fields.
const (
	FieldTheme     Field = "theme"
	FieldPublisher Field = "publisher"
	FieldType      Field = "type"
	FieldYear      Field = "year"
	FieldRegion    Field = "region"
	FieldArea      Field = "area"
	FieldAccess    Field = "access"
	FieldSource    Field = "source"
)

// FacetFields are the facets, in display order: a region before the
// (many) local areas within it.
var FacetFields = []Field{FieldTheme, FieldPublisher, FieldType, FieldYear, FieldRegion, FieldArea}

// filterFields maps the filterable fields to keyword fields. Besides the
// facets, access and source may be filtered on.
var filterFields = map[Field]string{
	FieldTheme: fTheme, FieldPublisher: fPublisher, FieldType: fType, FieldYear: fYear,
	FieldArea: fArea, FieldRegion: fRegion, FieldAccess: fAccess, FieldSource: fSource,
}

// ParseField is the Field named name, if there is one.
func ParseField(name string) (Field, bool) {
	f := Field(name)
	_, ok := filterFields[f]
	return f, ok
}

// IsFacet reports whether f is one of FacetFields.
func (f Field) IsFacet() bool { return slices.Contains(FacetFields, f) }

// Selections are values chosen by field: OR within a field, AND across
// fields (Request.Filters), or each excluded (Request.Excludes).
type Selections map[Field][]string

// Has reports whether v is selected in field f.
func (s Selections) Has(f Field, v string) bool { return slices.Contains(s[f], v) }

// Add selects the values vs in field f, leaving out empty values and
// values already selected. s must not be nil.
func (s Selections) Add(f Field, vs ...string) {
	for _, v := range vs {
		if v != "" && !s.Has(f, v) {
			s[f] = append(s[f], v)
		}
	}
}

// Remove unselects v in field f, and f when no value is left.
func (s Selections) Remove(f Field, v string) {
	if vs := slices.DeleteFunc(slices.Clone(s[f]), func(x string) bool { return x == v }); len(vs) > 0 {
		s[f] = vs
	} else {
		delete(s, f)
	}
}

// Clone is a copy of s that shares nothing with it (nil stays nil).
func (s Selections) Clone() Selections {
	if s == nil {
		return nil
	}
	out := make(Selections, len(s))
	for f, vs := range s {
		out[f] = slices.Clone(vs)
	}
	return out
}

// Count is the number of values selected, over every field.
func (s Selections) Count() int {
	n := 0
	for _, vs := range s {
		n += len(vs)
	}
	return n
}

// Fields are the fields of s, sorted.
func (s Selections) Fields() []Field {
	return slices.Sorted(maps.Keys(s))
}

// Sort is an order of results (Request.Sort).
type Sort string

// The sort orders.
const (
	SortRelevance Sort = "relevance"
	SortNewest    Sort = "newest"
	SortOldest    Sort = "oldest"
	SortTitle     Sort = "title"
)

// Sorts lists the sort orders, the one list every layer checks against.
var Sorts = []Sort{SortRelevance, SortNewest, SortOldest, SortTitle}

// Request is one search, the one definition of a search from the web
// front end through the library to the index: the library adds only who
// is reading (Members). Validate is its one validator.
type Request struct {
	// Q is the query in Parse's syntax, as the reader typed it. Validate
	// parses it; Query returns the tree.
	Q        string
	Filters  Selections // field -> selected values; OR within a field, AND across fields
	Excludes Selections // field -> excluded values (NOT)
	// Sort is one of Sorts ("" is relevance). Relevance needs positive
	// words: without them the newest come first.
	Sort    Sort
	Page    int // from 1; 0 means 1
	PerPage int // 0 means DefaultPerPage; at most MaxPerPage
	// DateFrom and DateTo keep items published within them, both
	// inclusive, either may be unknown (""). An item dated only to a year
	// or a month is within when its period overlaps the range. The range
	// narrows every facet's counts too (it is not a facet).
	DateFrom, DateTo catalog.Date
	// IDs, when not nil, keeps only these documents (at most MaxIDs): a
	// search of given items ("id" in a query string: an alert on one
	// item), or an alert digest asking which of the items new since its
	// last email match.
	IDs []string
	// NoFacets skips facet counting (feeds, embeds, similar items).
	NoFacets bool
	// FacetSize is the most values per facet (0 means DefaultFacetSize).
	FacetSize int
	// Members says the reader may read members-only text: members-only
	// summaries, bodies and extra text are searched only then. The
	// library sets it from the reader.
	Members bool

	query  Query // Q parsed (by Validate), or a query built in code
	parsed bool
}

// Query is the request's query tree: Q parsed. It is empty until
// Validate has run.
func (r *Request) Query() Query { return r.query }

// from is the offset of the first hit asked for.
func (r *Request) from() int { return (r.Page - 1) * r.PerPage }

// Validate fills in the defaults (page 1, DefaultPerPage, relevance),
// checks every bound and name, and parses Q. Errors are catalog.Invalid
// (and ErrBadQuery) with a message for people.
func (r *Request) Validate() error {
	if !r.parsed && len(r.Q) > MaxQueryBytes {
		return badRequest("query is longer than %d bytes", MaxQueryBytes)
	}
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Page < 1 || r.Page > MaxPage {
		return badRequest("page must be between 1 and %d", MaxPage)
	}
	if r.PerPage == 0 {
		r.PerPage = DefaultPerPage
	}
	if r.PerPage < 1 || r.PerPage > MaxPerPage {
		return badRequest("per_page must be between 1 and %d", MaxPerPage)
	}
	if r.from()+r.PerPage > MaxWindow {
		return badRequest("results beyond %d are not available", MaxWindow)
	}
	if r.FacetSize < 0 || r.FacetSize > MaxFacetSize {
		return badRequest("facet size %d out of range 0..%d", r.FacetSize, MaxFacetSize)
	}
	if r.Sort == "" {
		r.Sort = SortRelevance
	}
	for name, d := range map[string]catalog.Date{"from": r.DateFrom, "to": r.DateTo} {
		if _, err := catalog.ParseDate(string(d)); err != nil {
			return badRequest("%s: %v", name, err)
		}
	}
	if r.DateFrom != "" && r.DateTo != "" && r.DateFrom.First() > r.DateTo.Last() {
		return badRequest("from (%s) is after to (%s)", r.DateFrom, r.DateTo)
	}
	if len(r.IDs) > MaxIDs {
		return badRequest("at most %d ids", MaxIDs)
	}
	for _, id := range r.IDs {
		if !catalog.ValidID(id) {
			return badRequest("id %q is not a resource id", truncateID(id))
		}
	}
	if !slices.Contains(Sorts, r.Sort) {
		return badRequest("unknown sort %q (want %s)", r.Sort, orList(Sorts))
	}
	for _, m := range []Selections{r.Filters, r.Excludes} {
		for _, f := range m.Fields() {
			if err := validFilter(f, m[f]); err != nil {
				return err
			}
		}
	}
	selections := r.Filters.Count() + r.Excludes.Count()
	if selections > MaxSelections {
		return badRequest("a search may hold at most %d facet selections (chosen and excluded values together); this one has %d: remove some", MaxSelections, selections)
	}
	if !r.parsed {
		q, err := Parse(r.Q)
		if err != nil {
			return err
		}
		r.query = q
	}
	return nil
}

// MaxIDs bounds Request.IDs.
const MaxIDs = 10_000

// truncateID shortens a bad id for a message.
func truncateID(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// narrow is the query the request's date range and ids require, or nil.
func (r *Request) narrow() query.Query {
	var qs []query.Query
	if q := r.dateRange().query(); q != nil {
		qs = append(qs, q)
	}
	if r.IDs != nil {
		qs = append(qs, query.NewDocIDQuery(r.IDs))
	}
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

// validFilter checks one field's values of Filters or Excludes.
func validFilter(f Field, vs []string) error {
	if _, ok := filterFields[f]; !ok {
		return badRequest("unknown facet %q", f)
	}
	if len(vs) > MaxFilterValues {
		return badRequest("at most %d values for facet %q", MaxFilterValues, f)
	}
	for _, v := range vs {
		if len(v) > MaxFilterValue {
			return badRequest("facet value too long")
		}
		if f == FieldYear {
			if _, err := strconv.Atoi(v); err != nil {
				return badRequest("year %q is not a number", v)
			}
		}
	}
	return nil
}

// orList is "a, b, c or d".
func orList[S ~string](vs []S) string {
	ss := make([]string, len(vs))
	for i, v := range vs {
		ss[i] = string(v)
	}
	if len(ss) < 2 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " or " + ss[len(ss)-1]
}

// badRequest is a request error: catalog.Invalid, which ErrBadQuery
// matches.
func badRequest(format string, args ...any) error {
	return catalog.Errorf(catalog.Invalid, "%s", fmt.Sprintf(format, args...))
}

func (r *Request) facetSize() int {
	if r.FacetSize == 0 {
		return DefaultFacetSize
	}
	return r.FacetSize
}

// dateRange is the request's date range over the published keys, or nil.
// The published keys sort a year's key ("2016-00-00") and a month's
// ("2016-03-00") before the days of their period, so the range is the
// keys from the first day of DateFrom to the last of DateTo, and also the
// year and month keys of DateFrom, whose periods start before it and
// reach into it.
func (r *Request) dateRange() *dateRange {
	if r.DateFrom == "" && r.DateTo == "" {
		return nil
	}
	d := &dateRange{To: r.DateTo.Last()}
	if r.DateFrom != "" {
		d.From = r.DateFrom.First()
		for _, k := range []string{catalog.Date(d.From[:4]).SortKey(), catalog.Date(d.From[:7]).SortKey()} {
			if d.To == "" || k <= d.To {
				d.Also = append(d.Also, k)
			}
		}
	}
	return d
}

// dateRange keeps the documents whose published key (Document.Published)
// is within From..To, both inclusive ("" leaves that end open), or is one
// of Also (keys of periods that start before From yet reach into the
// range: a year, a month). A document without a published key never
// matches.
type dateRange struct {
	From, To string
	Also     []string
}

// query is the range as a query, or nil. A range of keys is a disjunction
// of every key in it, so it costs one posting list per distinct date: the
// whole years inside the range are asked of the year keyword instead (one
// term a year), and the days of the partial years at its ends of the
// published keys.
func (d *dateRange) query() query.Query {
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

// SetQuery makes q, a tree built in code, the request's query: Q becomes
// its rendering (String), and Validate does not parse Q again.
func (r *Request) SetQuery(q Query) {
	r.Q, r.query, r.parsed = q.String(), q, true
}
