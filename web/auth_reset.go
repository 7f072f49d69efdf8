package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// resetData is the data of reset.html.
type resetData struct {
	Page
	Token   string
	Email   string
	Invalid bool
	Error   string
}

func (s *Server) renderReset(c *gin.Context, status int, d resetData) {
	s.preCSRF(c)
	d.Page = s.basePage(c, "Choose a password")
	s.render(c, status, "reset", d)
}

func (s *Server) resetRetry(c *gin.Context, tok, msg string) {
	u, err := s.auth.ResetUser(c.Request.Context(), tok)
	if err != nil {
		s.renderReset(c, http.StatusBadRequest, resetData{Invalid: true})
		return
	}
	s.renderReset(c, http.StatusBadRequest, resetData{Token: tok, Email: u.Email, Error: msg})
}
