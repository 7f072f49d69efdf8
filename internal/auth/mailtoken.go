package auth

// Signed mail links: the unsubscribe, pause, change and manage links of
// alert digests and the newsletter. They need no sign-in (a person reads
// mail on a phone that is not signed in) and never expire (GOV.UK's expire
// after a week, and its users complain), so they carry their own proof: an
// HMAC-SHA256 over what the link may do, keyed with a secret kept in the
// database (table mail_secret, made on first use), never in a URL. Nothing
// is stored per link.
//
// Go API (issue 11b builds the newsletter on it):
//
//	s, err := a.MailSigner(ctx)                        // once per run: loads the key
//	tok := s.Token(u, auth.ScopeNewsletter, 0)         // or ScopeAlert with the alert's id, ScopeAlerts, ScopeAll
//	tok = s.DigestToken(u, catalog.Daily)              // a digest's alerts: ScopeDigest
//	link := auth.MailLink(base, auth.ActionUnsubscribe, tok) // base + "/mail/unsubscribe?token=" + tok
//	g, err := a.MailGrant(ctx, tok)                    // on the page: who and what (ErrBadMailLink when forged)
//	if g.Covers(auth.ScopeNewsletter, 0) { ... }       // ScopeAll covers everything, ScopeAlerts every alert
//
// A token is "<scope><user id>.<alert id>.<mac>" (ids in base 36, the MAC
// 16 bytes of base64url): the ids are not secret, the MAC is. The MAC also
// covers the account's current email address, so a link stops working
// when the address changes (the old mailbox no longer speaks for the
// account). What a link lets one do is bounded by its scope: stop or
// change mail, never read anything.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"

	"safelib/internal/catalog"
)

// Scopes of a mail link: what it may stop or change.
const (
	// ScopeAlert is one alert (its id in the token).
	ScopeAlert = "alert"
	// ScopeAlerts is every alert of the person.
	ScopeAlerts = "alerts"
	// ScopeDigest is the alerts of one cadence: those one digest reports
	// on (its one-click unsubscribe). Its target is the cadence.
	ScopeDigest = "digest"
	// ScopeNewsletter is the association's newsletter.
	ScopeNewsletter = "newsletter"
	// ScopeAll is everything the library sends unasked: every alert and
	// the newsletter (account messages, such as reset links, still go).
	ScopeAll = "all"
)

// Actions are the pages mail links open: /mail/ACTION?token=...
const (
	ActionUnsubscribe = "unsubscribe"
	ActionPause       = "pause"
	ActionChange      = "change"
	ActionManage      = "manage"
)

var scopeCodes = map[string]byte{ScopeAlert: 'a', ScopeAlerts: 'l', ScopeDigest: 'd', ScopeNewsletter: 'n', ScopeAll: 'e'}

// cadences are a ScopeDigest token's targets, by number (from 1).
var cadences = []string{catalog.Daily, catalog.Weekly, catalog.Monthly}

// ErrBadMailLink is the answer to a forged, damaged or outdated mail link.
var ErrBadMailLink = &catalog.Error{Code: catalog.Unauthorized,
	Message: "this link is not valid (it may be incomplete, or the account's email address has changed): sign in to manage your email"}

// maxMailToken bounds what is parsed.
const maxMailToken = 80

// MailSigner signs mail links with the library's key.
type MailSigner struct{ key []byte }

// MailSigner loads the signing key (making it on first use).
func (a *Auth) MailSigner(ctx context.Context) (*MailSigner, error) {
	key, err := a.st.MailSecret(ctx)
	if err != nil {
		return nil, err
	}
	return &MailSigner{key: key}, nil
}

// Token is the link token letting its holder act on scope for u (alertID
// for ScopeAlert, else 0).
func (s *MailSigner) Token(u *catalog.User, scope string, alertID int64) string {
	code, ok := scopeCodes[scope]
	if !ok || scope == ScopeDigest {
		panic("auth: mail scope " + scope + " has no Token") // a programming error, never input
	}
	if scope != ScopeAlert {
		alertID = 0
	}
	return s.token(code, u, alertID)
}

// DigestToken is the link token covering u's alerts of cadence: the
// one-click unsubscribe of the digest that combines them.
func (s *MailSigner) DigestToken(u *catalog.User, cadence string) string {
	return s.token(scopeCodes[ScopeDigest], u, int64(slices.Index(cadences, cadence)+1))
}

