package library

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"safelib/internal/catalog"
)

// Feeds: any search, followed as an Atom feed. A feed reader can't sign
// in, so a member's feeds carry a private token in their address; the
// token stands for the member (the web layer turns the account into a
// Reader, so a lapsed membership reads as public only). Tokens are random,
// kept as SHA-256 only, revocable, one live token per person.

// MaxFeedItems bounds a feed's entries.
const MaxFeedItems = 100

// FeedItems returns up to limit resources matching p that rd may read in
// full, newest published first. Members-only items a reader may not read
// are left out, not shown as teasers: a feed entry is its text.
func (l *Library) FeedItems(ctx context.Context, rd catalog.Reader, p SearchParams, limit int) ([]*catalog.Resource, error) {
	if limit < 1 || limit > MaxFeedItems {
		return nil, catalog.Errorf(catalog.Invalid, "a feed has 1 to %d items", MaxFeedItems)
	}
	p.Sort, p.PerPage, p.NoFacets = SortNewest, MaxPerPage, true
	var out []*catalog.Resource
	// Teasers take places on a page; a few pages are enough to fill a
	// feed, and bound the work when most matches are members-only.
	for page := 1; page <= 3 && len(out) < limit; page++ {
		p.Page = page
		res, err := l.Search(ctx, rd, p)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			if !h.Teaser && len(out) < limit {
				out = append(out, h.Resource)
			}
		}
		if page*MaxPerPage >= res.Total {
			break
		}
	}
	return out, nil
}

// FeedTokenPrefix marks private feed tokens, so people and secret
// scanners recognise one.
const FeedTokenPrefix = "slf_"

// maxFeedTokenLen bounds what is looked up.
const maxFeedTokenLen = 100

// Audit actions for feed tokens.
const (
	ActionFeedTokenCreate = "feed_token.create"
	ActionFeedTokenRevoke = "feed_token.revoke"
)

// feedTokenOwner finds the account with email and checks rd may manage its
// feed tokens: admins anyone's, others their own.
func (l *Library) feedTokenOwner(ctx context.Context, rd catalog.Reader, email string) (*catalog.User, error) {
	if rd.Role == "" {
		return nil, catalog.Errorf(catalog.Unauthorized, "sign in to manage private feeds")
	}
	u, err := l.st.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return nil, err
	}
	if !rd.IsAdmin() && rd.UserID != u.ID {
		return nil, catalog.Errorf(catalog.Forbidden, "only admins manage others' private feeds")
	}
	return u, nil
}

// CreateFeedToken makes a new private feed token for the account with
// email, revoking its earlier one, and returns the token (shown once; only
// its SHA-256 is kept).
func (l *Library) CreateFeedToken(ctx context.Context, rd catalog.Reader, email string) (string, *catalog.FeedToken, error) {
	u, err := l.feedTokenOwner(ctx, rd, email)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 32)
	rand.Read(b) // crypto/rand never fails; it panics rather than return weak bytes
	raw := FeedTokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	t, err := l.st.ReplaceFeedToken(ctx, u.ID, catalog.SecretDigest(raw), l.now())
	if err != nil {
		return "", nil, err
	}
	l.auditFeed(ctx, rd, ActionFeedTokenCreate, u.Email)
	return raw, t, nil
}

// RevokeFeedTokens revokes the private feed token of the account with
// email; its feed addresses stop working at once. It returns how many
// live tokens there were.
func (l *Library) RevokeFeedTokens(ctx context.Context, rd catalog.Reader, email string) (int, error) {
	u, err := l.feedTokenOwner(ctx, rd, email)
	if err != nil {
		return 0, err
	}
	n, err := l.st.RevokeFeedTokens(ctx, u.ID, l.now())
	if err != nil {
		return 0, err
	}
	if n > 0 {
		l.auditFeed(ctx, rd, ActionFeedTokenRevoke, u.Email)
	}
	return n, nil
}

// FeedTokens lists the feed tokens of the account with email, newest
// first (admins: email "" lists everyone's).
func (l *Library) FeedTokens(ctx context.Context, rd catalog.Reader, email string) ([]*catalog.FeedToken, error) {
	if email == "" {
		if !rd.IsAdmin() {
			return nil, catalog.Errorf(catalog.Forbidden, "only admins list everyone's private feeds")
		}
		return l.st.FeedTokens(ctx, 0)
	}
	u, err := l.feedTokenOwner(ctx, rd, email)
	if err != nil {
		return nil, err
	}
	return l.st.FeedTokens(ctx, u.ID)
}

// FeedTokenUser returns the account a private feed token stands for. An
// unknown or revoked token, or a disabled account, is catalog.ErrNotFound: the
// address simply no longer works. The caller computes the account's Reader
// (a lapsed membership reads as public only).
func (l *Library) FeedTokenUser(ctx context.Context, raw string) (*catalog.User, error) {
	if !strings.HasPrefix(raw, FeedTokenPrefix) || len(raw) > maxFeedTokenLen {
		return nil, catalog.Errorf(catalog.NotFound, "feed token")
	}
	t, err := l.st.FeedTokenByHash(ctx, catalog.SecretDigest(raw))
	if err != nil {
		return nil, err
	}
	if !t.Revoked.IsZero() {
		return nil, catalog.Errorf(catalog.NotFound, "feed token revoked")
	}
	u, err := l.st.UserByID(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, catalog.Errorf(catalog.NotFound, "account disabled")
	}
	// Feed readers poll often: note the use at most hourly.
	if now := l.now(); now.Sub(t.LastUsed) > time.Hour {
		if err := l.st.TouchFeedToken(ctx, t.ID, now); err != nil && !errors.Is(err, context.Canceled) {
			l.log.Warn("touch feed token", "err", err)
		}
	}
	return u, nil
}

func (l *Library) auditFeed(ctx context.Context, rd catalog.Reader, action, target string) {
	actor := rd.Email
	if actor == "" {
		actor = "system"
	}
	if err := l.st.AddAudit(ctx, &catalog.AuditEntry{At: l.now(), ActorID: rd.UserID, Actor: actor,
		Action: action, Target: target}); err != nil {
		l.log.Error("audit log", "action", action, "target", target, "err", err)
	}
}
