package library

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"
)

// newsletterLibrary is the test library with one members-only, one public
// and one withdrawn item, and a draft edition holding them.
func newsletterLibrary(t *testing.T) (*Library, *catalog.Edition) {
	t.Helper()
	ctx := context.Background()
	l := newTestLibrary(t)
	if _, err := l.Upsert(ctx, []*catalog.Resource{{ID: "gone-report", Title: "A withdrawn report", Type: "report",
		Summary: "Withdrawnish words", Source: "curated"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Withdraw(ctx, staffReader, "gone-report", 0, "test"); err != nil {
		t.Fatal(err)
	}
	e := &catalog.Edition{Title: "December 2026", Intro: "Welcome to the\nDecember edition.\n\nSecond paragraph.",
		Blocks: []catalog.EditionBlock{
			{Kind: catalog.BlockItem, ResourceID: "policy-neglect", Note: "Before any section"},
			{Kind: catalog.BlockSection, Heading: "Members' briefings", Text: "Our own work."},
			{Kind: catalog.BlockItem, ResourceID: "members-briefing", Note: "Read this first"},
			{Kind: catalog.BlockItem, ResourceID: "gone-report"},
		}}
	if err := l.CreateEdition(ctx, staffReader, e); err != nil {
		t.Fatal(err)
	}
	return l, e
}

func TestEditionAccess(t *testing.T) {
	ctx := context.Background()
	l, e := newsletterLibrary(t)
	if e.Slug != "december-2026" || e.State != catalog.EditionDraft {
		t.Fatalf("edition %+v", e)
	}
	lapsed := catalog.Reader{UserID: 2, Role: catalog.RoleMember, Lapsed: true}
	for _, tc := range []struct {
		name   string
		rd     catalog.Reader
		access bool
	}{{"member", member, true}, {"staff", staffReader, true}, {"lapsed", lapsed, false}, {"public", catalog.Anonymous, false}} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := l.PreviewEdition(ctx, staffReader, e.ID, tc.rd)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Intro) != 2 || v.Intro[0] != "Welcome to the December edition." || v.Items != 2 || len(v.Sections) != 2 {
				t.Fatalf("view %+v", v)
			}
			if s := v.Sections[0]; s.Heading != "" || len(s.Entries) != 1 || s.Entries[0].Note != "Before any section" {
				t.Fatalf("first section %+v", s)
			}
			s := v.Sections[1]
			if s.Heading != "Members' briefings" || len(s.Entries) != 1 {
				t.Fatalf("second section (the withdrawn item must be left out) %+v", s)
			}
			en := s.Entries[0]
			r := en.Resource
			if en.Teaser == tc.access || (r.Summary != "") != tc.access || (r.URL != "") != tc.access || r.Body != "" {
				t.Fatalf("members-only item for %s: teaser %v %+v", tc.name, en.Teaser, r)
			}
			if r.Title != "Briefing on partnership funding" || r.Publisher == "" || r.Type != "briefing" || r.Published != "2019-01" || en.Note != "Read this first" {
				t.Fatalf("a teaser keeps title, publisher, type, date and the note: %+v", en)
			}
		})
	}
	// Drafts are nobody's to read at their address, and members can't preview.
	if _, err := l.PublishedEdition(ctx, staffReader, e.Slug); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("draft published: %v", err)
	}
	if _, err := l.PreviewEdition(ctx, member, e.ID, member); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member previewed: %v", err)
	}
	if err := l.CreateEdition(ctx, member, &catalog.Edition{Title: "Mine"}); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member composed: %v", err)
	}
}

func TestEditionValidation(t *testing.T) {
	ctx := context.Background()
	l, e := newsletterLibrary(t)
	for name, ed := range map[string]*catalog.Edition{
		"no title":      {},
		"bad address":   {Title: "X", Slug: "Not a slug!"},
		"unknown item":  {Title: "X", Blocks: []catalog.EditionBlock{{Kind: catalog.BlockItem, ResourceID: "no-such"}}},
		"twice":         {Title: "X", Blocks: []catalog.EditionBlock{{Kind: catalog.BlockItem, ResourceID: "policy-neglect"}, {Kind: catalog.BlockItem, ResourceID: "policy-neglect"}}},
		"empty section": {Title: "X", Blocks: []catalog.EditionBlock{{Kind: catalog.BlockSection}}},
		"unknown kind":  {Title: "X", Blocks: []catalog.EditionBlock{{Kind: "poem"}}},
		"long note":     {Title: "X", Blocks: []catalog.EditionBlock{{Kind: catalog.BlockItem, ResourceID: "policy-neglect", Note: strings.Repeat("n", catalog.MaxEditionNote+1)}}},
		"taken address": {Title: "December 2026"},
	} {
		err := l.CreateEdition(ctx, staffReader, ed)
		var ce *catalog.Error
		if !errors.As(err, &ce) || (ce.Code != catalog.Invalid && ce.Code != catalog.Conflict) {
			t.Errorf("%s: %v", name, err)
		}
	}
	e.Intro = "Changed"
	if err := l.SaveEdition(ctx, staffReader, e); err != nil {
		t.Fatal(err)
	}
	got, err := l.Edition(ctx, staffReader, e.ID)
	if err != nil || got.Intro != "Changed" || len(got.Blocks) != 4 {
		t.Fatalf("saved %+v %v", got, err)
	}
}

