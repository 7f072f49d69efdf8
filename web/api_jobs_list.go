package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiJobs answers GET /api/v1/jobs: {"jobs": [{"name", "last_run",
// "next_run", "running", ...}]}.
func (s *Server) apiJobs(c *gin.Context) {
	if s.jobs == nil {
		s.writeJSON(c, http.StatusOK, gin.H{"jobs": []any{}})
		return
	}
	s.writeJSON(c, http.StatusOK, gin.H{"jobs": s.jobs.Statuses()})
}
