package web

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// maxImportUpload bounds an import file uploaded in the staff area (the
// command line has no limit but the row count).
const maxImportUpload = 256 << 20

// formLimit is the body limit the csrf middleware puts on a form: the
// import upload may be large, every other form is small.
func formLimit(c *gin.Context) int64 {
	if c.FullPath() == "/staff/import" {
		return maxImportUpload
	}
	return maxFormBytes
}

// staffImportData is the data of staff_import.html.
type staffImportData struct {
	Page
	Report *library.ImportReport
	// Errors are the first rejected rows (all are counted in Report).
	Errors []library.LineError
	More   int
	File   string
	Error  string
}

// maxErrorsShown bounds the rejected rows listed on the page.
const maxErrorsShown = 500

// staffImportForm answers GET /staff/import.
func (s *Server) staffImportForm(c *gin.Context) {
	s.render(c, http.StatusOK, "staff_import", staffImportData{Page: s.basePage(c, "Import and export")})
}

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

// staffExport answers GET /staff/export?format=jsonl|csv: every resource
// with the API's fields, as "safelib export" writes them.
func (s *Server) staffExport(c *gin.Context) {
	format := c.DefaultQuery("format", "jsonl")
	if format != "jsonl" && format != "csv" {
		s.renderError(c, http.StatusBadRequest, "The format must be jsonl or csv.")
		return
	}
	ctype := "application/x-ndjson"
	if format == "csv" {
		ctype = "text/csv; charset=utf-8"
	}
	name := fmt.Sprintf("safelib-%s.%s", time.Now().In(london).Format("2006-01-02"), format)
	c.Header("Content-Type", ctype)
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Status(http.StatusOK)
	w := bufio.NewWriterSize(c.Writer, 1<<16)
	if _, err := s.lib.Export(c.Request.Context(), s.reader(c), w, format); err != nil {
		// The status is sent; the log says why the file is short.
		s.log.Error("export", "err", err)
		return
	}
	if err := w.Flush(); err != nil {
		s.log.Warn("export", "err", err)
	}
}
