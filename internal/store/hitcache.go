package store

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"safelib/internal/catalog"
)

// Resources without their texts (what search hits, emails and lists show)
// are kept decoded while nothing in the library changes. Loading a
// search's 20 hits and their themes was about a tenth of a search's CPU,
// and the same items are hits of many searches.
//
// An entry is valid only for the value of the library's change counter
// (library_changes, migration 0005) it was loaded under: triggers move the
// counter in the same transaction as any write to a resource or its
// themes, so an access level, status or theme changed is never served from
// before the change. The counter is read before the rows (one primary-key
// read per call): rows read after it are at least as new as it says, and
// a write committed since moves it, which empties the cache on the next
// call. Another process writing the database moves it just the same.

// maxCachedResources bounds the cache (about 1 KB each without texts).
const maxCachedResources = 4096

type resourceCache struct {
	mu      sync.Mutex
	counter int64                        // the change counter m holds
	m       map[string]*catalog.Resource // id -> resource as loaded under counter
}

// cachedResources is Resources without bodies, from the cache where it
// holds them; each call gets resources of its own to change.
func (s *Store) cachedResources(ctx context.Context, ids []string) ([]*catalog.Resource, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	counter, err := s.changeCounter(ctx)
	if err != nil {
		return nil, err
	}
	c := &s.cache
	byID := make(map[string]*catalog.Resource, len(ids))
	var missing []string
	c.mu.Lock()
	if counter > c.counter { // the library changed: nothing kept is valid
		c.counter, c.m = counter, nil
	}
	current := counter == c.counter // not a call that read the counter before another emptied the cache
	for _, id := range ids {
		if _, ok := byID[id]; ok {
			continue
		}
		if r, ok := c.m[id]; ok && current {
			byID[id] = cloneResource(r)
		} else {
			byID[id] = nil
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	if len(missing) > 0 {
		rs, err := s.loadResources(ctx, missing, false)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if counter == c.counter {
			if c.m == nil {
				c.m = make(map[string]*catalog.Resource, len(rs))
			}
			for _, r := range rs {
				if len(c.m) >= maxCachedResources {
					evictSome(c.m)
				}
				c.m[r.ID] = cloneResource(r)
			}
		}
		c.mu.Unlock()
		for _, r := range rs {
			byID[r.ID] = r
		}
	}
	out := make([]*catalog.Resource, 0, len(byID))
	for _, id := range ids {
		if r := byID[id]; r != nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// evictSome drops about a quarter of m (map order: no particular ones).
func evictSome(m map[string]*catalog.Resource) {
	n := len(m) / 4
	for id := range m {
		if n--; n < 0 {
			break
		}
		delete(m, id)
	}
}

// cloneResource copies r, and the lists a caller might change in place.
func cloneResource(r *catalog.Resource) *catalog.Resource {
	c := *r
	c.Themes = slices.Clone(r.Themes)
	c.MachineThemes = slices.Clone(r.MachineThemes)
	c.Pages = slices.Clone(r.Pages)
	return &c
}

// changeCounter reads the change counter through a kept statement.
func (s *Store) changeCounter(ctx context.Context) (int64, error) {
	var n int64
	if err := s.queryRowPrepared(ctx, `SELECT counter FROM library_changes WHERE id = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("change counter: %w", err)
	}
	return n, nil
}
