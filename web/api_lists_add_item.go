package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiAddListItem answers POST /api/v1/lists/{id}/items {"id", "note"}:
// 201 with the list.
func (s *Server) apiAddListItem(c *gin.Context) {
	rd, ok := s.listReader(c)
	if !ok {
		return
	}
	var in struct {
		ID   string `json:"id"`
		Note string `json:"note"`
	}
	if !s.readJSON(c, &in, maxListBodyBytes, "list") {
		return
	}
	s.answerList(c, rd, s.lib.AddToList(c.Request.Context(), rd, c.Param("id"), in.ID, in.Note), http.StatusCreated)
}
