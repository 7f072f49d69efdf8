package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// adminUpdatePerson answers POST /admin/people/:id: sign-in address (a
// notice goes to the old one; left out or empty: unchanged), role, end
// date, organisation and disabled, all from the form.
func (s *Server) adminUpdatePerson(c *gin.Context) {
	u, ok := s.person(c)
	if !ok {
		return
	}
	role := catalog.Role(c.PostForm("role"))
	expires, org, name := c.PostForm("expires"), c.PostForm("org"), c.PostForm("name")
	disabled := c.PostForm("disabled") == "on"
	ch := auth.UserChange{Role: &role, Expires: &expires, Org: &org, Name: &name, Disabled: &disabled}
	if email := c.PostForm("email"); email != "" {
		ch.Email = &email
	}
	nu, err := s.auth.UpdateUser(c.Request.Context(), actor(c), u.Email, ch)
	if err != nil {
		status, detail := statusOf(err)
		if status >= 500 || status == http.StatusForbidden {
			s.pageError(c, err)
			return
		}
		s.renderPerson(c, status, u, detail)
		return
	}
	if nu.Email != u.Email && s.mail != nil {
		s.mail.Notify()
	}
	s.setFlash(c, "saved")
	c.Redirect(http.StatusSeeOther, "/admin/people/"+itoa(nu.ID))
}
