package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// newsletterEdition answers GET /newsletter/:edition as the reader may
// read it; a draft is not found.
func (s *Server) newsletterEdition(c *gin.Context) {
	v, err := s.lib.PublishedEdition(c.Request.Context(), s.reader(c), c.Param("edition"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, http.StatusOK, "newsletter", s.editionPage(c, v))
}
