package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"safelib/internal/catalog"

	"github.com/gin-gonic/gin"
)

// auditData is the data of admin_audit.html.
type auditData struct {
	Page
	Entries               []auditRow
	Action, Actor, Target string
	Older                 string
}

type auditRow struct {
	At, Actor, Action, Target, IP, Details string
}

const auditPage = 100

// adminAudit answers GET /admin/audit (admins; internal/auth checks too):
// sign-ins, failures, account and curation changes, newest first.
func (s *Server) adminAudit(c *gin.Context) {
	f := catalog.AuditFilter{Action: trim(c.Query("action"), 100), Actor: trim(c.Query("actor"), 254),
		Target: trim(c.Query("target"), 254), Limit: auditPage}
	if b := c.Query("before"); b != "" {
		if id, err := parseID(b); err == nil {
			f.Before = id
		}
	}
	es, err := s.auth.AuditLog(c.Request.Context(), actor(c), f)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := auditData{Page: s.basePage(c, "Audit log"), Action: f.Action, Actor: f.Actor, Target: f.Target}
	for _, e := range es {
		d.Entries = append(d.Entries, auditRow{At: e.At.In(london).Format("2 Jan 2006 15:04:05"), Actor: e.Actor,
			Action: e.Action, Target: e.Target, IP: e.IP, Details: detailText(e.Details)})
	}
	if len(es) == auditPage {
		q := url.Values{}
		for k, v := range map[string]string{"action": f.Action, "actor": f.Actor, "target": f.Target} {
			if v != "" {
				q.Set(k, v)
			}
		}
		q.Set("before", itoa(es[len(es)-1].ID))
		d.Older = "/admin/audit?" + q.Encode()
	}
	s.render(c, http.StatusOK, "admin_audit", d)
}

func trim(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n]
	}
	return s
}

func detailText(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+m[k])
	}
	return strings.Join(parts, "; ")
}
