package library

import (
	"context"
	"fmt"
	"sort"

	"safelib/internal/catalog"
)

// Count is a number of resources with one value of a field.
type Count struct {
	Value string
	N     int
}

// Dashboard is the staff area's overview.
type Dashboard struct {
	// Total counts every resource; Active, Withdrawn and Gone by status.
	Total, Active, Withdrawn, Gone int
	// BySource and ByType count active resources, largest first.
	BySource, ByType []Count
	// Changes are the latest staff changes (audit log), newest first.
	Changes []*catalog.AuditEntry
	// Saved are the resources saved most recently by anyone (staff,
	// import, crawler), newest first.
	Saved []*catalog.Resource
	// CrawlRuns is the crawl history; LinkRuns the link check history.
	CrawlRuns []*catalog.CrawlRun
	LinkRuns  []*catalog.LinkRun
	// Broken lists resources with broken links (BrokenTotal in all).
	Broken      []catalog.BrokenLink
	BrokenTotal int
	// Awaiting lists resources with machine-assigned themes awaiting
	// confirmation (AwaitingTotal in all).
	Awaiting      []*catalog.Resource
	AwaitingTotal int
	// Withdrawn lists withdrawn resources, which staff can restore.
	WithdrawnList []*catalog.Resource
	// Stale lists every listing whose contact details nobody has
	// verified within StaleAfter (StaleListings' order).
	Stale []*catalog.Resource
}

// Dashboard gathers the staff overview; each list holds up to limit
// items, except Stale, which holds every stale listing (a handful of
// contacts, bounded by maxListings). Staff only.
func (l *Library) Dashboard(ctx context.Context, rd catalog.Reader, limit int) (*Dashboard, error) {
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff may see the dashboard")
	}
	d := &Dashboard{}
	counts, err := l.st.ResourceCountsBy(ctx)
	if err != nil {
		return nil, err
	}
	bySource, byType := map[string]int{}, map[string]int{}
	for _, c := range counts {
		d.Total += c.N
		switch c.Status {
		case catalog.StatusActive:
			d.Active += c.N
			bySource[c.Source] += c.N
			byType[c.Type] += c.N
		case catalog.StatusWithdrawn:
			d.Withdrawn += c.N
		case catalog.StatusGone:
			d.Gone += c.N
		}
	}
	d.BySource, d.ByType = sortedCounts(bySource), sortedCounts(byType)
	if d.Changes, err = l.st.ListAudit(ctx, catalog.AuditFilter{Action: "resource.", Limit: limit}); err != nil {
		return nil, err
	}
	if d.Saved, err = l.st.RecentResources(ctx, limit); err != nil {
		return nil, err
	}
	if d.CrawlRuns, err = l.st.CrawlRuns(ctx, "", limit); err != nil {
		return nil, err
	}
	if d.LinkRuns, err = l.st.LinkRuns(ctx, min(limit, 10)); err != nil {
		return nil, err
	}
	if d.Broken, d.BrokenTotal, err = l.st.BrokenLinks(ctx, BrokenAfter, limit); err != nil {
		return nil, err
	}
	if d.Awaiting, d.AwaitingTotal, err = l.st.AwaitingThemes(ctx, limit); err != nil {
		return nil, err
	}
	if d.WithdrawnList, _, err = l.st.ResourcesWithStatus(ctx, catalog.StatusWithdrawn, limit); err != nil {
		return nil, err
	}
	if d.Stale, err = l.StaleListings(ctx, rd, StaleAfter); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	return d, nil
}

func sortedCounts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for v, n := range m {
		out = append(out, Count{v, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Value < out[j].Value
	})
	return out
}
