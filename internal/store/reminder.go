package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// RecordReminder queues m and records that userID was reminded at stage
// about the end date expires, in one transaction. It returns false, and
// queues nothing, when that reminder was already sent.
func (s *Store) RecordReminder(ctx context.Context, userID int64, expires, stage string, at time.Time, m *catalog.OutMail) (bool, error) {
	sent := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO renewal_reminders (user_id, expires, stage, sent) VALUES (?,?,?,?)
			ON CONFLICT DO NOTHING`, userID, expires, stage, stamp(at))
		if err != nil {
			return fmt.Errorf("record reminder for user %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		sent = true
		return insertMail(ctx, tx, m, at)
	})
	return sent, err
}

// Reminded reports whether userID was reminded at stage about expires.
func (s *Store) Reminded(ctx context.Context, userID int64, expires, stage string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM renewal_reminders WHERE user_id = ? AND expires = ? AND stage = ?`,
		userID, expires, stage).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("reminders of user %d: %w", userID, err)
	}
	return n > 0, nil
}

// LastReminders returns each reminded user's latest reminder.
func (s *Store) LastReminders(ctx context.Context) (map[int64]catalog.Reminder, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT user_id, expires, stage, max(sent) FROM renewal_reminders GROUP BY user_id`)
	if err != nil {
		return nil, fmt.Errorf("last reminders: %w", err)
	}
	defer rows.Close()
	out := map[int64]catalog.Reminder{}
	for rows.Next() {
		var r catalog.Reminder
		var sent string
		if err := rows.Scan(&r.UserID, &r.Expires, &r.Stage, &sent); err != nil {
			return nil, err
		}
		r.Sent = unstamp(sent)
		out[r.UserID] = r
	}
	return out, rows.Err()
}
