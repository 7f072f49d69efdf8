package web

import (
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/library"
)

// apiSearchResult is the answer of GET /api/v1/search.
type apiSearchResult struct {
	Query      string                                 `json:"query"`
	Total      int                                    `json:"total"`
	Page       int                                    `json:"page"`
	PerPage    int                                    `json:"per_page"`
	Pages      int                                    `json:"pages"`
	Sort       library.Sort                           `json:"sort"`
	Suggestion string                                 `json:"suggestion,omitempty"`
	TookMS     float64                                `json:"took_ms"`
	Hits       []apiHit                               `json:"hits"`
	Facets     map[library.Field][]library.FacetValue `json:"facets"`
	Links      searchLinks                            `json:"links"`
}

// searchLinks are the absolute addresses of this page of a search and of
// its neighbours (nil prev and next at the ends), also sent as an RFC 8288
// Link header.
type searchLinks struct {
	Self  string  `json:"self"`
	First string  `json:"first"`
	Last  string  `json:"last"`
	Prev  *string `json:"prev"`
	Next  *string `json:"next"`
}

// apiSearch answers GET /api/v1/search.
func (s *Server) apiSearch(c *gin.Context) {
	v, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		s.apiError(c, invalid("the query string is malformed"))
		return
	}
	if len(v["format"]) > 1 {
		s.apiError(c, invalid("format is given %d times; give it once", len(v["format"])))
		return
	}
	format, err := citeFormat(v.Get("format"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	v.Del("format")
	p, err := parseSearch(v)
	if err != nil {
		s.apiError(c, err)
		return
	}
	if format != "" {
		s.citeSearch(c, format, p)
		return
	}
	res, err := s.lib.Search(c.Request.Context(), s.reader(c), p)
	if err != nil {
		s.apiError(c, err)
		return
	}
	out := apiSearchResult{
		Query:      res.Params.Q,
		Total:      res.Total,
		Page:       res.Params.Page,
		PerPage:    res.Params.PerPage,
		Pages:      res.Pages(),
		Sort:       res.Params.Sort,
		Suggestion: res.Suggestion,
		TookMS:     float64(res.Took.Microseconds()) / 1000,
		Hits:       make([]apiHit, 0, len(res.Hits)),
		Facets:     facetsOf(res),
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, searchHit(h))
	}
	out.Links = s.searchLinksOf(c, res, library.Sort(v.Get("sort")))
	c.Header("Link", out.Links.header())
	s.writeJSON(c, 200, out)
}

// citeSearch exports every item of a search (up to MaxCiteItems, in the
// search's order), whatever page and per_page say.
func (s *Server) citeSearch(c *gin.Context, format string, p library.SearchParams) {
	p.NoFacets, p.PerPage = true, library.MaxPerPage
	var items []citeItem
	for p.Page = 1; len(items) < MaxCiteItems; p.Page++ {
		res, err := s.lib.Search(c.Request.Context(), s.reader(c), p)
		if err != nil {
			s.apiError(c, err)
			return
		}
		for _, h := range res.Hits {
			if len(items) < MaxCiteItems {
				items = append(items, s.citeItem(c, h.Resource, h.Teaser))
			}
		}
		if p.Page >= res.Pages() {
			break
		}
	}
	s.writeCitations(c, format, "search", items)
}

// facetsOf returns every facet key, with empty lists rather than null.
func facetsOf(res *library.SearchResult) map[library.Field][]library.FacetValue {
	out := make(map[library.Field][]library.FacetValue, len(library.FacetFields))
	for _, f := range library.FacetFields {
		vals := res.Facets[f]
		if vals == nil {
			vals = []library.FacetValue{}
		}
		out[f] = vals
	}
	return out
}

// searchLinksOf builds the links of a search answer from its canonical
// parameters (encodeSearch: defaults left out, the same order every
// time), so every link is one the server accepts: the last page is at
// most library.MaxPage.
func (s *Server) searchLinksOf(c *gin.Context, res *library.SearchResult, sortChoice library.Sort) searchLinks {
	base := s.baseURL(c) + "/api/v1"
	p := res.Params
	link := func(page int) string { return base + encodeSearch(p, sortChoice, page) }
	last := max(res.Pages(), 1)
	l := searchLinks{Self: link(p.Page), First: link(1), Last: link(last)}
	if p.Page > 1 {
		prev := link(min(p.Page-1, last))
		l.Prev = &prev
	}
	if p.Page < last {
		next := link(p.Page + 1)
		l.Next = &next
	}
	return l
}

// header is the links as an RFC 8288 Link header.
func (l searchLinks) header() string {
	parts := []string{"<" + l.Self + `>; rel="self"`, "<" + l.First + `>; rel="first"`}
	if l.Prev != nil {
		parts = append(parts, "<"+*l.Prev+`>; rel="prev"`)
	}
	if l.Next != nil {
		parts = append(parts, "<"+*l.Next+`>; rel="next"`)
	}
	parts = append(parts, "<"+l.Last+`>; rel="last"`)
	return strings.Join(parts, ", ")
}
