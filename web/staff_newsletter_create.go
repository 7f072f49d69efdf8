package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// staffNewsletterCreate answers POST /staff/newsletter (title): a new
// draft, opened for composing.
func (s *Server) staffNewsletterCreate(c *gin.Context) {
	e := &catalog.Edition{Title: c.PostForm("title")}
	if err := s.lib.CreateEdition(c.Request.Context(), s.reader(c), e); err != nil {
		if status, detail := statusOf(err); status < 500 && status != http.StatusForbidden {
			s.renderStaffNewsletter(c, status, detail, c.PostForm("title"))
			return
		}
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/newsletter/%d", e.ID))
}
