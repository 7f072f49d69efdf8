package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiLists answers GET /api/v1/lists: the reader's lists.
func (s *Server) apiLists(c *gin.Context) {
	rd, ok := s.listReader(c)
	if !ok {
		return
	}
	lists, err := s.lib.Lists(c.Request.Context(), rd)
	if err != nil {
		s.apiError(c, err)
		return
	}
	out := []apiList{}
	for _, l := range lists {
		v, err := s.lib.List(c.Request.Context(), rd, l.ID)
		if err != nil {
			s.apiError(c, err)
			return
		}
		out = append(out, s.listJSON(c, v))
	}
	s.writeJSON(c, http.StatusOK, gin.H{"lists": out})
}
