package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/library"
)

// apiPatchList answers PATCH /api/v1/lists/{id} {"name", "note", "shared"}.
func (s *Server) apiPatchList(c *gin.Context) {
	rd, ok := s.listReader(c)
	if !ok {
		return
	}
	var in struct {
		Name   *string `json:"name"`
		Note   *string `json:"note"`
		Shared *bool   `json:"shared"`
	}
	if !s.readJSON(c, &in, maxListBodyBytes, "list") {
		return
	}
	_, err := s.lib.UpdateList(c.Request.Context(), rd, c.Param("id"), library.ListEdit{Name: in.Name, Note: in.Note, Shared: in.Shared})
	s.answerList(c, rd, err, http.StatusOK)
}
