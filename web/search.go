package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// searchPage answers GET / and GET /search: the search form, filters,
// results and pagination. An empty query browses everything, newest first.
func (s *Server) searchPage(c *gin.Context) {
	p, err := parseQuery(c)
	if err != nil {
		s.badSearch(c, err)
		return
	}
	res, err := s.lib.Search(c.Request.Context(), s.reader(c), p)
	if err != nil {
		s.badSearch(c, err)
		return
	}
	s.render(c, http.StatusOK, "search", s.searchView(c, res))
}

// parseQuery parses the request's query string for a search. A malformed
// query string is bad input, not something to guess about.
func parseQuery(c *gin.Context) (library.SearchParams, error) {
	v, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		return library.SearchParams{}, invalid("the query string is malformed")
	}
	return parseSearch(v)
}

// badSearch answers a search that failed: bad input gets the error page
// with a fresh search box (400), anything else the usual error handling.
func (s *Server) badSearch(c *gin.Context, err error) {
	status, detail := statusOf(err)
	if status != http.StatusBadRequest {
		s.pageError(c, err)
		return
	}
	data := s.errorData(c, status, detail)
	data.Title = "There is a problem with your search"
	data.Search = true
	if q := c.Query("q"); len(q) <= library.MaxQueryLen {
		data.Query = q
	}
	s.render(c, status, "error", data)
}

// searchView builds everything search.html shows from one result.
func (s *Server) searchView(c *gin.Context, res *library.SearchResult) searchData {
	p := res.Params
	sortChoice := library.Sort(c.Query("sort"))
	if sortChoice == library.SortRelevance {
		sortChoice = "" // the default option says the same
	}
	title := "Search the library"
	if p.Q != "" {
		title = "Results for “" + trimForTitle(p.Q, 80) + "”"
	}
	d := searchData{
		Page:     s.basePage(c, title),
		Q:        p.Q,
		Sort:     string(sortChoice),
		Sorts:    sortOptions,
		Result:   res,
		Browsing: p.Q == "",
		Filtered: len(p.Filters)+len(p.Excludes) > 0 || p.DateFrom != "" || p.DateTo != "",
		DateFrom: string(p.DateFrom),
		DateTo:   string(p.DateTo),
	}
	// Searches with selections are endless combinations: not for indexes.
	d.NoIndex = d.Filtered
	d.DateChoices = dateChoices(p, sortChoice, s.auth.Now())
	if p.PerPage != library.DefaultPerPage {
		d.PerPage = p.PerPage
	}
	lists := s.listChoices(c)
	for _, h := range res.Hits {
		v := s.hitView(h, d.Reader)
		if lists != nil {
			v.Add = &addToList{ResourceID: h.Resource.ID, Lists: lists, CSRFToken: d.CSRFToken, Next: c.Request.URL.RequestURI()}
		}
		d.Hits = append(d.Hits, v)
	}
	d.Facets = s.facetViews(res)
	d.Chips, d.ClearURL = s.chips(p, sortChoice)
	d.Pager = newPager(res, sortChoice)
	d.AlertSearch = alertQuery(p, sortChoice)
	d.AlertLogin = template.URL("/login?next=" + url.QueryEscape("/search?"+d.AlertSearch))
	d.CiteURL = "/api/v1" + encodeSearch(p, sortChoice, 1)
	if strings.Contains(d.CiteURL, "?") {
		d.CiteURL += "&format="
	} else {
		d.CiteURL += "?format="
	}
	d.Chart = newYearChart(res.Facets[library.FieldYear])
	if d.Chart != nil {
		for i := range d.Chart.Bars {
			q := p
			q.DateFrom, q.DateTo = catalog.Date(d.Chart.Bars[i].Year), catalog.Date(d.Chart.Bars[i].Year)
			d.Chart.Bars[i].URL = encodeSearch(q, sortChoice, 1)
		}
	}
	for _, f := range d.Facets {
		d.YearFacet = d.YearFacet || f.Field == library.FieldYear
	}
	if res.Suggestion != "" && res.Suggestion != p.Q {
		q := p
		q.Q = res.Suggestion
		d.Suggestion = res.Suggestion
		d.SuggestionURL = encodeSearch(q, sortChoice, 1)
	}
	return d
}

