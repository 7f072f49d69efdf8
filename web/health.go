package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// healthz answers 200 when the store answers, 503 otherwise.
func (s *Server) healthz(c *gin.Context) {
	if err := s.lib.Ping(c.Request.Context()); err != nil {
		s.log.Warn("health check failed", "err", err)
		c.Header("Cache-Control", "no-store")
		s.writeJSON(c, http.StatusServiceUnavailable, gin.H{"status": "unavailable", "version": s.version})
		return
	}
	c.Header("Cache-Control", "no-store")
	s.writeJSON(c, http.StatusOK, gin.H{"status": "ok", "version": s.version})
}
