package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// resetSubmit answers POST /reset: spend the link, set the password, and
// send the person to sign in with it.
func (s *Server) resetSubmit(c *gin.Context) {
	c.Header("Referrer-Policy", "no-referrer")
	tok, pw := c.PostForm("token"), c.PostForm("password")
	if pw != c.PostForm("confirm") {
		s.resetRetry(c, tok, "The two passwords differ.")
		return
	}
	_, err := s.auth.Reset(c.Request.Context(), tok, pw, clientOf(c))
	switch {
	case errors.Is(err, auth.ErrUnauthenticated):
		s.renderReset(c, http.StatusBadRequest, resetData{Invalid: true})
	case errors.Is(err, catalog.ErrInvalid):
		_, detail := statusOf(err)
		s.resetRetry(c, tok, detail)
	case err != nil:
		s.pageError(c, err)
	default:
		s.setFlash(c, "password-set")
		c.Redirect(http.StatusSeeOther, "/login")
	}
}
