package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// adminRevokeToken answers POST /admin/tokens/:id/revoke.
func (s *Server) adminRevokeToken(c *gin.Context) {
	id, err := parseID(c.Param("id"))
	if err == nil {
		err = s.auth.RevokeToken(c.Request.Context(), actor(c), id)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, "token-revoked")
	back := "/admin/people"
	if p, err := parseID(c.PostForm("person")); err == nil {
		back += "/" + itoa(p)
	}
	c.Redirect(http.StatusSeeOther, back)
}
