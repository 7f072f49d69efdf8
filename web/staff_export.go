package web

import (
	"bufio"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

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
