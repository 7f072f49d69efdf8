package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/library"
)

// apiCreateList answers POST /api/v1/lists {"name", "note"}: 201 with the list.
func (s *Server) apiCreateList(c *gin.Context) {
	rd, ok := s.listReader(c)
	if !ok {
		return
	}
	var in struct {
		Name string `json:"name"`
		Note string `json:"note"`
	}
	if !s.readJSON(c, &in, maxListBodyBytes, "list") {
		return
	}
	l, err := s.lib.CreateList(c.Request.Context(), rd, in.Name, in.Note)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/lists/"+l.ID)
	s.writeJSON(c, http.StatusCreated, s.listJSON(c, &library.ListView{List: l}))
}
