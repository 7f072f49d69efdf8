package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// staffBroken answers GET /staff/broken: every broken link.
func (s *Server) staffBroken(c *gin.Context) {
	bs, n, err := s.lib.BrokenLinks(c.Request.Context(), s.reader(c), 1000)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, http.StatusOK, "staff_broken", staffBrokenData{Page: s.basePage(c, "Broken links"),
		Broken: brokenRows(bs), Total: n})
}
