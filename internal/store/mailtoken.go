package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"time"
)

// MailSecret returns the key that signs mail links, making it (32 random
// bytes) on first use. Concurrent first calls agree: the row is inserted
// once and read back.
func (s *Store) MailSecret(ctx context.Context) ([]byte, error) {
	var key []byte
	err := s.db.QueryRowContext(ctx, `SELECT secret FROM mail_secret WHERE id = 1`).Scan(&key)
	if err == nil {
		return key, nil
	}
	if err != sql.ErrNoRows {
		return nil, fmt.Errorf("mail secret: %w", err)
	}
	fresh := make([]byte, 32)
	rand.Read(fresh)
	if _, err := s.db.ExecContext(ctx, `INSERT INTO mail_secret (id, secret, created) VALUES (1, ?, ?) ON CONFLICT DO NOTHING`,
		fresh, stamp(time.Now())); err != nil {
		return nil, fmt.Errorf("make mail secret: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT secret FROM mail_secret WHERE id = 1`).Scan(&key); err != nil {
		return nil, fmt.Errorf("mail secret: %w", err)
	}
	return key, nil
}

// SetMailOptOut records (on) or clears that userID wants no more of what
// ("newsletter").
func (s *Store) SetMailOptOut(ctx context.Context, userID int64, what string, on bool, at time.Time) error {
	var err error
	if on {
		_, err = s.db.ExecContext(ctx, `INSERT INTO mail_optouts (user_id, what, at) VALUES (?,?,?) ON CONFLICT DO NOTHING`,
			userID, what, stamp(at))
	} else {
		_, err = s.db.ExecContext(ctx, `DELETE FROM mail_optouts WHERE user_id = ? AND what = ?`, userID, what)
	}
	if err != nil {
		return fmt.Errorf("mail opt-out %s for %d: %w", what, userID, err)
	}
	return nil
}

// MailOptedOut reports whether userID asked for no more of what.
func (s *Store) MailOptedOut(ctx context.Context, userID int64, what string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM mail_optouts WHERE user_id = ? AND what = ?`, userID, what).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("mail opt-out %s for %d: %w", what, userID, err)
	}
	return n > 0, nil
}

// MailOptOuts returns the ids of the accounts that asked for no more of
// what (a newsletter's send leaves them out).
func (s *Store) MailOptOuts(ctx context.Context, what string) (map[int64]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT user_id FROM mail_optouts WHERE what = ?`, what)
	if err != nil {
		return nil, fmt.Errorf("mail opt-outs %s: %w", what, err)
	}
	return idSet(rows)
}
