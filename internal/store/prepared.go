package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// Statements every search runs (the hits' rows, themes and texts; an API
// token's row and its user's) are prepared once and kept: parsing and
// planning them again on each call was a tenth of the store's CPU per
// search. database/sql prepares a kept
// statement on each connection the first time it runs there; SQLite
// prepares it again by itself after a schema change.

// maxPrepared bounds the statements kept: one per query text, and a list
// of n ids is a text of its own (a search's hits are at most
// index.MaxPerPage), so a bound far above what searches use.
const maxPrepared = 256

type prepared struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// queryPrepared is s.db.QueryContext(ctx, query, args...) through a kept
// statement.
func (s *Store) queryPrepared(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return s.db.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// queryRowPrepared is s.db.QueryRowContext(ctx, query, args...) through a
// kept statement.
func (s *Store) queryRowPrepared(ctx context.Context, query string, args ...any) *sql.Row {
	if st, err := s.stmt(ctx, query); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, query, args...) // with the error, if preparing failed
}

// stmt returns query's kept statement, preparing it the first time (nil
// when maxPrepared are kept already).
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	p := &s.prepared
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.m[query]; ok {
		return st, nil
	}
	if len(p.m) >= maxPrepared {
		return nil, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if p.m == nil {
		p.m = map[string]*sql.Stmt{}
	}
	p.m[query] = st
	return st, nil
}

// closePrepared closes the kept statements (before the database).
func (s *Store) closePrepared() error {
	p := &s.prepared
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for _, st := range p.m {
		errs = append(errs, st.Close())
	}
	p.m = nil
	return errors.Join(errs...)
}
