package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// LinkTargets returns the distinct URLs of active resources not checked
// since checkedBefore (never-checked ones first, then the oldest checks),
// at most limit of them.
func (s *Store) LinkTargets(ctx context.Context, checkedBefore time.Time, limit int) ([]string, error) {
	if limit <= 0 {
		limit = 1 << 30
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.url, coalesce(min(c.checked), '') AS last
		FROM resources r LEFT JOIN link_checks c ON c.url = r.url
		WHERE r.status = 'active' AND r.url <> ''
		GROUP BY r.url HAVING last < ? ORDER BY last, r.url LIMIT ?`, stamp(checkedBefore), limit)
	if err != nil {
		return nil, fmt.Errorf("link targets: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u, last string
		if err := rows.Scan(&u, &last); err != nil {
			return nil, fmt.Errorf("link targets: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// RecordLinkCheck stores the outcome of one check and returns the URL's
// state after it: a good answer resets the failure count and sets the
// last good time; a failure adds one; an inconclusive one changes neither.
func (s *Store) RecordLinkCheck(ctx context.Context, res catalog.LinkResult) (*catalog.LinkCheck, error) {
	if res.At.IsZero() {
		res.At = time.Now()
	}
	var add, reset int
	lastGood := ""
	switch {
	case res.OK:
		reset, lastGood = 1, stamp(res.At)
	case !res.Inconclusive:
		add = 1
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO link_checks (url, checked, status, reason, failures, last_good, took_ms)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
		ON CONFLICT (url) DO UPDATE SET checked = ?2, status = ?3, reason = ?4,
			failures = CASE WHEN ?8 = 1 THEN 0 ELSE failures + ?5 END,
			last_good = CASE WHEN ?6 <> '' THEN ?6 ELSE last_good END, took_ms = ?7`,
		res.URL, stamp(res.At), res.Status, res.Reason, add, lastGood, res.Took.Milliseconds(), reset)
	if err != nil {
		return nil, fmt.Errorf("record link check of %s: %w", res.URL, err)
	}
	return s.LinkCheckOf(ctx, res.URL)
}

const linkCheckCols = `url, checked, status, reason, failures, last_good, took_ms`

func scanLinkCheck(row interface{ Scan(...any) error }) (*catalog.LinkCheck, error) {
	var c catalog.LinkCheck
	var checked, lastGood string
	var took int64
	if err := row.Scan(&c.URL, &checked, &c.Status, &c.Reason, &c.Failures, &lastGood, &took); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, catalog.ErrNotFound
		}
		return nil, err
	}
	c.Checked, c.LastGood = unstamp(checked), unstamp(lastGood)
	c.Took = time.Duration(took) * time.Millisecond
	return &c, nil
}

// LinkCheckOf returns the last check of u, or catalog.ErrNotFound when it was
// never checked.
func (s *Store) LinkCheckOf(ctx context.Context, u string) (*catalog.LinkCheck, error) {
	c, err := scanLinkCheck(s.db.QueryRowContext(ctx, `SELECT `+linkCheckCols+` FROM link_checks WHERE url = ?`, u))
	if err != nil {
		return nil, fmt.Errorf("link check of %s: %w", u, err)
	}
	return c, nil
}

// BrokenLinks returns active resources whose URL failed at least
// minFailures checks in a row, longest broken first, and how many there
// are in all.
func (s *Store) BrokenLinks(ctx context.Context, minFailures, limit int) ([]catalog.BrokenLink, int, error) {
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM resources r JOIN link_checks c ON c.url = r.url
		WHERE r.status = 'active' AND c.failures >= ?`, minFailures).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("broken links: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, length(r.body) > 0, c.url, c.checked, c.status, c.reason,
		c.failures, c.last_good, c.took_ms FROM resources r JOIN link_checks c ON c.url = r.url
		WHERE r.status = 'active' AND c.failures >= ? ORDER BY c.last_good, r.id LIMIT ?`, minFailures, boundLimit(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("broken links: %w", err)
	}
	defer rows.Close()
	var ids []string
	var out []catalog.BrokenLink
	for rows.Next() {
		var id string
		var b catalog.BrokenLink
		var checked, lastGood string
		var took int64
		b.Check = &catalog.LinkCheck{}
		if err := rows.Scan(&id, &b.HasText, &b.Check.URL, &checked, &b.Check.Status, &b.Check.Reason,
			&b.Check.Failures, &lastGood, &took); err != nil {
			return nil, 0, fmt.Errorf("broken links: %w", err)
		}
		b.Check.Checked, b.Check.LastGood = unstamp(checked), unstamp(lastGood)
		b.Check.Took = time.Duration(took) * time.Millisecond
		ids = append(ids, id)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("broken links: %w", err)
	}
	rows.Close()
	rs, err := s.Resources(ctx, ids, false)
	if err != nil {
		return nil, 0, err
	}
	byID := make(map[string]*catalog.Resource, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
	}
	kept := out[:0]
	for i := range out {
		if r := byID[ids[i]]; r != nil {
			out[i].Resource = r
			kept = append(kept, out[i])
		}
	}
	return kept, total, nil
}

// StartLinkRun records the start of a link check run.
func (s *Store) StartLinkRun(ctx context.Context) (*catalog.LinkRun, error) {
	r := &catalog.LinkRun{Started: time.Now().UTC()}
	res, err := s.db.ExecContext(ctx, `INSERT INTO link_check_runs (started) VALUES (?)`, stamp(r.Started))
	if err != nil {
		return nil, fmt.Errorf("start link run: %w", err)
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return nil, fmt.Errorf("start link run: %w", err)
	}
	return r, nil
}

// maxLinkRunsKept bounds the link check history.
const maxLinkRunsKept = 500

// FinishLinkRun records a run's counts and end, and prunes old runs.
func (s *Store) FinishLinkRun(ctx context.Context, r *catalog.LinkRun) error {
	r.Finished = time.Now().UTC()
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE link_check_runs SET finished=?, checked=?, ok=?, failed=?, broken=?,
			error=? WHERE id=?`, stamp(r.Finished), r.Checked, r.OK, r.Failed, r.Broken, r.Error, r.ID); err != nil {
			return fmt.Errorf("finish link run %d: %w", r.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM link_check_runs WHERE id <= (
			SELECT id FROM link_check_runs ORDER BY id DESC LIMIT 1 OFFSET ?)`, maxLinkRunsKept); err != nil {
			return fmt.Errorf("prune link runs: %w", err)
		}
		return nil
	})
}

// LinkRuns returns up to limit runs, newest first.
func (s *Store) LinkRuns(ctx context.Context, limit int) ([]*catalog.LinkRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, started, finished, checked, ok, failed, broken, error
		FROM link_check_runs ORDER BY id DESC LIMIT ?`, boundLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list link runs: %w", err)
	}
	defer rows.Close()
	var out []*catalog.LinkRun
	for rows.Next() {
		var r catalog.LinkRun
		var started, finished string
		if err := rows.Scan(&r.ID, &started, &finished, &r.Checked, &r.OK, &r.Failed, &r.Broken, &r.Error); err != nil {
			return nil, fmt.Errorf("list link runs: %w", err)
		}
		r.Started, r.Finished = unstamp(started), unstamp(finished)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// CloseStaleLinkRuns marks unfinished runs as interrupted; call it when no
// check can be running.
func (s *Store) CloseStaleLinkRuns(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `UPDATE link_check_runs SET finished = ?, error = 'interrupted'
		WHERE finished = ''`, stamp(time.Now()))
	if err != nil {
		return fmt.Errorf("close stale link runs: %w", err)
	}
	return nil
}
