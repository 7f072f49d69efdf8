package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// personData is the data of admin_person.html.
type personData struct {
	Page
	P        personRow
	IsAdmin  bool
	Roles    []catalog.Role
	Orgs     []*catalog.Organisation
	Sessions []sessionRow
	Tokens   []tokenRow
	Error    string
}

type sessionRow struct{ Created, LastSeen, Expires, IP, UserAgent string }

type tokenRow struct {
	ID                               int64
	Name, Created, LastUsed, Revoked string
}

// clock formats a time for the admin pages, or says none.
func clock(t time.Time, none string) string {
	if t.IsZero() {
		return none
	}
	return t.In(london).Format("2 Jan 2006 15:04")
}

// adminPerson answers GET /admin/people/:id.
func (s *Server) adminPerson(c *gin.Context) {
	u, ok := s.person(c)
	if !ok {
		return
	}
	s.renderPerson(c, http.StatusOK, u, "")
}

func (s *Server) renderPerson(c *gin.Context, status int, u *catalog.User, msg string) {
	ctx := c.Request.Context()
	d := personData{Page: s.basePage(c, u.Email), P: s.personRow(u), IsAdmin: hasRole(identity(c), catalog.RoleAdmin),
		Roles: catalog.Roles, Error: msg}
	var err error
	if d.Orgs, err = s.auth.Organisations(ctx, actor(c)); err != nil {
		s.pageError(c, err)
		return
	}
	if d.IsAdmin {
		ss, err := s.auth.Sessions(ctx, actor(c), u.Email)
		if err != nil {
			s.pageError(c, err)
			return
		}
		for _, se := range ss {
			d.Sessions = append(d.Sessions, sessionRow{Created: clock(se.Created, ""), LastSeen: clock(se.LastSeen, ""),
				Expires: clock(se.Expires, ""), IP: se.IP, UserAgent: se.UserAgent})
		}
		ts, err := s.auth.Tokens(ctx, actor(c), u.Email)
		if err != nil {
			s.pageError(c, err)
			return
		}
		for _, t := range ts {
			d.Tokens = append(d.Tokens, tokenRow{ID: t.ID, Name: t.Name,
				Created: clock(t.Created, ""), LastUsed: clock(t.LastUsed, "never"), Revoked: clock(t.Revoked, "")})
		}
	}
	s.render(c, status, "admin_person", d)
}

// adminUpdatePerson answers POST /admin/people/:id: role, end date,
// organisation and disabled, all from the form.
func (s *Server) adminUpdatePerson(c *gin.Context) {
	u, ok := s.person(c)
	if !ok {
		return
	}
	role := catalog.Role(c.PostForm("role"))
	expires, org, name := c.PostForm("expires"), c.PostForm("org"), c.PostForm("name")
	disabled := c.PostForm("disabled") == "on"
	nu, err := s.auth.UpdateUser(c.Request.Context(), actor(c), u.Email,
		auth.UserChange{Role: &role, Expires: &expires, Org: &org, Name: &name, Disabled: &disabled})
	if err != nil {
		status, detail := statusOf(err)
		if status >= 500 || status == http.StatusForbidden {
			s.pageError(c, err)
			return
		}
		s.renderPerson(c, status, u, detail)
		return
	}
	s.setFlash(c, "saved")
	c.Redirect(http.StatusSeeOther, "/admin/people/"+itoa(nu.ID))
}

// adminResetLink answers POST /admin/people/:id/reset.
func (s *Server) adminResetLink(c *gin.Context) {
	if u, ok := s.person(c); ok {
		s.showResetLink(c, u, false)
	}
}

// adminEndSessions answers POST /admin/people/:id/sessions: sign the
// person out everywhere.
func (s *Server) adminEndSessions(c *gin.Context) {
	u, ok := s.person(c)
	if !ok {
		return
	}
	if _, err := s.auth.EndSessions(c.Request.Context(), actor(c), u.Email); err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, "sessions-ended")
	c.Redirect(http.StatusSeeOther, "/admin/people/"+itoa(u.ID))
}

// adminRevokeToken answers POST /admin/tokens/:id/revoke.
func (s *Server) adminRevokeToken(c *gin.Context) {
	id, err := parseID(c.Param("id"))
	if err == nil {
		err = s.auth.RevokeToken(c.Request.Context(), actor(c), id)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, "token-revoked")
	back := "/admin/people"
	if p, err := parseID(c.PostForm("person")); err == nil {
		back += "/" + itoa(p)
	}
	c.Redirect(http.StatusSeeOther, back)
}
