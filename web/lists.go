package web

import (
	"encoding/csv"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// Reading-list pages: /lists (yours, and a form for a new one), /lists/:id
// (one of yours: order, notes, sharing), /lists/shared/:token (anyone with
// the address, each seeing what their own access allows), and the forms
// behind "Add to list" on hits and resource pages. Every form is a plain
// POST with the CSRF token, so all of it works without JavaScript.

// listPage is the data of list.html (yours and shared).
type listPage struct {
	Page
	List      *catalog.ReadingList
	Entries   []hitView
	Owner     bool   // the reader owns it: show the forms
	ShareURL  string // when shared and Owner
	ExportURL string
}

// listsPage is the data of lists.html.
type listsPage struct {
	Page
	Lists []*catalog.ReadingList
}

// listChoice is one of the reader's lists in an "Add to list" form.
type listChoice struct{ ID, Name string }

// listChoices are the reader's lists for "Add to list" forms (nil when
// not signed in).
func (s *Server) listChoices(c *gin.Context) []listChoice {
	rd := s.reader(c)
	if rd.UserID == 0 {
		return nil
	}
	lists, err := s.lib.Lists(c.Request.Context(), rd)
	if err != nil {
		s.log.Warn("lists for add-to-list", "err", err)
		return nil
	}
	out := []listChoice{}
	for _, l := range lists {
		out = append(out, listChoice{ID: l.ID, Name: l.Name})
	}
	return out
}

func (s *Server) listsIndex(c *gin.Context) {
	lists, err := s.lib.Lists(c.Request.Context(), s.reader(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, http.StatusOK, "lists", listsPage{Page: s.basePage(c, "Your reading lists"), Lists: lists})
}

func (s *Server) listCreate(c *gin.Context) {
	l, err := s.lib.CreateList(c.Request.Context(), s.reader(c), c.PostForm("name"), c.PostForm("note"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/lists/"+l.ID)
}

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

func (s *Server) listView(c *gin.Context, v *library.ListView, rd catalog.Reader, owner bool) listPage {
	d := listPage{Page: s.basePage(c, v.List.Name), List: v.List, Owner: owner}
	for i, e := range v.Entries {
		h := s.hitView(library.Hit{Resource: e.Resource, Teaser: e.Teaser}, rd)
		h.InList = &listItemTools{ListID: v.List.ID, ResourceID: e.Resource.ID, Title: e.Resource.Title, Note: e.Item.Note,
			CSRFToken: d.CSRFToken, Owner: owner, First: i == 0, Last: i == len(v.Entries)-1}
		d.Entries = append(d.Entries, h)
	}
	return d
}

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

// localPath reports whether p is a path on this site (not "//host").
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\") && len(p) < 2000
}

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

// listCSV answers /lists/:id/export.csv and the shared list's export: a
// row per item the reader may see, members-only fields left empty for
// readers without access.
func (s *Server) listCSV(c *gin.Context) {
	ctx, rd := c.Request.Context(), s.reader(c)
	var v *library.ListView
	var err error
	if tok := c.Param("token"); tok != "" {
		c.Header("Referrer-Policy", "no-referrer")
		v, err = s.lib.SharedList(ctx, rd, tok)
	} else {
		v, err = s.lib.List(ctx, rd, c.Param("id"))
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	if f := c.Param("format"); f != "" && f != "csv" {
		format, err := citeFormat(f)
		if err != nil {
			s.pageError(c, err)
			return
		}
		items := make([]citeItem, 0, len(v.Entries))
		for _, e := range v.Entries {
			items = append(items, s.citeItem(c, e.Resource, e.Teaser))
		}
		s.writeCitations(c, format, "reading-list", items)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="reading-list.csv"`)
	w := csv.NewWriter(c.Writer)
	base := s.baseURL(c)
	_ = w.Write([]string{"position", "id", "title", "publisher", "type", "published", "themes", "suggested_themes", "access", "url", "summary", "note", "library_url"})
	for i, e := range v.Entries {
		r := e.Resource
		url, summary := r.URL, r.Summary
		if e.Teaser {
			url, summary = "", ""
		}
		_ = w.Write([]string{itoa(int64(i + 1)), r.ID, csvSafe(r.Title), csvSafe(r.Publisher), r.Type, string(r.Published),
			strings.Join(r.Themes, ";"), strings.Join(r.MachineThemes, ";"), string(r.Access), csvSafe(url), csvSafe(summary),
			csvSafe(e.Item.Note), base + "/resources/" + r.ID})
	}
	w.Flush()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// listRoutes registers the reading-list pages.
func (s *Server) listRoutes(e *gin.Engine) {
	own := e.Group("/lists", pageHeaders(), noStore(), s.requireSignIn())
	own.GET("", s.listsIndex)
	own.POST("", s.listCreate)
	own.POST("/add", s.listAdd)
	own.GET("/:id", s.listShow)
	own.POST("/:id", s.listChange)
	own.GET("/:id/export.csv", s.listCSV)
	own.GET("/:id/export/:format", s.listCSV)
	shared := e.Group("/lists/shared", pageHeaders(), noStore())
	shared.GET("/:token", s.listShared)
	shared.GET("/:token/export.csv", s.listCSV)
	shared.GET("/:token/export/:format", s.listCSV)
}
