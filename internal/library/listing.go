package library

import (
	"context"
	"fmt"
	"sort"
	"time"

	"safelib/internal/catalog"
)

// Listings are contacts rather than documents: resources of type
// "listing" (sport safeguarding bodies) with a sport, the organisation as
// publisher, a safeguarding page as URL, a phone, an email and the date
// staff last checked them. Partnership websites embed them, so they are
// read here as rd like any resource (embeds pass Anonymous), and staff are
// told which ones nobody has checked for a while.

// Names of the listing type and of the theme of sport listings.
const (
	ListingType = "listing"
	SportTheme  = "sport"
)

// StaleAfter is how long a contact may go unchecked before staff are told.
const StaleAfter = 365 * 24 * time.Hour

// maxListings bounds how many listings one call reads: they are a handful
// of contacts, and a runaway import must not make every embed load all of
// them.
const maxListings = 500

// SportListings returns the active sport safeguarding contacts rd may read
// in full, general bodies ("multi-sport") first, then by sport and title.
// Members-only contacts a reader may not read are left out altogether: a
// contact without its details is of no use on a partnership's page.
func (l *Library) SportListings(ctx context.Context, rd catalog.Reader) ([]*catalog.Resource, error) {
	hits, err := l.listings(ctx, rd, Selections{FieldType: {ListingType}, FieldTheme: {SportTheme}})
	if err != nil {
		return nil, err
	}
	out := make([]*catalog.Resource, 0, len(hits))
	for _, h := range hits {
		if !h.Teaser {
			out = append(out, h.Resource)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ga, gb := a.Sport == "multi-sport", b.Sport == "multi-sport"; ga != gb {
			return ga
		}
		if a.Sport != b.Sport {
			return a.Sport < b.Sport
		}
		return a.Title < b.Title
	})
	return out, nil
}

// listings reads every active resource matching filters, by title, as rd.
func (l *Library) listings(ctx context.Context, rd catalog.Reader, filters Selections) ([]Hit, error) {
	var out []Hit
	for page := 1; len(out) < maxListings; page++ {
		res, err := l.Search(ctx, rd, SearchParams{Filters: filters, Sort: SortTitle, Page: page,
			PerPage: MaxPerPage, NoFacets: true})
		if err != nil {
			return nil, fmt.Errorf("listings: %w", err)
		}
		out = append(out, res.Hits...)
		if len(res.Hits) < MaxPerPage || len(out) >= res.Total {
			break
		}
	}
	if len(out) > maxListings {
		out = out[:maxListings]
	}
	return out, nil
}

// StaleListings returns the active listings (of any theme) whose contact
// details nobody has verified within olderThan, for the staff dashboard:
// never-verified ones first, then the longest unchecked. A date without a
// day counts from the first of its month (or year), so a vague date is
// flagged sooner rather than later. Staff only.
func (l *Library) StaleListings(ctx context.Context, rd catalog.Reader, olderThan time.Duration) ([]*catalog.Resource, error) {
	if rd.Role == "" {
		return nil, catalog.Errorf(catalog.Unauthorized, "only staff see stale listings")
	}
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff see stale listings")
	}
	hits, err := l.listings(ctx, rd, Selections{FieldType: {ListingType}})
	if err != nil {
		return nil, err
	}
	now := l.now()
	var out []*catalog.Resource
	for _, h := range hits {
		if IsStale(h.Resource, now, olderThan) {
			out = append(out, h.Resource)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].LastVerified.SortKey(), out[j].LastVerified.SortKey()
		if a != b {
			return a < b // "" (never) sorts first
		}
		return out[i].Title < out[j].Title
	})
	return out, nil
}

// IsStale reports whether r's contact details were last verified longer
// than olderThan before now, or never (an unknown date counts as never).
func IsStale(r *catalog.Resource, now time.Time, olderThan time.Duration) bool {
	since, ok := dateStart(r.LastVerified)
	return !ok || now.Sub(since) > olderThan
}

// dateStart is the first day of a Date's period, in UTC.
func dateStart(d catalog.Date) (time.Time, bool) {
	layout := map[int]string{4: "2006", 7: "2006-01", 10: "2006-01-02"}[len(d)]
	if layout == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(layout, string(d))
	return t, err == nil
}

// ChangeMarker returns a number that moves whenever anything a reader can
// see in the library changes (a resource, its themes, or its index entry
// catching up). Caches of listings, embeds and feeds stay valid while it
// stays the same; read it before computing what is cached.
func (l *Library) ChangeMarker(ctx context.Context) (int64, error) {
	return l.st.ChangeCounter(ctx)
}
