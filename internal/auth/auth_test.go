package auth

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/store"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// 2026-04-20 10:00 in London (BST).
var start = time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)

func newTest(t *testing.T) (*Auth, *clock) {
	a, _, c := newTestWith(t, nil)
	return a, c
}

// newTestWith is newTest with a Mailer, returning the store too.
func newTestWith(t *testing.T, m Mailer) (*Auth, *store.Store, *clock) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{t: start}
	p := TestParams
	return New(st, Options{Now: c.Now, Params: &p, SessionLifetime: 24 * time.Hour, Mailer: m}), st, c
}

const pw = "correct horse battery"

func mustAdd(t *testing.T, a *Auth, email string, role catalog.Role, expires string) *catalog.User {
	t.Helper()
	u, err := a.AddUser(context.Background(), System, NewUser{Email: email, Role: role, Expires: expires, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestReaderFor(t *testing.T) {
	a, c := newTest(t)
	u := func(role catalog.Role, expires, orgExpires string, disabled bool) *catalog.User {
		return &catalog.User{ID: 7, Email: "x@example.org", Role: role, Expires: expires, OrgExpires: orgExpires, Disabled: disabled}
	}
	cases := []struct {
		name            string
		now             time.Time
		u               *catalog.User
		members, lapsed bool
		role            catalog.Role
	}{
		{"anonymous", start, nil, false, false, ""},
		{"staff", start, u(catalog.RoleStaff, "", "", false), true, false, catalog.RoleStaff},
		{"admin", start, u(catalog.RoleAdmin, "", "", false), true, false, catalog.RoleAdmin},
		{"disabled staff", start, u(catalog.RoleStaff, "", "", true), false, false, ""},
		{"member in date", start, u(catalog.RoleMember, "2027-04-30", "", false), true, false, catalog.RoleMember},
		{"member on the last day", start, u(catalog.RoleMember, "2026-04-20", "", false), true, false, catalog.RoleMember},
		{"member a day after", start, u(catalog.RoleMember, "2026-04-19", "", false), false, true, catalog.RoleMember},
		{"member with no date", start, u(catalog.RoleMember, "", "", false), false, true, catalog.RoleMember},
		{"member via organisation", start, u(catalog.RoleMember, "2025-04-30", "2026-04-30", false), true, false, catalog.RoleMember},
		{"organisation lapsed, own in date", start, u(catalog.RoleMember, "2026-04-30", "2025-04-30", false), true, false, catalog.RoleMember},
		// 23:30 UTC on 30 April is 00:30 on 1 May in London (BST): lapsed.
		{"end of April, UK time", time.Date(2026, 4, 30, 23, 30, 0, 0, time.UTC), u(catalog.RoleMember, "2026-04-30", "", false), false, true, catalog.RoleMember},
		{"end of April, still the 30th", time.Date(2026, 4, 30, 22, 59, 0, 0, time.UTC), u(catalog.RoleMember, "2026-04-30", "", false), true, false, catalog.RoleMember},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = tc.now
			rd := a.ReaderFor(tc.u)
			if rd.Members != tc.members || rd.Lapsed != tc.lapsed || rd.Role != tc.role {
				t.Fatalf("got %+v", rd)
			}
			if tc.u == nil && rd != catalog.Anonymous {
				t.Fatalf("nil user is not anonymous: %+v", rd)
			}
		})
	}
}

func TestLoginSessionLogout(t *testing.T) {
	ctx := context.Background()
	a, c := newTest(t)
	u := mustAdd(t, a, "Ann@Example.org", catalog.RoleMember, "2027-04-30")
	cl := Client{IP: "192.0.2.1", UserAgent: "test"}
	res, err := a.Login(ctx, " ANN@example.org ", pw, cl)
	if err != nil {
		t.Fatal(err)
	}
	if res.Identity.User.ID != u.ID || !res.Identity.Reader.Members || len(res.Token) != 43 {
		t.Fatalf("%+v", res.Identity)
	}
	id, err := a.Session(ctx, res.Token)
	if err != nil || id.User.ID != u.ID || !id.Reader.Members || id.Session == nil {
		t.Fatalf("session: %+v %v", id, err)
	}
	// The store keeps only the digest.
	if _, err := a.st.SessionByHash(ctx, res.Token); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatal("raw token stored")
	}
	for _, bad := range []string{"", "nope", res.Token + "x", string(make([]byte, 200))} {
		if _, err := a.Session(ctx, bad); !errors.Is(err, ErrUnauthenticated) {
			t.Fatalf("token %q: %v", bad, err)
		}
	}
	if err := a.Logout(ctx, res.Token, cl); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(ctx, res.Token); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("after logout: %v", err)
	}
	// Expiry: a session dies at its lifetime, and is deleted on lookup.
	res, err = a.Login(ctx, "ann@example.org", pw, cl)
	if err != nil {
		t.Fatal(err)
	}
	c.Add(24*time.Hour - time.Second)
	if _, err := a.Session(ctx, res.Token); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	c.Add(time.Second)
	if _, err := a.Session(ctx, res.Token); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("expired: %v", err)
	}
	if ss, _ := a.st.UserSessions(ctx, u.ID); len(ss) != 0 {
		t.Fatalf("expired session kept: %d", len(ss))
	}
	// A disabled account's live session stops working at once.
	res, _ = a.Login(ctx, "ann@example.org", pw, cl)
	yes := true
	if _, err := a.UpdateUser(ctx, System, "ann@example.org", UserChange{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(ctx, res.Token); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("disabled: %v", err)
	}
	log, _ := a.st.ListAudit(ctx, catalog.AuditFilter{Action: "login"})
	if len(log) != 3 || log[0].Actor != "ann@example.org" || log[0].IP != "192.0.2.1" {
		t.Fatalf("audit: %+v", log)
	}
}

