package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *Server) listCreate(c *gin.Context) {
	l, err := s.lib.CreateList(c.Request.Context(), s.reader(c), c.PostForm("name"), c.PostForm("note"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/lists/"+l.ID)
}
