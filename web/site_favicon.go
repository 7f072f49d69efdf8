package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// favicon answers /favicon.ico with a redirect to the site's icon.
func (s *Server) favicon(c *gin.Context) {
	u, err := s.static.url("favicon.svg")
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=86400")
	c.Redirect(http.StatusMovedPermanently, u)
}
