package web

import (
	"github.com/gin-gonic/gin"
)

// adminResetLink answers POST /admin/people/:id/reset.
func (s *Server) adminResetLink(c *gin.Context) {
	if u, ok := s.person(c); ok {
		s.showResetLink(c, u, false)
	}
}
