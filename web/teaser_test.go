package web

import (
	"bytes"
	"context"
	"testing"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// TestTeaserWording: a members-only item's teaser tells a reader without
// access what to do. Anonymous readers may sign in (at /login, coming back
// to the item); a member whose membership lapsed is told to renew and is
// not sent to sign in again.
func TestTeaserWording(t *testing.T) {
	e := newAuthEnv(t)
	const search = "/search?q=funding+briefing+members"
	lapsed := withSession(e.session(t, lapsedEmail))
	// Back to the item after signing in (the page's own path is escaped).
	back, backHere := `href="/login?next=/resources/`+membersID+`"`, `href="/login?next=%2fresources%2f`+membersID+`"`
	tests := []struct {
		name, target string
		who          as
		want         []string
		notWant      []string
	}{
		{"anonymous search", search, anonymous,
			[]string{`<span class="badge">Members only</span> <a ` + back + `>Sign in to read</a>`},
			[]string{"/signin", "membership has lapsed"}},
		{"anonymous resource", "/resources/" + membersID, anonymous,
			[]string{"Members only — sign in to read", `<a ` + backHere + `>Sign in</a> to read its summary`},
			[]string{"/signin", "membership has lapsed"}},
		{"lapsed search", search, lapsed,
			[]string{`<span class="badge">Members only</span> Your membership has lapsed — renew to read</p>`},
			[]string{"/signin", "Sign in", "/login?next"}},
		{"lapsed resource", "/resources/" + membersID, lapsed,
			[]string{"Members only — your membership has lapsed", "Your membership has lapsed — renew to read its summary"},
			[]string{"/signin", "Sign in", "/login?next"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := e.getAs(t, tc.who, tc.target)
			body := w.Body.String()
			if w.Code != 200 {
				t.Fatalf("status %d", w.Code)
			}
			mustNotContain(t, body, membersSummary)
			for _, s := range tc.want {
				mustContain(t, body, s)
			}
			for _, s := range tc.notWant {
				mustNotContain(t, body, s)
			}
		})
	}
}

// TestTeaserWordingSignedInWithoutMembership: a signed-in reader who was
// never a member is told the item is for members, with no sign-in link.
// No role gives such a reader today, so the templates are run directly.
func TestTeaserWordingSignedInWithoutMembership(t *testing.T) {
	e := newTestEnv(t)
	rd := catalog.Reader{UserID: 9, Email: "visitor@example.org", Role: "visitor"}
	res, err := e.lib.Search(context.Background(), rd, library.SearchParams{Q: "funding briefing members"})
	if err != nil {
		t.Fatal(err)
	}
	var teaser *library.Hit
	for i, h := range res.Hits {
		if h.Resource.ID == membersID && h.Teaser {
			teaser = &res.Hits[i]
		}
	}
	if teaser == nil {
		t.Fatal("the members-only item is not a teaser")
	}
	var hit, page bytes.Buffer
	if err := e.srv.pages["search"].ExecuteTemplate(&hit, "hit", e.srv.hitView(*teaser, rd)); err != nil {
		t.Fatal(err)
	}
	data := resourceData{Page: Page{Title: teaser.Resource.Title, Reader: rd, Path: "/resources/" + membersID},
		R: teaser.Resource, Teaser: true, Members: true}
	if err := e.srv.pages["resource"].ExecuteTemplate(&page, "content", data); err != nil {
		t.Fatal(err)
	}
	mustContain(t, hit.String(), "Members only</span> For members of the association</p>")
	mustContain(t, page.String(), "This item is for members of the association: its summary")
	for _, body := range []string{hit.String(), page.String()} {
		for _, bad := range []string{"Sign in", "/login", "/signin", "lapsed"} {
			mustNotContain(t, body, bad)
		}
	}
}
