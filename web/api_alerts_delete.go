package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiDeleteAlert answers DELETE /api/v1/alerts/{id}: 204.
func (s *Server) apiDeleteAlert(c *gin.Context) {
	id, err := parseID(c.Param("id"))
	if err == nil {
		err = s.lib.DeleteAlert(c.Request.Context(), s.reader(c), id)
	}
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
