package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// staffEditionPreviewEmail answers GET /staff/newsletter/:id/preview/email:
// the email's HTML part as that reader would get it.
func (s *Server) staffEditionPreviewEmail(c *gin.Context) {
	_, _, m, ok := s.preview(c)
	if !ok {
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(m.HTML))
}
