package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// staffEdition answers GET /staff/newsletter/:id[?q=...].
func (s *Server) staffEdition(c *gin.Context) {
	e, ok := s.edition(c)
	if !ok {
		return
	}
	s.renderEdition(c, http.StatusOK, e, "")
}
