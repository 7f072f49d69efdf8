package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// apiTheme is one theme of the vocabulary with how many active resources
// the reader can find under it.
type apiTheme struct {
	Slug        string   `json:"slug"`
	Label       string   `json:"label"`
	Description string   `json:"description"`
	Synonyms    []string `json:"synonyms"`
	Count       int      `json:"count"`
	// Parent is the broader theme this one is under (null when none);
	// Children the narrower ones under it. A broader theme's count counts
	// each item under any of its children once.
	Parent   *string  `json:"parent"`
	Children []string `json:"children"`
}

// apiThemes answers GET /api/v1/themes.
func (s *Server) apiThemes(c *gin.Context) {
	themes, err := s.themes(c.Request.Context(), s.reader(c))
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, gin.H{"themes": themes})
}

// themes lists the vocabulary with counts from one search's theme facet,
// run as rd so the counts match what rd would find.
func (s *Server) themes(ctx context.Context, rd catalog.Reader) ([]apiTheme, error) {
	res, err := s.lib.Search(ctx, rd, library.SearchParams{Sort: library.SortNewest, PerPage: 1})
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, f := range res.Facets[library.FieldTheme] {
		counts[f.Value] = f.Count
	}
	all := s.lib.Taxonomy().Themes()
	out := make([]apiTheme, 0, len(all))
	for _, t := range all {
		syn := t.Synonyms
		if syn == nil {
			syn = []string{}
		}
		th := apiTheme{Slug: t.Slug, Label: t.Label, Description: t.Description, Synonyms: syn, Count: counts[t.Slug],
			Children: append([]string{}, t.Narrower...)}
		if t.Broader != "" {
			th.Parent = &t.Broader
		}
		out = append(out, th)
	}
	return out, nil
}
