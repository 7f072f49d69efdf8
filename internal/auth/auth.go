// Package auth owns accounts and credentials: roles, membership end dates,
// password hashing (argon2id), sign-in throttling, server-side sessions,
// API tokens, one-time reset links and the audit log of these events. It
// turns an account into the catalog.Reader every read path is given.
//
// It knows nothing of HTTP: the web layer passes it cookies' and headers'
// values and maps its errors to statuses. Its SQL lives in the store.
package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // membership dates are in UK civil time wherever the server runs

	"github.com/alexedwards/argon2id"

	"safelib/internal/catalog"
	"safelib/internal/store"
)

// Errors. Input and permission errors are catalog errors with a code, so the web
// layer maps every package's errors to statuses in one table.
var (
	// ErrBadCredentials is the one answer to a failed sign-in, whatever
	// the reason (unknown email, wrong password, disabled account).
	ErrBadCredentials = errors.New("wrong email or password")
	// ErrUnauthenticated means no valid session or token: missing,
	// unknown, expired, revoked, or its account is disabled (a 401).
	ErrUnauthenticated = &catalog.Error{Code: catalog.Unauthorized, Message: "not signed in"}
	// ErrThrottled is wrapped by *ThrottledError.
	ErrThrottled = errors.New("too many failed sign-ins")
)

// ThrottledError says how long to wait before trying again.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%v; try again in %v", ErrThrottled, e.RetryAfter.Round(time.Second))
}

func (e *ThrottledError) Unwrap() error { return ErrThrottled }

// Actor is who performs an action, for permission checks and the audit log.
type Actor struct {
	ID    int64
	Email string
	Role  catalog.Role
	IP    string
}

// System is the actor for the command line: whoever holds the data
// directory holds everything in it.
var System = Actor{Email: "system", Role: catalog.RoleAdmin}

// ActorFor is the actor for a signed-in user at ip.
func ActorFor(u *catalog.User, ip string) Actor {
	return Actor{ID: u.ID, Email: u.Email, Role: u.Role, IP: ip}
}

// Client describes where a sign-in comes from.
type Client struct {
	IP        string
	UserAgent string
	// Shared is true when IP is that of a proxy the server was not told to
	// trust, which forwards for many people (a misconfigured deployment):
	// the per-address limit then slows sign-ins from it (SharedDelay per
	// attempt) instead of locking everyone behind it out. Per-account
	// limits still apply.
	Shared bool
}

