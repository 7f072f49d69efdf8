package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// resetData is the data of reset.html.
type resetData struct {
	Page
	Token   string
	Email   string
	Invalid bool
	Error   string
}

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

func (s *Server) renderReset(c *gin.Context, status int, d resetData) {
	s.preCSRF(c)
	d.Page = s.basePage(c, "Choose a password")
	s.render(c, status, "reset", d)
}

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

func (s *Server) resetRetry(c *gin.Context, tok, msg string) {
	u, err := s.auth.ResetUser(c.Request.Context(), tok)
	if err != nil {
		s.renderReset(c, http.StatusBadRequest, resetData{Invalid: true})
		return
	}
	s.renderReset(c, http.StatusBadRequest, resetData{Token: tok, Email: u.Email, Error: msg})
}
