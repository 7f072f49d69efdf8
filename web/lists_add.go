package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// listAdd answers the "Add to list" form: resource_id, list (an id, or
// "new" with new_name), note, and next (where to go back to).
func (s *Server) listAdd(c *gin.Context) {
	ctx, rd := c.Request.Context(), s.reader(c)
	id := c.PostForm("list")
	if id == "" || id == "new" {
		name := strings.TrimSpace(c.PostForm("new_name"))
		if name == "" {
			name = "Reading list"
		}
		l, err := s.lib.CreateList(ctx, rd, name, "")
		if err != nil {
			s.pageError(c, err)
			return
		}
		id = l.ID
	}
	if err := s.lib.AddToList(ctx, rd, id, c.PostForm("resource_id"), c.PostForm("note")); err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, "list-added")
	next := c.PostForm("next")
	if !localPath(next) {
		next = "/lists/" + id
	}
	c.Redirect(http.StatusSeeOther, next)
}
