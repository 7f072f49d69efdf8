package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
)

// resetPage answers GET /reset?token=…: the form to choose a password
// from an admin's one-time link.
func (s *Server) resetPage(c *gin.Context) {
	// The token is in the address: never send it on in a Referer.
	c.Header("Referrer-Policy", "no-referrer")
	tok := c.Query("token")
	u, err := s.auth.ResetUser(c.Request.Context(), tok)
	if errors.Is(err, auth.ErrUnauthenticated) {
		s.renderReset(c, http.StatusBadRequest, resetData{Invalid: true})
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.renderReset(c, http.StatusOK, resetData{Token: tok, Email: u.Email})
}
