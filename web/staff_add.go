package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// staffAddData is the data of staff_add.html: first the URL field, then
// (after the fetch) the form to confirm or correct what was found.
type staffAddData struct {
	Page
	URL      string
	URLError string
	// Form is set once the page was fetched.
	Form *resourceForm
	// Fetched says where the draft came from.
	Fetched string
}

// staffAddForm answers GET /staff/add.
func (s *Server) staffAddForm(c *gin.Context) {
	s.render(c, http.StatusOK, "staff_add", staffAddData{Page: s.basePage(c, "Add a link"), URL: c.Query("url")})
}

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

// staffAddSave answers POST /staff/add/save: save the confirmed draft.
func (s *Server) staffAddSave(c *gin.Context) {
	v := parseValues(c)
	token := c.PostForm("token")
	r, err := s.lib.SaveLink(c.Request.Context(), s.reader(c), token, v.resource())
	var exists *library.ExistsError
	switch {
	case err == nil:
		s.setFlash(c, "staff-added")
		c.Redirect(http.StatusSeeOther, staffURL(r.ID))
	case errors.As(err, &exists):
		s.setFlash(c, "staff-exists")
		c.Redirect(http.StatusSeeOther, staffURL(exists.Resource.ID))
	case errors.Is(err, catalog.ErrInvalid):
		f := s.form("", 0, v, library.FieldErrors(err))
		f.Token = token
		s.render(c, http.StatusUnprocessableEntity, "staff_add", staffAddData{
			Page: s.basePage(c, "Check and save the new link"), URL: v.URL, Form: &f, Fetched: v.URL})
	default:
		s.pageError(c, err)
	}
}
