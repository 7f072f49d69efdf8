package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// staffNewsletter answers GET /staff/newsletter.
func (s *Server) staffNewsletter(c *gin.Context) { s.renderStaffNewsletter(c, http.StatusOK, "", "") }

func (s *Server) renderStaffNewsletter(c *gin.Context, status int, errMsg, title string) {
	es, err := s.lib.Editions(c.Request.Context(), s.reader(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := staffNewsletterData{Page: s.basePage(c, "Newsletter"), Error: errMsg, Title: title}
	for _, e := range es {
		row := staffEditionRow{ID: e.ID, Slug: e.Slug, Title: e.Title, Recipients: e.Recipients, Len: len(e.Blocks)}
		if e.State == catalog.EditionSent {
			row.When = sentDay(e)
			d.Sent = append(d.Sent, row)
		} else {
			row.When = when(e.Updated)
			d.Drafts = append(d.Drafts, row)
		}
	}
	s.render(c, status, "staff_newsletter", d)
}