func TestLoginFailuresLookAlike(t *testing.T) {
	ctx := context.Background()
	a, _ := newTest(t)
	mustAdd(t, a, "ann@example.org", catalog.RoleMember, "2027-04-30")
	off := mustAdd(t, a, "off@example.org", catalog.RoleMember, "2027-04-30")
	yes := true
	if _, err := a.UpdateUser(ctx, System, off.Email, UserChange{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddUser(ctx, System, NewUser{Email: "nopw@example.org", Role: catalog.RoleStaff}); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ email, pw, reason string }{
		{"nobody@example.org", pw, "unknown email"},
		{"ann@example.org", "wrong password!", "wrong password"},
		{"off@example.org", pw, "account disabled"},
		{"nopw@example.org", "", "no password set"},
		{"ann@example.org", string(make([]byte, MaxPasswordLen+1)), "password too long"},
	}
	for i, tc := range cases {
		real, dummy := a.verified.real.Load(), a.verified.dummy.Load()
		_, err := a.Login(ctx, tc.email, tc.pw, Client{IP: "192.0.2.9"})
		if !errors.Is(err, ErrBadCredentials) || err.Error() != ErrBadCredentials.Error() {
			t.Fatalf("%s: %v", tc.email, err)
		}
		// Exactly one argon2id verification per attempt, whatever the case.
		if n := a.verified.real.Load() - real + a.verified.dummy.Load() - dummy; n != 1 {
			t.Fatalf("%s: %d verifications", tc.email, n)
		}
		if i == 0 && a.verified.dummy.Load()-dummy != 1 {
			t.Fatal("unknown email did not verify the dummy hash")
		}
		log, _ := a.st.ListAudit(ctx, catalog.AuditFilter{Action: "login.failed", Limit: 1})
		if log[0].Details["reason"] != tc.reason || log[0].Target != tc.email {
			t.Fatalf("audit: %+v", log[0])
		}
	}
}

// TestTimingParity compares an unknown email with a wrong password at the
// production parameters: both must pay for one argon2id verification.
func TestTimingParity(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	ctx := context.Background()
	a, _ := newTest(t)
	a.params = Params
	mustAdd(t, a, "ann@example.org", catalog.RoleMember, "2027-04-30")
	a.dummyHash()
	// Interleaved, and the minimum of several runs: other processes on a
	// shared machine only ever add time.
	attempt := func(email string) time.Duration {
		a.accounts.Reset("acct:" + email)
		a.addrs.Reset(addrKey("192.0.2.1"))
		t0 := time.Now()
		if _, err := a.Login(ctx, email, "wrong password!", Client{IP: "192.0.2.1"}); !errors.Is(err, ErrBadCredentials) {
			t.Fatal(err)
		}
		return time.Since(t0)
	}
	known, unknown := time.Hour, time.Hour
	for i := 0; i < 5; i++ {
		known = min(known, attempt("ann@example.org"))
		unknown = min(unknown, attempt("nobody@example.org"))
	}
	t.Logf("fastest failed sign-in: known email %v, unknown email %v", known, unknown)
	if unknown < known/3 || known < unknown/3 { // skipping the dummy hash would be ~50x faster
		t.Fatalf("timings differ: known %v, unknown %v", known, unknown)
	}
}

func TestThrottle(t *testing.T) {
	ctx := context.Background()
	a, c := newTest(t)
	mustAdd(t, a, "ann@example.org", catalog.RoleMember, "2027-04-30")
	ip := Client{IP: "192.0.2.1"}
	for i := 0; i < 5; i++ {
		if _, err := a.Login(ctx, "ann@example.org", "wrong password!", ip); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	// Locked: even the right password is refused, without hashing.
	_, err := a.Login(ctx, "ANN@example.org", pw, Client{IP: "198.51.100.7"})
	var te *ThrottledError
	if !errors.As(err, &te) || te.RetryAfter != 15*time.Minute || !errors.Is(err, ErrThrottled) {
		t.Fatalf("after 5 failures: %v", err)
	}
	c.Add(10 * time.Minute)
	_, err = a.Login(ctx, "ann@example.org", pw, ip)
	if !errors.As(err, &te) || te.RetryAfter != 5*time.Minute {
		t.Fatalf("10 minutes on: %v", err)
	}
	c.Add(5 * time.Minute)
	if _, err := a.Login(ctx, "ann@example.org", pw, ip); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	if log, _ := a.st.ListAudit(ctx, catalog.AuditFilter{Action: "login.locked"}); len(log) != 1 {
		t.Fatalf("lock not audited: %d", len(log))
	}

	// Per address: 20 failures across many emails lock the address (and
	// its /64 for IPv6), not other addresses.
	c.Add(time.Hour)
	for i := 0; i < 20; i++ {
		ip6 := Client{IP: "2001:db8:1:2::" + string(rune('a'+i%6))}
		if _, err := a.Login(ctx, "guess"+string(rune('a'+i))+"@example.org", "x", ip6); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if _, err := a.Login(ctx, "ann@example.org", pw, Client{IP: "2001:db8:1:2::ffff"}); !errors.Is(err, ErrThrottled) {
		t.Fatalf("same /64: %v", err)
	}
	if _, err := a.Login(ctx, "ann@example.org", pw, Client{IP: "2001:db8:1:3::1"}); err != nil {
		t.Fatalf("other /64: %v", err)
	}
}

func TestThrottleWindowSlides(t *testing.T) {
	c := &clock{t: start}
	th := NewThrottle(3, time.Minute, time.Minute, c.Now)
	th.Fail("k")
	c.Add(50 * time.Second)
	th.Fail("k")
	c.Add(20 * time.Second) // the first failure left the window
	if th.Fail("k") {
		t.Fatal("locked with 2 failures in the window")
	}
	if !th.Fail("k") || th.Wait("k") != time.Minute {
		t.Fatal("not locked with 3 failures in the window")
	}
	th.Reset("k")
	if th.Wait("k") != 0 {
		t.Fatal("reset kept the lock")
	}
}

func TestAPITokens(t *testing.T) {
	ctx := context.Background()
	a, _ := newTest(t)
	staff := mustAdd(t, a, "sam@example.org", catalog.RoleStaff, "")
	member := mustAdd(t, a, "ann@example.org", catalog.RoleMember, "2027-04-30")
	raw, tok, err := a.CreateToken(ctx, System, "sam@example.org", "import script")
	if err != nil {
		t.Fatal(err)
	}
	id, err := a.TokenIdentity(ctx, raw)
	if err != nil || id.User.ID != staff.ID || !id.Reader.IsStaff() || id.Token.ID != tok.ID {
		t.Fatalf("%+v %v", id, err)
	}
	for _, bad := range []string{"", raw[4:], "slb_nope", raw + "x"} {
		if _, err := a.TokenIdentity(ctx, bad); !errors.Is(err, ErrUnauthenticated) {
			t.Fatalf("token %q: %v", bad, err)
		}
	}
	// A member may make and see only their own tokens.
	ma := ActorFor(member, "")
	if _, _, err := a.CreateToken(ctx, ma, "sam@example.org", ""); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member made a token for staff: %v", err)
	}
	if ts, err := a.Tokens(ctx, ma, ""); err != nil || len(ts) != 0 {
		t.Fatalf("member sees %d tokens (%v)", len(ts), err)
	}
	if err := a.RevokeToken(ctx, ma, tok.ID); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("member revoked staff token: %v", err)
	}
	if err := a.RevokeToken(ctx, System, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.TokenIdentity(ctx, raw); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("revoked token: %v", err)
	}
	ts, _ := a.Tokens(ctx, System, "sam@example.org")
	if len(ts) != 1 || ts[0].Revoked.IsZero() {
		t.Fatalf("list: %+v", ts)
	}
}

func TestResetLink(t *testing.T) {
	ctx := context.Background()
	a, c := newTest(t)
	u, err := a.AddUser(ctx, System, NewUser{Email: "new@example.org", Role: catalog.RoleMember, Expires: "2027-04-30"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Login(ctx, u.Email, "", Client{}); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("sign-in without a password: %v", err)
	}
	member := ActorFor(u, "")
	if _, _, err := a.IssueReset(ctx, member, u.Email); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member issued a reset link: %v", err)
	}
	raw, exp, err := a.IssueReset(ctx, System, u.Email)
	if err != nil || !exp.Equal(start.Add(72*time.Hour)) {
		t.Fatal(exp, err)
	}
	if got, err := a.ResetUser(ctx, raw); err != nil || got.ID != u.ID {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := a.Reset(ctx, raw, "short", Client{}); !errors.Is(err, catalog.ErrInvalid) {
		t.Fatalf("short password: %v", err)
	}
	if _, err := a.Reset(ctx, raw, "a brand new password", Client{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Reset(ctx, raw, "another new password", Client{}); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("link used twice: %v", err)
	}
	if _, err := a.Login(ctx, u.Email, "a brand new password", Client{}); err != nil {
		t.Fatal(err)
	}
	raw, _, _ = a.IssueReset(ctx, System, u.Email)
	c.Add(72 * time.Hour)
	if _, err := a.ResetUser(ctx, raw); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("expired link: %v", err)
	}
}

func TestChangePassword(t *testing.T) {
	ctx := context.Background()
	a, _ := newTest(t)
	mustAdd(t, a, "ann@example.org", catalog.RoleMember, "2027-04-30")
	one, _ := a.Login(ctx, "ann@example.org", pw, Client{})
	two, _ := a.Login(ctx, "ann@example.org", pw, Client{})
	if err := a.ChangePassword(ctx, one.Identity, one.Token, "wrong password!", "a brand new password", Client{}); !errors.Is(err, catalog.ErrInvalid) {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := a.ChangePassword(ctx, one.Identity, one.Token, pw, "short", Client{}); !errors.Is(err, catalog.ErrInvalid) {
		t.Fatalf("short new password: %v", err)
	}
	if err := a.ChangePassword(ctx, one.Identity, one.Token, pw, "a brand new password", Client{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(ctx, one.Token); err != nil {
		t.Fatalf("own session ended: %v", err)
	}
	if _, err := a.Session(ctx, two.Token); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("other session kept: %v", err)
	}
	if _, err := a.Login(ctx, "ann@example.org", "a brand new password", Client{}); err != nil {
		t.Fatal(err)
	}
}

func TestUserManagement(t *testing.T) {
	ctx := context.Background()
	a, _ := newTest(t)
	admin := mustAdd(t, a, "root@example.org", catalog.RoleAdmin, "")
	staff := mustAdd(t, a, "sam@example.org", catalog.RoleStaff, "")
	bad := []NewUser{
		{Email: "not-an-email", Role: catalog.RoleMember, Expires: "2027-04-30"},
		{Email: "Ann <ann@example.org>", Role: catalog.RoleMember, Expires: "2027-04-30"},
		{Email: "ann@example.org", Role: "owner", Expires: "2027-04-30"},
		{Email: "ann@example.org", Role: catalog.RoleMember, Expires: "30/04/2027"},
		{Email: "ann@example.org", Role: catalog.RoleMember},
		{Email: "ann@example.org", Role: catalog.RoleMember, Expires: "2027-04-30", Password: "short"},
		{Email: "ann@example.org", Role: catalog.RoleMember, Org: "No such org"},
	}
	for _, nu := range bad {
		if _, err := a.AddUser(ctx, System, nu); err == nil {
			t.Errorf("accepted %+v", nu)
		}
	}
	if _, err := a.AddUser(ctx, ActorFor(staff, ""), NewUser{Email: "x@example.org", Role: catalog.RoleAdmin}); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("staff added an admin: %v", err)
	}
	if _, err := a.AddUser(ctx, System, NewUser{Email: "SAM@example.org", Role: catalog.RoleStaff}); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := a.AddOrganisation(ctx, System, "Northshire  LSCP", "2026-05-10"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddUser(ctx, System, NewUser{Email: "org@example.org", Role: catalog.RoleMember, Org: "northshire lscp"}); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, a, "later@example.org", catalog.RoleMember, "2027-04-30")
	mustAdd(t, a, "gone@example.org", catalog.RoleMember, "2026-01-31")

	aa := ActorFor(admin, "192.0.2.1")
	staffRole, tomorrow := catalog.RoleStaff, "2026-04-21"
	u, err := a.UpdateUser(ctx, aa, "later@example.org", UserChange{Role: &staffRole, Expires: &tomorrow})
	if err != nil || u.Role != catalog.RoleStaff || u.Expires != "2026-04-21" {
		t.Fatalf("%+v %v", u, err)
	}
	log, _ := a.AuditLog(ctx, aa, catalog.AuditFilter{Action: "user.role"})
	if len(log) != 1 || log[0].Actor != "root@example.org" || log[0].Details["from"] != string(catalog.RoleMember) ||
		log[0].Details["to"] != string(catalog.RoleStaff) || log[0].IP != "192.0.2.1" {
		t.Fatalf("audit: %+v", log)
	}
	if _, err := a.AuditLog(ctx, ActorFor(staff, ""), catalog.AuditFilter{}); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("staff read the audit log: %v", err)
	}
	// The last admin can be neither demoted nor disabled.
	member, yes := catalog.RoleMember, true
	if _, err := a.UpdateUser(ctx, aa, "root@example.org", UserChange{Role: &member}); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("demoted the last admin: %v", err)
	}
	if _, err := a.UpdateUser(ctx, aa, "root@example.org", UserChange{Disabled: &yes}); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("disabled the last admin: %v", err)
	}
	if _, err := a.UpdateUser(ctx, ActorFor(staff, ""), "gone@example.org", UserChange{Disabled: &yes}); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("staff disabled someone: %v", err)
	}
	// Staff can list lapsing memberships (within 30 days) to chase renewals.
	names := func(q UserQuery) []string {
		us, err := a.Users(ctx, ActorFor(staff, ""), q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range us {
			out = append(out, u.Email)
		}
		return out
	}
	if got := names(UserQuery{Lapsing: true}); len(got) != 1 || got[0] != "org@example.org" {
		t.Fatalf("lapsing: %v", got)
	}
	if got := names(UserQuery{Lapsed: true}); len(got) != 1 || got[0] != "gone@example.org" {
		t.Fatalf("lapsed: %v", got)
	}
	if got := names(UserQuery{}); len(got) != 5 {
		t.Fatalf("all: %v", got)
	}
	if _, err := a.Users(ctx, Actor{Role: catalog.RoleMember}, UserQuery{}); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member listed people: %v", err)
	}
}

