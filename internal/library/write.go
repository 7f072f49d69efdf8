package library

import (
	"context"
	"fmt"

	"safelib/internal/catalog"
	"safelib/internal/store"
)

// prepare normalizes and validates r against the taxonomy.
func (l *Library) prepare(r *catalog.Resource) error {
	r.Normalize()
	if err := r.Validate(l.tax.Valid); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}

// Upsert writes resources (seed, import, crawl): new ones are added, known
// ones (same id, else same URL) replaced unless unchanged. All are
// validated first; nothing is written if one is invalid. The index follows
// the store; a crash in between is healed at the next start.
func (l *Library) Upsert(ctx context.Context, rs []*catalog.Resource) (store.UpsertStats, error) {
	for i, r := range rs {
		if err := l.prepare(r); err != nil {
			return store.UpsertStats{}, fmt.Errorf("resource %d (%s): %w", i+1, r.ID, err)
		}
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	st, err := l.st.UpsertResources(ctx, rs)
	if err != nil {
		return st, wrapStore(err)
	}
	if _, err := l.drainPending(ctx, nil); err != nil {
		return st, fmt.Errorf("saved, but indexing failed (will retry at next start): %w", err)
	}
	return st, nil
}
