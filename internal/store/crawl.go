package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// maxRunsKept bounds the crawl history per source; older runs (and their
// failures) are pruned when a run finishes.
const maxRunsKept = 200

// StartCrawlRun records the start of a crawl of source.
func (s *Store) StartCrawlRun(ctx context.Context, source string) (*catalog.CrawlRun, error) {
	r := &catalog.CrawlRun{Source: source, Started: time.Now().UTC()}
	res, err := s.db.ExecContext(ctx, `INSERT INTO crawl_runs (source, started) VALUES (?, ?)`,
		source, r.Started.Format(timeLayout))
	if err != nil {
		return nil, fmt.Errorf("start crawl run: %w", err)
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return nil, fmt.Errorf("start crawl run: %w", err)
	}
	return r, nil
}

// FinishCrawlRun records a run's counts and end (setting r.Finished), and
// prunes the oldest runs of its source beyond the history bound.
func (s *Store) FinishCrawlRun(ctx context.Context, r *catalog.CrawlRun) error {
	r.Finished = time.Now().UTC()
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE crawl_runs SET finished=?, fetched=?, new=?, changed=?,
			unchanged=?, failed=?, skipped=?, gone=?, error=? WHERE id=?`,
			r.Finished.Format(timeLayout), r.Fetched, r.New, r.Changed, r.Unchanged, r.Failed, r.Skipped,
			r.Gone, r.Error, r.ID)
		if err != nil {
			return fmt.Errorf("finish crawl run %d: %w", r.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("finish crawl run %d: %w", r.ID, catalog.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM crawl_runs WHERE source = ? AND id <= (
			SELECT id FROM crawl_runs WHERE source = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
			r.Source, r.Source, maxRunsKept); err != nil {
			return fmt.Errorf("prune crawl runs: %w", err)
		}
		return nil
	})
}

// CloseStaleCrawlRuns marks every unfinished run as interrupted. Call it
// when no crawl can be running (the data directory lock is held).
func (s *Store) CloseStaleCrawlRuns(ctx context.Context) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE crawl_runs SET finished = ?, error = 'interrupted'
		WHERE finished = ''`, now())
	if err != nil {
		return 0, fmt.Errorf("close stale crawl runs: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

const crawlRunCols = `id, source, started, finished, fetched, new, changed, unchanged, failed, skipped, gone, error`

func scanCrawlRun(row interface{ Scan(...any) error }) (*catalog.CrawlRun, error) {
	var r catalog.CrawlRun
	var started, finished string
	if err := row.Scan(&r.ID, &r.Source, &started, &finished, &r.Fetched, &r.New, &r.Changed,
		&r.Unchanged, &r.Failed, &r.Skipped, &r.Gone, &r.Error); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, catalog.ErrNotFound
		}
		return nil, err
	}
	r.Started = parseTime(started)
	if finished != "" {
		r.Finished = parseTime(finished)
	}
	return &r, nil
}

