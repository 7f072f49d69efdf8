package web

import (
	"github.com/gin-gonic/gin"
)

// adminAddOrg answers POST /admin/organisations.
func (s *Server) adminAddOrg(c *gin.Context) {
	_, err := s.auth.AddOrganisation(c.Request.Context(), actor(c), c.PostForm("name"), c.PostForm("expires"))
	s.afterOrgChange(c, err)
}
