package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// embedScript answers GET /embed.js.
func (s *Server) embedScript(c *gin.Context) {
	a, err := loadEmbedAssets()
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", a.js)
}
