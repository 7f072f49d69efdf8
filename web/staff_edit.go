package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// staffEditData is the data of staff_edit.html: the resource's form, its
// suggested themes, link health, earlier versions and history. On a
// conflict the same page shows the difference first.
type staffEditData struct {
	Page
	R         *catalog.Resource
	Form      resourceForm
	Withdrawn bool
	Gone      bool
	Suggested []themeChoice
	Health    *library.LinkHealth
	LastGood  string
	Checked   string
	Versions  []versionRow
	History   []historyRow
	// Conflict is set when the save was refused because someone else
	// saved first.
	Conflict *conflictView
}

type versionRow struct {
	Title, Published, Since, Superseded string
	Version                             int64
}

type conflictView struct {
	Edited, Current int64
	Diffs           []library.FieldDiff
	Since           []historyRow
}

// staffEditForm answers GET /staff/resources/:id.
func (s *Server) staffEditForm(c *gin.Context) {
	r, err := s.lib.ForEdit(c.Request.Context(), s.reader(c), c.Param("id"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.renderEdit(c, http.StatusOK, r, s.form(r.ID, r.Version, valuesOf(r), nil), nil)
}

// renderEdit renders the edit page for r with form f.
func (s *Server) renderEdit(c *gin.Context, status int, r *catalog.Resource, f resourceForm, conflict *conflictView) {
	ctx := c.Request.Context()
	rd := s.reader(c)
	d := staffEditData{Page: s.basePage(c, "Edit: "+r.Title), R: r, Form: f, Conflict: conflict,
		Withdrawn: r.Status == catalog.StatusWithdrawn, Gone: r.Status == catalog.StatusGone}
	for _, t := range r.MachineThemes {
		d.Suggested = append(d.Suggested, themeChoice{Slug: t, Label: s.lib.Taxonomy().Label(t)})
	}
	hist, err := s.lib.History(ctx, rd, r.ID, 200)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.History = historyRows(hist)
	if r.Status == catalog.StatusActive {
		if d.Health, err = s.lib.LinkHealthOf(ctx, rd, r.ID); errors.Is(err, catalog.ErrNotFound) {
			d.Health = nil // never checked
		} else if err != nil {
			s.pageError(c, err)
			return
		}
		if d.Health != nil {
			d.LastGood = clock(d.Health.LastGood, "never seen working")
			d.Checked = clock(d.Health.Checked, "")
		}
		vs, err := s.lib.Versions(ctx, rd, r.ID)
		if err != nil {
			s.pageError(c, err)
			return
		}
		for _, v := range vs {
			d.Versions = append(d.Versions, versionRow{Title: v.Title, Published: formatDate(v.Published),
				Since: clock(v.CurrentSince, ""), Superseded: clock(v.Superseded, ""), Version: v.Version})
		}
	}
	s.render(c, status, "staff_edit", d)
}

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

func reverse[T any](in []T) []T {
	out := make([]T, len(in))
	for i, x := range in {
		out[len(in)-1-i] = x
	}
	return out
}

// staffWithdraw answers POST /staff/resources/:id/withdraw.
func (s *Server) staffWithdraw(c *gin.Context) {
	s.afterStatus(c, "staff-withdrawn", func() error {
		_, err := s.lib.Withdraw(c.Request.Context(), s.reader(c), c.Param("id"), postedVersion(c), c.PostForm("reason"))
		return err
	})
}

// staffRestore answers POST /staff/resources/:id/restore.
func (s *Server) staffRestore(c *gin.Context) {
	s.afterStatus(c, "staff-restored", func() error {
		_, err := s.lib.Restore(c.Request.Context(), s.reader(c), c.Param("id"), postedVersion(c))
		return err
	})
}

// staffConfirmThemes answers POST /staff/resources/:id/themes: each
// suggested theme is confirmed, rejected or left as it is.
func (s *Server) staffConfirmThemes(c *gin.Context) {
	s.afterStatus(c, "staff-themes", func() error {
		r, err := s.lib.ForEdit(c.Request.Context(), s.reader(c), c.Param("id"))
		if err != nil {
			return err
		}
		var confirm, reject []string
		for _, t := range r.MachineThemes {
			switch c.PostForm("theme-" + t) {
			case "confirm":
				confirm = append(confirm, t)
			case "reject":
				reject = append(reject, t)
			}
		}
		_, err = s.lib.ConfirmThemes(c.Request.Context(), s.reader(c), r.ID, postedVersion(c), confirm, reject)
		return err
	})
}

// afterStatus runs a one-button change and goes back to the edit page; a
// stale version shows the page again with the conflict.
func (s *Server) afterStatus(c *gin.Context, flash string, fn func() error) {
	id := c.Param("id")
	err := fn()
	var ce *library.ConflictError
	switch {
	case err == nil:
		s.setFlash(c, flash)
		c.Redirect(http.StatusSeeOther, staffURL(id))
	case errors.As(err, &ce):
		f := s.form(id, ce.Current.Version, valuesOf(ce.Current), nil)
		s.renderEdit(c, http.StatusConflict, ce.Current, f, &conflictView{Edited: ce.Edited,
			Current: ce.Current.Version, Diffs: ce.Diffs, Since: historyRows(reverse(ce.Since))})
	default:
		s.pageError(c, err)
	}
}
