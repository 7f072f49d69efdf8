package library

import (
	"context"
	"fmt"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/store"
)

// The association's newsletter: staff compose editions (an introduction,
// sections of their own text, items picked from the library with notes),
// preview them as any reader, send them and publish them at
// /newsletter/{slug}. Every view of an edition, in an email or on a page,
// is built here for one reader: a members-only item is a teaser (title,
// publisher, type, date) to a reader without a live membership, and a
// withdrawn item is left out for everyone.

// MaxNewSince bounds the "new since the last edition" list.
const MaxNewSince = 200

func requireStaff(rd catalog.Reader, what string) error {
	if !rd.IsStaff() {
		if rd.UserID == 0 {
			return catalog.Errorf(catalog.Unauthorized, "sign in as staff to %s", what)
		}
		return catalog.Errorf(catalog.Forbidden, "only staff %s", what)
	}
	return nil
}

// EditionView is an edition as one reader may read it.
type EditionView struct {
	Edition  *catalog.Edition
	Intro    []string // paragraphs
	Sections []EditionSection
	// Reader is whom the view was built for.
	Reader catalog.Reader
	// Items counts the entries of all sections.
	Items int
}

// EditionSection is a part of an edition: the staff's heading and text,
// then its items. The first section has no heading when the edition's
// first items come before any section.
type EditionSection struct {
	Heading    string
	Paragraphs []string
	Entries    []EditionEntry
}

// EditionEntry is one item: the resource as the reader may see it (a
// teaser when they can't read it; never a body) with the staff's note.
type EditionEntry struct {
	Resource *catalog.Resource
	Teaser   bool
	Note     string
}

// checkEdition validates e and that every item names a resource of the
// library.
func (l *Library) checkEdition(ctx context.Context, e *catalog.Edition) error {
	if err := e.Validate(); err != nil {
		return err
	}
	have, err := l.itemsOf(ctx, e)
	if err != nil {
		return err
	}
	for _, b := range e.Blocks {
		if b.Kind == catalog.BlockItem && have[b.ResourceID] == nil {
			return catalog.Errorf(catalog.Invalid, "no resource %q in the library", b.ResourceID)
		}
	}
	return nil
}

// CreateEdition saves a new draft (staff).
func (l *Library) CreateEdition(ctx context.Context, rd catalog.Reader, e *catalog.Edition) error {
	if err := requireStaff(rd, "compose the newsletter"); err != nil {
		return err
	}
	if err := l.checkEdition(ctx, e); err != nil {
		return err
	}
	return l.st.CreateEdition(ctx, e, rd.Email, l.now())
}

// SaveEdition saves a draft's changes (staff); a sent edition is refused.
func (l *Library) SaveEdition(ctx context.Context, rd catalog.Reader, e *catalog.Edition) error {
	if err := requireStaff(rd, "compose the newsletter"); err != nil {
		return err
	}
	if err := l.checkEdition(ctx, e); err != nil {
		return err
	}
	return l.st.UpdateEdition(ctx, e, rd.Email, l.now())
}

// DeleteEdition removes a draft (staff).
func (l *Library) DeleteEdition(ctx context.Context, rd catalog.Reader, id int64) error {
	if err := requireStaff(rd, "compose the newsletter"); err != nil {
		return err
	}
	return l.st.DeleteEdition(ctx, id)
}

// Edition returns an edition as stored, draft or sent (staff).
func (l *Library) Edition(ctx context.Context, rd catalog.Reader, id int64) (*catalog.Edition, error) {
	if err := requireStaff(rd, "compose the newsletter"); err != nil {
		return nil, err
	}
	return l.st.Edition(ctx, id)
}

// Editions lists every edition, drafts too (staff).
func (l *Library) Editions(ctx context.Context, rd catalog.Reader) ([]*catalog.Edition, error) {
	if err := requireStaff(rd, "compose the newsletter"); err != nil {
		return nil, err
	}
	return l.st.Editions(ctx, "", 500)
}

// PublishedEditions lists the sent editions, newest first: the archive
// anyone may read.
func (l *Library) PublishedEditions(ctx context.Context) ([]*catalog.Edition, error) {
	return l.st.Editions(ctx, catalog.EditionSent, 500)
}

