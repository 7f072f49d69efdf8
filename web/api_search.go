package web

import (
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
	p, err := parseQuery(c)
	if err != nil {
		s.apiError(c, err)
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
