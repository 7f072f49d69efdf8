package web

import (
	"time"

	"github.com/gin-gonic/gin"

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
