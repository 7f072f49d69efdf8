package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"safelib/internal/catalog"
)

// TokenPrefix marks safelib API tokens, so secret scanners and people can
// recognise one in a log or a repository.
const TokenPrefix = "slb_"

// CreateToken makes an API token for the account with email, returning
// the token itself (shown once; only its SHA-256 is kept). Admins may make
// tokens for anyone; others only for themselves.
func (a *Auth) CreateToken(ctx context.Context, actor Actor, email, name string) (string, *catalog.APIToken, error) {
	u, err := a.st.UserByEmail(ctx, normEmail(email))
	if err != nil {
		return "", nil, err
	}
	if actor.Role != catalog.RoleAdmin && actor.ID != u.ID {
		return "", nil, catalog.Errorf(catalog.Forbidden, "only admins make tokens for others")
	}
	name = strings.TrimSpace(name)
	if len(name) > 100 {
		return "", nil, catalog.Errorf(catalog.Invalid, "token name longer than 100 bytes")
	}
	raw := TokenPrefix + newSecret()
	t := &catalog.APIToken{UserID: u.ID, UserEmail: u.Email, Hash: catalog.SecretDigest(raw), Name: name, Created: a.now()}
	if err := a.st.CreateAPIToken(ctx, t); err != nil {
		return "", nil, err
	}
	if err := a.Audit(ctx, actor, "token.create", u.Email, map[string]string{"id": fmt.Sprint(t.ID), "name": name}); err != nil {
		return raw, t, err
	}
	return raw, t, nil
}

// TokenIdentity returns the identity of an API token. Unknown and revoked
// tokens and disabled accounts give ErrUnauthenticated.
func (a *Auth) TokenIdentity(ctx context.Context, raw string) (*Identity, error) {
	if !strings.HasPrefix(raw, TokenPrefix) || len(raw) > maxSecretLen {
		return nil, ErrUnauthenticated
	}
	t, err := a.st.APITokenByHash(ctx, catalog.SecretDigest(raw))
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	if !t.Revoked.IsZero() {
		return nil, ErrUnauthenticated
	}
	u, err := a.st.UserByID(ctx, t.UserID)
	if err != nil {
		return nil, fmt.Errorf("token user: %w", err)
	}
	if u.Disabled {
		return nil, ErrUnauthenticated
	}
	now := a.now()
	if now.Sub(t.LastUsed) > touchEvery {
		if err := a.st.TouchAPIToken(ctx, t.ID, now); err != nil {
			a.log.Warn("touch api token", "err", err)
		}
		t.LastUsed = now
	}
	return &Identity{User: u, Token: t, Reader: a.ReaderFor(u)}, nil
}

// Tokens lists API tokens: an admin sees anyone's (email "" for all),
// others only their own.
func (a *Auth) Tokens(ctx context.Context, actor Actor, email string) ([]*catalog.APIToken, error) {
	var id int64
	if email != "" {
		u, err := a.st.UserByEmail(ctx, normEmail(email))
		if err != nil {
			return nil, err
		}
		id = u.ID
	}
	if actor.Role != catalog.RoleAdmin {
		if id != 0 && id != actor.ID {
			return nil, catalog.Errorf(catalog.Forbidden, "only admins list others' tokens")
		}
		id = actor.ID
	}
	return a.st.ListAPITokens(ctx, id)
}

// RevokeToken revokes a token by id: admins any, others their own.
func (a *Auth) RevokeToken(ctx context.Context, actor Actor, id int64) error {
	if actor.Role != catalog.RoleAdmin {
		mine, err := a.st.ListAPITokens(ctx, actor.ID)
		if err != nil {
			return err
		}
		found := false
		for _, t := range mine {
			found = found || t.ID == id
		}
		if !found {
			return catalog.Errorf(catalog.NotFound, "token %d", id)
		}
	}
	if err := a.st.RevokeAPIToken(ctx, id, a.now()); err != nil {
		return err
	}
	if err := a.Audit(ctx, actor, "token.revoke", fmt.Sprint(id), nil); err != nil {
		return err
	}
	return nil
}

// IssueReset makes a one-time password reset token for the account with
// email (admins only), voiding earlier ones. The caller builds the link.
func (a *Auth) IssueReset(ctx context.Context, actor Actor, email string) (string, time.Time, error) {
	if actor.Role != catalog.RoleAdmin {
		return "", time.Time{}, catalog.Errorf(catalog.Forbidden, "only admins issue reset links")
	}
	u, err := a.st.UserByEmail(ctx, normEmail(email))
	if err != nil {
		return "", time.Time{}, err
	}
	raw := newSecret()
	now := a.now()
	expires := now.Add(a.resetIn)
	if err := a.st.CreateResetToken(ctx, catalog.SecretDigest(raw), u.ID, now, expires); err != nil {
		return "", time.Time{}, err
	}
	if err := a.Audit(ctx, actor, "user.reset_link", u.Email, map[string]string{"expires": stamp(expires)}); err != nil {
		return raw, expires, err
	}
	return raw, expires, nil
}

// ResetUser returns the account a reset token is for, while the token is
// unused and unexpired; otherwise ErrUnauthenticated.
func (a *Auth) ResetUser(ctx context.Context, raw string) (*catalog.User, error) {
	if raw == "" || len(raw) > maxSecretLen {
		return nil, ErrUnauthenticated
	}
	id, err := a.st.ResetTokenUser(ctx, catalog.SecretDigest(raw), a.now())
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	return a.st.UserByID(ctx, id)
}

// Reset spends a reset token to set a new password, ending the account's
// sessions. The person then signs in with the new password.
func (a *Auth) Reset(ctx context.Context, raw, password string, c Client) (*catalog.User, error) {
	if err := CheckPassword(password); err != nil {
		return nil, err
	}
	if raw == "" || len(raw) > maxSecretLen {
		return nil, ErrUnauthenticated
	}
	before, err := a.ResetUser(ctx, raw)
	if err != nil {
		return nil, err
	}
	h, err := a.hash(ctx, password)
	if err != nil {
		return nil, err
	}
	mails, err := a.passwordNotice(before)
	if err != nil {
		return nil, err
	}
	id, err := a.st.ResetPassword(ctx, catalog.SecretDigest(raw), h, a.now(), mails...)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	u, err := a.st.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	a.accounts.Reset("acct:" + normEmail(u.Email))
	if len(mails) > 0 {
		a.queued()
	}
	if err := a.Audit(ctx, ActorFor(u, c.IP), "user.password_reset", u.Email, nil); err != nil {
		return u, err
	}
	return u, nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ResetPath is where the web serves reset links.
const ResetPath = "/reset"

// ResetLink is the link an admin passes on: base is the site's public URL.
func ResetLink(base, token string) string {
	return strings.TrimRight(base, "/") + ResetPath + "?token=" + token
}
