package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"safelib/internal/catalog"
)

func TestAPITokens(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	u := addUser(t, s, "ann@example.org", catalog.RoleStaff, "", 0)
	v := addUser(t, s, "bob@example.org", catalog.RoleStaff, "", 0)
	tok := &catalog.APIToken{UserID: u.ID, Hash: "h1", Name: "import script", Created: t0}
	if err := s.CreateAPIToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAPIToken(ctx, &catalog.APIToken{UserID: v.ID, Hash: "h2", Created: t0}); err != nil {
		t.Fatal(err)
	}
	got, err := s.APITokenByHash(ctx, "h1")
	if err != nil || got.ID != tok.ID || got.UserEmail != "ann@example.org" || got.Name != "import script" || !got.Revoked.IsZero() {
		t.Fatalf("%+v %v", got, err)
	}
	if err := s.TouchAPIToken(ctx, tok.ID, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.ListAPITokens(ctx, 0); len(all) != 2 {
		t.Fatalf("all tokens: %d", len(all))
	}
	mine, _ := s.ListAPITokens(ctx, u.ID)
	if len(mine) != 1 || !mine[0].LastUsed.Equal(t0.Add(time.Minute)) {
		t.Fatalf("mine: %+v", mine)
	}
	if err := s.RevokeAPIToken(ctx, tok.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIToken(ctx, tok.ID, t0.Add(time.Hour)); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("revoking twice: %v", err)
	}
	got, _ = s.APITokenByHash(ctx, "h1")
	if got.Revoked.IsZero() {
		t.Fatal("not revoked")
	}
}

func TestResetTokens(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	u := addUser(t, s, "ann@example.org", catalog.RoleMember, "", 0)
	if err := s.CreateSession(ctx, &catalog.Session{TokenHash: "s", UserID: u.ID, Created: t0, Expires: t0.Add(time.Hour), LastSeen: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateResetToken(ctx, "r1", u.ID, t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if id, err := s.ResetTokenUser(ctx, "r1", t0); err != nil || id != u.ID {
		t.Fatalf("%d %v", id, err)
	}
	// A newer link voids the older one.
	if err := s.CreateResetToken(ctx, "r2", u.ID, t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ResetTokenUser(ctx, "r1", t0); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("older link still works: %v", err)
	}
	if _, err := s.ResetPassword(ctx, "r2", "$new", t0.Add(2*time.Hour)); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("expired link works: %v", err)
	}
	id, err := s.ResetPassword(ctx, "r2", "$new", t0.Add(time.Minute))
	if err != nil || id != u.ID {
		t.Fatalf("%d %v", id, err)
	}
	if _, err := s.ResetPassword(ctx, "r2", "$newer", t0.Add(time.Minute)); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("link used twice: %v", err)
	}
	got, _ := s.UserByID(ctx, u.ID)
	if got.PasswordHash != "$new" {
		t.Fatalf("hash %q", got.PasswordHash)
	}
	if ss, _ := s.UserSessions(ctx, u.ID); len(ss) != 0 {
		t.Fatal("reset kept old sessions")
	}
}
