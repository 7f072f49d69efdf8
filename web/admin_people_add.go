package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// adminAddPerson answers POST /admin/people: add an account without a
// password and show the one-time link with which the person sets one.
func (s *Server) adminAddPerson(c *gin.Context) {
	ctx := c.Request.Context()
	nu := auth.NewUser{Email: c.PostForm("email"), Name: c.PostForm("name"), Role: catalog.Role(c.PostForm("role")),
		Expires: c.PostForm("expires"), Org: c.PostForm("org")}
	u, err := s.auth.AddUser(ctx, actor(c), nu)
	if err != nil {
		status, detail := statusOf(err)
		if status >= 500 || status == http.StatusForbidden {
			s.pageError(c, err)
			return
		}
		if status == http.StatusNotFound {
			detail = "There is no organisation called “" + nu.Org + "”."
		}
		s.renderPeople(c, status, detail, nu)
		return
	}
	if c.PostForm("invite") != "" {
		s.invite(c, u)
		return
	}
	s.showResetLink(c, u, true)
}
