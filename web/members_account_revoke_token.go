package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// accountRevokeToken answers POST /members/account/tokens/:id/revoke (one's
// own tokens only: internal/auth checks).
func (s *Server) accountRevokeToken(c *gin.Context) {
	tid, err := parseID(c.Param("id"))
	if err == nil {
		err = s.auth.RevokeToken(c.Request.Context(), actor(c), tid)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, "token-revoked")
	c.Redirect(http.StatusSeeOther, "/members/account")
}
