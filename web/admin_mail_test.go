package web

import (
	"context"
	"net/http"
	"testing"
	"time"

	"safelib/internal/catalog"

	"safelib/internal/config"
	"safelib/internal/mail"
	"safelib/internal/mail/mailtest"
)

// TestAdminMailPage: without --smtp-url the people page and the email page
// say that nothing is sent; with a server, a refused message is shown to
// admins with the server's words, and staff and members can't see it.
func TestAdminMailPage(t *testing.T) {
	e := newAuthEnv(t)
	admin, staff := e.session(t, adminEmail), e.session(t, staffEmail)
	ctx := context.Background()
	for _, to := range []string{"gone@example.org", "waits@example.org"} {
		if err := e.st.QueueMail(ctx, time.Now(), &catalog.OutMail{Kind: "test", To: to, Subject: "Hello",
			Text: "hi", MessageID: mail.NewMessageID("a@example.org")}); err != nil {
			t.Fatal(err)
		}
	}
	use := func(s *mail.Sender) {
		srv, err := New(Options{Config: config.Default(), Library: e.lib, Auth: e.auth, Mail: s})
		if err != nil {
			t.Fatal(err)
		}
		e.srv = srv
	}
	use(mail.NewSender(e.st, mail.SenderOptions{From: "a@example.org"}))
	body := e.getAs(t, withSession(admin), "/admin/people").Body.String()
	mustContain(t, body, "Email is not being sent")
	body = e.getAs(t, withSession(admin), "/admin/mail").Body.String()
	mustContain(t, body, "without <code>--smtp-url</code>")
	mustContain(t, body, "<dt>Waiting</dt><dd>2</dd>")

	ts := mailtest.Start(t, mailtest.Options{Fault: func(_ int, to []string) error {
		if to[0] == "gone@example.org" {
			return mailtest.Perm
		}
		return mailtest.Temp
	}})
	srv, err := mail.ParseURL("smtp://" + ts.Addr)
	if err != nil {
		t.Fatal(err)
	}
	s := mail.NewSender(e.st, mail.SenderOptions{Server: srv, From: "a@example.org"})
	if sum, err := s.Drain(ctx); err != nil || sum.Failed != 1 || sum.Retried != 1 {
		t.Fatalf("drain %+v %v", sum, err)
	}
	use(s)
	mustNotContain(t, e.getAs(t, withSession(admin), "/admin/people").Body.String(), "Email is not being sent")
	body = e.getAs(t, withSession(admin), "/admin/mail").Body.String()
	mustContain(t, body, "gone@example.org")
	mustContain(t, body, "No such user here")
	mustContain(t, body, "waits@example.org")
	mustContain(t, body, "mailbox busy")
	if w := e.getAs(t, withSession(staff), "/admin/mail"); w.Code != http.StatusForbidden {
		t.Fatalf("staff: %d", w.Code)
	}
}
