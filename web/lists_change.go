package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// listChange answers the forms of a list page: action is one of rename,
// share, unshare, delete, up, down, remove, note.
func (s *Server) listChange(c *gin.Context) {
	ctx, rd, id := c.Request.Context(), s.reader(c), c.Param("id")
	rid := c.PostForm("resource_id")
	var err error
	switch c.PostForm("action") {
	case "rename":
		name, note := c.PostForm("name"), c.PostForm("note")
		_, err = s.lib.UpdateList(ctx, rd, id, library.ListEdit{Name: &name, Note: &note})
	case "share", "unshare":
		shared := c.PostForm("action") == "share"
		_, err = s.lib.UpdateList(ctx, rd, id, library.ListEdit{Shared: &shared})
	case "delete":
		if err = s.lib.DeleteList(ctx, rd, id); err == nil {
			s.setFlash(c, "list-deleted")
			c.Redirect(http.StatusSeeOther, "/lists")
			return
		}
	case "up":
		err = s.lib.MoveInList(ctx, rd, id, rid, -1)
	case "down":
		err = s.lib.MoveInList(ctx, rd, id, rid, 1)
	case "remove":
		err = s.lib.RemoveFromList(ctx, rd, id, rid)
	case "note":
		err = s.lib.AddToList(ctx, rd, id, rid, c.PostForm("note"))
	default:
		err = catalog.Errorf(catalog.Invalid, "unknown action %q", c.PostForm("action"))
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/lists/"+id)
}
