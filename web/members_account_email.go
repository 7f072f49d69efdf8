package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// accountChangeEmail answers POST /members/account/email (email,
// password): the person's own sign-in address changes once their password
// is checked, and a notice goes to the old address.
func (s *Server) accountChangeEmail(c *gin.Context) {
	next := c.PostForm("email")
	retry := func(status int, msg string) {
		s.renderAccountWith(c, status, func(d *accountData) { d.EmailError, d.NewEmail = msg, trim(next, 300) })
	}
	_, err := s.auth.ChangeEmail(c.Request.Context(), identity(c), c.PostForm("password"), next, clientOf(c))
	var te *auth.ThrottledError
	switch {
	case errors.As(err, &te):
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(te.RetryAfter.Seconds()))))
		retry(http.StatusTooManyRequests, "Too many wrong passwords. Please wait and try again.")
	case errors.Is(err, catalog.ErrInvalid), errors.Is(err, catalog.ErrConflict):
		status, detail := statusOf(err)
		if errors.Is(err, catalog.ErrConflict) {
			// Don't confirm which addresses have accounts.
			detail = "That address can't be used for this account. Choose another."
		}
		retry(status, detail)
	case err != nil:
		s.pageError(c, err)
	default:
		if s.mail != nil {
			s.mail.Notify()
		}
		s.setFlash(c, "email-changed")
		c.Redirect(http.StatusSeeOther, "/members/account")
	}
}
