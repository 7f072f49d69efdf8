package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// alertChange answers POST /members/alerts/:id with action pause, resume
// or delete (one's own alerts only).
func (s *Server) alertChange(c *gin.Context) {
	id, err := parseID(c.Param("id"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	ctx, rd := c.Request.Context(), s.reader(c)
	switch c.PostForm("action") {
	case "delete":
		err = s.lib.DeleteAlert(ctx, rd, id)
	case "pause", "resume":
		paused := c.PostForm("action") == "pause"
		_, err = s.lib.UpdateAlert(ctx, rd, id, func(a *catalog.Alert) error { a.Paused = paused; return nil })
	default:
		err = invalid("action must be pause, resume or delete")
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, "saved")
	c.Redirect(http.StatusSeeOther, "/members/account#alerts")
}
