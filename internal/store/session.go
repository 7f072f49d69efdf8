package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// CreateSession inserts a session.
func (s *Store) CreateSession(ctx context.Context, se *catalog.Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created, expires, last_seen, ip, user_agent)
		VALUES (?,?,?,?,?,?,?)`, se.TokenHash, se.UserID, stamp(se.Created), stamp(se.Expires),
		stamp(se.LastSeen), se.IP, se.UserAgent)
	if err != nil {
		return fmt.Errorf("create session for user %d: %w", se.UserID, err)
	}
	return nil
}

const sessionCols = `token_hash, user_id, created, expires, last_seen, ip, user_agent`

func scanSession(row interface{ Scan(...any) error }) (*catalog.Session, error) {
	var se catalog.Session
	var created, expires, lastSeen string
	err := row.Scan(&se.TokenHash, &se.UserID, &created, &expires, &lastSeen, &se.IP, &se.UserAgent)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	se.Created, se.Expires, se.LastSeen = unstamp(created), unstamp(expires), unstamp(lastSeen)
	return &se, nil
}

// SessionByHash finds a session by its token hash, expired or not: the
// caller, which owns the clock, decides.
func (s *Store) SessionByHash(ctx context.Context, hash string) (*catalog.Session, error) {
	se, err := scanSession(s.db.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE token_hash = ?`, hash))
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	return se, nil
}

// TouchSession records activity on a session.
func (s *Store) TouchSession(ctx context.Context, hash string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE token_hash = ?`, stamp(at), hash)
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session (no error when it is already gone).
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user and returns how many.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	if err != nil {
		return 0, fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// DeleteExpiredSessions removes sessions that expired before at.
func (s *Store) DeleteExpiredSessions(ctx context.Context, at time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires < ?`, stamp(at))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// UserSessions lists a user's sessions, newest first.
func (s *Store) UserSessions(ctx context.Context, userID int64) ([]*catalog.Session, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE user_id = ? ORDER BY created DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("sessions of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []*catalog.Session
	for rows.Next() {
		se, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("sessions of user %d: %w", userID, err)
		}
		out = append(out, se)
	}
	return out, rows.Err()
}
