package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// ReplaceFeedToken revokes the user's live feed tokens and adds a new one
// with hash, in one transaction, so a person has at most one live token.
func (s *Store) ReplaceFeedToken(ctx context.Context, userID int64, hash string, at time.Time) (*catalog.FeedToken, error) {
	var t *catalog.FeedToken
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE feed_tokens SET revoked = ? WHERE user_id = ? AND revoked = ''`,
			stamp(at), userID); err != nil {
			return fmt.Errorf("revoke old feed tokens of user %d: %w", userID, err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO feed_tokens (user_id, token_hash, created) VALUES (?,?,?)`,
			userID, hash, stamp(at))
		if err != nil {
			return fmt.Errorf("create feed token for user %d: %w", userID, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("create feed token: %w", err)
		}
		t, err = scanToken(tx.QueryRowContext(ctx, tokenSelect("feed_tokens")+` WHERE t.id = ?`, id))
		if err != nil {
			return fmt.Errorf("read new feed token: %w", err)
		}
		return nil
	})
	return t, err
}

// FeedTokenByHash finds a feed token (revoked or not) by its hash.
func (s *Store) FeedTokenByHash(ctx context.Context, hash string) (*catalog.FeedToken, error) {
	t, err := s.tokenByHash(ctx, "feed_tokens", hash)
	if err != nil {
		return nil, fmt.Errorf("feed token: %w", err)
	}
	return t, nil
}

// FeedTokens lists one user's feed tokens (userID 0: everyone's), newest first.
func (s *Store) FeedTokens(ctx context.Context, userID int64) ([]*catalog.FeedToken, error) {
	ts, err := s.listTokens(ctx, "feed_tokens", userID)
	if err != nil {
		return nil, fmt.Errorf("list feed tokens: %w", err)
	}
	return ts, nil
}

// RevokeFeedTokens revokes the user's live feed tokens and returns how many
// there were.
func (s *Store) RevokeFeedTokens(ctx context.Context, userID int64, at time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE feed_tokens SET revoked = ? WHERE user_id = ? AND revoked = ''`,
		stamp(at), userID)
	if err != nil {
		return 0, fmt.Errorf("revoke feed tokens of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("revoke feed tokens of user %d: %w", userID, err)
	}
	return int(n), nil
}

// TouchFeedToken records a use of a feed token.
func (s *Store) TouchFeedToken(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE feed_tokens SET last_used = ? WHERE id = ?`, stamp(at), id); err != nil {
		return fmt.Errorf("touch feed token %d: %w", id, err)
	}
	return nil
}

// ChangeCounter returns the library's change counter: it moves in the same
// transaction as any write to a resource, its themes or its index flag
// (triggers of migration 0005), so caches keyed by it see every change.
func (s *Store) ChangeCounter(ctx context.Context) (int64, error) { return s.changeCounter(ctx) }
