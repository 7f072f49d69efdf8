package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *Server) listsIndex(c *gin.Context) {
	lists, err := s.lib.Lists(c.Request.Context(), s.reader(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, http.StatusOK, "lists", listsPage{Page: s.basePage(c, "Your reading lists"), Lists: lists})
}
