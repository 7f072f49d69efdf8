package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiPatchAlert answers PATCH /api/v1/alerts/{id}: 200 with the alert;
// another person's alert is 404.
func (s *Server) apiPatchAlert(c *gin.Context) {
	id, err := parseID(c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	in, ok := s.readAlertInput(c)
	if !ok {
		return
	}
	a, err := s.lib.UpdateAlert(c.Request.Context(), s.reader(c), id, in.apply)
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, alertJSON(a))
}
