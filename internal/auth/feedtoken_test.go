package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"safelib/internal/catalog"
)

func TestFeedTokens(t *testing.T) {
	ctx := context.Background()
	l, st, _ := newTestWith(t, nil)
	add := func(email string) *catalog.User {
		u := &catalog.User{Email: email, Role: catalog.RoleMember, Expires: "2030-01-01"}
		if err := st.CreateUser(ctx, u, time.Now()); err != nil {
			t.Fatal(err)
		}
		return u
	}
	ann, bob := add("ann@example.org"), add("bob@example.org")
	annR := ActorFor(ann, "")

	if _, _, err := l.CreateFeedToken(ctx, Actor{}, ann.Email); !errors.Is(err, catalog.ErrUnauthorized) {
		t.Errorf("anonymous: %v", err)
	}
	if _, _, err := l.CreateFeedToken(ctx, annR, bob.Email); !errors.Is(err, catalog.ErrForbidden) {
		t.Errorf("for someone else: %v", err)
	}
	raw, tok, err := l.CreateFeedToken(ctx, annR, "ANN@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != len(FeedTokenPrefix)+43 || tok.Hash == raw || tok.UserID != ann.ID {
		t.Fatalf("token %q, %+v", raw, tok)
	}
	u, err := l.FeedTokenUser(ctx, raw)
	if err != nil || u.ID != ann.ID {
		t.Fatalf("token user: %+v %v", u, err)
	}
	for _, bad := range []string{"", "slf_nope", raw + "x", "slb_" + raw[4:]} {
		if _, err := l.FeedTokenUser(ctx, bad); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("token %q: %v, want catalog.ErrNotFound", bad, err)
		}
	}

	// A new token replaces the old one.
	raw2, _, err := l.CreateFeedToken(ctx, System, ann.Email)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.FeedTokenUser(ctx, raw); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("replaced token still works: %v", err)
	}
	if _, err := l.FeedTokenUser(ctx, raw2); err != nil {
		t.Errorf("new token: %v", err)
	}
	if ts, err := l.FeedTokens(ctx, annR, ann.Email); err != nil || len(ts) != 2 {
		t.Errorf("ann's tokens: %d %v", len(ts), err)
	}
	if _, err := l.FeedTokens(ctx, annR, ""); !errors.Is(err, catalog.ErrForbidden) {
		t.Errorf("member listing everyone's tokens: %v", err)
	}

	// Revoked: the address stops working.
	if n, err := l.RevokeFeedTokens(ctx, annR, ann.Email); err != nil || n != 1 {
		t.Fatalf("revoke: %d %v", n, err)
	}
	if _, err := l.FeedTokenUser(ctx, raw2); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("revoked token works: %v", err)
	}

	// A disabled account's token does not work.
	raw3, _, err := l.CreateFeedToken(ctx, System, bob.Email)
	if err != nil {
		t.Fatal(err)
	}
	bob.Disabled = true
	if err := st.UpdateUser(ctx, bob, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := l.FeedTokenUser(ctx, raw3); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("disabled account's token: %v", err)
	}
}
