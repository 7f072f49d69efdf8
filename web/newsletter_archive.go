package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// newsletterArchive answers GET /newsletter.
func (s *Server) newsletterArchive(c *gin.Context) {
	es, err := s.lib.PublishedEditions(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := newslettersData{Page: s.basePage(c, "The association's newsletter")}
	for _, e := range es {
		d.Editions = append(d.Editions, editionLink{Slug: e.Slug, Title: e.Title, Sent: sentDay(e)})
	}
	s.render(c, http.StatusOK, "newsletters", d)
}

// sentDay is the day an edition was sent, "" for a draft.
func sentDay(e *catalog.Edition) string {
	if e.Sent.IsZero() {
		return ""
	}
	return e.Sent.In(london).Format("2 January 2006")
}
