package web

import (
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

func (s *Server) renderLogin(c *gin.Context, status int, email, next, msg string) {
	s.preCSRF(c)
	s.render(c, status, "login", loginData{Page: s.basePage(c, "Sign in"), Email: email, Next: next, Error: msg})
}

// badCredentials is said for every failed sign-in, whatever the reason.
const badCredentials = "The email address or password is wrong."

func minutes(secs int) string {
	m := (secs + 59) / 60
	if m <= 1 {
		return "a minute"
	}
	return strconv.Itoa(m) + " minutes"
}