func TestSendEditionOnce(t *testing.T) {
	ctx := context.Background()
	l, e := newsletterLibrary(t)
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	var readers []NewsletterReader
	for i, role := range []catalog.Role{catalog.RoleMember, catalog.RoleMember, catalog.RoleStaff, catalog.RoleMember} {
		u := &catalog.User{Email: fmt.Sprintf("p%d@example.org", i), Role: role, Expires: "2030-01-01"}
		if i == 1 {
			u.Expires = "2020-01-01"
		}
		if err := l.st.CreateUser(ctx, u, at); err != nil {
			t.Fatal(err)
		}
		rd := catalog.Reader{UserID: u.ID, Email: u.Email, Role: role, Members: i != 1, Lapsed: i == 1}
		readers = append(readers, NewsletterReader{User: u, Reader: rd})
	}
	// p3 wants no newsletter.
	if err := l.SetWantsNewsletter(ctx, readers[3].Reader, false); err != nil {
		t.Fatal(err)
	}
	seen := map[string]*EditionView{}
	compose := func(to NewsletterReader, v *EditionView) (*catalog.OutMail, error) {
		seen[to.User.Email] = v
		return &catalog.OutMail{Kind: "newsletter", To: to.User.Email, Subject: v.Edition.Title, Text: "x",
			MessageID: fmt.Sprintf("<%s.%d.%d@test>", to.User.Email, v.Edition.ID, time.Now().UnixNano())}, nil
	}
	sum, err := l.SendEdition(ctx, staffReader, e.ID, readers, compose)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Queued != 3 || sum.Skipped != 1 || sum.Already != 0 {
		t.Fatalf("first send %+v", sum)
	}
	if v := seen["p1@example.org"]; v == nil || !v.Sections[1].Entries[0].Teaser {
		t.Fatalf("the lapsed member's message was built with members' access: %+v", v)
	}
	if v := seen["p0@example.org"]; v == nil || v.Sections[1].Entries[0].Teaser {
		t.Fatalf("the member's message was built without access: %+v", v)
	}
	// A second send reaches only someone new.
	u := &catalog.User{Email: "late@example.org", Role: catalog.RoleMember, Expires: "2030-01-01"}
	if err := l.st.CreateUser(ctx, u, at); err != nil {
		t.Fatal(err)
	}
	readers = append(readers, NewsletterReader{User: u, Reader: catalog.Reader{UserID: u.ID, Role: catalog.RoleMember, Members: true}})
	sum, err = l.SendEdition(ctx, staffReader, e.ID, readers, compose)
	if err != nil || sum.Queued != 1 || sum.Already != 3 || sum.Skipped != 1 {
		t.Fatalf("second send %+v %v", sum, err)
	}
	ms, err := l.st.Mails(ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	to := map[string]int{}
	for _, m := range ms {
		to[m.To]++
	}
	if len(ms) != 4 || to["p0@example.org"] != 1 || to["p3@example.org"] != 0 || to["late@example.org"] != 1 {
		t.Fatalf("outbox %v", to)
	}
	// Sent: published, no longer editable, not deletable.
	v, err := l.PublishedEdition(ctx, catalog.Anonymous, "december-2026")
	if err != nil || !v.Sections[1].Entries[0].Teaser || v.Edition.Recipients != 4 {
		t.Fatalf("published %+v %v", v, err)
	}
	e.Intro = "late change"
	if err := l.SaveEdition(ctx, staffReader, e); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("sent edition saved: %v", err)
	}
	if err := l.DeleteEdition(ctx, staffReader, e.ID); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("sent edition deleted: %v", err)
	}
	list, err := l.PublishedEditions(ctx)
	if err != nil || len(list) != 1 || list[0].Slug != "december-2026" {
		t.Fatalf("archive %+v %v", list, err)
	}
}

func TestNewSinceLastEdition(t *testing.T) {
	ctx := context.Background()
	l, e := newsletterLibrary(t)
	all, since, err := l.NewSinceLastEdition(ctx, staffReader)
	if err != nil || !since.IsZero() || len(all) == 0 {
		t.Fatalf("before any edition: %d %v %v", len(all), since, err)
	}
	for _, r := range all {
		if r.ID == "gone-report" {
			t.Fatal("a withdrawn item is offered")
		}
	}
	if _, err := l.SendEdition(ctx, staffReader, e.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // times are compared to the millisecond
	if _, err := l.Upsert(ctx, []*catalog.Resource{{ID: "fresh", Title: "A fresh report", Type: "report", Source: "curated"}}); err != nil {
		t.Fatal(err)
	}
	got, since, err := l.NewSinceLastEdition(ctx, staffReader)
	if err != nil || len(got) != 1 || got[0].ID != "fresh" {
		t.Fatalf("after the edition (sent %v): %d %v", since, len(got), err)
	}
	if _, _, err := l.NewSinceLastEdition(ctx, member); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member: %v", err)
	}
}
