package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// orgsData is the data of admin_orgs.html.
type orgsData struct {
	Page
	Orgs    []orgRow
	IsAdmin bool
	Error   string
}

type orgRow struct {
	Name, Ends, EndsISO string
	Members             int
}

func (s *Server) renderOrgs(c *gin.Context, status int, msg string) {
	orgs, err := s.auth.Organisations(c.Request.Context(), actor(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := orgsData{Page: s.basePage(c, "Organisations"), IsAdmin: hasRole(identity(c), catalog.RoleAdmin), Error: msg}
	for _, o := range orgs {
		r := orgRow{Name: o.Name, EndsISO: o.Expires, Members: o.Members}
		if o.Expires != "" {
			r.Ends = formatDate(catalog.Date(o.Expires))
		}
		d.Orgs = append(d.Orgs, r)
	}
	s.render(c, status, "admin_orgs", d)
}

func (s *Server) afterOrgChange(c *gin.Context, err error) {
	if err != nil {
		status, detail := statusOf(err)
		if status >= 500 || status == http.StatusForbidden {
			s.pageError(c, err)
			return
		}
		s.renderOrgs(c, status, detail)
		return
	}
	s.setFlash(c, "saved")
	c.Redirect(http.StatusSeeOther, "/admin/organisations")
}
