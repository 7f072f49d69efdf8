package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// jobRoutes registers GET /api/v1/jobs (staff) and POST
// /api/v1/jobs/{name} (admins: session with CSRF, or Bearer token).
func (s *Server) jobRoutes(api *gin.RouterGroup) {
	api.GET("/jobs", s.requireRole(catalog.RoleStaff), s.apiJobs)
	api.POST("/jobs/:name", s.requireRole(catalog.RoleAdmin), s.apiRunJob)
}

// apiJobs answers GET /api/v1/jobs: {"jobs": [{"name", "last_run",
// "next_run", "running", ...}]}.
func (s *Server) apiJobs(c *gin.Context) {
	if s.jobs == nil {
		s.writeJSON(c, http.StatusOK, gin.H{"jobs": []any{}})
		return
	}
	s.writeJSON(c, http.StatusOK, gin.H{"jobs": s.jobs.Statuses()})
}

// apiRunJob answers POST /api/v1/jobs/{name}: runs it now and answers its
// summary; 409 while it is already running, 404 for an unknown name.
func (s *Server) apiRunJob(c *gin.Context) {
	if s.jobs == nil {
		s.apiError(c, catalog.Errorf(catalog.NotFound, "no job %q", c.Param("name")))
		return
	}
	sum, err := s.jobs.RunNow(c.Request.Context(), c.Param("name"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, sum)
}
