package web

import (
	"github.com/gin-gonic/gin"
)

// accountCreateToken answers POST /members/account/tokens: a token for
// oneself, shown once on the page.
func (s *Server) accountCreateToken(c *gin.Context) {
	id := identity(c)
	raw, _, err := s.auth.CreateToken(c.Request.Context(), actor(c), id.User.Email, trim(c.PostForm("name"), 100))
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.renderAccount(c, raw)
}
