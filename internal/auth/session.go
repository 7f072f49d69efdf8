package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// Identity is who a request is from: the account, how it proved itself
// (a session or an API token) and what it may read.
type Identity struct {
	User    *catalog.User
	Session *catalog.Session  // set for a browser session
	Token   *catalog.APIToken // set for an API token
	Reader  catalog.Reader
}

// newSecret returns 32 random bytes, base64url without padding (43 chars).
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than return weak bytes)
	return base64.RawURLEncoding.EncodeToString(b)
}

// maxSecretLen bounds what is looked up, so junk never reaches the store.
const maxSecretLen = 100

// LoginResult is a successful sign-in: Token goes in the cookie.
type LoginResult struct {
	Token    string
	Identity *Identity
}

// Login checks an email and password and opens a session. Failures are
// one error, ErrBadCredentials, whether the email is unknown, the account
// disabled or the password wrong, and take the same time (an unknown
// email is checked against a dummy hash). Repeated failures per account or
// per address give a *ThrottledError, checked before any hashing.
func (a *Auth) Login(ctx context.Context, email, password string, c Client) (*LoginResult, error) {
	email = normEmail(email)
	acctKey, ipKey := "acct:"+email, addrKey(c.IP)
	ipWait := a.addrs.Wait(ipKey)
	if c.Shared && ipWait > 0 {
		// Everyone behind an untrusted proxy shares this address: slow it
		// down rather than lock them all out.
		ipWait = 0
		t := time.NewTimer(a.sharedDelay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	if wait := max(a.accounts.Wait(acctKey), ipWait); wait > 0 {
		return nil, &ThrottledError{RetryAfter: wait}
	}
	var u *catalog.User
	if len(email) <= maxEmailLen {
		found, err := a.st.UserByEmail(ctx, email)
		switch {
		case err == nil:
			u = found
		case !errors.Is(err, catalog.ErrNotFound):
			return nil, fmt.Errorf("sign in: %w", err)
		}
	}
	hash := ""
	if u != nil {
		hash = u.PasswordHash
	}
	pw := password
	if len(pw) > MaxPasswordLen {
		pw = pw[:MaxPasswordLen] // still hashed, still refused below
	}
	ok, err := a.verify(ctx, pw, hash)
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	reason := ""
	switch {
	case u == nil:
		reason = "unknown email"
	case len(password) > MaxPasswordLen:
		reason = "password too long"
	case u.PasswordHash == "":
		reason = "no password set"
	case !ok:
		reason = "wrong password"
	case u.Disabled:
		reason = "account disabled"
	}
	actor := Actor{Email: email, IP: c.IP}
	if u != nil {
		actor = ActorFor(u, c.IP)
	}
	if reason != "" {
		lockedAcct := a.accounts.Fail(acctKey)
		lockedIP := a.addrs.Fail(ipKey)
		if err := a.Audit(ctx, actor, "login.failed", email, map[string]string{"reason": reason}); err != nil {
			return nil, err
		}
		if lockedAcct || lockedIP {
			what := "account"
			if lockedIP {
				what = "address"
				if c.Shared {
					what = "address (shared by an untrusted proxy: slowed, not locked)"
				}
			}
			if err := a.Audit(ctx, actor, "login.locked", email, map[string]string{"locked": what}); err != nil {
				return nil, err
			}
			a.log.Warn("sign-in locked after repeated failures", "email", email, "ip", c.IP, "locked", what)
		}
		return nil, ErrBadCredentials
	}
	a.accounts.Reset(acctKey)
	// The address count is kept: signing in to one's own account must not
	// reset the budget for guessing others'.
	now := a.now()
	if _, err := a.st.DeleteExpiredSessions(ctx, now); err != nil {
		a.log.Warn("purge expired sessions", "err", err)
	}
	token := newSecret()
	se := &catalog.Session{TokenHash: catalog.SecretDigest(token), UserID: u.ID, Created: now, Expires: now.Add(a.life),
		LastSeen: now, IP: c.IP, UserAgent: truncate(c.UserAgent, 300)}
	if err := a.st.CreateSession(ctx, se); err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	if err := a.st.TouchLogin(ctx, u.ID, now); err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	u.LastLogin = now
	if err := a.Audit(ctx, actor, "login", email, nil); err != nil {
		return &LoginResult{Token: token, Identity: &Identity{User: u, Session: se, Reader: a.ReaderFor(u)}}, err
	}
	return &LoginResult{Token: token, Identity: &Identity{User: u, Session: se, Reader: a.ReaderFor(u)}}, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// touchEvery limits last-seen writes to one per session per interval.
const touchEvery = 5 * time.Minute

// Session returns the identity of a session token. Unknown, expired and
// disabled-account sessions give ErrUnauthenticated; expired and disabled
// ones are deleted on the way.
func (a *Auth) Session(ctx context.Context, token string) (*Identity, error) {
	if token == "" || len(token) > maxSecretLen {
		return nil, ErrUnauthenticated
	}
	h := catalog.SecretDigest(token)
	se, err := a.st.SessionByHash(ctx, h)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	now := a.now()
	if !now.Before(se.Expires) {
		if err := a.st.DeleteSession(ctx, h); err != nil {
			return nil, err
		}
		return nil, ErrUnauthenticated
	}
	u, err := a.st.UserByID(ctx, se.UserID)
	if err != nil {
		return nil, fmt.Errorf("session user: %w", err)
	}
	if u.Disabled {
		if err := a.st.DeleteSession(ctx, h); err != nil {
			return nil, err
		}
		return nil, ErrUnauthenticated
	}
	if now.Sub(se.LastSeen) > touchEvery {
		if err := a.st.TouchSession(ctx, h, now); err != nil {
			a.log.Warn("touch session", "err", err)
		}
		se.LastSeen = now
	}
	return &Identity{User: u, Session: se, Reader: a.ReaderFor(u)}, nil
}

// Logout ends the session of token on the server.
func (a *Auth) Logout(ctx context.Context, token string, c Client) error {
	if token == "" || len(token) > maxSecretLen {
		return nil
	}
	h := catalog.SecretDigest(token)
	se, err := a.st.SessionByHash(ctx, h)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := a.st.DeleteSession(ctx, h); err != nil {
		return err
	}
	if u, err := a.st.UserByID(ctx, se.UserID); err == nil {
		return a.Audit(ctx, ActorFor(u, c.IP), "logout", u.Email, nil)
	}
	return nil
}

// csrfLabel separates the CSRF derivation from the stored session digest.
const csrfLabel = "safelib csrf v1\x00"

// CSRFToken is the anti-forgery token of a session: derived from the
// session secret (which only the browser's cookie holds), so it needs no
// storage and dies with the session. Someone who reads the database sees
// only SHA-256(secret), from which it can't be computed.
func CSRFToken(sessionToken string) string {
	h := sha256.Sum256([]byte(csrfLabel + sessionToken))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// CheckCSRF reports, in constant time, whether got is the session's token.
func CheckCSRF(sessionToken, got string) bool {
	if sessionToken == "" || got == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(CSRFToken(sessionToken)), []byte(got)) == 1
}

// NewCSRFSecret returns a random value for a pre-session (sign-in form)
// double-submit cookie.
func NewCSRFSecret() string { return newSecret() }

// EqualSecret compares two secrets in constant time; empty never matches.
func EqualSecret(x, y string) bool {
	return x != "" && subtle.ConstantTimeCompare([]byte(x), []byte(y)) == 1
}
