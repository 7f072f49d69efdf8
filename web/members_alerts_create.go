package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// alertCreate answers POST /members/alerts (from a search, theme or
// resource page): fields search, cadence, day.
func (s *Server) alertCreate(c *gin.Context) {
	q, err := canonicalSearch(c.PostForm("search"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	a := &catalog.Alert{Search: q, Cadence: c.DefaultPostForm("cadence", catalog.Weekly), Day: c.PostForm("day")}
	if err := s.lib.CreateAlert(c.Request.Context(), s.reader(c), a); err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, "alert-created")
	c.Redirect(http.StatusSeeOther, "/members/account#alerts")
}
