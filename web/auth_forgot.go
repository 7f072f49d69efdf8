package web

import (
	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
)

// forgotData is the data of forgot.html.
type forgotData struct {
	Page
	Email string
	Sent  bool
	Error string
	Hours int
}

func (s *Server) renderForgot(c *gin.Context, status int, d forgotData) {
	s.preCSRF(c)
	d.Page = s.basePage(c, "Forgotten password")
	d.Hours = int(auth.ForgotLifetime.Hours())
	s.render(c, status, "forgot", d)
}
