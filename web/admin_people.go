package web

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// adminRoutes registers the people, organisation and audit pages. The
// group lets staff in (they chase renewals); changes and the audit log
// are for admins, checked here and again by internal/auth.
func (s *Server) adminRoutes(g *gin.RouterGroup) {
	g.GET("", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/admin/people") })
	g.GET("/people", s.adminPeople)
	g.GET("/people/:id", s.adminPerson)
	g.GET("/organisations", s.adminOrgs)
	admin := g.Group("", s.requireRole(catalog.RoleAdmin))
	admin.POST("/people", s.adminAddPerson)
	admin.POST("/people/:id", s.adminUpdatePerson)
	admin.POST("/people/:id/reset", s.adminResetLink)
	admin.POST("/people/:id/invite", s.adminInvite)
	admin.POST("/people/:id/sessions", s.adminEndSessions)
	admin.POST("/tokens/:id/revoke", s.adminRevokeToken)
	admin.POST("/organisations", s.adminAddOrg)
	admin.POST("/organisations/expires", s.adminSetOrgExpires)
	admin.GET("/audit", s.adminAudit)
	admin.GET("/mail", s.adminMail)
}

// personRow is one account as the admin pages show it.
type personRow struct {
	ID          int64
	Email       string
	Name        string
	Role        catalog.Role
	Ends        string // formatted effective end date, "" for none
	EndsISO     string
	OwnEnds     string
	Org         string
	Status      string
	StatusClass string
	Disabled    bool
	LastLogin   string
	URL         string
	// Reminded is the latest renewal reminder, e.g. "7 days before, 23 Apr 2026".
	Reminded string
}

// reminderText says which renewal reminder went when ("" for none).
func reminderText(r catalog.Reminder) string {
	if r.Sent.IsZero() {
		return ""
	}
	stage := map[string]string{auth.Stage30: "30 days before", auth.Stage7: "7 days before", auth.StageLapsed: "after it lapsed"}[r.Stage]
	return stage + ", " + r.Sent.In(london).Format("2 Jan 2006")
}

func (s *Server) personRow(u *catalog.User) personRow {
	today := s.auth.Today()
	soon := s.auth.Now().AddDate(0, 0, auth.LapsingDays).Format("2006-01-02")
	eff := u.EffectiveExpires()
	r := personRow{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, EndsISO: eff, OwnEnds: u.Expires,
		Org: u.OrgName, Disabled: u.Disabled, URL: "/admin/people/" + itoa(u.ID), Status: "Active"}
	if eff != "" {
		r.Ends = formatDate(catalog.Date(eff))
	}
	switch {
	case u.Disabled:
		r.Status, r.StatusClass = "Disabled", "status-disabled"
	case u.Role != catalog.RoleMember:
	case eff == "" || eff < today:
		r.Status, r.StatusClass = "Lapsed", "status-lapsed"
	case eff <= soon:
		r.Status = "Lapsing"
	}
	r.LastLogin = clock(u.LastLogin, "never")
	return r
}

// london is where the association's people read times.
var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// peopleData is the data of admin_people.html.
type peopleData struct {
	Page
	// Backup is the latest scheduled backup's result (admins only).
	Backup  string
	People  []personRow
	Filters []filterLink
	Show    string
	Q       string
	IsAdmin bool
	// MailNotice says that email is not sent (no --smtp-url).
	MailNotice string
	Orgs       []*catalog.Organisation
	Roles      []catalog.Role
	Days       int
	// The add form, refilled after an error.
	Error string
	Add   auth.NewUser
}

type filterLink struct {
	Label, URL string
	Current    bool
}

func (s *Server) renderPeople(c *gin.Context, status int, msg string, add auth.NewUser) {
	ctx := c.Request.Context()
	show, q := c.Query("show"), c.Query("q")
	if len(q) > 200 {
		q = q[:200]
	}
	query := auth.UserQuery{Query: q, Lapsing: show == "lapsing", Lapsed: show == "lapsed", Org: trim(c.Query("org"), 200), Limit: 2000}
	switch show {
	case "lapsing", "lapsed":
	case string(catalog.RoleMember), string(catalog.RoleStaff), string(catalog.RoleAdmin):
		query.Role = catalog.Role(show)
	default:
		show = ""
	}
	users, err := s.auth.Users(ctx, actor(c), query)
	if err != nil {
		s.pageError(c, err)
		return
	}
	orgs, err := s.auth.Organisations(ctx, actor(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := peopleData{Page: s.basePage(c, "People"), Backup: s.backupNotice(c), Show: show, Q: q, IsAdmin: hasRole(identity(c), catalog.RoleAdmin), MailNotice: s.mailNotice(c),
		Orgs: orgs, Roles: catalog.Roles, Days: auth.LapsingDays, Error: msg, Add: add}
	for _, f := range []struct{ value, label string }{
		{"", "Everyone"}, {"lapsing", "Lapsing within 30 days"}, {"lapsed", "Lapsed"},
		{string(catalog.RoleMember), "Members"}, {string(catalog.RoleStaff), "Staff"}, {string(catalog.RoleAdmin), "Admins"},
	} {
		u := "/admin/people"
		if f.value != "" {
			u += "?show=" + f.value
		}
		d.Filters = append(d.Filters, filterLink{Label: f.label, URL: u, Current: f.value == show})
	}
	reminded, err := s.auth.LastReminders(ctx, actor(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	for _, u := range users {
		r := s.personRow(u)
		r.Reminded = reminderText(reminded[u.ID])
		d.People = append(d.People, r)
	}
	s.render(c, status, "admin_people", d)
}

// linkData is the data of admin_link.html: a one-time reset link to pass on.
type linkData struct {
	Page
	Email   string
	Link    string
	Expires string
	Person  string
	New     bool
}

func (s *Server) invite(c *gin.Context, u *catalog.User) {
	if err := s.auth.Invite(c.Request.Context(), actor(c), u.Email); err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, "invited")
	c.Redirect(http.StatusSeeOther, "/admin/people/"+itoa(u.ID))
}

// showResetLink issues a reset link for u and shows it once.
func (s *Server) showResetLink(c *gin.Context, u *catalog.User, isNew bool) {
	tok, exp, err := s.auth.IssueReset(c.Request.Context(), actor(c), u.Email)
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Header("Referrer-Policy", "no-referrer")
	s.render(c, http.StatusOK, "admin_link", linkData{
		Page: s.basePage(c, "One-time link for "+u.Email), Email: u.Email, New: isNew,
		Link: auth.ResetLink(s.cfg.PublicURL(), tok), Expires: exp.In(london).Format("2 January 2006 at 15:04"),
		Person: "/admin/people/" + itoa(u.ID),
	})
}

// person loads the account named by the :id parameter.
func (s *Server) person(c *gin.Context) (*catalog.User, bool) {
	id, err := parseID(c.Param("id"))
	if err == nil {
		var u *catalog.User
		if u, err = s.auth.UserByID(c.Request.Context(), actor(c), id); err == nil {
			return u, true
		}
	}
	s.pageError(c, err)
	return nil, false
}

func parseID(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, catalog.ErrNotFound
	}
	return n, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// backupNotice says how the latest scheduled backup went, for admins.
func (s *Server) backupNotice(c *gin.Context) string {
	if !hasRole(identity(c), catalog.RoleAdmin) {
		return ""
	}
	if s.cfg.BackupEvery <= 0 {
		return "Scheduled backups are off (set --backup-every, e.g. 24h)."
	}
	r := s.lib.LastBackup()
	if r == nil {
		return fmt.Sprintf("Scheduled backups every %v; none has run yet.", s.cfg.BackupEvery)
	}
	at := r.At.UTC().Format("2006-01-02 15:04:05 UTC")
	if r.Err != nil {
		return fmt.Sprintf("The latest scheduled backup failed at %s: %v", at, r.Err)
	}
	return fmt.Sprintf("Latest backup: %s, %s (%d resources, %.1f MB). Backups run every %v; the newest %d are kept.",
		at, filepath.Base(r.File), r.Resources, float64(r.Bytes)/(1<<20), s.cfg.BackupEvery, s.cfg.BackupKeep)
}
