package library

import (
	"context"

	"safelib/internal/catalog"
)

// Feeds: any search, followed as an Atom feed. A feed reader can't sign
// in, so a member's feeds carry a private token in their address; the
// token stands for the member (the web layer turns the account into a
// Reader, so a lapsed membership reads as public only). Tokens are random,
// kept as SHA-256 only, revocable, one live token per person.

// MaxFeedItems bounds a feed's entries.
const MaxFeedItems = 100

// FeedItems returns up to limit resources matching p that rd may read in
// full, newest published first. Members-only items a reader may not read
// are left out, not shown as teasers: a feed entry is its text.
func (l *Library) FeedItems(ctx context.Context, rd catalog.Reader, p SearchParams, limit int) ([]*catalog.Resource, error) {
	if limit < 1 || limit > MaxFeedItems {
		return nil, catalog.Errorf(catalog.Invalid, "a feed has 1 to %d items", MaxFeedItems)
	}
	p.Sort, p.PerPage, p.NoFacets = SortNewest, MaxPerPage, true
	var out []*catalog.Resource
	// Teasers take places on a page; a few pages are enough to fill a
	// feed, and bound the work when most matches are members-only.
	for page := 1; page <= 3 && len(out) < limit; page++ {
		p.Page = page
		res, err := l.Search(ctx, rd, p)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			if !h.Teaser && len(out) < limit {
				out = append(out, h.Resource)
			}
		}
		if page*MaxPerPage >= res.Total {
			break
		}
	}
	return out, nil
}
