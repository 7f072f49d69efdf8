package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiDeleteList answers DELETE /api/v1/lists/{id}: 204.
func (s *Server) apiDeleteList(c *gin.Context) {
	rd, ok := s.listReader(c)
	if !ok {
		return
	}
	if err := s.lib.DeleteList(c.Request.Context(), rd, c.Param("id")); err != nil {
		s.apiError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
