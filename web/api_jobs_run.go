package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

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
