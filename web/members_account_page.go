package web

import (
	"github.com/gin-gonic/gin"
)

// accountPage answers GET /members/account: the membership's end date
// and organisation, and the person's own API tokens.
func (s *Server) accountPage(c *gin.Context) { s.renderAccount(c, "") }
