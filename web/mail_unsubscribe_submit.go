package web

import (
	"errors"
	"fmt"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// mailUnsubscribeSubmit answers POST /mail/unsubscribe?token=: the RFC
// 8058 one-click POST (body List-Unsubscribe=One-Click) from a mail
// client, or the confirmation page's form. It ends the alerts the token
// covers (deleting them) and, for the newsletter or everything, records
// the opt-out. No sign-in: the signed token is the credential.
func (s *Server) mailUnsubscribeSubmit(c *gin.Context) {
	g, tok, as, ok := s.grantAndAlerts(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	for _, a := range as {
		if err := s.lib.DeleteAlert(ctx, grantReader(g), a.ID); err != nil && !errors.Is(err, catalog.ErrNotFound) {
			s.pageError(c, err)
			return
		}
	}
	msg := alertsEnded(len(as))
	if g.Covers(auth.ScopeNewsletter, 0) {
		if err := s.auth.SetNewsletterOptOut(ctx, g, true); err != nil {
			s.pageError(c, err)
			return
		}
		msg += " No more newsletters will be sent to you."
		if g.Scope == auth.ScopeNewsletter {
			msg = "Done: no more newsletters will be sent to you."
		}
	}
	s.log.Info("unsubscribed by mail link", "user", g.User.Email, "scope", g.Scope, "alerts", len(as),
		"one_click", c.PostForm("List-Unsubscribe") == "One-Click")
	s.renderMailLink(c, g, tok, "unsubscribe", mailLinkData{Done: true, Message: msg})
}

// alertsEnded says how many alerts a link ended.
func alertsEnded(n int) string {
	if n == 1 {
		return "Done: 1 alert ended."
	}
	return fmt.Sprintf("Done: %d alerts ended.", n)
}
