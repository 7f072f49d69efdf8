package web

import (
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

// localPath reports whether p is a path on this site (not "//host").
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\") && len(p) < 2000
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
