package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// staffImport answers POST /staff/import: the same import as "safelib
// import" (every row validated, bad rows reported by line without
// stopping the good ones, idempotent), from an uploaded file.
func (s *Server) staffImport(c *gin.Context) {
	d := staffImportData{Page: s.basePage(c, "Import and export")}
	fh, err := c.FormFile("file")
	if err != nil {
		d.Error = "Choose a JSONL or CSV file to import."
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			d.Error = fmt.Sprintf("The file is larger than %d MB.", maxImportUpload>>20)
		}
		s.render(c, http.StatusUnprocessableEntity, "staff_import", d)
		return
	}
	d.File = fh.Filename
	format := c.PostForm("format")
	switch format {
	case "", "jsonl", "csv":
	default:
		format = ""
	}
	dry := c.PostForm("dry_run") != ""
	f, err := fh.Open()
	if err != nil {
		s.pageError(c, err)
		return
	}
	defer f.Close()
	rep, err := s.lib.Import(c.Request.Context(), s.reader(c), f, format, dry)
	if err != nil && !errors.Is(err, catalog.ErrInvalid) {
		s.pageError(c, err)
		return
	}
	status := http.StatusOK
	if err != nil {
		d.Error = library.FieldErrors(err)[""]
		status = http.StatusUnprocessableEntity
	}
	d.Report = rep
	if rep != nil {
		d.Errors = rep.Errors
		if len(d.Errors) > maxErrorsShown {
			d.More = len(d.Errors) - maxErrorsShown
			d.Errors = d.Errors[:maxErrorsShown]
		}
	}
	s.render(c, status, "staff_import", d)
}
