package library

import (
	"context"
	"fmt"

	"safelib/index"
	"safelib/internal/catalog"
)

// Bounds on similar items.
const (
	DefaultSimilar = 5
	MaxSimilar     = 20
	// similarSlack is how many more ids Similar asks the index for than it
	// shows, so an item withdrawn since it was indexed doesn't leave a gap.
	similarSlack = 5
)

// Similar returns up to n (0 means DefaultSimilar) active resources like
// the one with this id, as rd may see them: shared themes weigh most, the
// same type, publisher or area a little, and the item's significant title
// and summary words. The item is looked at as rd sees it, so for a reader
// who gets a members-only item as a teaser only its public metadata (title,
// themes, type, publisher, area) is used, never its summary or text. The
// results are searched with rd's access and come back like search results:
// teasers for members-only items rd can't read. An id rd can't see is
// catalog.ErrNotFound, as with Resource.
func (l *Library) Similar(ctx context.Context, rd catalog.Reader, id string, n int) ([]Hit, error) {
	if n == 0 {
		n = DefaultSimilar
	}
	if n < 1 || n > MaxSimilar {
		return nil, catalog.Errorf(catalog.Invalid, "n must be between 1 and %d", MaxSimilar)
	}
	v, err := l.Resource(ctx, rd, id)
	if err != nil {
		return nil, fmt.Errorf("similar to %s: %w", id, err)
	}
	// What anyone may see of the item. Its summary and the themes tagged
	// from its text only when rd may read it (a teaser lacks them anyway).
	r := v.Resource
	like := index.Like{ID: r.ID, Title: r.Title, Themes: r.Themes, Type: r.Type, Publisher: r.Publisher, Area: r.Area}
	if !v.Teaser {
		like.Summary = r.Summary
		like.Themes = append(append([]string(nil), r.Themes...), r.MachineThemes...)
	}
	hits, err := l.ix.SearchLike(ctx, like, rd.Members, n+similarSlack)
	if err != nil {
		return nil, fmt.Errorf("similar to %s: %w", id, err)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	rs, err := l.st.Resources(ctx, ids, false)
	if err != nil {
		return nil, fmt.Errorf("similar to %s: %w", id, err)
	}
	out := make([]Hit, 0, n)
	for _, s := range rs {
		if len(out) == n {
			break
		}
		if s.ID == r.ID || s.Status != catalog.StatusActive {
			continue
		}
		out = append(out, l.hit(s, rd, index.Query{}, nil))
	}
	return out, nil
}
