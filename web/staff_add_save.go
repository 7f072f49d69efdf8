package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

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
