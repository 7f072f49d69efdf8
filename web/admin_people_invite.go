package web

import (
	"github.com/gin-gonic/gin"
)

// adminInvite answers POST /admin/people/:id/invite: send the invitation
// (again), with a new link; earlier links stop working.
func (s *Server) adminInvite(c *gin.Context) {
	if u, ok := s.person(c); ok {
		s.invite(c, u)
	}
}
