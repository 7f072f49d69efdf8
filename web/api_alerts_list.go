package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiAlerts answers GET /api/v1/alerts: {"alerts": [...]}, the caller's.
func (s *Server) apiAlerts(c *gin.Context) {
	as, err := s.lib.Alerts(c.Request.Context(), s.reader(c))
	if err != nil {
		s.apiError(c, err)
		return
	}
	out := make([]apiAlert, 0, len(as))
	for _, a := range as {
		out = append(out, alertJSON(a))
	}
	s.writeJSON(c, http.StatusOK, gin.H{"alerts": out})
}
