package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiWithdrawResource answers DELETE /api/v1/resources/{id}: the resource
// is withdrawn (kept, hidden, restorable), 204. An If-Match version is
// checked when given; ?reason= goes to the audit log.
func (s *Server) apiWithdrawResource(c *gin.Context) {
	rd, ok := s.staffAPI(c)
	if !ok {
		return
	}
	version, err := ifMatch(c)
	if err != nil {
		s.apiError(c, err)
		return
	}
	reason := c.Query("reason")
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	if _, err := s.lib.Withdraw(c.Request.Context(), rd, c.Param("id"), version, reason); err != nil {
		s.curationError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
