package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
)

// apiSportListings answers GET /api/v1/listings/sport[?sport=football].
func (s *Server) apiSportListings(c *gin.Context) {
	v, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		s.apiError(c, invalid("the query string is malformed"))
		return
	}
	sport, err := sportParam(v)
	if err != nil {
		s.apiError(c, err)
		return
	}
	out, err := s.sportListings(c, sport)
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, out)
}
