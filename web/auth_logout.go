package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// logout answers POST /logout: the session ends on the server, not just
// in the browser.
func (s *Server) logout(c *gin.Context) {
	if tok := c.GetString(ctxSessionToken); tok != "" {
		if err := s.auth.Logout(c.Request.Context(), tok, clientOf(c)); err != nil {
			s.pageError(c, err)
			return
		}
		s.setFlash(c, "signed-out")
	}
	s.setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}
