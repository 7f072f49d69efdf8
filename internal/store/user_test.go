package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"safelib/internal/catalog"
)

var t0 = time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)

func addUser(t *testing.T, s *Store, email string, role catalog.Role, expires string, org int64) *catalog.User {
	t.Helper()
	u := &catalog.User{Email: email, Role: role, Expires: expires, OrgID: org, PasswordHash: "$argon2id$x"}
	if err := s.CreateUser(context.Background(), u, t0); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUserRoundTripAndCase(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	u := addUser(t, s, "Ann@Example.org", catalog.RoleMember, "2027-04-30", 0)
	got, err := s.UserByEmail(ctx, "ann@EXAMPLE.org")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != u.ID || got.Email != "Ann@Example.org" || got.Role != catalog.RoleMember || got.Expires != "2027-04-30" ||
		!got.Created.Equal(t0) || got.PasswordChanged.IsZero() || !got.LastLogin.IsZero() || got.Disabled {
		t.Fatalf("round trip: %+v", got)
	}
	dup := &catalog.User{Email: "ANN@example.ORG", Role: catalog.RoleStaff}
	if err := s.CreateUser(ctx, dup, t0); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("duplicate email in another case: %v", err)
	}
	if _, err := s.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	bad := &catalog.User{Email: "x@example.org", Role: "emperor"}
	if err := s.CreateUser(ctx, bad, t0); err == nil {
		t.Fatal("unknown role accepted")
	}
	if err := s.TouchLogin(ctx, u.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ = s.UserByID(ctx, u.ID)
	if !got.LastLogin.Equal(t0.Add(time.Hour)) {
		t.Fatalf("last login %v", got.LastLogin)
	}
}

func TestOrganisationMembership(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	o := &catalog.Organisation{Name: "Northshire LSCP", Expires: "2026-04-30"}
	if err := s.CreateOrganisation(ctx, o, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateOrganisation(ctx, &catalog.Organisation{Name: "northshire lscp"}, t0); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("duplicate organisation: %v", err)
	}
	own := addUser(t, s, "own@example.org", catalog.RoleMember, "2026-12-31", o.ID)
	shared := addUser(t, s, "shared@example.org", catalog.RoleMember, "", o.ID)
	got, _ := s.UserByID(ctx, own.ID)
	if got.OrgName != "Northshire LSCP" || got.EffectiveExpires() != "2026-12-31" {
		t.Fatalf("own later than org: %+v", got)
	}
	got, _ = s.UserByID(ctx, shared.ID)
	if got.EffectiveExpires() != "2026-04-30" {
		t.Fatalf("shared: %q", got.EffectiveExpires())
	}
	o.Expires = "2027-04-30"
	if err := s.UpdateOrganisation(ctx, o, t0); err != nil {
		t.Fatal(err)
	}
	got, _ = s.UserByID(ctx, own.ID)
	if got.EffectiveExpires() != "2027-04-30" {
		t.Fatalf("org later than own: %q", got.EffectiveExpires())
	}
	byName, err := s.OrganisationByName(ctx, "NORTHSHIRE lscp")
	if err != nil || byName.Members != 2 {
		t.Fatalf("by name: %+v %v", byName, err)
	}
}

func TestListUsersFilters(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	o := &catalog.Organisation{Name: "Org", Expires: "2026-05-10"}
	if err := s.CreateOrganisation(ctx, o, t0); err != nil {
		t.Fatal(err)
	}
	addUser(t, s, "a-lapsing@example.org", catalog.RoleMember, "2026-05-01", 0)
	addUser(t, s, "b-later@example.org", catalog.RoleMember, "2027-04-30", 0)
	addUser(t, s, "c-lapsed@example.org", catalog.RoleMember, "2026-03-31", 0)
	addUser(t, s, "d-none@example.org", catalog.RoleMember, "", 0)
	addUser(t, s, "e-org@example.org", catalog.RoleMember, "", o.ID)
	addUser(t, s, "f-staff@example.org", catalog.RoleStaff, "2026-05-01", 0)
	cases := []struct {
		name string
		f    catalog.UserFilter
		want []string
	}{
		{"all", catalog.UserFilter{}, []string{"a-lapsing", "b-later", "c-lapsed", "d-none", "e-org", "f-staff"}},
		{"staff", catalog.UserFilter{Role: catalog.RoleStaff}, []string{"f-staff"}},
		{"lapsing within 30 days", catalog.UserFilter{ExpiresFrom: "2026-04-20", ExpiresTo: "2026-05-20"}, []string{"a-lapsing", "e-org"}},
		{"lapsed", catalog.UserFilter{ExpiresTo: "2026-04-19"}, []string{"c-lapsed"}},
		{"organisation", catalog.UserFilter{OrgID: o.ID}, []string{"e-org"}},
		{"query", catalog.UserFilter{Query: "LATER"}, []string{"b-later"}},
		{"query with wildcard is literal", catalog.UserFilter{Query: "%"}, nil},
		{"limit", catalog.UserFilter{Limit: 2}, []string{"a-lapsing", "b-later"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			us, err := s.ListUsers(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range us {
				got = append(got, u.Email[:len(u.Email)-len("@example.org")])
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestUpdateUserDisablingEndsSessions(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	u := addUser(t, s, "ann@example.org", catalog.RoleMember, "2027-04-30", 0)
	for _, h := range []string{"h1", "h2"} {
		if err := s.CreateSession(ctx, &catalog.Session{TokenHash: h, UserID: u.ID, Created: t0, Expires: t0.Add(time.Hour), LastSeen: t0}); err != nil {
			t.Fatal(err)
		}
	}
	u.Role = catalog.RoleStaff
	if err := s.UpdateUser(ctx, u, t0); err != nil {
		t.Fatal(err)
	}
	if ss, _ := s.UserSessions(ctx, u.ID); len(ss) != 2 {
		t.Fatalf("role change ended sessions: %d left", len(ss))
	}
	u.Disabled = true
	if err := s.UpdateUser(ctx, u, t0); err != nil {
		t.Fatal(err)
	}
	if ss, _ := s.UserSessions(ctx, u.ID); len(ss) != 0 {
		t.Fatalf("disabled user keeps %d sessions", len(ss))
	}
	got, _ := s.UserByID(ctx, u.ID)
	if !got.Disabled || got.Role != catalog.RoleStaff {
		t.Fatalf("%+v", got)
	}
	if err := s.UpdateUser(ctx, &catalog.User{ID: 999, Email: "z@example.org", Role: catalog.RoleMember}, t0); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("update missing: %v", err)
	}
	other := addUser(t, s, "bob@example.org", catalog.RoleMember, "", 0)
	other.Email = "ANN@example.org"
	if err := s.UpdateUser(ctx, other, t0); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("email clash: %v", err)
	}
}

func TestSetPasswordKeepsOneSession(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	u := addUser(t, s, "ann@example.org", catalog.RoleMember, "", 0)
	for _, h := range []string{"keep", "drop"} {
		if err := s.CreateSession(ctx, &catalog.Session{TokenHash: h, UserID: u.ID, Created: t0, Expires: t0.Add(time.Hour), LastSeen: t0}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetPassword(ctx, u.ID, "$argon2id$new", "keep", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	ss, _ := s.UserSessions(ctx, u.ID)
	if len(ss) != 1 || ss[0].TokenHash != "keep" {
		t.Fatalf("sessions after password change: %+v", ss)
	}
	got, _ := s.UserByID(ctx, u.ID)
	if got.PasswordHash != "$argon2id$new" || !got.PasswordChanged.Equal(t0.Add(time.Minute)) {
		t.Fatalf("%+v", got)
	}
}
