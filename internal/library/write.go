package library

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"safelib/internal/catalog"
	"safelib/internal/store"
)

// prepare normalizes and validates r against the taxonomy.
func (l *Library) prepare(r *catalog.Resource) error {
	r.Normalize()
	if err := r.Validate(l.tax.Valid); err != nil {
		return catalog.Errorf(catalog.Invalid, "%w", err)
	}
	return nil
}

// Upsert writes resources (seed, import, crawl): new ones are added, known
// ones (same id, else same URL) replaced unless unchanged. All are
// validated first; nothing is written if one is invalid. The index follows
// the store; a crash in between is healed at the next start.
func (l *Library) Upsert(ctx context.Context, rs []*catalog.Resource) (store.UpsertStats, error) {
	return l.upsert(ctx, rs, nil)
}

// upsert is Upsert that also makes files[id] the file list of each
// resource it names, in the same transaction as the rows (an import's).
func (l *Library) upsert(ctx context.Context, rs []*catalog.Resource, files map[string][]catalog.File) (store.UpsertStats, error) {
	for i, r := range rs {
		if err := l.prepare(r); err != nil {
			return store.UpsertStats{}, fmt.Errorf("resource %d (%s): %w", i+1, r.ID, err)
		}
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	st, err := l.st.UpsertResourcesWithFiles(ctx, rs, files)
	if err != nil {
		// The transaction was rolled back: nothing was inserted or
		// updated, whatever was counted before the failure.
		return store.UpsertStats{}, err
	}
	if _, err := l.drainPending(ctx, nil); err != nil {
		return st, catalog.Errorf(catalog.NotIndexed, "saved, but indexing failed (will retry at next start): %w", err)
	}
	return st, nil
}

// assignID gives a resource without an id the id of the resource with the
// same URL, or else a fresh slug from its title and year that neither the
// store nor taken (ids claimed earlier in the same batch) holds.
func (l *Library) assignID(ctx context.Context, r *catalog.Resource, taken map[string]int) error {
	if r.ID != "" {
		return nil
	}
	if u := strings.TrimSpace(r.URL); u != "" {
		old, err := l.st.ResourceByURL(ctx, u)
		if err == nil {
			r.ID = old.ID
			return nil
		}
		if !errors.Is(err, catalog.ErrNotFound) {
			return err
		}
	}
	base := catalog.Slug(r.Title, r.Published)
	for i := 1; i < 1000; i++ {
		id := base
		if i > 1 {
			id = fmt.Sprintf("%s-%d", base, i)
		}
		if _, ok := taken[id]; ok {
			continue
		}
		exists, err := l.st.ResourceExists(ctx, id)
		if err != nil {
			return err
		}
		if !exists {
			r.ID = id
			return nil
		}
	}
	return catalog.Errorf(catalog.Conflict, "no free id for %q", r.Title)
}
