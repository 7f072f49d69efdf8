package web

import (
	"github.com/gin-gonic/gin"

	"safelib/internal/library"
)

// maxImportUpload bounds an import file uploaded in the staff area (the
// command line has no limit but the row count).
const maxImportUpload = 256 << 20

// formLimit is the body limit the csrf middleware puts on a form: the
// import upload may be large, every other form is small.
func (s *Server) formLimit(c *gin.Context) int64 {
	switch c.FullPath() {
	case "/staff/import":
		return maxImportUpload
	case "/staff/upload", "/staff/resources/:id/versions":
		return s.maxUploadRequest()
	case "/staff/newsletter/:id":
		return maxEditionForm
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
