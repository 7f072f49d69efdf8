package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// Mail links: the unsubscribe, pause, change and manage links of alert
// digests and the newsletter (/mail/ACTION?token=...). The token is the
// credential (auth.MailGrant): no sign-in, no cookie. A GET only shows
// what the link would do, with a form, so link scanners and previews
// change nothing; a POST does it. The one-click unsubscribe of RFC 8058
// is a POST of "List-Unsubscribe=One-Click" to the List-Unsubscribe
// address, sent by the mail provider without cookies or a form token, so
// these routes are exempt from the session CSRF check (csrf in
// auth_middleware.go): a forger would need the signed token, which only
// the mailbox holds, and cross-origin browser requests are still refused.

// mailLinkPrefix is where mail links are served.
const mailLinkPrefix = "/mail/"

// mailRoutes registers the mail-link pages.
func (s *Server) mailRoutes(g *gin.RouterGroup) {
	g.Use(noStore(), noReferrer())
	g.GET("/unsubscribe", s.mailUnsubscribePage)
	g.POST("/unsubscribe", s.mailUnsubscribeSubmit)
	g.GET("/pause", s.mailPausePage)
	g.POST("/pause", s.mailPauseSubmit)
	g.GET("/change", s.mailChangePage)
	g.POST("/change", s.mailChangeSubmit)
	g.GET("/manage", s.mailManagePage)
	g.POST("/manage", s.mailManageSubmit)
}

// noReferrer keeps the token in the address out of Referer headers.
func noReferrer() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Referrer-Policy", "no-referrer")
		c.Header("X-Robots-Tag", "noindex")
		c.Next()
	}
}

// mailLinkData is the data of mail_link.html.
type mailLinkData struct {
	Page
	// Action is the link's action (unsubscribe, pause, change, manage);
	// Done is set once it was carried out, with what happened in Message.
	Action  string
	Token   string
	Done    bool
	Message string
	// What describes what the link covers ("your daily alerts").
	What   string
	Alerts []mailLinkAlert
	// Newsletter is offered on the manage page: OptedOut says its state.
	Newsletter bool
	OptedOut   bool
	Weekdays   []string
	Cadences   []string
}

// mailLinkAlert is one alert on a mail-link page.
type mailLinkAlert struct {
	ID      int64
	Label   string
	Cadence string
	Day     string
	Paused  bool
}

// mailGrant reads the token of a mail link (query or form), answering
// the error page itself when it is not valid.
func (s *Server) mailGrant(c *gin.Context) (*auth.MailGrant, string, bool) {
	tok := c.Query("token")
	if tok == "" {
		tok = c.PostForm("token")
	}
	g, err := s.auth.MailGrant(c.Request.Context(), tok)
	if err != nil {
		s.pageError(c, err)
		return nil, "", false
	}
	return g, tok, true
}

// grantReader is the reader a mail link acts as: the account's id only,
// with no access to members-only items (the link only stops or changes
// mail).
func grantReader(g *auth.MailGrant) catalog.Reader {
	return catalog.Reader{UserID: g.User.ID, Email: g.User.Email}
}

// grantAlerts are the alerts of the grant's account that it covers.
func (s *Server) grantAlerts(ctx context.Context, g *auth.MailGrant) ([]*catalog.Alert, error) {
	as, err := s.lib.Alerts(ctx, grantReader(g))
	if err != nil {
		return nil, err
	}
	var out []*catalog.Alert
	for _, a := range as {
		if g.CoversAlert(a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// grantAndAlerts reads a mail link's token and the alerts it covers,
// answering the error page itself when it can't.
func (s *Server) grantAndAlerts(c *gin.Context) (*auth.MailGrant, string, []*catalog.Alert, bool) {
	g, tok, ok := s.mailGrant(c)
	if !ok {
		return nil, "", nil, false
	}
	as, err := s.grantAlerts(c.Request.Context(), g)
	if err != nil {
		s.pageError(c, err)
		return nil, "", nil, false
	}
	return g, tok, as, true
}

// renderMailLink shows the page of action for g.
func (s *Server) renderMailLink(c *gin.Context, g *auth.MailGrant, tok, action string, d mailLinkData) {
	ctx := c.Request.Context()
	as, err := s.grantAlerts(ctx, g)
	if err != nil {
		s.pageError(c, err)
		return
	}
	for _, a := range as {
		d.Alerts = append(d.Alerts, mailLinkAlert{ID: a.ID, Label: s.lib.DescribeSearch(ctx, a.Search),
			Cadence: a.Cadence, Day: a.Day, Paused: a.Paused})
	}
	d.Newsletter = g.Covers(auth.ScopeNewsletter, 0)
	if d.Newsletter {
		if d.OptedOut, err = s.auth.NewsletterOptedOut(ctx, g.User.ID); err != nil {
			s.pageError(c, err)
			return
		}
	}
	titles := map[string]string{"unsubscribe": "Unsubscribe", "pause": "Pause alerts", "change": "Change an alert", "manage": "Your email from the library"}
	d.Page = s.basePage(c, titles[action])
	d.Page.NoIndex = true
	d.Action, d.Token, d.What = action, tok, grantWhat(g)
	d.Weekdays, d.Cadences = catalog.Weekdays, []string{catalog.Daily, catalog.Weekly, catalog.Monthly}
	s.render(c, http.StatusOK, "mail_link", d)
}

// grantWhat says what a grant covers, for people.
func grantWhat(g *auth.MailGrant) string {
	switch g.Scope {
	case auth.ScopeAlert:
		return "this alert"
	case auth.ScopeDigest:
		return "your " + g.Cadence + " alerts"
	case auth.ScopeAlerts:
		return "all your alerts"
	case auth.ScopeNewsletter:
		return "the association's newsletter"
	}
	return "everything the library emails you unasked: all your alerts and the newsletter"
}
