package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
)

// signinRedirect keeps /signin links working.
func (s *Server) signinRedirect(c *gin.Context) {
	c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(safeNext(c.Query("next"))))
}
