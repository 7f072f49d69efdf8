package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// staffAddForm answers GET /staff/add.
func (s *Server) staffAddForm(c *gin.Context) {
	s.render(c, http.StatusOK, "staff_add", staffAddData{Page: s.basePage(c, "Add a link"), URL: c.Query("url")})
}
