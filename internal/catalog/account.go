package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// User is an account. Membership dates are civil dates, "YYYY-MM-DD",
// inclusive; "" means none.
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	Role         Role
	// Expires is the person's own membership end date.
	Expires string
	// OrgID, OrgName and OrgExpires describe the organisation whose
	// membership the person shares (OrgID 0 when none).
	OrgID      int64
	OrgName    string
	OrgExpires string
	Disabled   bool
	Created    time.Time
	Updated    time.Time
	// PasswordChanged and LastLogin are zero when never.
	PasswordChanged time.Time
	LastLogin       time.Time
}

// EffectiveExpires is the later of the person's and the organisation's
// membership end dates ("" when neither is set).
func (u *User) EffectiveExpires() string {
	if u.OrgExpires > u.Expires {
		return u.OrgExpires
	}
	return u.Expires
}

// UserFilter narrows a listing of accounts. Dates are "YYYY-MM-DD".
type UserFilter struct {
	// Role keeps one role ("" for all).
	Role Role
	// ExpiresFrom and ExpiresTo keep members whose effective end date lies
	// in [ExpiresFrom, ExpiresTo] (each bound optional; either set keeps
	// members only, and members with no end date never match).
	ExpiresFrom, ExpiresTo string
	// OrgID keeps the people of one organisation.
	OrgID int64
	// Query keeps emails or names containing it (case-insensitive).
	Query string
	// Limit caps the rows (default and maximum 10,000).
	Limit int
}

// Organisation is a membership several people share.
type Organisation struct {
	ID      int64
	Name    string
	Expires string // "YYYY-MM-DD", inclusive; "" for none
	// Members counts the people attached (filled by listings).
	Members int
	Created time.Time
	Updated time.Time
}

// Session is a server-side sign-in. Only the SHA-256 of its token is kept.
type Session struct {
	TokenHash string
	UserID    int64
	Created   time.Time
	Expires   time.Time
	LastSeen  time.Time
	IP        string
	UserAgent string
}

// Token is a credential whose secret only its owner holds: only the
// SHA-256 of the secret is kept. API tokens are a script's credential (with
// a Name); feed tokens are a private feed address's secret (no Name).
type Token struct {
	ID        int64
	UserID    int64
	UserEmail string // filled on reads
	Hash      string
	Name      string
	Created   time.Time
	LastUsed  time.Time // zero when never
	Revoked   time.Time // zero while valid
}

// APIToken is a script's credential.
type APIToken = Token

// FeedToken is a private feed address's secret.
type FeedToken = Token

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID      int64
	At      time.Time
	ActorID int64  // 0 for the system or an anonymous caller
	Actor   string // email, or "system", at the time
	Action  string // e.g. "login", "login.failed", "user.role"
	Target  string // what was acted on: an email, a resource id
	Details map[string]string
	IP      string
}

// AuditFilter narrows a listing of the audit log.
type AuditFilter struct {
	// Action keeps one action, or with a trailing "." a family ("user.").
	Action string
	// Actor and Target keep entries naming them exactly (any case).
	Actor, Target string
	// Before keeps entries with smaller ids (paging backwards).
	Before int64
	// Limit caps the rows (default 100, at most 1,000).
	Limit int
}

// Reminder is a renewal reminder sent to a member: at Stage ("30", "7"
// or "lapsed") about the end date Expires.
type Reminder struct {
	UserID  int64
	Expires string
	Stage   string
	Sent    time.Time
}

// SecretDigest is how token secrets are stored: hex SHA-256. The secrets
// are 256-bit random, so a fast hash is enough; no salt or stretching is
// needed.
func SecretDigest(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
