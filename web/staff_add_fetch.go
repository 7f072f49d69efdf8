package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// staffAddFetch answers POST /staff/add: fetch the URL at once and show
// the draft, or open the item that already has this link.
func (s *Server) staffAddFetch(c *gin.Context) {
	raw := c.PostForm("url")
	d, err := s.lib.AddLink(c.Request.Context(), s.reader(c), raw)
	if err != nil {
		if errors.Is(err, catalog.ErrInvalid) || errors.Is(err, library.ErrNoFetcher) {
			msg := library.FieldErrors(err)["url"]
			if msg == "" {
				msg = err.Error()
			}
			s.render(c, http.StatusUnprocessableEntity, "staff_add", staffAddData{
				Page: s.basePage(c, "Add a link"), URL: raw, URLError: msg})
			return
		}
		s.pageError(c, err)
		return
	}
	if d.Existing != nil {
		s.setFlash(c, "staff-exists")
		c.Redirect(http.StatusSeeOther, staffURL(d.Existing.ID))
		return
	}
	f := s.form("", 0, valuesOf(d.Draft), nil)
	f.Token = d.Token
	s.render(c, http.StatusOK, "staff_add", staffAddData{Page: s.basePage(c, "Check and save the new link"),
		URL: d.Draft.URL, Form: &f, Fetched: d.Draft.URL})
}
