package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// accountData is the data of account.html.
type accountData struct {
	Page
	Email   string
	Role    string
	Ends    string // formatted effective end date, "" for none
	Lapsed  bool
	Org     string
	OrgEnds string
	Tokens  []accountToken
	// NewToken is shown once, right after it is made.
	NewToken string
	Alerts   []accountAlert
	// Newsletter: the person gets the association's newsletter.
	Newsletter bool
	// EmailError says why a change of address was refused; NewEmail
	// keeps what was typed.
	EmailError, NewEmail string
}

type accountToken struct {
	ID                      int64
	Name, Created, LastUsed string
}

// membersRoutes registers /members/account (signed in: any role).
func (s *Server) membersRoutes(g *gin.RouterGroup) {
	g.GET("/account", s.accountPage)
	g.POST("/account/tokens", s.accountCreateToken)
	g.POST("/account/tokens/:id/revoke", s.accountRevokeToken)
	g.POST("/account/email", s.accountChangeEmail)
	g.POST("/account/newsletter", s.accountNewsletter)
}

func (s *Server) renderAccount(c *gin.Context, newToken string) {
	s.renderAccountWith(c, http.StatusOK, func(d *accountData) { d.NewToken = newToken })
}

// renderAccountWith renders the account page with status, after set has
// filled the request's own fields (a new token, a refused change).
func (s *Server) renderAccountWith(c *gin.Context, status int, set func(*accountData)) {
	id := identity(c)
	u, err := s.auth.UserByID(c.Request.Context(), actor(c), id.User.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := accountData{Page: s.basePage(c, "Your account"), Email: u.Email, Role: string(u.Role),
		Lapsed: id.Reader.Lapsed, Org: u.OrgName}
	set(&d)
	if d.Newsletter, err = s.lib.WantsNewsletter(c.Request.Context(), s.reader(c)); err != nil {
		s.pageError(c, err)
		return
	}
	if e := u.EffectiveExpires(); e != "" && u.Role == catalog.RoleMember {
		d.Ends = formatDate(catalog.Date(e))
	}
	if u.OrgExpires != "" {
		d.OrgEnds = formatDate(catalog.Date(u.OrgExpires))
	}
	if d.Alerts, err = s.accountAlerts(c); err != nil {
		s.pageError(c, err)
		return
	}
	ts, err := s.auth.Tokens(c.Request.Context(), actor(c), u.Email)
	if err != nil {
		s.pageError(c, err)
		return
	}
	for _, t := range ts {
		if !t.Revoked.IsZero() {
			continue
		}
		d.Tokens = append(d.Tokens, accountToken{ID: t.ID, Name: t.Name, Created: when(t.Created), LastUsed: when(t.LastUsed)})
	}
	if d.NewToken != "" {
		c.Header("Referrer-Policy", "no-referrer")
	}
	s.render(c, status, "account", d)
}

func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(london).Format("2 Jan 2006 15:04")
}
