package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// staffDashboardData is the data of staff_dashboard.html.
type staffDashboardData struct {
	Page
	D         *library.Dashboard
	Changes   []historyRow
	ChangeIDs []string
	Saved     []resourceRow
	Crawls    []crawlRow
	Links     []linkRunRow
	Broken    []brokenRow
	Awaiting  []resourceRow
	Withdrawn []resourceRow
	Stale     []staleRow
}

type resourceRow struct {
	ID, Title, URL, Type, Status, Source, Updated, StaffURL string
	MachineThemes                                           []string
}

type crawlRow struct {
	Source, Started, Took, Error                            string
	Fetched, New, Changed, Unchanged, Failed, Skipped, Gone int
	Running                                                 bool
}

type linkRunRow struct {
	Started, Took, Error        string
	Checked, OK, Failed, Broken int
}

type brokenRow struct {
	resourceRow
	Reason, Checked, LastGood string
	Status, Failures          int
	HasText                   bool
}

func rowOf(r *catalog.Resource) resourceRow {
	return resourceRow{ID: r.ID, Title: r.Title, URL: r.URL, Type: r.Type, Status: r.Status, Source: r.Source,
		Updated: clock(r.Updated, ""), StaffURL: staffURL(r.ID), MachineThemes: r.MachineThemes}
}

func rowsOf(rs []*catalog.Resource) []resourceRow {
	out := make([]resourceRow, 0, len(rs))
	for _, r := range rs {
		out = append(out, rowOf(r))
	}
	return out
}

func brokenRows(bs []catalog.BrokenLink) []brokenRow {
	out := make([]brokenRow, 0, len(bs))
	for _, b := range bs {
		out = append(out, brokenRow{resourceRow: rowOf(b.Resource), Reason: b.Check.Reason,
			Checked: clock(b.Check.Checked, ""), LastGood: clock(b.Check.LastGood, "never seen working"),
			Status: b.Check.Status, Failures: b.Check.Failures, HasText: b.HasText})
	}
	return out
}

// staleRow is a listing whose contact details are due a check.
type staleRow struct {
	Title, Organisation, StaffURL string
	LastVerified                  catalog.Date // "" when never verified
}

func staleRows(rs []*catalog.Resource) []staleRow {
	out := make([]staleRow, 0, len(rs))
	for _, r := range rs {
		out = append(out, staleRow{Title: r.Title, Organisation: r.Publisher, StaffURL: staffURL(r.ID), LastVerified: r.LastVerified})
	}
	return out
}

func took(a, b time.Time) string {
	if b.IsZero() {
		return "running"
	}
	return b.Sub(a).Round(time.Second).String()
}

// staffDashboard answers GET /staff.
func (s *Server) staffDashboard(c *gin.Context) {
	d, err := s.lib.Dashboard(c.Request.Context(), s.reader(c), 20)
	if err != nil {
		s.pageError(c, err)
		return
	}
	data := staffDashboardData{Page: s.basePage(c, "Staff area"), D: d, Changes: historyRows(d.Changes),
		Saved: rowsOf(d.Saved), Awaiting: rowsOf(d.Awaiting), Withdrawn: rowsOf(d.WithdrawnList),
		Broken: brokenRows(d.Broken), Stale: staleRows(d.Stale)}
	for _, e := range d.Changes {
		data.ChangeIDs = append(data.ChangeIDs, e.Target)
	}
	for _, r := range d.CrawlRuns {
		data.Crawls = append(data.Crawls, crawlRow{Source: r.Source, Started: clock(r.Started, ""),
			Took: took(r.Started, r.Finished), Error: r.Error, Fetched: r.Fetched, New: r.New, Changed: r.Changed,
			Unchanged: r.Unchanged, Failed: r.Failed, Skipped: r.Skipped, Gone: r.Gone, Running: r.Running()})
	}
	for _, r := range d.LinkRuns {
		data.Links = append(data.Links, linkRunRow{Started: clock(r.Started, ""), Took: took(r.Started, r.Finished),
			Error: r.Error, Checked: r.Checked, OK: r.OK, Failed: r.Failed, Broken: r.Broken})
	}
	s.render(c, http.StatusOK, "staff_dashboard", data)
}

// staffBrokenData is the data of staff_broken.html.
type staffBrokenData struct {
	Page
	Broken []brokenRow
	Total  int
}

// staffBroken answers GET /staff/broken: every broken link.
func (s *Server) staffBroken(c *gin.Context) {
	bs, n, err := s.lib.BrokenLinks(c.Request.Context(), s.reader(c), 1000)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, http.StatusOK, "staff_broken", staffBrokenData{Page: s.basePage(c, "Broken links"),
		Broken: brokenRows(bs), Total: n})
}

// staffGo answers GET /staff/go?id=...: opens a resource by its id or by
// its address on this site (/resources/ID) or its link.
func (s *Server) staffGo(c *gin.Context) {
	q := strings.TrimSpace(c.Query("id"))
	if u, err := url.Parse(q); err == nil && strings.HasPrefix(u.Path, "/resources/") {
		q = strings.TrimPrefix(u.Path, "/resources/")
	}
	if catalog.ValidID(q) {
		if _, err := s.lib.ForEdit(c.Request.Context(), s.reader(c), q); err == nil {
			c.Redirect(http.StatusSeeOther, staffURL(q))
			return
		}
	}
	if strings.HasPrefix(q, "http://") || strings.HasPrefix(q, "https://") {
		d, err := s.lib.FindLink(c.Request.Context(), s.reader(c), q)
		if err == nil && d != nil {
			c.Redirect(http.StatusSeeOther, staffURL(d.ID))
			return
		}
	}
	s.renderError(c, http.StatusNotFound, "No resource has that id or link.")
}