// PublishedEdition is the sent edition at slug as rd may read it; a draft
// is not found.
func (l *Library) PublishedEdition(ctx context.Context, rd catalog.Reader, slug string) (*EditionView, error) {
	if len(slug) > 80 {
		return nil, catalog.ErrNotFound
	}
	e, err := l.st.EditionBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if e.State != catalog.EditionSent {
		return nil, catalog.ErrNotFound
	}
	return l.EditionFor(ctx, e, rd)
}

// PreviewEdition is edition id as as would read it (staff: a member, a
// lapsed member, the public).
func (l *Library) PreviewEdition(ctx context.Context, rd catalog.Reader, id int64, as catalog.Reader) (*EditionView, error) {
	e, err := l.Edition(ctx, rd, id)
	if err != nil {
		return nil, err
	}
	return l.EditionFor(ctx, e, as)
}

// EditionFor builds e as rd may read it: the one place an edition's items
// meet a reader's access.
func (l *Library) EditionFor(ctx context.Context, e *catalog.Edition, rd catalog.Reader) (*EditionView, error) {
	byID, err := l.itemsOf(ctx, e)
	if err != nil {
		return nil, err
	}
	v := &EditionView{Edition: e, Intro: catalog.Paragraphs(e.Intro), Reader: rd}
	for _, b := range e.Blocks {
		if b.Kind == catalog.BlockSection {
			v.Sections = append(v.Sections, EditionSection{Heading: b.Heading, Paragraphs: catalog.Paragraphs(b.Text)})
			continue
		}
		r := byID[b.ResourceID]
		if r == nil || r.Status != catalog.StatusActive {
			continue // withdrawn items appear to no one
		}
		en := EditionEntry{Resource: r, Note: b.Note}
		if !canRead(rd, r) {
			en.Resource, en.Teaser = teaser(r), true
		}
		en.Resource.Body, en.Resource.Pages = "", nil
		if len(v.Sections) == 0 {
			v.Sections = append(v.Sections, EditionSection{})
		}
		s := &v.Sections[len(v.Sections)-1]
		s.Entries = append(s.Entries, en)
		v.Items++
	}
	return v, nil
}

// NewSinceLastEdition lists the active resources added since the latest
// edition was sent (all of the newest when none was), newest first, for
// staff picking items.
func (l *Library) NewSinceLastEdition(ctx context.Context, rd catalog.Reader) ([]*catalog.Resource, time.Time, error) {
	if err := requireStaff(rd, "compose the newsletter"); err != nil {
		return nil, time.Time{}, err
	}
	since, err := l.st.LastEditionSent(ctx)
	if err != nil {
		return nil, since, err
	}
	ids, err := l.st.ResourceIDsAddedSince(ctx, since, MaxNewSince)
	if err != nil {
		return nil, since, err
	}
	rs, err := l.st.Resources(ctx, ids, false)
	if err != nil {
		return nil, since, err
	}
	byID := make(map[string]*catalog.Resource, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
	}
	out := make([]*catalog.Resource, 0, len(ids))
	for _, id := range ids {
		if r := byID[id]; r != nil {
			out = append(out, r)
		}
	}
	return out, since, nil
}

// NewsletterReader is one person an edition goes to, with what they may
// read now.
type NewsletterReader struct {
	User   *catalog.User
	Reader catalog.Reader
}

// ComposeEdition writes one reader's message of an edition from the view
// built for them.
type ComposeEdition func(to NewsletterReader, v *EditionView) (*catalog.OutMail, error)

// SendSummary is what a send did.
type SendSummary struct {
	Queued  int `json:"queued"`  // messages written to the outbox now
	Already int `json:"already"` // readers sent this edition before
	Skipped int `json:"skipped"` // readers without an address or opted out
}

