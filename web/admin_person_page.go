package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// adminPerson answers GET /admin/people/:id.
func (s *Server) adminPerson(c *gin.Context) {
	u, ok := s.person(c)
	if !ok {
		return
	}
	s.renderPerson(c, http.StatusOK, u, "")
}
