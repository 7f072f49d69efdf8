package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"safelib/internal/catalog"
)

func TestMailTokens(t *testing.T) {
	ctx := context.Background()
	a, st, _ := newTestWith(t, nil)
	ann := mustAdd(t, a, "ann@example.org", catalog.RoleMember, "2027-04-30")
	bob := mustAdd(t, a, "bob@example.org", catalog.RoleMember, "2027-04-30")
	s, err := a.MailSigner(ctx)
	if err != nil {
		t.Fatal(err)
	}
	one := s.Token(ann, ScopeAlert, 7)
	if strings.ContainsAny(one, "+/=&?# ") || len(one) > maxMailToken {
		t.Fatalf("token %q is not URL-safe or too long", one)
	}
	g, err := a.MailGrant(ctx, one)
	if err != nil {
		t.Fatal(err)
	}
	if g.User.ID != ann.ID || g.Scope != ScopeAlert || g.AlertID != 7 {
		t.Fatalf("grant %+v", g)
	}
	if !g.Covers(ScopeAlert, 7) || g.Covers(ScopeAlert, 8) || g.Covers(ScopeAlerts, 0) || g.Covers(ScopeNewsletter, 0) {
		t.Fatal("an alert's link covers more than its alert")
	}
	// The key is kept: a second signer (a restart) makes the same tokens,
	// and tokens never expire.
	s2, err := a.MailSigner(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s2.Token(ann, ScopeAlert, 7) != one {
		t.Fatal("the signing key changed between signers")
	}
	all, err := a.MailGrant(ctx, s.Token(ann, ScopeAll, 0))
	if err != nil || !all.Covers(ScopeNewsletter, 0) || !all.Covers(ScopeAlert, 99) || !all.Covers(ScopeAlerts, 0) {
		t.Fatalf("everything link: %+v %v", all, err)
	}
	alerts, err := a.MailGrant(ctx, s.Token(ann, ScopeAlerts, 0))
	if err != nil || !alerts.Covers(ScopeAlert, 3) || alerts.Covers(ScopeNewsletter, 0) {
		t.Fatalf("alerts link: %+v %v", alerts, err)
	}
	news, err := a.MailGrant(ctx, s.Token(ann, ScopeNewsletter, 0))
	if err != nil || !news.Covers(ScopeNewsletter, 0) || news.Covers(ScopeAlert, 7) {
		t.Fatalf("newsletter link: %+v %v", news, err)
	}

	// Forgeries: another person's id, another alert, another scope, a
	// damaged MAC, junk.
	parts := strings.Split(one, ".")
	bobID := "a" + strings.TrimPrefix(strings.Split(s.Token(bob, ScopeAlert, 7), ".")[0], "a")
	forged := []string{
		bobID + "." + parts[1] + "." + parts[2],
		parts[0] + ".8." + parts[2],
		"e" + parts[0][1:] + ".0." + parts[2],
		parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2])),
		"", "x", "a1.1", "a1.1.1.1", strings.Repeat("a", 200), "azz.-1." + parts[2], "a" + parts[0][1:] + ".0." + parts[2],
	}
	for _, f := range forged {
		if _, err := a.MailGrant(ctx, f); !errors.Is(err, ErrBadMailLink) {
			t.Errorf("MailGrant(%q) = %v, want ErrBadMailLink", f, err)
		}
	}
	// A changed address ends the old links.
	ann.Email = "ann.new@example.org"
	if err := st.UpdateUser(ctx, ann, a.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := a.MailGrant(ctx, one); !errors.Is(err, ErrBadMailLink) {
		t.Fatalf("a link to the old address still works: %v", err)
	}

	// The newsletter opt-out needs a grant covering it.
	if err := a.SetNewsletterOptOut(ctx, alerts, true); err == nil {
		t.Fatal("an alerts link opted out of the newsletter")
	}
	bg, err := a.MailGrant(ctx, s.Token(bob, ScopeNewsletter, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetNewsletterOptOut(ctx, bg, true); err != nil {
		t.Fatal(err)
	}
	if out, err := a.NewsletterOptedOut(ctx, bob.ID); err != nil || !out {
		t.Fatalf("opted out = %v, %v", out, err)
	}
	if set, err := a.NewsletterOptOuts(ctx); err != nil || !set[bob.ID] || set[ann.ID] {
		t.Fatalf("opt-outs %v %v", set, err)
	}
}

func TestDigestToken(t *testing.T) {
	ctx := context.Background()
	a, _ := newTest(t)
	ann := mustAdd(t, a, "ann@example.org", catalog.RoleMember, "2027-04-30")
	s, err := a.MailSigner(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g, err := a.MailGrant(ctx, s.DigestToken(ann, catalog.Weekly))
	if err != nil {
		t.Fatal(err)
	}
	if g.Scope != ScopeDigest || g.Cadence != catalog.Weekly || g.AlertID != 0 {
		t.Fatalf("grant %+v", g)
	}
	if !g.CoversAlert(&catalog.Alert{ID: 4, Cadence: catalog.Weekly}) || g.CoversAlert(&catalog.Alert{ID: 4, Cadence: catalog.Daily}) ||
		g.Covers(ScopeNewsletter, 0) || g.Covers(ScopeAlerts, 0) {
		t.Fatal("a weekly digest's link covers more than the weekly alerts")
	}
	bad := strings.Replace(s.DigestToken(ann, catalog.Weekly), ".2.", ".4.", 1)
	if _, err := a.MailGrant(ctx, bad); !errors.Is(err, ErrBadMailLink) {
		t.Fatalf("cadence 4: %v", err)
	}
}
