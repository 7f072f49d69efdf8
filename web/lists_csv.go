package web

import (
	"encoding/csv"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/library"
)

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
