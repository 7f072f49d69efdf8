package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// adminPeople answers GET /admin/people: everyone, or only memberships
// lapsing within 30 days (to chase renewals) or already lapsed.
func (s *Server) adminPeople(c *gin.Context) {
	s.renderPeople(c, http.StatusOK, "", auth.NewUser{Role: catalog.RoleMember})
}
