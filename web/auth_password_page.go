package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// passwordPage answers GET /account/password: change one's own password.
func (s *Server) passwordPage(c *gin.Context) {
	s.render(c, http.StatusOK, "password", passwordData{Page: s.basePage(c, "Change your password")})
}
