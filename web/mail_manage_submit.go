package web

import (
	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// mailManageSubmit answers POST /mail/manage?token=: action pause,
// resume or delete of one alert the token covers (field alert), or
// newsletter-off / newsletter-on.
func (s *Server) mailManageSubmit(c *gin.Context) {
	g, tok, ok := s.mailGrant(c)
	if !ok {
		return
	}
	ctx, rd := c.Request.Context(), grantReader(g)
	msg := "Saved."
	switch action := c.PostForm("action"); action {
	case "newsletter-off", "newsletter-on":
		if err := s.auth.SetNewsletterOptOut(ctx, g, action == "newsletter-off"); err != nil {
			s.pageError(c, err)
			return
		}
	case "pause", "resume", "delete":
		id, err := parseID(c.PostForm("alert"))
		if err != nil {
			s.pageError(c, err)
			return
		}
		a, err := s.lib.Alert(ctx, rd, id)
		if err == nil && !g.CoversAlert(a) {
			err = catalog.ErrNotFound
		}
		if err == nil && action == "delete" {
			err, msg = s.lib.DeleteAlert(ctx, rd, id), "The alert was ended."
		} else if err == nil {
			_, err = s.lib.UpdateAlert(ctx, rd, id, func(x *catalog.Alert) error { x.Paused = action == "pause"; return nil })
		}
		if err != nil {
			s.pageError(c, err)
			return
		}
	default:
		s.pageError(c, invalid("action must be pause, resume, delete, newsletter-off or newsletter-on"))
		return
	}
	s.renderMailLink(c, g, tok, "manage", mailLinkData{Done: true, Message: msg})
}
