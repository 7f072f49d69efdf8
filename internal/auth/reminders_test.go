package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/mail"
	"safelib/internal/store"
)

func newMailTest(t *testing.T) (*Auth, *store.Store, *clock) {
	return newTestWith(t, &mail.Composer{BaseURL: "https://library.example.org", From: "lib@example.org"})
}

// outbox returns recipient -> subjects of queued reminders.
func outbox(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	ms, err := st.Mails(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, m := range ms {
		if m.Kind == "reminder" {
			out[m.To] = append(out[m.To], m.Subject)
		}
	}
	return out
}

func TestRenewalReminders(t *testing.T) {
	a, st, c := newMailTest(t)
	ctx := context.Background()
	// start is 20 April 2026 (London).
	mustAdd(t, a, "thirty@example.org", catalog.RoleMember, "2026-05-20")
	mustAdd(t, a, "seven@example.org", catalog.RoleMember, "2026-04-27")
	mustAdd(t, a, "lapsed@example.org", catalog.RoleMember, "2026-04-19")
	mustAdd(t, a, "long-ago@example.org", catalog.RoleMember, "2026-01-31")
	mustAdd(t, a, "later@example.org", catalog.RoleMember, "2026-07-31")
	mustAdd(t, a, "staff@example.org", catalog.RoleStaff, "")
	off := mustAdd(t, a, "off@example.org", catalog.RoleMember, "2026-04-25")
	disabled := true
	if _, err := a.UpdateUser(ctx, System, off.Email, UserChange{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddOrganisation(ctx, System, "Northshire LSCP", "2026-05-01"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddUser(ctx, System, NewUser{Email: "org@example.org", Role: catalog.RoleMember, Org: "Northshire LSCP", Password: pw}); err != nil {
		t.Fatal(err)
	}
	sum, err := a.RemindRenewals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := outbox(t, st)
	want := map[string]string{"thirty@example.org": "ends on 20 May 2026", "seven@example.org": "ends on 27 April 2026",
		"lapsed@example.org": "has ended", "org@example.org": "ends on 1 May 2026"}
	if len(got) != len(want) || sum.Emails != 4 {
		t.Fatalf("reminded %v (summary %+v)", got, sum)
	}
	for to, s := range want {
		if len(got[to]) != 1 || !strings.Contains(got[to][0], s) {
			t.Errorf("%s: %v, want %q", to, got[to], s)
		}
	}
	// Again the same day: nothing more.
	if sum, _ := a.RemindRenewals(ctx); sum.Emails != 0 {
		t.Fatalf("second run: %+v", sum)
	}
	// seven@ renews: moving the end date stops every reminder about it.
	renewed := "2027-04-27"
	if _, err := a.UpdateUser(ctx, System, "seven@example.org", UserChange{Expires: &renewed}); err != nil {
		t.Fatal(err)
	}
	// 14 days on (4 May): org@'s membership lapsed on 1 May.
	c.Add(14 * 24 * time.Hour)
	if _, err := a.RemindRenewals(ctx); err != nil {
		t.Fatal(err)
	}
	got = outbox(t, st)
	if len(got["org@example.org"]) != 2 || !strings.Contains(got["org@example.org"][0], "has ended") || len(got["thirty@example.org"]) != 1 {
		t.Fatalf("on 4 May: %v", got)
	}
	// 13 May: thirty@ is 7 days from its end.
	c.Add(9 * 24 * time.Hour)
	if _, err := a.RemindRenewals(ctx); err != nil {
		t.Fatal(err)
	}
	got = outbox(t, st)
	if len(got["thirty@example.org"]) != 2 || !strings.Contains(got["thirty@example.org"][0], "ends on 20 May") {
		t.Fatalf("on 13 May: %v", got)
	}
	if len(got["seven@example.org"]) != 1 {
		t.Fatalf("reminded after renewal: %v", got["seven@example.org"])
	}
	// Who was reminded when, for the admin page.
	last, err := st.LastReminders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := st.UserByEmail(ctx, "thirty@example.org")
	if r := last[u.ID]; r.Stage != Stage7 || !r.Sent.Equal(c.Now().UTC().Truncate(time.Microsecond)) {
		t.Fatalf("last reminder of thirty@: %+v", r)
	}
}
