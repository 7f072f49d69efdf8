package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"safelib/internal/catalog"
	"safelib/internal/store"
)

// notices returns the queued email-change notices.
func notices(t *testing.T, st *store.Store) []*catalog.OutMail {
	t.Helper()
	ms, err := st.Mails(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []*catalog.OutMail
	for _, m := range ms {
		if m.Kind == "notice" && strings.Contains(m.Subject, "sign-in address") {
			out = append(out, m)
		}
	}
	return out
}

func TestChangeEmailNotifiesTheOldAddress(t *testing.T) {
	ctx := context.Background()
	a, st, _ := newMailTest(t)
	mustAdd(t, a, "ann@example.org", catalog.RoleMember, "2027-04-30")
	mustAdd(t, a, "bob@example.org", catalog.RoleMember, "2027-04-30")
	in, err := a.Login(ctx, "ann@example.org", pw, Client{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ChangeEmail(ctx, in.Identity, "wrong password!", "ann@new.example.org", Client{}); !errors.Is(err, catalog.ErrInvalid) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := a.ChangeEmail(ctx, in.Identity, pw, "not an address", Client{}); !errors.Is(err, catalog.ErrInvalid) {
		t.Fatalf("bad address: %v", err)
	}
	if _, err := a.ChangeEmail(ctx, in.Identity, pw, "BOB@example.org", Client{}); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("taken address: %v", err)
	}
	if n := len(notices(t, st)); n != 0 {
		t.Fatalf("%d notices queued by refused changes", n)
	}
	u, err := a.ChangeEmail(ctx, in.Identity, pw, "Ann@New.example.org", Client{})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "ann@new.example.org" {
		t.Fatalf("email %q", u.Email)
	}
	ns := notices(t, st)
	if len(ns) != 1 || ns[0].To != "ann@example.org" || !strings.Contains(ns[0].Text, "ann@new.example.org") ||
		!strings.Contains(ns[0].HTML, "ann@new.example.org") {
		t.Fatalf("notices: %+v", ns)
	}
	if _, err := a.Login(ctx, "ann@example.org", pw, Client{}); err == nil {
		t.Fatal("the old address still signs in")
	}
	if _, err := a.Login(ctx, "ann@new.example.org", pw, Client{}); err != nil {
		t.Fatal(err)
	}

	// An admin changing someone's address tells the old one too.
	if _, err := a.UpdateUser(ctx, System, "bob@example.org", UserChange{Email: new("robert@example.org")}); err != nil {
		t.Fatal(err)
	}
	ns = notices(t, st)
	if len(ns) != 2 || ns[0].To != "bob@example.org" || !strings.Contains(ns[0].Text, "robert@example.org") {
		t.Fatalf("notices after the admin's change: %+v", ns)
	}
	// Staff may not.
	staff := mustAdd(t, a, "sam@example.org", catalog.RoleStaff, "")
	if _, err := a.UpdateUser(ctx, ActorFor(staff, ""), "robert@example.org", UserChange{Email: new("r@example.org")}); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("staff changed an address: %v", err)
	}
	// The same address again is no change and no notice.
	if _, err := a.UpdateUser(ctx, System, "robert@example.org", UserChange{Email: new("robert@example.org")}); err != nil {
		t.Fatal(err)
	}
	if n := len(notices(t, st)); n != 2 {
		t.Fatalf("%d notices after a non-change", n)
	}
}
