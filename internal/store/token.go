package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// CreateAPIToken inserts t and sets t.ID.
func (s *Store) CreateAPIToken(ctx context.Context, t *catalog.APIToken) error {
	res, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, name, created) VALUES (?,?,?,?)`,
		t.UserID, t.Hash, t.Name, stamp(t.Created))
	if err != nil {
		return fmt.Errorf("create api token for user %d: %w", t.UserID, err)
	}
	if t.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("create api token: %w", err)
	}
	return nil
}

// tokenSelect selects the tokens of table (api_tokens or feed_tokens)
// with their owner's email, in the order scanToken reads them.
func tokenSelect(table string) string {
	name := "t.name"
	if table == "feed_tokens" {
		name = "''"
	}
	return `SELECT t.id, t.user_id, u.email, t.token_hash, ` + name + `, t.created, t.last_used, t.revoked
		FROM ` + table + ` t JOIN users u ON u.id = t.user_id`
}

func scanToken(row interface{ Scan(...any) error }) (*catalog.Token, error) {
	var t catalog.Token
	var created, lastUsed, revoked string
	err := row.Scan(&t.ID, &t.UserID, &t.UserEmail, &t.Hash, &t.Name, &created, &lastUsed, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	t.Created, t.LastUsed, t.Revoked = unstamp(created), unstamp(lastUsed), unstamp(revoked)
	return &t, nil
}

// tokenByHash finds a token of table (revoked or not) by its hash.
func (s *Store) tokenByHash(ctx context.Context, table, hash string) (*catalog.Token, error) {
	return scanToken(s.queryRowPrepared(ctx, tokenSelect(table)+` WHERE t.token_hash = ?`, hash))
}

// listTokens lists the tokens of table of one user (userID 0: everyone's),
// newest first.
func (s *Store) listTokens(ctx context.Context, table string, userID int64) ([]*catalog.Token, error) {
	rows, err := s.db.QueryContext(ctx, tokenSelect(table)+` WHERE ? = 0 OR t.user_id = ? ORDER BY t.id DESC`, userID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*catalog.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// APITokenByHash finds a token (revoked or not) by its hash.
func (s *Store) APITokenByHash(ctx context.Context, hash string) (*catalog.APIToken, error) {
	t, err := s.tokenByHash(ctx, "api_tokens", hash)
	if err != nil {
		return nil, fmt.Errorf("api token: %w", err)
	}
	return t, nil
}

// ListAPITokens lists the tokens of one user (userID 0: everyone's), newest first.
func (s *Store) ListAPITokens(ctx context.Context, userID int64) ([]*catalog.APIToken, error) {
	ts, err := s.listTokens(ctx, "api_tokens", userID)
	if err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	return ts, nil
}

// TouchAPIToken records a use of a token.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used = ? WHERE id = ?`, stamp(at), id); err != nil {
		return fmt.Errorf("touch api token %d: %w", id, err)
	}
	return nil
}

// RevokeAPIToken revokes a token; an unknown or already revoked id gives
// catalog.ErrNotFound.
func (s *Store) RevokeAPIToken(ctx context.Context, id int64, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET revoked = ? WHERE id = ? AND revoked = ''`, stamp(at), id)
	if err := mustAffect(res, err); err != nil {
		return fmt.Errorf("revoke api token %d: %w", id, err)
	}
	return nil
}

// CreateResetToken stores a one-time password reset token for a user and
// voids the user's earlier unused ones, so only the latest link works.
func (s *Store) CreateResetToken(ctx context.Context, hash string, userID int64, created, expires time.Time, mails ...*catalog.OutMail) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := insertMails(ctx, tx, created, mails); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reset_tokens SET used = ? WHERE user_id = ? AND used = ''`,
			stamp(created), userID); err != nil {
			return fmt.Errorf("void old reset tokens of user %d: %w", userID, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO reset_tokens (token_hash, user_id, created, expires) VALUES (?,?,?,?)`,
			hash, userID, stamp(created), stamp(expires)); err != nil {
			return fmt.Errorf("create reset token for user %d: %w", userID, err)
		}
		return nil
	})
}

// ResetTokenUser returns the user id of an unused reset token that has not
// expired at at; anything else gives catalog.ErrNotFound.
func (s *Store) ResetTokenUser(ctx context.Context, hash string, at time.Time) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT user_id FROM reset_tokens WHERE token_hash = ? AND used = '' AND expires > ?`,
		hash, stamp(at)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("reset token: %w", catalog.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("reset token: %w", err)
	}
	return id, nil
}

// ResetPassword spends a reset token and sets the password in one
// transaction, ending the user's sessions. It returns the user id; a used,
// expired or unknown token gives catalog.ErrNotFound and changes nothing.
func (s *Store) ResetPassword(ctx context.Context, tokenHash, passwordHash string, at time.Time, mails ...*catalog.OutMail) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := insertMails(ctx, tx, at, mails); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `UPDATE reset_tokens SET used = ? WHERE token_hash = ? AND used = '' AND expires > ?
			RETURNING user_id`, stamp(at), tokenHash, stamp(at)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("reset token: %w", catalog.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("reset token: %w", err)
		}
		return setPassword(ctx, tx, id, passwordHash, "", at)
	})
	return id, err
}
