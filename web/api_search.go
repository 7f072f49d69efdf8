package web

import (
	"net/url"

	"github.com/gin-gonic/gin"

	"safelib/internal/library"
)

// apiSearchResult is the answer of GET /api/v1/search.
type apiSearchResult struct {
	Query      string                          `json:"query"`
	Total      int                             `json:"total"`
	Page       int                             `json:"page"`
	PerPage    int                             `json:"per_page"`
	Pages      int                             `json:"pages"`
	Sort       string                          `json:"sort"`
	Suggestion string                          `json:"suggestion,omitempty"`
	TookMS     float64                         `json:"took_ms"`
	Hits       []apiHit                        `json:"hits"`
	Facets     map[string][]library.FacetValue `json:"facets"`
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
func facetsOf(res *library.SearchResult) map[string][]library.FacetValue {
	out := make(map[string][]library.FacetValue, len(library.FacetFields))
	for _, f := range library.FacetFields {
		vals := res.Facets[f]
		if vals == nil {
			vals = []library.FacetValue{}
		}
		out[f] = vals
	}
	return out
}
