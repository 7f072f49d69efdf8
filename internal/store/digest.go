package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// textLayout is resource_texts' time format (SQLite's %f has milliseconds).
const textLayout = "2006-01-02T15:04:05.000Z"

// TextChange is a resource added, or given a new text, since some time.
type TextChange struct {
	ID      string
	Version int
	Added   time.Time
	Changed time.Time
}

// TextChanges lists the active resources added or given new text at or
// after since, oldest change first.
func (s *Store) TextChanges(ctx context.Context, since time.Time) ([]TextChange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.resource_id, t.version, t.added, t.changed
		FROM resource_texts t JOIN resources r ON r.id = t.resource_id
		WHERE t.changed >= ? AND r.status = 'active' ORDER BY t.changed, t.resource_id`,
		since.UTC().Format(textLayout))
	if err != nil {
		return nil, fmt.Errorf("text changes: %w", err)
	}
	defer rows.Close()
	var out []TextChange
	for rows.Next() {
		var c TextChange
		var added, changed string
		if err := rows.Scan(&c.ID, &c.Version, &added, &changed); err != nil {
			return nil, fmt.Errorf("text changes: %w", err)
		}
		c.Added, _ = time.Parse(textLayout, added)
		c.Changed, _ = time.Parse(textLayout, changed)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CadenceAlerts returns the unpaused alerts of cadence whose owners are
// enabled, grouped by owner in id order, with the owners.
func (s *Store) CadenceAlerts(ctx context.Context, cadence string) ([]*catalog.User, map[int64][]*catalog.Alert, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+alertCols+` FROM alerts
		WHERE cadence = ? AND NOT paused AND user_id IN (SELECT id FROM users WHERE NOT disabled)
		ORDER BY user_id, id`, cadence)
	if err != nil {
		return nil, nil, fmt.Errorf("alerts of cadence %s: %w", cadence, err)
	}
	defer rows.Close()
	byUser := map[int64][]*catalog.Alert{}
	var order []int64
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, nil, err
		}
		if byUser[a.UserID] == nil {
			order = append(order, a.UserID)
		}
		byUser[a.UserID] = append(byUser[a.UserID], a)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows.Close()
	users := make([]*catalog.User, 0, len(order))
	for _, id := range order {
		u, err := s.UserByID(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		users = append(users, u)
	}
	return users, byUser, nil
}

// SentItem is one (item, text version) a digest carried.
type SentItem struct {
	ID      string
	Version int
}

// AlertSent returns which of ids userID has been sent, by id: the text
// versions sent.
func (s *Store) AlertSent(ctx context.Context, userID int64, ids []string) (map[string][]int, error) {
	out := map[string][]int{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{userID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT resource_id, version FROM alert_sent
		WHERE user_id = ? AND resource_id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("sent items of %d: %w", userID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var v int
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = append(out[id], v)
	}
	return out, rows.Err()
}

// QueueDigest writes a digest to the outbox in one transaction with what
// makes it once-only: the (person, item, version) rows it carries and the
// last_sent of the alerts it reports on. A crash leaves all or none.
func (s *Store) QueueDigest(ctx context.Context, at time.Time, m *catalog.OutMail, userID int64, alertIDs []int64, items []SentItem) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := insertMail(ctx, tx, m, at); err != nil {
			return err
		}
		for _, it := range items {
			if _, err := tx.ExecContext(ctx, `INSERT INTO alert_sent (user_id, resource_id, version, sent) VALUES (?,?,?,?)
				ON CONFLICT DO NOTHING`, userID, it.ID, it.Version, stamp(at)); err != nil {
				return fmt.Errorf("record sent items: %w", err)
			}
		}
		for _, id := range alertIDs {
			if _, err := tx.ExecContext(ctx, `UPDATE alerts SET last_sent = ? WHERE id = ? AND user_id = ?`,
				stamp(at), id, userID); err != nil {
				return fmt.Errorf("alert %d last sent: %w", id, err)
			}
		}
		return nil
	})
}

// JobRuns returns every job's last recorded run, by name.
func (s *Store) JobRuns(ctx context.Context) (map[string]catalog.JobRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, last_run, summary, error FROM job_runs`)
	if err != nil {
		return nil, fmt.Errorf("job runs: %w", err)
	}
	defer rows.Close()
	out := map[string]catalog.JobRun{}
	for rows.Next() {
		var r catalog.JobRun
		var last string
		if err := rows.Scan(&r.Name, &last, &r.Summary, &r.Error); err != nil {
			return nil, err
		}
		r.LastRun = unstamp(last)
		out[r.Name] = r
	}
	return out, rows.Err()
}

// SaveJobRun records a job's latest run.
func (s *Store) SaveJobRun(ctx context.Context, r catalog.JobRun) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO job_runs (name, last_run, summary, error) VALUES (?,?,?,?)
		ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run, summary = excluded.summary, error = excluded.error`,
		r.Name, stamp(r.LastRun), r.Summary, r.Error)
	if err != nil {
		return fmt.Errorf("save job run %s: %w", r.Name, err)
	}
	return nil
}
