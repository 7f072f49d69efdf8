package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// apiCreateAlert answers POST /api/v1/alerts: 201 with the alert.
func (s *Server) apiCreateAlert(c *gin.Context) {
	in, ok := s.readAlertInput(c)
	if !ok {
		return
	}
	if in.Search == nil {
		in.Search = new(string) // every item: the whole library
	}
	if in.Cadence == nil {
		s.apiError(c, invalid("cadence is required: daily, weekly or monthly"))
		return
	}
	var a catalog.Alert
	if err := in.apply(&a); err != nil {
		s.apiError(c, err)
		return
	}
	if err := s.lib.CreateAlert(c.Request.Context(), s.reader(c), &a); err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/alerts/"+itoa(a.ID))
	s.writeJSON(c, http.StatusCreated, alertJSON(&a))
}
