package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"unicode/utf8"

	"safelib/internal/catalog"

	"github.com/alexedwards/argon2id"
)

// Password bounds. The upper one keeps hashing cost predictable.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 1024
)

// CheckPassword enforces the password policy.
func CheckPassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen {
		return catalog.Errorf(catalog.Invalid, "the password must be at least %d characters", MinPasswordLen)
	}
	if len(pw) > MaxPasswordLen {
		return catalog.Errorf(catalog.Invalid, "the password must be at most %d bytes", MaxPasswordLen)
	}
	return nil
}

// hash makes an argon2id hash of pw.
func (a *Auth) hash(ctx context.Context, pw string) (string, error) {
	if err := a.acquire(ctx); err != nil {
		return "", err
	}
	defer a.release()
	h, err := argon2id.CreateHash(pw, &a.params)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// verify reports whether pw matches hash. An empty or malformed hash
// (an account without a password) is checked against the dummy hash
// instead, so it costs the same time and never matches.
func (a *Auth) verify(ctx context.Context, pw, hash string) (bool, error) {
	dummy, err := a.dummyHash()
	if err != nil {
		return false, err
	}
	real := hash != ""
	if real {
		a.verified.real.Add(1)
	} else {
		hash = dummy
		a.verified.dummy.Add(1)
	}
	if err := a.acquire(ctx); err != nil {
		return false, err
	}
	defer a.release()
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	if err != nil {
		// A malformed stored hash: spend the time anyway, then refuse.
		a.log.Error("stored password hash unreadable", "err", err)
		_, _ = argon2id.ComparePasswordAndHash(pw, dummy)
		return false, nil
	}
	return ok && real, nil
}

// dummyHash returns a hash of a random password with the current
// parameters, made once.
func (a *Auth) dummyHash() (string, error) {
	a.dummyOnce.Do(func() {
		a.dummy, a.dummyErr = argon2id.CreateHash(rand.Text(), &a.params)
	})
	return a.dummy, a.dummyErr
}

func (a *Auth) acquire(ctx context.Context) error {
	select {
	case a.hashSem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (a *Auth) release() { <-a.hashSem }
