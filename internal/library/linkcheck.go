package library

import (
	"context"
	"time"

	"safelib/internal/catalog"
)

// Link health is checked by internal/crawl (crawl.CheckLinks, with its own
// HTTP pool and per-host pacing) and recorded in the store; the library
// says what a reader may see of it.

// BrokenAfter is the number of failed checks in a row that make a link
// broken (catalog.BrokenAfter).
const BrokenAfter = catalog.BrokenAfter

// LinkHealth is what the library knows of a resource's link.
type LinkHealth struct {
	Checked  time.Time
	Broken   bool
	Reason   string
	LastGood time.Time
}

// LinkHealthOf returns the health of a resource's link as rd may see it,
// or catalog.ErrNotFound when the link was never checked or rd can't read
// the resource.
func (l *Library) LinkHealthOf(ctx context.Context, rd catalog.Reader, id string) (*LinkHealth, error) {
	v, err := l.Resource(ctx, rd, id)
	if err != nil {
		return nil, err
	}
	if v.Teaser || v.Resource.URL == "" {
		return nil, catalog.Errorf(catalog.NotFound, "no link health of %q", id)
	}
	c, err := l.st.LinkCheckOf(ctx, v.Resource.URL)
	if err != nil {
		return nil, err
	}
	return &LinkHealth{Checked: c.Checked, Broken: c.Failures >= BrokenAfter, Reason: c.Reason, LastGood: c.LastGood}, nil
}

// BrokenLinks lists resources whose links are broken, longest broken
// first, and how many there are. Staff only.
func (l *Library) BrokenLinks(ctx context.Context, rd catalog.Reader, limit int) ([]catalog.BrokenLink, int, error) {
	if !rd.IsStaff() {
		return nil, 0, catalog.Errorf(catalog.Forbidden, "only staff may list broken links")
	}
	return l.st.BrokenLinks(ctx, BrokenAfter, limit)
}
