package web

import (
	"github.com/gin-gonic/gin"
)

// staffRestore answers POST /staff/resources/:id/restore.
func (s *Server) staffRestore(c *gin.Context) {
	s.afterStatus(c, "staff-restored", func() error {
		_, err := s.lib.Restore(c.Request.Context(), s.reader(c), c.Param("id"), postedVersion(c))
		return err
	})
}
