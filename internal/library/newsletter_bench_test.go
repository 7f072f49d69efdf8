package library

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/mail"
)

// BenchmarkSendEdition1000: one send of an edition of 20 items to 1,000
// readers (every fifth lapsed): each message built for its reader (the
// edition's view, its items through MailItems rendered by the mail
// composer once per kind of access, as web does, then each reader's
// message with their own links) and all queued in one transaction with their delivery
// rows. One op is the whole send.
func BenchmarkSendEdition1000(b *testing.B) {
	ctx := context.Background()
	l := newEmptyLibrary(b)
	if _, err := l.SeedIfEmpty(ctx); err != nil {
		b.Fatal(err)
	}
	ids, err := l.st.ResourceIDsAddedSince(ctx, time.Time{}, 20)
	if err != nil || len(ids) < 20 {
		b.Fatalf("%d items, %v", len(ids), err)
	}
	at := time.Now()
	var readers []NewsletterReader
	for i := range 1000 {
		u := &catalog.User{Email: fmt.Sprintf("reader%d@example.org", i), Role: catalog.RoleMember, Expires: "2030-01-01"}
		if err := l.st.CreateUser(ctx, u, at); err != nil {
			b.Fatal(err)
		}
		readers = append(readers, NewsletterReader{User: u, Reader: catalog.Reader{UserID: u.ID, Role: u.Role, Members: i%5 != 0, Lapsed: i%5 == 0}})
	}
	c := &mail.Composer{BaseURL: "https://library.example.org", From: "lib@example.org"}
	// Items are built and rendered once per view (one per kind of
	// access), as web does.
	built := map[*EditionView][]mail.EditionMailSection{}
	compose := func(to NewsletterReader, v *EditionView) (*catalog.OutMail, error) {
		secs, ok := built[v]
		if !ok {
			var refs []MailItemRef
			for _, s := range v.Sections {
				for _, en := range s.Entries {
					refs = append(refs, MailItemRef{ID: en.Resource.ID})
				}
			}
			items, err := l.MailItems(ctx, v.Reader, "", refs)
			if err != nil {
				return nil, err
			}
			ms := mail.EditionMailSection{Heading: "Items"}
			for _, it := range items {
				ms.Items = append(ms.Items, mail.EditionMailItem{Item: it, Note: "A note."})
			}
			secs = []mail.EditionMailSection{ms}
			if err := c.RenderEditionItems(secs); err != nil {
				return nil, err
			}
			built[v] = secs
		}
		return c.Newsletter(to.User.Email, mail.EditionMail{Title: v.Edition.Title, Intro: v.Intro, Sections: secs,
			Unsubscribe: "https://library.example.org/mail/unsubscribe?token=" + to.User.Email})
	}
	b.ResetTimer()
	for i := range b.N {
		e := &catalog.Edition{Title: fmt.Sprintf("Edition %d", i), Intro: "Hello."}
		for _, id := range ids {
			e.Blocks = append(e.Blocks, catalog.EditionBlock{Kind: catalog.BlockItem, ResourceID: id, Note: "A note."})
		}
		if err := l.CreateEdition(ctx, staffReader, e); err != nil {
			b.Fatal(err)
		}
		sum, err := l.SendEdition(ctx, staffReader, e.ID, readers, compose)
		if err != nil || sum.Queued != 1000 {
			b.Fatalf("%+v %v", sum, err)
		}
	}
}
