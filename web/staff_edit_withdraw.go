package web

import (
	"github.com/gin-gonic/gin"
)

// staffWithdraw answers POST /staff/resources/:id/withdraw.
func (s *Server) staffWithdraw(c *gin.Context) {
	s.afterStatus(c, "staff-withdrawn", func() error {
		_, err := s.lib.Withdraw(c.Request.Context(), s.reader(c), c.Param("id"), postedVersion(c), c.PostForm("reason"))
		return err
	})
}
