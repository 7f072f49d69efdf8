package web

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
)

// authRoutes registers sign-in, sign-out, reset and password change.
func (s *Server) authRoutes(g *gin.RouterGroup) {
	g.GET("/login", s.loginPage)
	g.POST("/login", s.loginSubmit)
	g.GET("/signin", s.signinRedirect)
	g.POST("/logout", s.logout)
	g.GET("/forgot", s.forgotPage)
	g.POST("/forgot", s.forgotSubmit)
	g.GET(auth.ResetPath, s.resetPage)
	g.POST(auth.ResetPath, s.resetSubmit)
	account := g.Group("/account", s.requireSignIn())
	account.GET("/password", s.passwordPage)
	account.POST("/password", s.passwordSubmit)
}

// loginData is the data of login.html.
type loginData struct {
	Page
	Email string
	Next  string
	Error string
}

// loginPage answers GET /login: the sign-in form.
func (s *Server) loginPage(c *gin.Context) {
	next := safeNext(c.Query("next"))
	if identity(c) != nil {
		c.Redirect(http.StatusSeeOther, next)
		return
	}
	s.renderLogin(c, http.StatusOK, "", next, "")
}

func (s *Server) renderLogin(c *gin.Context, status int, email, next, msg string) {
	s.preCSRF(c)
	s.render(c, status, "login", loginData{Page: s.basePage(c, "Sign in"), Email: email, Next: next, Error: msg})
}

// signinRedirect keeps /signin links working.
func (s *Server) signinRedirect(c *gin.Context) {
	c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(safeNext(c.Query("next"))))
}

// badCredentials is said for every failed sign-in, whatever the reason.
const badCredentials = "The email address or password is wrong."

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

func minutes(secs int) string {
	m := (secs + 59) / 60
	if m <= 1 {
		return "a minute"
	}
	return strconv.Itoa(m) + " minutes"
}

// logout answers POST /logout: the session ends on the server, not just
// in the browser.
func (s *Server) logout(c *gin.Context) {
	if tok := c.GetString(ctxSessionToken); tok != "" {
		if err := s.auth.Logout(c.Request.Context(), tok, clientOf(c)); err != nil {
			s.pageError(c, err)
			return
		}
		s.setFlash(c, "signed-out")
	}
	s.setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}
