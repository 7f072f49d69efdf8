package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"safelib/internal/catalog"
)

func TestFeedTokens(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ann := addUser(t, s, "ann@example.org", catalog.RoleMember, "2030-01-01", 0)
	bob := addUser(t, s, "bob@example.org", catalog.RoleMember, "2030-01-01", 0)

	first, err := s.ReplaceFeedToken(ctx, ann.ID, "h1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if first.UserEmail != "ann@example.org" || first.Hash != "h1" || !first.Created.Equal(t0) || !first.Revoked.IsZero() {
		t.Fatalf("new token: %+v", first)
	}
	if _, err := s.ReplaceFeedToken(ctx, bob.ID, "hb", t0); err != nil {
		t.Fatal(err)
	}
	// A second token for ann revokes her first.
	second, err := s.ReplaceFeedToken(ctx, ann.ID, "h2", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	old, err := s.FeedTokenByHash(ctx, "h1")
	if err != nil || !old.Revoked.Equal(t0.Add(time.Hour)) {
		t.Fatalf("first token after replacing: %+v %v", old, err)
	}
	if err := s.TouchFeedToken(ctx, second.ID, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.FeedTokenByHash(ctx, "h2")
	if err != nil || got.UserID != ann.ID || !got.LastUsed.Equal(t0.Add(2*time.Hour)) || !got.Revoked.IsZero() {
		t.Fatalf("second token: %+v %v", got, err)
	}
	if _, err := s.FeedTokenByHash(ctx, "nope"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("unknown hash: %v", err)
	}
	mine, err := s.FeedTokens(ctx, ann.ID)
	if err != nil || len(mine) != 2 || mine[0].ID != second.ID {
		t.Fatalf("ann's tokens: %+v %v", mine, err)
	}
	if all, _ := s.FeedTokens(ctx, 0); len(all) != 3 {
		t.Fatalf("all tokens: %d", len(all))
	}
	n, err := s.RevokeFeedTokens(ctx, ann.ID, t0.Add(3*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("revoke: %d %v", n, err)
	}
	if n, _ := s.RevokeFeedTokens(ctx, ann.ID, t0.Add(3*time.Hour)); n != 0 {
		t.Fatalf("revoking again revoked %d", n)
	}
	if b, _ := s.FeedTokenByHash(ctx, "hb"); !b.Revoked.IsZero() {
		t.Fatal("revoking ann's tokens revoked bob's")
	}
}

// TestChangeCounter: every write path that can change what a reader sees
// moves the counter, so caches keyed by it never serve a stale answer.
func TestChangeCounter(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	last, err := s.ChangeCounter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	moved := func(what string) {
		t.Helper()
		n, err := s.ChangeCounter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n <= last {
			t.Errorf("%s: counter stayed at %d", what, n)
		}
		last = n
	}
	r := res("a", "https://example.org/a")
	if err := s.InsertResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	moved("insert")
	if err := s.MarkIndexed(ctx, map[string]int64{"a": r.Version}); err != nil {
		t.Fatal(err)
	}
	moved("mark indexed")
	r.Title = "New title"
	if err := s.UpdateResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	moved("update")
	if _, err := s.UpsertResources(ctx, []*catalog.Resource{res("b", "https://example.org/b")}); err != nil {
		t.Fatal(err)
	}
	moved("upsert")
	if _, err := s.db.ExecContext(ctx, `UPDATE resource_themes SET machine = 0 WHERE resource_id = 'a'`); err != nil {
		t.Fatal(err)
	}
	moved("theme confirmed")
	if _, err := s.db.ExecContext(ctx, `DELETE FROM resources WHERE id = 'b'`); err != nil {
		t.Fatal(err)
	}
	moved("delete")
}
