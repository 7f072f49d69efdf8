package web

import (
	"github.com/gin-gonic/gin"
)

// similarLink is one entry of the resource page's "Similar items": a
// teaser says what a members-only item is, not what it says.
type similarLink struct {
	URL, Title, Publisher string
	Year                  int
	Teaser                bool
}

// similarOf lists items like the one with this id, as the reader may see
// them. Problems only cost the list: the page is shown without it.
func (s *Server) similarOf(c *gin.Context, id string) []similarLink {
	hs, err := s.lib.Similar(c.Request.Context(), s.reader(c), id, 0)
	if err != nil {
		s.log.Warn("similar items", "id", id, "err", err)
		return nil
	}
	out := make([]similarLink, 0, len(hs))
	for _, h := range hs {
		r := h.Resource
		out = append(out, similarLink{URL: "/resources/" + r.ID, Title: r.Title, Publisher: r.Publisher,
			Year: r.Published.Year(), Teaser: h.Teaser})
	}
	return out
}