// CrawlRuns returns up to limit runs, newest first, of one source or of
// all sources when source is "".
func (s *Store) CrawlRuns(ctx context.Context, source string, limit int) ([]*catalog.CrawlRun, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+crawlRunCols+` FROM crawl_runs
		WHERE ? = '' OR source = ? ORDER BY id DESC LIMIT ?`, source, source, limit)
	if err != nil {
		return nil, fmt.Errorf("list crawl runs: %w", err)
	}
	defer rows.Close()
	var out []*catalog.CrawlRun
	for rows.Next() {
		r, err := scanCrawlRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list crawl runs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CrawlRun returns one run.
func (s *Store) CrawlRun(ctx context.Context, id int64) (*catalog.CrawlRun, error) {
	r, err := scanCrawlRun(s.db.QueryRowContext(ctx, `SELECT `+crawlRunCols+` FROM crawl_runs WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("crawl run %d: %w", id, err)
	}
	return r, nil
}

// LastCrawlRun returns the newest run of source, or catalog.ErrNotFound.
func (s *Store) LastCrawlRun(ctx context.Context, source string) (*catalog.CrawlRun, error) {
	r, err := scanCrawlRun(s.db.QueryRowContext(ctx, `SELECT `+crawlRunCols+` FROM crawl_runs
		WHERE source = ? ORDER BY id DESC LIMIT 1`, source))
	if err != nil {
		return nil, fmt.Errorf("last crawl run of %q: %w", source, err)
	}
	return r, nil
}

// AddCrawlFailures records failures in one transaction.
func (s *Store) AddCrawlFailures(ctx context.Context, fs []catalog.CrawlFailure) error {
	if len(fs) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO crawl_failures (run_id, url, reason, at) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("add crawl failures: %w", err)
		}
		defer stmt.Close()
		for _, f := range fs {
			at := f.At
			if at.IsZero() {
				at = time.Now()
			}
			if _, err := stmt.ExecContext(ctx, f.RunID, f.URL, f.Reason, at.UTC().Format(timeLayout)); err != nil {
				return fmt.Errorf("add crawl failure for %s: %w", f.URL, err)
			}
		}
		return nil
	})
}

// CrawlFailures returns up to limit failures of a run, in the order they
// happened.
func (s *Store) CrawlFailures(ctx context.Context, runID int64, limit int) ([]catalog.CrawlFailure, error) {
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	rows, err := s.db.QueryContext(ctx, `SELECT run_id, url, reason, at FROM crawl_failures
		WHERE run_id = ? ORDER BY rowid LIMIT ?`, runID, limit)
	if err != nil {
		return nil, fmt.Errorf("crawl failures of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []catalog.CrawlFailure
	for rows.Next() {
		var f catalog.CrawlFailure
		var at string
		if err := rows.Scan(&f.RunID, &f.URL, &f.Reason, &at); err != nil {
			return nil, fmt.Errorf("crawl failures of run %d: %w", runID, err)
		}
		f.At = parseTime(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

const urlStateCols = `url, source, resource_url, etag, last_modified, body_hash, last_status, gone_count, last_fetched`

func scanURLState(row interface{ Scan(...any) error }) (*catalog.URLState, error) {
	var u catalog.URLState
	var fetched string
	if err := row.Scan(&u.URL, &u.Source, &u.ResourceURL, &u.ETag, &u.LastModified, &u.BodyHash,
		&u.LastStatus, &u.GoneCount, &fetched); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, catalog.ErrNotFound
		}
		return nil, err
	}
	if fetched != "" {
		u.LastFetched = parseTime(fetched)
	}
	return &u, nil
}

// URLState returns what the crawler knows of one canonical URL.
func (s *Store) URLState(ctx context.Context, u string) (*catalog.URLState, error) {
	st, err := scanURLState(s.db.QueryRowContext(ctx, `SELECT `+urlStateCols+` FROM crawl_urls WHERE url = ?`, u))
	if err != nil {
		return nil, fmt.Errorf("url state of %s: %w", u, err)
	}
	return st, nil
}

// URLStates returns the state of every URL last crawled for source, at
// most limit of them (the crawler bounds a source's size anyway).
func (s *Store) URLStates(ctx context.Context, source string, limit int) ([]*catalog.URLState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+urlStateCols+` FROM crawl_urls WHERE source = ?
		ORDER BY url LIMIT ?`, source, limit)
	if err != nil {
		return nil, fmt.Errorf("url states of %q: %w", source, err)
	}
	defer rows.Close()
	var out []*catalog.URLState
	for rows.Next() {
		st, err := scanURLState(rows)
		if err != nil {
			return nil, fmt.Errorf("url states of %q: %w", source, err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// SaveURLStates inserts or replaces URL states in one transaction.
func (s *Store) SaveURLStates(ctx context.Context, states []*catalog.URLState) error {
	if len(states) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO crawl_urls (`+urlStateCols+`)
			VALUES (?,?,?,?,?,?,?,?,?)
			ON CONFLICT (url) DO UPDATE SET source=excluded.source, resource_url=excluded.resource_url,
			etag=excluded.etag, last_modified=excluded.last_modified, body_hash=excluded.body_hash,
			last_status=excluded.last_status, gone_count=excluded.gone_count,
			last_fetched=excluded.last_fetched`)
		if err != nil {
			return fmt.Errorf("save url states: %w", err)
		}
		defer stmt.Close()
		for _, u := range states {
			fetched := ""
			if !u.LastFetched.IsZero() {
				fetched = u.LastFetched.UTC().Format(timeLayout)
			}
			if _, err := stmt.ExecContext(ctx, u.URL, u.Source, u.ResourceURL, u.ETag, u.LastModified,
				u.BodyHash, u.LastStatus, u.GoneCount, fetched); err != nil {
				return fmt.Errorf("save url state of %s: %w", u.URL, err)
			}
		}
		return nil
	})
}

// ResourceIDTaken reports whether a resource has this id.
func (s *Store) ResourceIDTaken(ctx context.Context, id string) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM resources WHERE id = ?`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("resource id taken: %w", err)
	}
	return n > 0, nil
}

// ResourceIDByURL returns the id of the resource with exactly this URL, or
// catalog.ErrNotFound. The url <> ” term is what lets SQLite use the partial
// unique index on url; without it every lookup scans the table.
func (s *Store) ResourceIDByURL(ctx context.Context, u string) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT id FROM resources WHERE url <> '' AND url = ?`, u).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("resource with url %q: %w", u, catalog.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("resource by url: %w", err)
	}
	return id, nil
}

// WriteCrawled adds new resources and replaces changed ones in one
// transaction, for the crawler's batches (the library has already matched
// them to stored resources by URL and merged what staff typed). An update
// with a non-zero Version must match the stored version (catalog.ErrConflict).
func (s *Store) WriteCrawled(ctx context.Context, inserts, updates []*catalog.Resource) error {
	if len(inserts)+len(updates) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, r := range inserts {
			if err := insertResource(ctx, tx, r); err != nil {
				return err
			}
		}
		for _, r := range updates {
			if err := updateResource(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}
