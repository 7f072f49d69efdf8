package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// Mailer writes the account messages auth queues in the outbox, in the
// same transaction as their cause (internal/mail's Composer is one).
type Mailer interface {
	// Reset carries a link to choose a password: kind "reset" (asked for
	// on /forgot) or "invite" (a new account).
	Reset(kind string, u *catalog.User, link string, expires time.Time) (*catalog.OutMail, error)
	// Notice tells oldEmail that the password ("password") or sign-in
	// address ("email") changed.
	Notice(what, oldEmail, newEmail string, at time.Time) (*catalog.OutMail, error)
	// Reminder is a renewal reminder at stage about the end date end.
	Reminder(stage string, u *catalog.User, end string) (*catalog.OutMail, error)
}

// ForgotLifetime is how long a link asked for on /forgot works: shorter
// than an admin's, since anyone can ask for one.
const ForgotLifetime = 2 * time.Hour

// passwordNotice is the message telling u's address that its password
// changed, or nothing when no mailer is set or u had no password yet (an
// invitation's first password is no news).
func (a *Auth) passwordNotice(u *catalog.User) ([]*catalog.OutMail, error) {
	if a.mailer == nil || u.PasswordHash == "" {
		return nil, nil
	}
	m, err := a.mailer.Notice("password", u.Email, "", a.now())
	if err != nil {
		return nil, err
	}
	return []*catalog.OutMail{m}, nil
}

// emailNotice is the message telling before's address that the account's
// sign-in address is now newEmail, or nothing when it did not change or no
// mailer is set.
func (a *Auth) emailNotice(before *catalog.User, newEmail string) ([]*catalog.OutMail, error) {
	if a.mailer == nil || before.Email == newEmail {
		return nil, nil
	}
	m, err := a.mailer.Notice("email", before.Email, newEmail, a.now())
	if err != nil {
		return nil, err
	}
	return []*catalog.OutMail{m}, nil
}

// queued tells the sender that a message waits.
func (a *Auth) queued() {
	if a.onQueued != nil {
		a.onQueued()
	}
}

// RequestReset is /forgot: when email has an enabled account, it makes a
// one-time link (ForgotLifetime) and queues the message carrying it, in
// one transaction. The answer is the same whether or not the account
// exists; requests are throttled per address and per email like failed
// sign-ins (every request counts).
func (a *Auth) RequestReset(ctx context.Context, email string, c Client) error {
	email = normEmail(email)
	acctKey, ipKey := "forgot:"+email, "forgot:"+addrKey(c.IP)
	if wait := max(a.accounts.Wait(acctKey), a.addrs.Wait(ipKey)); wait > 0 {
		return &ThrottledError{RetryAfter: wait}
	}
	a.accounts.Fail(acctKey)
	a.addrs.Fail(ipKey)
	if a.mailer == nil {
		return catalog.Errorf(catalog.Unavailable, "email is not set up on this library; ask an admin for a reset link")
	}
	if len(email) > maxEmailLen || email == "" {
		return nil
	}
	u, err := a.st.UserByEmail(ctx, email)
	if errors.Is(err, catalog.ErrNotFound) {
		if err := a.Audit(ctx, Actor{Email: "anonymous", IP: c.IP}, "user.reset_request_unknown", email, nil); err != nil {
			return err
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("forgot password: %w", err)
	}
	if u.Disabled {
		if err := a.Audit(ctx, Actor{Email: "anonymous", IP: c.IP}, "user.reset_request_disabled", u.Email, nil); err != nil {
			return err
		}
		return nil
	}
	if err := a.mailLink(ctx, "reset", u, ForgotLifetime); err != nil {
		return err
	}
	if err := a.Audit(ctx, Actor{Email: "anonymous", IP: c.IP}, "user.reset_request", u.Email, nil); err != nil {
		return err
	}
	return nil
}

// Invite sends (or sends again) the message with which a new person
// chooses a password (admins only), voiding earlier links.
func (a *Auth) Invite(ctx context.Context, actor Actor, email string) error {
	if err := requireAdmin(actor, "invite people"); err != nil {
		return err
	}
	if a.mailer == nil {
		return catalog.Errorf(catalog.Unavailable, "email is not set up")
	}
	u, err := a.st.UserByEmail(ctx, normEmail(email))
	if err != nil {
		return err
	}
	if err := a.mailLink(ctx, "invite", u, a.resetIn); err != nil {
		return err
	}
	if err := a.Audit(ctx, actor, "user.invite", u.Email, nil); err != nil {
		return err
	}
	return nil
}

// mailLink makes a reset token for u and queues kind's message with its
// link, in one transaction.
func (a *Auth) mailLink(ctx context.Context, kind string, u *catalog.User, life time.Duration) error {
	raw := newSecret()
	now := a.now()
	expires := now.Add(life)
	m, err := a.mailer.Reset(kind, u, ResetLink(a.base, raw), expires)
	if err != nil {
		return err
	}
	if err := a.st.CreateResetToken(ctx, catalog.SecretDigest(raw), u.ID, now, expires, m); err != nil {
		return err
	}
	a.queued()
	return nil
}
