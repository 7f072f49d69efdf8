package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"safelib/internal/catalog"
)

// A private feed address carries a feed token: a credential standing for
// its owner, kept beside the API tokens. Each account has at most one
// live; only its SHA-256 is stored.

// FeedTokenPrefix marks private feed tokens, so people and secret
// scanners recognise one.
const FeedTokenPrefix = "slf_"

// Audit actions for feed tokens.
const (
	ActionFeedTokenCreate = "feed_token.create"
	ActionFeedTokenRevoke = "feed_token.revoke"
)

// feedTokenOwner finds the account with email and checks actor may manage
// its feed tokens: admins anyone's, others their own.
func (a *Auth) feedTokenOwner(ctx context.Context, actor Actor, email string) (*catalog.User, error) {
	if actor.Role == "" {
		return nil, catalog.Errorf(catalog.Unauthorized, "sign in to manage private feeds")
	}
	u, err := a.st.UserByEmail(ctx, normEmail(email))
	if err != nil {
		return nil, err
	}
	if actor.Role != catalog.RoleAdmin && actor.ID != u.ID {
		return nil, catalog.Errorf(catalog.Forbidden, "only admins manage others' private feeds")
	}
	return u, nil
}

// CreateFeedToken makes a new private feed token for the account with
// email, revoking its earlier one, and returns the token (shown once; only
// its SHA-256 is kept).
func (a *Auth) CreateFeedToken(ctx context.Context, actor Actor, email string) (string, *catalog.FeedToken, error) {
	u, err := a.feedTokenOwner(ctx, actor, email)
	if err != nil {
		return "", nil, err
	}
	raw := FeedTokenPrefix + newSecret()
	t, err := a.st.ReplaceFeedToken(ctx, u.ID, catalog.SecretDigest(raw), a.now())
	if err != nil {
		return "", nil, err
	}
	if err := a.Audit(ctx, actor, ActionFeedTokenCreate, u.Email, nil); err != nil {
		return raw, t, err
	}
	return raw, t, nil
}

// RevokeFeedTokens revokes the private feed token of the account with
// email; its feed addresses stop working at once. It returns how many
// live tokens there were.
func (a *Auth) RevokeFeedTokens(ctx context.Context, actor Actor, email string) (int, error) {
	u, err := a.feedTokenOwner(ctx, actor, email)
	if err != nil {
		return 0, err
	}
	n, err := a.st.RevokeFeedTokens(ctx, u.ID, a.now())
	if err != nil {
		return 0, err
	}
	if n > 0 {
		if err := a.Audit(ctx, actor, ActionFeedTokenRevoke, u.Email, nil); err != nil {
			return n, err
		}
	}
	return n, nil
}

// FeedTokens lists the feed tokens of the account with email, newest
// first (admins: email "" lists everyone's).
func (a *Auth) FeedTokens(ctx context.Context, actor Actor, email string) ([]*catalog.FeedToken, error) {
	if email == "" {
		if actor.Role != catalog.RoleAdmin {
			return nil, catalog.Errorf(catalog.Forbidden, "only admins list everyone's private feeds")
		}
		return a.st.FeedTokens(ctx, 0)
	}
	u, err := a.feedTokenOwner(ctx, actor, email)
	if err != nil {
		return nil, err
	}
	return a.st.FeedTokens(ctx, u.ID)
}

// FeedTokenUser returns the account a private feed token stands for. An
// unknown or revoked token, or a disabled account, is catalog.ErrNotFound:
// the address simply no longer works. The caller computes the account's
// Reader (a lapsed membership reads as public only).
func (a *Auth) FeedTokenUser(ctx context.Context, raw string) (*catalog.User, error) {
	if !strings.HasPrefix(raw, FeedTokenPrefix) || len(raw) > maxSecretLen {
		return nil, catalog.Errorf(catalog.NotFound, "feed token")
	}
	t, err := a.st.FeedTokenByHash(ctx, catalog.SecretDigest(raw))
	if err != nil {
		return nil, err
	}
	if !t.Revoked.IsZero() {
		return nil, catalog.Errorf(catalog.NotFound, "feed token revoked")
	}
	u, err := a.st.UserByID(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, catalog.Errorf(catalog.NotFound, "account disabled")
	}
	// Feed readers poll often: note the use at most hourly.
	if now := a.now(); now.Sub(t.LastUsed) > time.Hour {
		if err := a.st.TouchFeedToken(ctx, t.ID, now); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Warn("touch feed token", "err", err)
		}
	}
	return u, nil
}
