package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// loginPage answers GET /login: the sign-in form.
func (s *Server) loginPage(c *gin.Context) {
	next := safeNext(c.Query("next"))
	if identity(c) != nil {
		c.Redirect(http.StatusSeeOther, next)
		return
	}
	s.renderLogin(c, http.StatusOK, "", next, "")
}