func (s *MailSigner) token(code byte, u *catalog.User, target int64) string {
	payload := string(code) + strconv.FormatInt(u.ID, 36) + "." + strconv.FormatInt(target, 36)
	return payload + "." + s.mac(payload, u.Email)
}

func (s *MailSigner) mac(payload, email string) string {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte("safelib mail link v1\x00" + payload + "\x00" + normEmail(email)))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

// MailLink is the absolute address of action for token.
func MailLink(base, action, token string) string {
	return strings.TrimRight(base, "/") + "/mail/" + action + "?token=" + token
}

// MailGrant is what a valid mail link lets its holder do.
type MailGrant struct {
	User  *catalog.User
	Scope string
	// AlertID is the alert of a ScopeAlert link.
	AlertID int64
	// Cadence is the cadence of a ScopeDigest link.
	Cadence string
}

// Covers reports whether the grant reaches scope (and alertID, for
// ScopeAlert): ScopeAll reaches everything, ScopeAlerts every alert. For
// one alert, ask CoversAlert, which knows a digest link's cadence.
func (g *MailGrant) Covers(scope string, alertID int64) bool {
	switch g.Scope {
	case ScopeAll:
		return true
	case ScopeAlerts:
		return scope == ScopeAlert || scope == ScopeAlerts || scope == ScopeDigest
	case ScopeAlert:
		return scope == ScopeAlert && alertID == g.AlertID
	case ScopeDigest:
		return false // only through CoversAlert
	}
	return g.Scope == scope
}

// CoversAlert reports whether the grant reaches alert a.
func (g *MailGrant) CoversAlert(a *catalog.Alert) bool {
	if g.Scope == ScopeDigest {
		return a.Cadence == g.Cadence
	}
	return g.Covers(ScopeAlert, a.ID)
}

// MailGrant checks a mail link's token and returns whom it speaks for and
// what it covers; a forged, damaged or outdated token (the account gone or
// its address changed) is ErrBadMailLink.
func (a *Auth) MailGrant(ctx context.Context, raw string) (*MailGrant, error) {
	if raw == "" || len(raw) > maxMailToken {
		return nil, ErrBadMailLink
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || len(parts[0]) < 2 {
		return nil, ErrBadMailLink
	}
	scope := ""
	for name, code := range scopeCodes {
		if parts[0][0] == code {
			scope = name
		}
	}
	uid, err1 := strconv.ParseInt(parts[0][1:], 36, 64)
	aid, err2 := strconv.ParseInt(parts[1], 36, 64)
	if scope == "" || err1 != nil || err2 != nil || uid <= 0 || aid < 0 || (scope == ScopeAlert || scope == ScopeDigest) != (aid > 0) ||
		(scope == ScopeDigest && aid > int64(len(cadences))) {
		return nil, ErrBadMailLink
	}
	s, err := a.MailSigner(ctx)
	if err != nil {
		return nil, err
	}
	u, err := a.st.UserByID(ctx, uid)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, ErrBadMailLink
	}
	if err != nil {
		return nil, err
	}
	want := s.mac(parts[0]+"."+parts[1], u.Email)
	if !hmac.Equal([]byte(want), []byte(parts[2])) {
		return nil, ErrBadMailLink
	}
	g := &MailGrant{User: u, Scope: scope}
	if scope == ScopeDigest {
		g.Cadence = cadences[aid-1]
	} else {
		g.AlertID = aid
	}
	return g, nil
}

// SetNewsletterOptOut records that the grant's person wants the newsletter
// (on false) or not (on true); the grant must cover ScopeNewsletter.
func (a *Auth) SetNewsletterOptOut(ctx context.Context, g *MailGrant, on bool) error {
	if !g.Covers(ScopeNewsletter, 0) {
		return catalog.Errorf(catalog.Forbidden, "this link does not cover the newsletter")
	}
	return a.st.SetMailOptOut(ctx, g.User.ID, ScopeNewsletter, on, a.now())
}

// NewsletterOptedOut reports whether userID asked for no newsletter.
func (a *Auth) NewsletterOptedOut(ctx context.Context, userID int64) (bool, error) {
	return a.st.MailOptedOut(ctx, userID, ScopeNewsletter)
}

// NewsletterOptOuts returns the accounts that asked for no newsletter.
func (a *Auth) NewsletterOptOuts(ctx context.Context) (map[int64]bool, error) {
	return a.st.MailOptOuts(ctx, ScopeNewsletter)
}
