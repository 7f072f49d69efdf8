package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiRemoveListItem answers DELETE /api/v1/lists/{id}/items/{resource_id}: 204.
func (s *Server) apiRemoveListItem(c *gin.Context) {
	rd, ok := s.listReader(c)
	if !ok {
		return
	}
	if err := s.lib.RemoveFromList(c.Request.Context(), rd, c.Param("id"), c.Param("resource_id")); err != nil {
		s.apiError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
