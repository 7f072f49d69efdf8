package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
)

// forgotSubmit answers POST /forgot (field email, CSRF-checked): the
// answer is the same whether or not the address has an account; requests
// are throttled like sign-ins.
func (s *Server) forgotSubmit(c *gin.Context) {
	email := c.PostForm("email")
	if len(email) > 254 {
		email = email[:254]
	}
	err := s.auth.RequestReset(c.Request.Context(), email, clientOf(c))
	var te *auth.ThrottledError
	switch {
	case errors.As(err, &te):
		secs := int(math.Ceil(te.RetryAfter.Seconds()))
		c.Header("Retry-After", strconv.Itoa(secs))
		s.renderForgot(c, http.StatusTooManyRequests, forgotData{Email: email,
			Error: "Too many requests. Please wait " + minutes(secs) + " and try again."})
	case err != nil:
		s.pageError(c, err)
	default:
		s.renderForgot(c, http.StatusOK, forgotData{Email: email, Sent: true})
	}
}
