package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// staffEditForm answers GET /staff/resources/:id.
func (s *Server) staffEditForm(c *gin.Context) {
	r, err := s.lib.ForEdit(c.Request.Context(), s.reader(c), c.Param("id"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.renderEdit(c, http.StatusOK, r, s.form(r.ID, r.Version, valuesOf(r), nil), nil)
}
