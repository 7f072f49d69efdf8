package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// staffEditSave answers POST /staff/resources/:id: save the form on the
// version it was opened at.
func (s *Server) staffEditSave(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	v := parseValues(c)
	version := postedVersion(c)
	before, err := s.lib.ForEdit(ctx, s.reader(c), id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	r, err := s.lib.Update(ctx, s.reader(c), id, version, v.edit())
	var ce *library.ConflictError
	switch {
	case err == nil:
		if r.Version == before.Version {
			s.setFlash(c, "staff-unchanged")
		} else {
			s.setFlash(c, "staff-saved")
		}
		c.Redirect(http.StatusSeeOther, staffURL(id))
	case errors.As(err, &ce):
		// Nothing was written: show what differs between the saved
		// version and this one, with the form holding this one, ready to
		// save again on the current version.
		v.MachineThemes = ce.Current.MachineThemes
		f := s.form(id, ce.Current.Version, v, nil)
		s.renderEdit(c, http.StatusConflict, ce.Current, f, &conflictView{Edited: ce.Edited,
			Current: ce.Current.Version, Diffs: ce.Diffs, Since: historyRows(reverse(ce.Since))})
	case errors.Is(err, catalog.ErrInvalid):
		v.MachineThemes = before.MachineThemes
		s.renderEdit(c, http.StatusUnprocessableEntity, before, s.form(id, version, v, library.FieldErrors(err)), nil)
	default:
		s.pageError(c, err)
	}
}
