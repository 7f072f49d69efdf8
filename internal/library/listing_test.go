package library

import (
	"context"
	"errors"
	"testing"
	"time"

	"safelib/internal/catalog"
)

var staff = catalog.Reader{UserID: 2, Email: "staff@example.org", Role: "staff", Members: true}

// seedSports are the sports of the seed catalog's sport listings.
var seedSports = []string{"athletics", "cricket", "football", "gymnastics", "multi-sport", "netball",
	"rugby union", "swimming", "tennis"}

func TestSportListings(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	_, err := l.Upsert(ctx, []*catalog.Resource{
		{ID: "members-sport-contact", Title: "Members-only sport contact", Type: ListingType,
			Themes: []string{SportTheme}, Sport: "archery", Phone: "0100 000 0000", Access: catalog.Members, Source: "curated"},
		{ID: "withdrawn-sport-contact", Title: "Withdrawn sport contact", Type: ListingType,
			Themes: []string{SportTheme}, Sport: "badminton", Status: catalog.StatusWithdrawn, Source: "curated"},
		{ID: "sport-report", Title: "A report about sport", Type: "report", Themes: []string{SportTheme}, Source: "curated"},
	})
	if err != nil {
		t.Fatal(err)
	}
	anon, err := l.SportListings(ctx, catalog.Anonymous)
	if err != nil {
		t.Fatal(err)
	}
	sports := map[string]bool{}
	byID := map[string]*catalog.Resource{}
	for _, r := range anon {
		sports[r.Sport] = true
		byID[r.ID] = r
		if r.Type != ListingType {
			t.Errorf("%s is a %s, not a listing", r.ID, r.Type)
		}
	}
	for _, s := range seedSports {
		if !sports[s] {
			t.Errorf("no %s listing for anonymous readers", s)
		}
	}
	if len(anon) != 10 {
		t.Errorf("anonymous sees %d sport listings, want the 10 seed ones", len(anon))
	}
	for _, id := range []string{"members-sport-contact", "withdrawn-sport-contact", "sport-report"} {
		if byID[id] != nil {
			t.Errorf("anonymous readers see %s", id)
		}
	}
	if h := byID["nspcc-football-abuse-helpline-2016"]; h == nil || h.Phone != "0800 023 2642" || h.URL == "" {
		t.Errorf("football helpline: %+v", h)
	}
	if anon[0].Sport != "multi-sport" {
		t.Errorf("first listing is %s (%s), want the multi-sport body", anon[0].ID, anon[0].Sport)
	}
	for i := 2; i < len(anon); i++ {
		if anon[i-1].Sport > anon[i].Sport {
			t.Errorf("listings out of order: %s before %s", anon[i-1].Sport, anon[i].Sport)
		}
	}

	mem, err := l.SportListings(ctx, member)
	if err != nil {
		t.Fatal(err)
	}
	if len(mem) != 11 {
		t.Errorf("a member sees %d sport listings, want 11", len(mem))
	}
}

func TestStaleListings(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }

	if _, err := l.StaleListings(ctx, catalog.Anonymous, StaleAfter); !errors.Is(err, catalog.ErrUnauthorized) {
		t.Errorf("anonymous: %v, want catalog.ErrUnauthorized", err)
	}
	if _, err := l.StaleListings(ctx, member, StaleAfter); !errors.Is(err, catalog.ErrForbidden) {
		t.Errorf("member: %v, want catalog.ErrForbidden", err)
	}

	// The seed listings were never verified: all stale.
	all, err := l.StaleListings(ctx, staff, StaleAfter)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 10 {
		t.Fatalf("%d stale listings, want the 10 unverified seed ones", len(all))
	}

	// Verify two: one recently (not stale), one two years ago (stale, and
	// listed after the never-verified ones).
	seed, err := SeedResources()
	if err != nil {
		t.Fatal(err)
	}
	var edits []*catalog.Resource
	for _, r := range seed {
		switch r.ID {
		case "ecb-cricket-safeguarding":
			r.LastVerified = "2026-10-01"
			edits = append(edits, r)
		case "lta-tennis-safeguarding":
			r.LastVerified = "2024-06"
			edits = append(edits, r)
		}
	}
	if _, err := l.Upsert(ctx, edits); err != nil {
		t.Fatal(err)
	}
	stale, err := l.StaleListings(ctx, staff, StaleAfter)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) != 9 {
		t.Fatalf("%d stale listings after verifying two, want 9", len(stale))
	}
	for _, r := range stale {
		if r.ID == "ecb-cricket-safeguarding" {
			t.Error("a contact verified last month is flagged")
		}
	}
	if last := stale[len(stale)-1]; last.ID != "lta-tennis-safeguarding" {
		t.Errorf("last stale listing is %s, want the one verified longest ago after the never-verified", last.ID)
	}
}

func TestIsStale(t *testing.T) {
	now := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		verified catalog.Date
		stale    bool
	}{
		{"", true},
		{"2026-06-01", false},
		{"2025-06-16", false},
		{"2025-06-14", true},
		{"2025-07", false},
		{"2025-06", true}, // counts from 1 June 2025
		{"2026", false},
		{"2025", true},
		{"garbage", true},
	} {
		r := &catalog.Resource{LastVerified: tc.verified}
		if got := IsStale(r, now, StaleAfter); got != tc.stale {
			t.Errorf("verified %q: stale %v, want %v", tc.verified, got, tc.stale)
		}
	}
}

func TestChangeMarkerMovesOnWrites(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	before, err := l.ChangeMarker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := l.ChangeMarker(ctx)
	if again != before {
		t.Fatalf("marker moved without a write: %d -> %d", before, again)
	}
	if _, err := l.Upsert(ctx, []*catalog.Resource{{ID: "new-one", Title: "New one", Type: "report", Source: "curated"}}); err != nil {
		t.Fatal(err)
	}
	after, _ := l.ChangeMarker(ctx)
	if after == before {
		t.Fatal("marker did not move after a write")
	}
}

func TestFeedItems(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	p := SearchParams{Filters: Selections{"theme": {"partnership-arrangements"}}}
	anon, err := l.FeedItems(ctx, catalog.Anonymous, p, 50)
	if err != nil {
		t.Fatal(err)
	}
	mem, err := l.FeedItems(ctx, member, p, 50)
	if err != nil {
		t.Fatal(err)
	}
	has := func(rs []*catalog.Resource, id string) bool {
		for _, r := range rs {
			if r.ID == id {
				return true
			}
		}
		return false
	}
	if has(anon, "members-briefing") {
		t.Error("anonymous feed has a members-only item")
	}
	for _, r := range anon {
		if r.Access != catalog.Public {
			t.Errorf("anonymous feed has %s (%s)", r.ID, r.Access)
		}
	}
	if !has(mem, "members-briefing") {
		t.Error("member's feed lacks the members-only item")
	}
	if len(mem) <= len(anon) {
		t.Errorf("member's feed has %d items, anonymous %d", len(mem), len(anon))
	}
	for i := 1; i < len(mem); i++ {
		if mem[i-1].Published.SortKey() < mem[i].Published.SortKey() {
			t.Errorf("not newest first: %s (%s) before %s (%s)", mem[i-1].ID, mem[i-1].Published, mem[i].ID, mem[i].Published)
		}
	}
	two, err := l.FeedItems(ctx, member, p, 2)
	if err != nil || len(two) != 2 {
		t.Fatalf("limit 2: %d items, %v", len(two), err)
	}
	if _, err := l.FeedItems(ctx, member, p, MaxFeedItems+1); !errors.Is(err, catalog.ErrInvalid) {
		t.Errorf("limit too big: %v", err)
	}
}
