package web

import (
	"github.com/gin-gonic/gin"
)

// adminSetOrgExpires answers POST /admin/organisations/expires.
func (s *Server) adminSetOrgExpires(c *gin.Context) {
	_, err := s.auth.SetOrganisationExpires(c.Request.Context(), actor(c), c.PostForm("name"), c.PostForm("expires"))
	s.afterOrgChange(c, err)
}
