package web

import (
	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// jobRoutes registers GET /api/v1/jobs (staff) and POST
// /api/v1/jobs/{name} (admins: session with CSRF, or Bearer token).
func (s *Server) jobRoutes(api *gin.RouterGroup) {
	api.GET("/jobs", s.requireRole(catalog.RoleStaff), s.apiJobs)
	api.POST("/jobs/:name", s.requireRole(catalog.RoleAdmin), s.apiRunJob)
}
