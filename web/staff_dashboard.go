package web

import (
	"time"

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

// staffBrokenData is the data of staff_broken.html.
type staffBrokenData struct {
	Page
	Broken []brokenRow
	Total  int
}
