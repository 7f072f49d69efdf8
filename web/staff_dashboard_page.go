package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

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
