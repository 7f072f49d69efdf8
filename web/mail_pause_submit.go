package web

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// mailPauseSubmit answers POST /mail/pause?token=: pauses (resume=1:
// resumes) the alerts the token covers; they stay, and can be resumed
// from the same link or the account page.
func (s *Server) mailPauseSubmit(c *gin.Context) {
	g, tok, as, ok := s.grantAndAlerts(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	paused := c.PostForm("resume") != "1"
	for _, a := range as {
		if _, err := s.lib.UpdateAlert(ctx, grantReader(g), a.ID, func(x *catalog.Alert) error { x.Paused = paused; return nil }); err != nil {
			s.pageError(c, err)
			return
		}
	}
	msg := fmt.Sprintf("Done: %d paused. Nothing is sent for them until you resume them.", len(as))
	if !paused {
		msg = fmt.Sprintf("Done: %d resumed.", len(as))
	}
	s.renderMailLink(c, g, tok, "pause", mailLinkData{Done: true, Message: msg})
}
