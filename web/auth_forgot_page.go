package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// forgotPage answers GET /forgot: the form asking for a reset link.
func (s *Server) forgotPage(c *gin.Context) {
	s.renderForgot(c, http.StatusOK, forgotData{})
}
