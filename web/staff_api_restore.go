package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiRestoreResource answers POST /api/v1/resources/{id}/restore: 200
// with the restored resource.
func (s *Server) apiRestoreResource(c *gin.Context) {
	rd, ok := s.staffAPI(c)
	if !ok {
		return
	}
	version, err := ifMatch(c)
	if err != nil {
		s.apiError(c, err)
		return
	}
	r, err := s.lib.Restore(c.Request.Context(), rd, c.Param("id"), version)
	if err != nil {
		s.curationError(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, staffJSON(r))
}
