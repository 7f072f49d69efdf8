package library

import (
	"context"
	"errors"
	"strings"
	"testing"

	"safelib/internal/catalog"
)

func TestMailItemsAccess(t *testing.T) {
	ctx := context.Background()
	l := newEmptyLibrary(t)
	staff := catalog.Reader{UserID: 9, Role: catalog.RoleStaff, Members: true}
	lapsed := catalog.Reader{UserID: 2, Role: catalog.RoleMember, Lapsed: true}
	if _, err := l.Upsert(ctx, []*catalog.Resource{
		{ID: "pub-report", Title: "Neglect in adolescence", Publisher: "Ofsted", Type: "report", Published: "2024-03-12",
			Summary: "Public summary of neglect.", Body: "Page one.\n\nThe neglect of teenagers on page two.",
			Pages: []string{"Page one.", "The neglect of teenagers on page two."}, Access: catalog.Public, Source: "curated"},
		{ID: "secret-brief", Title: "Neglect funding briefing", Publisher: "The association", Type: "briefing", Published: "2024-05",
			Summary: "Zanzibarian summary", Body: "The quuxification neglect plan.", Access: catalog.Members, Source: "curated"},
		{ID: "gone-one", Title: "Withdrawn neglect note", Type: "article", Body: "neglect", Source: "curated"},
	}); err != nil {
		t.Fatal(err)
	}
	r, err := l.Resource(ctx, staff, "gone-one")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Withdraw(ctx, staff, "gone-one", r.Resource.Version, "test"); err != nil {
		t.Fatal(err)
	}
	refs := []MailItemRef{{ID: "secret-brief", Why: catalog.ItemNewVersion}, {ID: "gone-one", Why: catalog.ItemNew},
		{ID: "pub-report", Why: catalog.ItemNew}, {ID: "no-such", Why: catalog.ItemNew}, {ID: "pub-report"}}
	for _, tc := range []struct {
		name string
		rd   catalog.Reader
		full bool
	}{{"member", member, true}, {"staff", staff, true}, {"lapsed", lapsed, false}, {"anonymous", catalog.Anonymous, false}} {
		items, err := l.MailItems(ctx, tc.rd, "neglect", refs)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 || items[0].ID != "secret-brief" || items[1].ID != "pub-report" {
			t.Fatalf("%s: items %+v (want the briefing then the report; withdrawn, unknown and repeated left out)", tc.name, items)
		}
		pub, sec := items[1], items[0]
		if pub.Path != "/resources/pub-report" || pub.Why != catalog.ItemNew || pub.Publisher != "Ofsted" ||
			pub.Type != "report" || pub.Published != "2024-03-12" || pub.Summary != "Public summary of neglect." ||
			pub.Where != "p. 2" || !strings.Contains(pub.SnippetHTML, "<mark>neglect</mark>") || strings.Contains(pub.Snippet, "<") ||
			!strings.Contains(pub.Snippet, "neglect of teenagers") {
			t.Errorf("%s: public item %+v", tc.name, pub)
		}
		if sec.Title != "Neglect funding briefing" || sec.Why != catalog.ItemNewVersion || sec.Access != catalog.Members {
			t.Errorf("%s: members item %+v", tc.name, sec)
		}
		words := sec.Summary + sec.Snippet + sec.SnippetHTML
		if tc.full {
			if sec.MembersOnly || !strings.Contains(words, "quuxification") || sec.Summary != "Zanzibarian summary" {
				t.Errorf("%s reads the members item in full: %+v", tc.name, sec)
			}
		} else if !sec.MembersOnly || words != "" || sec.Where != "" {
			t.Errorf("%s got words of a members-only item: %+v", tc.name, sec)
		}
	}
	// Without words: no snippet, still the summary.
	items, err := l.MailItems(ctx, member, "", []MailItemRef{{ID: "pub-report"}})
	if err != nil || len(items) != 1 || items[0].Snippet != "" || items[0].Summary == "" {
		t.Fatalf("no query: %+v %v", items, err)
	}
	if _, err := l.MailItems(ctx, member, strings.Repeat("(", 100)+"x", refs); !errors.Is(err, catalog.ErrInvalid) {
		t.Fatalf("bad query: %v", err)
	}
}

func TestCutWords(t *testing.T) {
	if got := cutWords("short", 10); got != "short" {
		t.Fatal(got)
	}
	got := cutWords("one two three four five six", 14)
	if got != "one two three …" {
		t.Fatalf("%q", got)
	}
	if got := cutWords(strings.Repeat("é", 20), 9); !strings.HasSuffix(got, " …") || !strings.HasPrefix(got, "éééé") {
		t.Fatalf("%q", got)
	}
}
