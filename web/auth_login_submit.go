package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
)

// loginSubmit answers POST /login (CSRF-checked by the middleware).
func (s *Server) loginSubmit(c *gin.Context) {
	email, pw := c.PostForm("email"), c.PostForm("password")
	next := safeNext(c.PostForm("next"))
	if len(email) > 254 {
		email = email[:254]
	}
	res, err := s.auth.Login(c.Request.Context(), email, pw, clientOf(c))
	var te *auth.ThrottledError
	switch {
	case errors.As(err, &te):
		secs := int(math.Ceil(te.RetryAfter.Seconds()))
		c.Header("Retry-After", strconv.Itoa(secs))
		s.renderLogin(c, http.StatusTooManyRequests, email, next,
			"Too many failed sign-ins. Please wait "+minutes(secs)+" and try again.")
	case errors.Is(err, auth.ErrBadCredentials):
		s.renderLogin(c, http.StatusUnauthorized, email, next, badCredentials)
	case err != nil:
		s.pageError(c, err)
	default:
		s.setCookie(c, sessionCookie, res.Token, int(s.auth.SessionLifetime().Seconds()))
		c.Redirect(http.StatusSeeOther, next)
	}
}