func TestCSRF(t *testing.T) {
	tok := newSecret()
	c := CSRFToken(tok)
	if !CheckCSRF(tok, c) || CheckCSRF(tok, "") || CheckCSRF("", CSRFToken("")) || CheckCSRF(newSecret(), c) || CheckCSRF(tok, c+"x") {
		t.Fatal("csrf check")
	}
	if c == catalog.SecretDigest(tok) {
		t.Fatal("csrf token equals the stored session digest")
	}
	if !EqualSecret("a", "a") || EqualSecret("", "") || EqualSecret("a", "b") {
		t.Fatal("EqualSecret")
	}
}

// BenchmarkVerify measures one sign-in check at the production parameters.
func BenchmarkVerify(b *testing.B) {
	st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "test.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	a := New(st, Options{})
	h, err := a.hash(context.Background(), pw)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, err := a.verify(context.Background(), pw, h); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// An address shared by everyone behind an untrusted proxy (Client.Shared)
// is slowed once over its limit, never locked; per-account limits still
// apply.
func TestThrottleSharedAddress(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{t: start}
	p := TestParams
	a := New(st, Options{Now: c.Now, Params: &p, SharedDelay: 20 * time.Millisecond})
	mustAdd(t, a, "ann@example.org", catalog.RoleMember, "2027-04-30")
	mustAdd(t, a, "bob@example.org", catalog.RoleMember, "2027-04-30")
	proxy := Client{IP: "10.0.0.5", Shared: true}
	for i := 0; i < 25; i++ {
		if _, err := a.Login(ctx, "guess"+string(rune('a'+i))+"@example.org", "x", proxy); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	began := time.Now()
	if _, err := a.Login(ctx, "ann@example.org", pw, proxy); err != nil {
		t.Fatalf("shared address over its limit locked someone else out: %v", err)
	}
	if d := time.Since(began); d < 20*time.Millisecond {
		t.Fatalf("shared address over its limit was not slowed: %v", d)
	}
	// The same address, unmarked, is locked as before.
	if _, err := a.Login(ctx, "ann@example.org", pw, Client{IP: "10.0.0.5"}); !errors.Is(err, ErrThrottled) {
		t.Fatalf("unshared address: %v", err)
	}
	// Per account: five failures for bob lock bob even through the proxy.
	for i := 0; i < 5; i++ {
		if _, err := a.Login(ctx, "bob@example.org", "wrong password!", proxy); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("bob attempt %d: %v", i+1, err)
		}
	}
	if _, err := a.Login(ctx, "bob@example.org", pw, proxy); !errors.Is(err, ErrThrottled) {
		t.Fatalf("per-account limit through a shared address: %v", err)
	}
}
