package web

import (
	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// mailChangeSubmit answers POST /mail/change?token=: fields alert (an
// alert the token covers), cadence and day.
func (s *Server) mailChangeSubmit(c *gin.Context) {
	g, tok, ok := s.mailGrant(c)
	if !ok {
		return
	}
	id, err := parseID(c.PostForm("alert"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	ctx := c.Request.Context()
	a, err := s.lib.Alert(ctx, grantReader(g), id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if !g.CoversAlert(a) {
		s.pageError(c, catalog.ErrNotFound) // an alert the link does not reach looks like none
		return
	}
	if _, err := s.lib.UpdateAlert(ctx, grantReader(g), id, func(x *catalog.Alert) error {
		x.Cadence, x.Day = c.PostForm("cadence"), c.PostForm("day")
		return nil
	}); err != nil {
		s.pageError(c, err)
		return
	}
	s.renderMailLink(c, g, tok, "change", mailLinkData{Done: true, Message: "Saved."})
}