// Params are the production argon2id parameters: 32 MiB, 2 passes, 2
// lanes take about 70 ms per verify on the 2-core reference machine.
var Params = argon2id.Params{Memory: 32 * 1024, Iterations: 2, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// TestParams are cheap parameters for tests only.
var TestParams = argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Options tune an Auth. Zero values take the defaults.
type Options struct {
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Params are the argon2id parameters for new hashes (default Params).
	Params *argon2id.Params
	// SessionLifetime is how long a sign-in lasts (default 14 days).
	SessionLifetime time.Duration
	// ResetLifetime is how long a reset link works (default 72 hours).
	ResetLifetime time.Duration
	// AccountLimit and IPLimit are the failed sign-ins allowed per account
	// and per address within FailureWindow before they are locked for
	// LockDuration (defaults 5, 20, 15 minutes, 15 minutes).
	AccountLimit, IPLimit       int
	FailureWindow, LockDuration time.Duration
	// SharedDelay is how long each sign-in from a shared address
	// (Client.Shared) waits once that address is over its limit (default
	// 2 seconds).
	SharedDelay time.Duration
	// Location is the time zone of membership dates (default Europe/London).
	Location *time.Location
	Log      *slog.Logger
	// Mailer writes account messages (reset links, invitations, notices
	// of changes), queued with their cause; nil: none are sent and
	// /forgot is unavailable.
	Mailer Mailer
	// BaseURL is the site's public URL, for links in messages.
	BaseURL string
	// OnQueued is called after a message is queued (wakes the sender).
	OnQueued func()
}

// Auth is the account service over the store.
type Auth struct {
	st      *store.Store
	now     func() time.Time
	params  argon2id.Params
	life    time.Duration
	resetIn time.Duration
	loc     *time.Location
	log     *slog.Logger
	// mailer, base and onQueued: Options.Mailer, BaseURL, OnQueued.
	mailer   Mailer
	base     string
	onQueued func()
	// accounts and addresses throttle failed sign-ins, in memory: one
	// server instance is assumed, and a restart forgets the counts.
	accounts, addrs *Throttle
	sharedDelay     time.Duration
	// hashSem bounds concurrent argon2id computations (each takes
	// Params.Memory), so a flood of sign-ins can't exhaust memory.
	hashSem chan struct{}
	// dummy is a hash of a random password, verified for unknown emails so
	// they take as long as wrong passwords.
	dummyOnce sync.Once
	dummy     string
	dummyErr  error
	// verified counts argon2id verifications by kind (tests check that an
	// unknown email really pays for one).
	verified struct{ real, dummy atomic.Int64 }
}

// New builds an Auth over st.
func New(st *store.Store, opt Options) *Auth {
	a := &Auth{st: st, now: opt.Now, life: opt.SessionLifetime, resetIn: opt.ResetLifetime,
		loc: opt.Location, log: opt.Log, params: Params, mailer: opt.Mailer, base: opt.BaseURL, onQueued: opt.OnQueued}
	if a.now == nil {
		a.now = time.Now
	}
	if opt.Params != nil {
		a.params = *opt.Params
	}
	if a.life <= 0 {
		a.life = 14 * 24 * time.Hour
	}
	if a.resetIn <= 0 {
		a.resetIn = 72 * time.Hour
	}
	if a.loc == nil {
		loc, err := time.LoadLocation("Europe/London")
		if err != nil {
			loc = time.UTC
		}
		a.loc = loc
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	window, lock := opt.FailureWindow, opt.LockDuration
	if window <= 0 {
		window = 15 * time.Minute
	}
	if lock <= 0 {
		lock = 15 * time.Minute
	}
	acct, ip := opt.AccountLimit, opt.IPLimit
	if acct <= 0 {
		acct = 5
	}
	if ip <= 0 {
		ip = 20
	}
	a.accounts = NewThrottle(acct, window, lock, a.now)
	a.addrs = NewThrottle(ip, window, lock, a.now)
	a.sharedDelay = opt.SharedDelay
	if a.sharedDelay <= 0 {
		a.sharedDelay = 2 * time.Second
	}
	a.hashSem = make(chan struct{}, max(1, runtime.NumCPU()))
	return a
}

// Now returns the current time by the Auth's clock.
func (a *Auth) Now() time.Time { return a.now() }

// Today is today's date, "YYYY-MM-DD", in the membership time zone.
func (a *Auth) Today() string { return a.now().In(a.loc).Format(dateLayout) }

// SessionLifetime is how long a new sign-in lasts.
func (a *Auth) SessionLifetime() time.Duration { return a.life }

const dateLayout = "2006-01-02"

// ReaderFor computes what u may read now. Staff and admins read
// everything; a member reads members-only items until the end of their
// effective membership end date (inclusive, UK time), then is Lapsed. A
// nil or disabled account reads as anonymous.
func (a *Auth) ReaderFor(u *catalog.User) catalog.Reader {
	if u == nil || u.Disabled {
		return catalog.Anonymous
	}
	rd := catalog.Reader{UserID: u.ID, Email: u.Email, Role: u.Role}
	switch u.Role {
	case catalog.RoleStaff, catalog.RoleAdmin:
		rd.Members = true
	case catalog.RoleMember:
		end := u.EffectiveExpires()
		if end != "" && end >= a.Today() {
			rd.Members = true
		} else {
			rd.Lapsed = true
		}
	default:
		return catalog.Anonymous
	}
	return rd
}

// Audit appends an entry to the audit log at the Auth's clock.
func (a *Auth) Audit(ctx context.Context, actor Actor, action, target string, details map[string]string) error {
	e := &catalog.AuditEntry{At: a.now(), ActorID: actor.ID, Actor: actor.Email, Action: action,
		Target: target, Details: details, IP: actor.IP}
	if err := a.st.AddAudit(ctx, e); err != nil {
		a.log.Error("audit log", "action", action, "target", target, "err", err)
		return err
	}
	return nil
}

// AuditLog returns audit entries, newest first; admins only.
func (a *Auth) AuditLog(ctx context.Context, actor Actor, f catalog.AuditFilter) ([]*catalog.AuditEntry, error) {
	if actor.Role != catalog.RoleAdmin {
		return nil, catalog.Errorf(catalog.Forbidden, "only admins read the audit log")
	}
	return a.st.ListAudit(ctx, f)
}

// normEmail is the form emails are stored and throttled under.
func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
