package library

// The second access check: a message built for one reader (a digest, a
// newsletter) records what it showed (catalog.MailRecheck, in the
// outbox row), and the sender asks MailChecker.Recheck just before
// handing it to the SMTP server. When the reader may still read
// everything it shows in full, and no item in it has been withdrawn, it
// goes as built; otherwise it is rebuilt for what the reader may read now
// by its kind's Rebuild (digests register theirs; the newsletter
// registers its own), or dropped when its kind has none or nothing is
// left.
//
// Go API (issue 11b, for the newsletter):
//
//	rc := catalog.MailRecheck{UserID: u.ID, Members: rd.Members, Items: ids, Full: idsShownInFull, Plan: yourJSON}
//	m.Recheck = string(json.Marshal(rc))            // before queueing m
//	checker.Register("newsletter", func(ctx, m, rc, u, rd) (*catalog.OutMail, error) { ... })

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"safelib/internal/catalog"
)

// Rebuild makes message m again for rd (u's access now): it returns the
// new message (same ID and Message-ID) or nil to drop it.
type Rebuild func(ctx context.Context, m *catalog.OutMail, rc *catalog.MailRecheck, u *catalog.User, rd catalog.Reader) (*catalog.OutMail, error)

// MailChecker re-checks messages at sending time.
type MailChecker struct {
	l      *Library
	reader func(*catalog.User) catalog.Reader
	mu     sync.Mutex
	kinds  map[string]Rebuild
}

// NewMailChecker makes the checker; reader is auth.ReaderFor.
func (l *Library) NewMailChecker(reader func(*catalog.User) catalog.Reader) *MailChecker {
	return &MailChecker{l: l, reader: reader, kinds: map[string]Rebuild{}}
}

// Register sets how messages of kind are rebuilt.
func (c *MailChecker) Register(kind string, r Rebuild) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kinds[kind] = r
}

// Recheck returns m when it may go as built, a rebuilt message, or nil
// with the reason it must not go.
func (c *MailChecker) Recheck(ctx context.Context, m *catalog.OutMail) (*catalog.OutMail, string, error) {
	if m.Recheck == "" {
		return m, "", nil
	}
	var rc catalog.MailRecheck
	if err := json.Unmarshal([]byte(m.Recheck), &rc); err != nil {
		return nil, "its access record is unreadable", nil
	}
	u, err := c.l.st.UserByID(ctx, rc.UserID)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, "the account was removed before sending", nil
	}
	if err != nil {
		return nil, "", err
	}
	rd := c.reader(u)
	if rd.UserID == 0 {
		return nil, "the account was disabled before sending", nil
	}
	rs, err := c.l.st.Resources(ctx, rc.Items, false)
	if err != nil {
		return nil, "", err
	}
	stale := len(rs) != len(rc.Items)
	for _, r := range rs {
		if r.Status != catalog.StatusActive || (slices.Contains(rc.Full, r.ID) && !canRead(rd, r)) {
			stale = true
		}
	}
	if !stale {
		return m, "", nil
	}
	c.mu.Lock()
	rebuild := c.kinds[m.Kind]
	c.mu.Unlock()
	if rebuild == nil {
		return nil, "the reader's access or its items changed since it was built, and " + m.Kind + " messages can't be rebuilt", nil
	}
	nm, err := rebuild(ctx, m, &rc, u, rd)
	if err != nil {
		return nil, "", fmt.Errorf("rebuild %s message %d: %w", m.Kind, m.ID, err)
	}
	if nm == nil {
		return nil, "nothing it held may be shown to its reader now", nil
	}
	c.l.log.Info("mail rebuilt before sending: the reader's access or its items changed", "to", m.To, "kind", m.Kind, "outbox_id", m.ID)
	return nm, "", nil
}

// RegisterDigests lets the checker rebuild digests.
func (c *MailChecker) RegisterDigests(d *Digests) { c.Register("digest", d.rebuild) }
