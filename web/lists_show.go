package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *Server) listShow(c *gin.Context) {
	rd := s.reader(c)
	v, err := s.lib.List(c.Request.Context(), rd, c.Param("id"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := s.listView(c, v, rd, true)
	if v.List.ShareToken != "" {
		d.ShareURL = s.shareURL(c, v.List.ShareToken)
	}
	d.ExportURL = "/lists/" + v.List.ID + "/export"
	s.render(c, http.StatusOK, "list", d)
}
