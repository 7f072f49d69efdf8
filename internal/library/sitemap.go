package library

import (
	"context"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// SitemapEntry is a resource page a sitemap lists.
type SitemapEntry struct {
	ID      string
	Updated time.Time
}

// SitemapEntries lists the pages of the active public resources, in id
// order, for /sitemap.xml. Members-only items are left out: their pages
// show the public only a teaser, and a sitemap invites indexing.
func (l *Library) SitemapEntries(ctx context.Context) ([]SitemapEntry, error) {
	var out []SitemapEntry
	err := l.st.ScanResources(ctx, 1000, false, func(rs []*catalog.Resource) error {
		for _, r := range rs {
			if r.Status == catalog.StatusActive && r.Access == catalog.Public {
				out = append(out, SitemapEntry{ID: r.ID, Updated: r.Updated})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	return out, nil
}
