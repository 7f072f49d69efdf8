package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// adminEndSessions answers POST /admin/people/:id/sessions: sign the
// person out everywhere.
func (s *Server) adminEndSessions(c *gin.Context) {
	u, ok := s.person(c)
	if !ok {
		return
	}
	if _, err := s.auth.EndSessions(c.Request.Context(), actor(c), u.Email); err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, "sessions-ended")
	c.Redirect(http.StatusSeeOther, "/admin/people/"+itoa(u.ID))
}
