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

// passwordSubmit answers POST /account/password. This session stays; the
// person's other sessions end.
func (s *Server) passwordSubmit(c *gin.Context) {
	retry := func(status int, msg string) {
		s.render(c, status, "password", passwordData{Page: s.basePage(c, "Change your password"), Error: msg})
	}
	next := c.PostForm("password")
	if next != c.PostForm("confirm") {
		retry(http.StatusBadRequest, "The two new passwords differ.")
		return
	}
	err := s.auth.ChangePassword(c.Request.Context(), identity(c), c.GetString(ctxSessionToken),
		c.PostForm("current"), next, clientOf(c))
	var te *auth.ThrottledError
	switch {
	case errors.As(err, &te):
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(te.RetryAfter.Seconds()))))
		retry(http.StatusTooManyRequests, "Too many wrong passwords. Please wait and try again.")
	case errors.Is(err, catalog.ErrInvalid):
		_, detail := statusOf(err)
		retry(http.StatusBadRequest, detail)
	case err != nil:
		s.pageError(c, err)
	default:
		s.setFlash(c, "password-changed")
		c.Redirect(http.StatusSeeOther, "/account/password")
	}
}
