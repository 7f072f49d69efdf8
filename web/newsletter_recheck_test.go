package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/config"
	"safelib/internal/mail"
	"safelib/internal/mail/mailtest"
)

// TestNewsletterRecheckedAtSend: access is checked when an edition's
// messages are built and again just before each is sent. A member whose
// membership lapses in between gets the edition rebuilt as a lapsed
// reader (the members-only item a teaser); an item withdrawn in between
// is in nobody's message.
func TestNewsletterRecheckedAtSend(t *testing.T) {
	e := newMailEnv(t)
	ctx := context.Background()
	checker := e.lib.NewMailChecker(e.auth.ReaderFor)
	checker.Register("newsletter", NewsletterRebuild(config.Default(), e.lib, e.auth))
	e.sender = mail.NewSender(e.st, mail.SenderOptions{Server: mustServer(t, e.smtp.Addr), From: "Library <library@example.org>",
		Recheck: checker.Recheck})
	staff := e.session(t, staffEmail)
	page := composeEdition(t, e.authEnv, staff)
	if w := e.sessionPost(t, staff, page+"/send", url.Values{"confirm": {"yes"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("send: %d %s", w.Code, w.Body)
	}
	// Queued, not sent yet: the member lapses and an item is withdrawn.
	past := "2026-01-31"
	if _, err := e.auth.UpdateUser(ctx, auth.System, memberEmail, auth.UserChange{Expires: &past}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.Withdraw(ctx, catalog.System, pdfID, 0, "test"); err != nil {
		t.Fatal(err)
	}
	byTo := map[string]mailtest.Message{}
	for _, m := range e.deliver(t) {
		byTo[m.To[0]] = m
	}
	for _, to := range []string{memberEmail, staffEmail, adminEmail} {
		m, ok := byTo[to]
		if !ok {
			t.Fatalf("%s got nothing (%d messages)", to, len(byTo))
		}
		for _, part := range []string{mailtest.Part(m, "text/plain"), mailtest.Part(m, "text/html")} {
			mustNotContain(t, part, "/resources/"+pdfID)
			mustContain(t, part, "/resources/"+membersID)
			if to == memberEmail {
				mustNotContain(t, part, "Confidential summary")
				mustContain(t, part, "Members only")
				mustContain(t, part, "lapsed")
			} else {
				mustContain(t, part, "Confidential summary of partner contributions.")
			}
		}
	}
}
