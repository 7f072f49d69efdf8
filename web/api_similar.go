package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"safelib/internal/library"
)

// apiSimilarResult is the answer of GET /api/v1/resources/{id}/similar:
// items in the shape of search hits (teasers for members-only items the
// reader can't read), without highlights.
type apiSimilarResult struct {
	Items []apiHit `json:"items"`
}

// apiSimilar answers GET /api/v1/resources/:id/similar?n=5.
func (s *Server) apiSimilar(c *gin.Context) {
	n, err := parseSimilarN(c.Request.URL.RawQuery)
	if err != nil {
		s.apiError(c, err)
		return
	}
	hs, err := s.lib.Similar(c.Request.Context(), s.reader(c), c.Param("id"), n)
	if err != nil {
		s.apiError(c, err)
		return
	}
	out := apiSimilarResult{Items: make([]apiHit, 0, len(hs))}
	for _, h := range hs {
		out.Items = append(out.Items, searchHit(h))
	}
	s.writeJSON(c, http.StatusOK, out)
}

// parseSimilarN reads the one parameter, n (0 when absent: the library's
// default). The library checks the upper bound. Errors wrap
// catalog.ErrInvalid.
func parseSimilarN(rawQuery string) (int, error) {
	v, err := url.ParseQuery(rawQuery)
	if err != nil {
		return 0, invalid("the query string is malformed")
	}
	for k, vals := range v {
		if k != "n" {
			return 0, invalid("unknown parameter %s (want n)", quoteName(k))
		}
		if len(vals) > 1 {
			return 0, invalid("n is given %d times; give it once", len(vals))
		}
	}
	raw := v.Get("n")
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, invalid("n must be a whole number between 1 and %d", library.MaxSimilar)
	}
	return n, nil
}
