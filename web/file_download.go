package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// fileDownload answers GET /files/:id/:version/:name: that version of the
// file the library holds, with its type, a safe Content-Disposition name,
// nosniff and an ETag (its SHA-256; If-None-Match answers 304). Who may
// have it is decided by the library (OpenFile): a members-only file to
// anyone without a live membership is a 403 page offering sign-in or
// renewal. Members-only (and withdrawn) files are Cache-Control: private,
// so no shared cache keeps them. The name in the path is for people and
// browsers; the file is found by id and version.
func (s *Server) fileDownload(c *gin.Context) {
	n, err := strconv.Atoi(c.Param("version"))
	if err != nil || n < 1 {
		s.notFound(c)
		return
	}
	rd := s.reader(c)
	f, err := s.lib.OpenFile(c.Request.Context(), rd, c.Param("id"), n)
	if errors.Is(err, catalog.ErrForbidden) {
		s.render(c, http.StatusForbidden, "file_forbidden", s.basePage(c, "Members only"))
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	defer f.Content.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", f.ContentType)
	disposition := "attachment"
	if f.ContentType == "application/pdf" {
		disposition = "inline" // browsers show PDFs themselves
	}
	h.Set("Content-Disposition", contentDisposition(disposition, f.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+f.SHA256+`"`)
	if f.Private {
		h.Set("Cache-Control", "private, no-cache")
		h.Add("Vary", "Cookie, Authorization")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	// ServeContent answers If-None-Match (304), ranges and HEAD; the
	// modification time is the version's, which never changes.
	http.ServeContent(c.Writer, c.Request, f.Name, f.Added, f.Content)
}
