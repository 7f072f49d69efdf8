package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// staffGo answers GET /staff/go?id=...: opens a resource by its id or by
// its address on this site (/resources/ID) or its link.
func (s *Server) staffGo(c *gin.Context) {
	q := strings.TrimSpace(c.Query("id"))
	if u, err := url.Parse(q); err == nil && strings.HasPrefix(u.Path, "/resources/") {
		q = strings.TrimPrefix(u.Path, "/resources/")
	}
	if catalog.ValidID(q) {
		if _, err := s.lib.ForEdit(c.Request.Context(), s.reader(c), q); err == nil {
			c.Redirect(http.StatusSeeOther, staffURL(q))
			return
		}
	}
	if strings.HasPrefix(q, "http://") || strings.HasPrefix(q, "https://") {
		d, err := s.lib.FindLink(c.Request.Context(), s.reader(c), q)
		if err == nil && d != nil {
			c.Redirect(http.StatusSeeOther, staffURL(d.ID))
			return
		}
	}
	s.renderError(c, http.StatusNotFound, "No resource has that id or link.")
}
