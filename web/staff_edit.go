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
	// Files are the versions of the file the library holds, newest first,
	// and FileError the message about a refused new version (staff_upload.go).
	Files     []fileRow
	FileError string
	// TextNote says why the item has no text (library.View.TextNote).
	TextNote string
	// MaxUpload is the upload limit, for people ("32 MB").
	MaxUpload string
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

// renderEdit renders the edit page for r with form f.
func (s *Server) renderEdit(c *gin.Context, status int, r *catalog.Resource, f resourceForm, conflict *conflictView) {
	s.renderEditPage(c, status, r, f, conflict, "")
}

// renderEditFile renders the edit page of r with a message about the file
// staff tried to upload as its new version (staff_upload.go).
func (s *Server) renderEditFile(c *gin.Context, status int, r *catalog.Resource, fileErr string) {
	s.renderEditPage(c, status, r, s.form(r.ID, r.Version, valuesOf(r), nil), nil, fileErr)
}

func (s *Server) renderEditPage(c *gin.Context, status int, r *catalog.Resource, f resourceForm, conflict *conflictView, fileErr string) {
	ctx := c.Request.Context()
	rd := s.reader(c)
	d := staffEditData{Page: s.basePage(c, "Edit: "+r.Title), R: r, Form: f, Conflict: conflict,
		Withdrawn: r.Status == catalog.StatusWithdrawn, Gone: r.Status == catalog.StatusGone, FileError: fileErr,
		MaxUpload: catalog.SizeText(s.lib.MaxUpload())}
	if v, err := s.lib.Resource(ctx, rd, r.ID); err != nil {
		s.pageError(c, err)
		return
	} else {
		d.Files, d.TextNote = fileRows(r.ID, v.Files), v.TextNote
	}
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

func reverse[T any](in []T) []T {
	out := make([]T, len(in))
	for i, x := range in {
		out[len(in)-1-i] = x
	}
	return out
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
