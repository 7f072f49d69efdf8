package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// staffEditionPost answers POST /staff/newsletter/:id: the whole draft,
// and action: save, section (add one), items (add the ticked "pick"
// values and "add_id", an id or a library address), up:N, down:N,
// remove:N, delete.
func (s *Server) staffEditionPost(c *gin.Context) {
	e, ok := s.edition(c)
	if !ok {
		return
	}
	ctx, rd := c.Request.Context(), s.reader(c)
	action := c.PostForm("action")
	if action == "delete" {
		if err := s.lib.DeleteEdition(ctx, rd, e.ID); err != nil {
			s.pageError(c, err)
			return
		}
		s.setFlash(c, "edition-deleted")
		c.Redirect(http.StatusSeeOther, "/staff/newsletter")
		return
	}
	saved := *e
	editionFromForm(c, e)
	verb, arg, _ := strings.Cut(action, ":")
	n, _ := strconv.Atoi(arg)
	i := n - 1
	switch verb {
	case "save", "":
	case "section":
		e.Blocks = append(e.Blocks, catalog.EditionBlock{Kind: catalog.BlockSection, Heading: "New section"})
	case "items":
		for _, id := range append(c.PostFormArray("pick"), resourceIDOf(c.PostForm("add_id"))) {
			if id = strings.TrimSpace(id); id != "" && !hasItem(e, id) {
				e.Blocks = append(e.Blocks, catalog.EditionBlock{Kind: catalog.BlockItem, ResourceID: id})
			}
		}
	case "up":
		if i > 0 && i < len(e.Blocks) {
			e.Blocks[i-1], e.Blocks[i] = e.Blocks[i], e.Blocks[i-1]
		}
	case "down":
		if i >= 0 && i+1 < len(e.Blocks) {
			e.Blocks[i], e.Blocks[i+1] = e.Blocks[i+1], e.Blocks[i]
		}
	case "remove":
		if i >= 0 && i < len(e.Blocks) {
			e.Blocks = append(e.Blocks[:i], e.Blocks[i+1:]...)
		}
	default:
		s.renderError(c, http.StatusBadRequest, fmt.Sprintf("Unknown action %q.", action))
		return
	}
	if err := s.lib.SaveEdition(ctx, rd, e); err != nil {
		if status, detail := statusOf(err); status == http.StatusBadRequest || status == http.StatusConflict {
			// Keep what was typed, say what is wrong.
			if saved.State == catalog.EditionSent {
				e = &saved
			}
			s.renderEdition(c, status, e, detail)
			return
		}
		s.pageError(c, err)
		return
	}
	s.setFlash(c, "saved")
	frag := ""
	if verb == "items" || verb == "section" {
		frag = fmt.Sprintf("#block-%d", len(e.Blocks))
	} else if (verb == "up" || verb == "down") && n > 0 {
		if verb == "up" {
			n--
		} else {
			n++
		}
		frag = fmt.Sprintf("#block-%d", n)
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/newsletter/%d%s", e.ID, frag))
}

func hasItem(e *catalog.Edition, id string) bool {
	for _, b := range e.Blocks {
		if b.Kind == catalog.BlockItem && b.ResourceID == id {
			return true
		}
	}
	return false
}

// resourceIDOf takes an id or a library address (…/resources/ID).
func resourceIDOf(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/resources/"); i >= 0 {
		s = s[i+len("/resources/"):]
		if j := strings.IndexAny(s, "/?#"); j >= 0 {
			s = s[:j]
		}
	}
	return s
}
