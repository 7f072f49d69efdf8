package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// adminOrgs answers GET /admin/organisations: memberships shared by
// several people (a partnership that pays once).
func (s *Server) adminOrgs(c *gin.Context) { s.renderOrgs(c, http.StatusOK, "") }