// searchData is the data of search.html.
type searchData struct {
	Page
	Q        string
	Sort     string // the sort the reader chose; "" for the default
	Sorts    []option
	PerPage  int // set only when not the default, to keep it in the form
	Result   *library.SearchResult
	Browsing bool // no query: browsing everything
	Filtered bool
	Hits     []hitView
	Facets   []facetView
	Chips    []chip
	ClearURL string
	Pager    pager
	Chart    *yearChart
	// CiteURL exports the results (up to 1,000), less the format's name.
	CiteURL string
	// DateFrom and DateTo fill the date fields; DateChoices are the quick
	// ranges. YearFacet says the date fields go beside the year facet.
	DateFrom, DateTo string
	DateChoices      []dateChoice
	YearFacet        bool

	Suggestion    string
	SuggestionURL string

	// AlertSearch is this search as an alert follows it; AlertLogin the
	// page to come back to after signing in.
	AlertSearch string
	AlertLogin  template.URL
}

type option struct{ Value, Label string }

// sortOptions are the choices of the sort control. The default is the
// best match for a query and newest first when browsing.
var sortOptions = []option{
	{"", "Best match"},
	{string(library.SortNewest), "Newest first"},
	{string(library.SortOldest), "Oldest first"},
	{string(library.SortTitle), "Title (A to Z)"},
}

// dateChoice is a quick date range: a link to the same search with it.
type dateChoice struct {
	Label, URL string
	Current    bool
}

// dateChoices are the quick ranges, counted back from today, and "any
// date" when a range is set.
func dateChoices(p library.SearchParams, sortChoice library.Sort, now time.Time) []dateChoice {
	var out []dateChoice
	for _, c := range []struct {
		label string
		from  time.Time
	}{{"Last 12 months", now.AddDate(-1, 0, 0)}, {"Last 3 years", now.AddDate(-3, 0, 0)}} {
		q := p
		q.DateFrom, q.DateTo = catalog.Date(c.from.Format("2006-01-02")), ""
		out = append(out, dateChoice{Label: c.label, URL: encodeSearch(q, sortChoice, 1), Current: q.DateFrom == p.DateFrom && p.DateTo == ""})
	}
	if p.DateFrom != "" || p.DateTo != "" {
		q := p
		q.DateFrom, q.DateTo = "", ""
		out = append(out, dateChoice{Label: "Any date", URL: encodeSearch(q, sortChoice, 1)})
	}
	return out
}

// chip is an active filter shown as a link that removes it.
type chip struct {
	Facet     string
	Value     string
	Excluded  bool
	RemoveURL string
}

var facetNames = map[library.Field]string{
	library.FieldTheme: "Theme", library.FieldPublisher: "Publisher", library.FieldType: "Type", library.FieldYear: "Year",
	library.FieldArea: "Area", library.FieldRegion: "Region",
}

// chips lists the active filters, each with the address of the same
// search without it, and the address with no filters at all.
func (s *Server) chips(p library.SearchParams, sortChoice library.Sort) ([]chip, string) {
	var out []chip
	for _, f := range filterParams {
		for _, excl := range []bool{false, true} {
			m := p.Filters
			if excl {
				m = p.Excludes
			}
			for _, v := range m[f] {
				q := withoutValue(p, f, v, excl)
				out = append(out, chip{
					Facet:     facetNames[f],
					Value:     s.valueLabel(f, v),
					Excluded:  excl,
					RemoveURL: encodeSearch(q, sortChoice, 1),
				})
			}
		}
	}
	if p.DateFrom != "" || p.DateTo != "" {
		q := p
		q.DateFrom, q.DateTo = "", ""
		v := "from " + formatDate(p.DateFrom) + " to " + formatDate(p.DateTo)
		switch {
		case p.DateFrom == "":
			v = "until " + formatDate(p.DateTo)
		case p.DateTo == "":
			v = "since " + formatDate(p.DateFrom)
		case p.DateFrom == p.DateTo:
			v = formatDate(p.DateFrom)
		}
		out = append(out, chip{Facet: "Published", Value: v, RemoveURL: encodeSearch(q, sortChoice, 1)})
	}
	clear := p
	clear.Filters, clear.Excludes = nil, nil
	clear.DateFrom, clear.DateTo = "", ""
	return out, encodeSearch(clear, sortChoice, 1)
}

// withoutValue copies p leaving out one filter value.
func withoutValue(p library.SearchParams, field library.Field, value string, excl bool) library.SearchParams {
	q := p
	q.Filters, q.Excludes = p.Filters.Clone(), p.Excludes.Clone()
	m := q.Filters
	if excl {
		m = q.Excludes
	}
	m.Remove(field, value)
	return q
}

// valueLabel is how a filter value is shown.
func (s *Server) valueLabel(field library.Field, value string) string {
	switch field {
	case library.FieldTheme:
		return s.lib.Taxonomy().Label(value)
	case library.FieldType:
		return typeLabel(value)
	}
	return value
}

// trimForTitle shortens text for a heading.
func trimForTitle(s string, n int) string {
	s = strings.TrimSpace(s)
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
