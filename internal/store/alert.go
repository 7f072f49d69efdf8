package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

const alertCols = `id, user_id, search, cadence, day, paused, created, last_sent`

func scanAlert(sc interface{ Scan(...any) error }) (*catalog.Alert, error) {
	var a catalog.Alert
	var created, last string
	if err := sc.Scan(&a.ID, &a.UserID, &a.Search, &a.Cadence, &a.Day, &a.Paused, &created, &last); err != nil {
		return nil, err
	}
	a.Created, a.LastSent = unstamp(created), unstamp(last)
	return &a, nil
}

// CreateAlert stores a new alert of a.UserID, setting its id and creation.
func (s *Store) CreateAlert(ctx context.Context, a *catalog.Alert, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `INSERT INTO alerts (user_id, search, cadence, day, paused, created) VALUES (?,?,?,?,?,?)`,
		a.UserID, a.Search, a.Cadence, a.Day, a.Paused, stamp(at))
	if err != nil {
		return fmt.Errorf("create alert: %w", err)
	}
	a.ID, _ = res.LastInsertId()
	a.Created = at.UTC()
	return nil
}

// Alerts lists userID's alerts, oldest first. Every alert query starts
// with its owner: another person's alert is never read.
func (s *Store) Alerts(ctx context.Context, userID int64) ([]*catalog.Alert, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+alertCols+` FROM alerts WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	defer rows.Close()
	var out []*catalog.Alert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Alert returns userID's alert id; someone else's is ErrNotFound.
func (s *Store) Alert(ctx context.Context, userID, id int64) (*catalog.Alert, error) {
	a, err := scanAlert(s.db.QueryRowContext(ctx, `SELECT `+alertCols+` FROM alerts WHERE user_id = ? AND id = ?`, userID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.Errorf(catalog.NotFound, "alert %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("alert %d: %w", id, err)
	}
	return a, nil
}

// UpdateAlert saves a's search, cadence, day and paused (its owner's only).
func (s *Store) UpdateAlert(ctx context.Context, a *catalog.Alert) error {
	res, err := s.db.ExecContext(ctx, `UPDATE alerts SET search = ?, cadence = ?, day = ?, paused = ? WHERE user_id = ? AND id = ?`,
		a.Search, a.Cadence, a.Day, a.Paused, a.UserID, a.ID)
	if err := mustAffect(res, err); err != nil {
		return fmt.Errorf("update alert %d: %w", a.ID, err)
	}
	return nil
}

// DeleteAlert removes userID's alert id.
func (s *Store) DeleteAlert(ctx context.Context, userID, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM alerts WHERE user_id = ? AND id = ?`, userID, id)
	if err := mustAffect(res, err); err != nil {
		return fmt.Errorf("delete alert %d: %w", id, err)
	}
	return nil
}

// DeleteAlerts removes every alert of userID and returns how many went.
func (s *Store) DeleteAlerts(ctx context.Context, userID int64) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM alerts WHERE user_id = ?`, userID)
	if err != nil {
		return 0, fmt.Errorf("delete alerts of %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
