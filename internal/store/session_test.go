package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"safelib/internal/catalog"
)

func TestSessions(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	u := addUser(t, s, "ann@example.org", catalog.RoleMember, "", 0)
	se := &catalog.Session{TokenHash: "abc", UserID: u.ID, Created: t0, Expires: t0.Add(time.Hour), LastSeen: t0, IP: "192.0.2.1", UserAgent: "test"}
	if err := s.CreateSession(ctx, se); err != nil {
		t.Fatal(err)
	}
	old := &catalog.Session{TokenHash: "old", UserID: u.ID, Created: t0.Add(-2 * time.Hour), Expires: t0.Add(-time.Hour), LastSeen: t0}
	if err := s.CreateSession(ctx, old); err != nil {
		t.Fatal(err)
	}
	got, err := s.SessionByHash(ctx, "abc")
	if err != nil || got.UserID != u.ID || !got.Expires.Equal(t0.Add(time.Hour)) || got.IP != "192.0.2.1" {
		t.Fatalf("%+v %v", got, err)
	}
	if err := s.TouchSession(ctx, "abc", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, _ = s.SessionByHash(ctx, "abc")
	if !got.LastSeen.Equal(t0.Add(time.Minute)) {
		t.Fatalf("last seen %v", got.LastSeen)
	}
	// Fixed-width stamps compare as text: a fraction of a second matters.
	if n, err := s.DeleteExpiredSessions(ctx, t0.Add(-time.Hour).Add(time.Microsecond)); err != nil || n != 1 {
		t.Fatalf("expired: %d %v", n, err)
	}
	if _, err := s.SessionByHash(ctx, "old"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("expired session kept: %v", err)
	}
	if err := s.DeleteSession(ctx, "abc"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByHash(ctx, "abc"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("deleted session kept: %v", err)
	}
	if err := s.DeleteSession(ctx, "abc"); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
}

func TestStampOrder(t *testing.T) {
	a := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := a.Add(500 * time.Millisecond)
	if !(stamp(a) < stamp(b)) {
		t.Fatalf("%s !< %s", stamp(a), stamp(b))
	}
	if !unstamp(stamp(b)).Equal(b) || stamp(time.Time{}) != "" || !unstamp("").IsZero() {
		t.Fatal("stamp round trip")
	}
}