// SendEdition queues edition id to readers (staff): each reader's message
// is built from the edition as they may read it now, and every message is
// written to the outbox in one transaction with the edition's change to
// sent and a delivery row per reader, so a crash queues all or none, and
// no reader is ever sent an edition twice (sending again reaches only
// readers added since). Readers who opted out are skipped, also when they
// opted out while the messages were being built.
func (l *Library) SendEdition(ctx context.Context, rd catalog.Reader, id int64, readers []NewsletterReader, compose ComposeEdition) (*SendSummary, error) {
	e, err := l.Edition(ctx, rd, id)
	if err != nil {
		return nil, err
	}
	if e.State == catalog.EditionDraft {
		if err := l.checkEdition(ctx, e); err != nil {
			return nil, err
		}
	}
	sent, err := l.st.EditionRecipients(ctx, id)
	if err != nil {
		return nil, err
	}
	out, err := l.st.MailOptOuts(ctx, optOutNewsletter)
	if err != nil {
		return nil, err
	}
	// Two views serve everyone: with members' access and without. Each
	// message is still composed for its reader (their own links).
	views := map[bool]*EditionView{}
	sum := &SendSummary{}
	var ds []store.EditionDelivery
	for _, nr := range readers {
		switch {
		case nr.User == nil || nr.User.Email == "" || nr.User.Disabled || out[nr.User.ID]:
			sum.Skipped++
			continue
		case sent[nr.User.ID]:
			sum.Already++
			continue
		}
		v := views[nr.Reader.Members]
		if v == nil {
			if v, err = l.EditionFor(ctx, e, nr.Reader); err != nil {
				return nil, err
			}
			views[nr.Reader.Members] = v
		}
		m, err := compose(nr, v)
		if err != nil {
			return nil, fmt.Errorf("compose edition %d for %s: %w", id, nr.User.Email, err)
		}
		ds = append(ds, store.EditionDelivery{UserID: nr.User.ID, Mail: m})
	}
	n, err := l.st.QueueEdition(ctx, id, l.now(), ds)
	if err != nil {
		return nil, err
	}
	sum.Queued = n
	// Those the transaction skipped were sent it or opted out meanwhile.
	sum.Skipped += len(ds) - n
	return sum, nil
}

// WantsNewsletter reports whether the signed-in reader gets the newsletter.
func (l *Library) WantsNewsletter(ctx context.Context, rd catalog.Reader) (bool, error) {
	if rd.UserID == 0 {
		return false, catalog.Errorf(catalog.Unauthorized, "sign in to choose your email")
	}
	out, err := l.st.MailOptedOut(ctx, rd.UserID, optOutNewsletter)
	return !out, err
}

// SetWantsNewsletter records the signed-in reader's choice.
func (l *Library) SetWantsNewsletter(ctx context.Context, rd catalog.Reader, wants bool) error {
	if rd.UserID == 0 {
		return catalog.Errorf(catalog.Unauthorized, "sign in to choose your email")
	}
	return l.st.SetMailOptOut(ctx, rd.UserID, optOutNewsletter, !wants, l.now())
}

// optOutNewsletter is what mail_optouts calls the newsletter (the one-click
// unsubscribe of an edition writes it through auth's signed mail links).
const optOutNewsletter = "newsletter"

// EditionResources returns the resources an edition's items name, by id,
// as stored, withdrawn ones too (staff composing it).
func (l *Library) EditionResources(ctx context.Context, rd catalog.Reader, e *catalog.Edition) (map[string]*catalog.Resource, error) {
	if err := requireStaff(rd, "compose the newsletter"); err != nil {
		return nil, err
	}
	return l.itemsOf(ctx, e)
}

// itemsOf loads the resources e's items name, by id (unknown ones absent).
func (l *Library) itemsOf(ctx context.Context, e *catalog.Edition) (map[string]*catalog.Resource, error) {
	var ids []string
	for _, b := range e.Blocks {
		if b.Kind == catalog.BlockItem {
			ids = append(ids, b.ResourceID)
		}
	}
	rs, err := l.st.Resources(ctx, ids, false)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*catalog.Resource, len(rs))
	for _, r := range rs {
		out[r.ID] = r
	}
	return out, nil
}

// NewsletterAudience counts the readers who would get an edition now:
// those with an address who have not opted out.
func (l *Library) NewsletterAudience(ctx context.Context, rd catalog.Reader, readers []NewsletterReader) (int, error) {
	if err := requireStaff(rd, "send the newsletter"); err != nil {
		return 0, err
	}
	out, err := l.st.MailOptOuts(ctx, optOutNewsletter)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, nr := range readers {
		if nr.User != nil && nr.User.Email != "" && !nr.User.Disabled && !out[nr.User.ID] {
			n++
		}
	}
	return n, nil
}
