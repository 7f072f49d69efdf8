package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// staffImportForm answers GET /staff/import.
func (s *Server) staffImportForm(c *gin.Context) {
	s.render(c, http.StatusOK, "staff_import", staffImportData{Page: s.basePage(c, "Import and export")})
}
