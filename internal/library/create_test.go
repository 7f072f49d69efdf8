package library

import (
	"context"
	"errors"
	"testing"

	"safelib/internal/catalog"
)

func TestCreateNeedsStaff(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	newRes := func() *catalog.Resource {
		return &catalog.Resource{Title: "Members' analysis of Ofsted inspections", URL: "https://example.org/ofsted-analysis",
			Publisher: "Association", Type: "research", Themes: []string{"neglect"}, Published: "2025-02",
			Access: catalog.Members, Body: "Analysis text with the word frobnicated."}
	}
	staff := catalog.Reader{UserID: 3, Email: "sam@example.org", Role: "staff", Members: true}
	cases := []struct {
		name string
		rd   catalog.Reader
		want error
	}{
		{"anonymous", catalog.Anonymous, catalog.ErrUnauthorized},
		{"member", member, catalog.ErrForbidden},
		{"lapsed member", catalog.Reader{UserID: 2, Role: "member", Lapsed: true}, catalog.ErrForbidden},
	}
	for _, c := range cases {
		if _, err := l.Create(ctx, c.rd, newRes()); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	id, err := l.Create(ctx, staff, newRes())
	if err != nil {
		t.Fatal(err)
	}
	if id != "members-analysis-of-ofsted-inspections-2025" {
		t.Fatalf("id %q", id)
	}
	// Indexed at once, with its access.
	res, err := l.Search(ctx, member, SearchParams{Q: "frobnicated"})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].Resource.ID != id {
		t.Fatalf("member search: %v %v", ids(res), err)
	}
	if res, _ := l.Search(ctx, catalog.Anonymous, SearchParams{Q: "frobnicated"}); res.Total != 0 {
		t.Fatalf("anonymous finds the new members-only body: %v", ids(res))
	}
	// The same URL again is a conflict, not an overwrite.
	if _, err := l.Create(ctx, staff, newRes()); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	bad := newRes()
	bad.URL, bad.Type = "https://example.org/other", "poem"
	if _, err := l.Create(ctx, staff, bad); !errors.Is(err, catalog.ErrInvalid) {
		t.Fatalf("invalid: %v", err)
	}
	log, _ := l.st.ListAudit(ctx, catalog.AuditFilter{Action: "resource.create"})
	if len(log) != 1 || log[0].Actor != "sam@example.org" || log[0].Target != id {
		t.Fatalf("audit: %+v", log)
	}
}
