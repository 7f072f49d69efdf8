package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *Server) listShared(c *gin.Context) {
	// The token is in the address: keep it out of Referer headers.
	c.Header("Referrer-Policy", "no-referrer")
	rd := s.reader(c)
	v, err := s.lib.SharedList(c.Request.Context(), rd, c.Param("token"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := s.listView(c, v, rd, false)
	d.ExportURL = "/lists/shared/" + c.Param("token") + "/export"
	s.render(c, http.StatusOK, "list", d)
}
