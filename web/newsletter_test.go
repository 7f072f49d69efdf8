package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/config"
	"safelib/internal/mail"
	"safelib/internal/mail/mailtest"
)

// composeEdition makes an edition through the staff pages: an
// introduction, an item before any section, a section and a members-only
// item with a note. It returns the edition's compose address.
func composeEdition(t *testing.T, e *authEnv, staff string) string {
	t.Helper()
	w := e.getAs(t, withSession(staff), "/staff/newsletter")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /staff/newsletter: %d", w.Code)
	}
	w = e.sessionPost(t, staff, "/staff/newsletter", url.Values{"title": {"December 2026"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	page := w.Header().Get("Location")
	w = e.getAs(t, withSession(staff), page)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", page, w.Code)
	}
	// The new-since list offers the library's newest items, the fixtures too.
	mustContain(t, w.Body.String(), `name="pick" value="`+membersID+`"`)
	base := url.Values{"title": {"December 2026"}, "slug": {"december-2026"}, "intro": {"Welcome to the December edition."}}
	add := func(action string, extra url.Values, blocks [][5]string) {
		t.Helper()
		f := url.Values{}
		for k, v := range base {
			f[k] = v
		}
		for k, v := range extra {
			f[k] = v
		}
		for _, b := range blocks {
			f.Add("kind", b[0])
			f.Add("heading", b[1])
			f.Add("text", b[2])
			f.Add("resource", b[3])
			f.Add("note", b[4])
		}
		f.Set("action", action)
		w := e.sessionPost(t, staff, page, f)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", action, w.Code, w.Body)
		}
	}
	add("items", url.Values{"pick": {pdfID}}, nil)
	add("section", nil, [][5]string{{"item", "", "", pdfID, "A review worth reading."}})
	add("items", url.Values{"add_id": {"http://127.0.0.1:8080/resources/" + membersID}},
		[][5]string{{"item", "", "", pdfID, "A review worth reading."}, {"section", "For members", "Our own briefing.", "", ""}})
	add("save", nil, [][5]string{{"item", "", "", pdfID, "A review worth reading."}, {"section", "For members", "Our own briefing.", "", ""},
		{"item", "", "", membersID, "Read before the meeting."}})
	return page
}

func TestNewsletterComposePreviewSendPublish(t *testing.T) {
	e := newMailEnv(t)
	ctx := context.Background()
	staff := e.session(t, staffEmail)
	// An organisation member, and a member who wants no newsletter.
	if _, err := e.auth.AddOrganisation(ctx, auth.System, "Northshire LSCP", "2027-04-30"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.AddUser(ctx, auth.System, auth.NewUser{Email: "org@example.org", Role: catalog.RoleMember, Org: "Northshire LSCP", Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	lapsing := e.session(t, lapsingEmail)
	if w := e.sessionPost(t, lapsing, "/members/account/newsletter", url.Values{"wants": {"no"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("opt out: %d", w.Code)
	}
	mustContain(t, e.getAs(t, withSession(lapsing), "/members/account").Body.String(), "Get the newsletter by email")

	// Members can't compose.
	if w := e.getAs(t, withSession(e.session(t, memberEmail)), "/staff/newsletter"); w.Code != http.StatusForbidden {
		t.Fatalf("member on /staff/newsletter: %d", w.Code)
	}
	page := composeEdition(t, e.authEnv, staff)

	// Previews: the member sees the summary; the public and a lapsed member
	// see the members-only item as on the site.
	member := e.getAs(t, withSession(staff), page+"/preview?as=member").Body.String()
	mustContain(t, member, "Confidential summary of partner contributions.")
	mustContain(t, member, "Read before the meeting.")
	mustContain(t, member, "Welcome to the December edition.")
	for _, as := range []string{"public", "lapsed"} {
		w := e.getAs(t, withSession(staff), page+"/preview?as="+as)
		if w.Code != http.StatusOK {
			t.Fatalf("preview as %s: %d", as, w.Code)
		}
		b := w.Body.String()
		mustContain(t, b, "Partnership funding briefing for members")
		mustContain(t, b, "Members only")
		mustNotContain(t, b, "Confidential summary")
		mustNotContain(t, b, "https://example.org/members/funding-briefing")
		email := e.getAs(t, withSession(staff), page+"/preview/email?as="+as).Body.String()
		mustNotContain(t, email, "Confidential summary")
		mustContain(t, email, "Members only")
	}
	// The draft is not published yet.
	if w := e.get(t, "/newsletter/december-2026"); w.Code != http.StatusNotFound {
		t.Fatalf("draft page: %d", w.Code)
	}
	// Sending wants the confirmation.
	if w := e.sessionPost(t, staff, page+"/send", url.Values{}); w.Code != http.StatusBadRequest {
		t.Fatalf("send without confirming: %d", w.Code)
	}
	if w := e.sessionPost(t, staff, page+"/send", url.Values{"confirm": {"yes"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("send: %d %s", w.Code, w.Body)
	}
	ms := e.deliver(t)
	byTo := map[string]mailtest.Message{}
	unsubscribe := map[string]*auth.MailGrant{}
	for _, m := range ms {
		if m.Header.Get("Subject") == "December 2026" {
			if _, dup := byTo[m.To[0]]; dup {
				t.Fatalf("%s got the edition twice", m.To[0])
			}
			byTo[m.To[0]] = m
		}
	}
	want := []string{adminEmail, staffEmail, memberEmail, lapsedEmail, "org@example.org"}
	if len(byTo) != len(want) {
		t.Fatalf("recipients %v, want %v (not %s, who opted out)", keys(byTo), want, lapsingEmail)
	}
	for _, to := range want {
		m, ok := byTo[to]
		if !ok {
			t.Fatalf("%s got no edition", to)
		}
		text, html := mailtest.Part(m, "text/plain"), mailtest.Part(m, "text/html")
		if text == "" || html == "" {
			t.Fatalf("%s: a part is missing", to)
		}
		// One-click unsubscribe (RFC 8058) with a signed link for this
		// reader and the newsletter only, also in the footer.
		lu := m.Header.Get("List-Unsubscribe")
		if !strings.HasPrefix(lu, "<http://127.0.0.1:8080/mail/unsubscribe?token=") || !strings.HasSuffix(lu, ">") ||
			m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Fatalf("%s: unsubscribe headers %q %q", to, lu, m.Header.Get("List-Unsubscribe-Post"))
		}
		link := strings.Trim(lu, "<>")
		g, err := e.auth.MailGrant(ctx, strings.TrimPrefix(link, "http://127.0.0.1:8080/mail/unsubscribe?token="))
		if err != nil || g.User.Email != to || g.Scope != auth.ScopeNewsletter {
			t.Fatalf("%s: unsubscribe link %s: %+v %v", to, link, g, err)
		}
		mustContain(t, text, link)
		mustContain(t, html, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`)
		mustContain(t, text, "Unsubscribe from everything: http://127.0.0.1:8080/mail/unsubscribe?token=e")
		mustContain(t, text, "Manage your email: http://127.0.0.1:8080/mail/manage?token=e")
		unsubscribe[to] = g
		for _, part := range []string{text, html} {
			mustContain(t, part, "http://127.0.0.1:8080/resources/"+membersID)
			mustContain(t, part, "http://127.0.0.1:8080/resources/"+pdfID)
			mustContain(t, part, "http://127.0.0.1:8080/newsletter/december-2026")
			mustContain(t, part, "Read before the meeting.")
			mustNotContain(t, part, secretWord)
			mustNotContain(t, part, "https://example.org/members/funding-briefing")
			if to == lapsedEmail {
				mustNotContain(t, part, "Confidential summary")
				mustContain(t, part, "Members only")
				mustContain(t, part, "lapsed")
			} else {
				mustContain(t, part, "Confidential summary of partner contributions.")
			}
		}
	}

	// Published, per reader.
	pub := e.get(t, "/newsletter/december-2026")
	if pub.Code != http.StatusOK {
		t.Fatalf("published page: %d", pub.Code)
	}
	mustContain(t, pub.Body.String(), `href="/resources/`+membersID+`"`)
	mustNotContain(t, pub.Body.String(), "Confidential summary")
	mustContain(t, e.getAs(t, withSession(e.session(t, memberEmail)), "/newsletter/december-2026").Body.String(), "Confidential summary")
	mustNotContain(t, e.getAs(t, withSession(e.session(t, lapsedEmail)), "/newsletter/december-2026").Body.String(), "Confidential summary")
	mustContain(t, e.get(t, "/newsletter").Body.String(), `href="/newsletter/december-2026"`)

	// Sending again, and after a restart (a new server and sender over the
	// same database), sends nobody anything twice.
	if w := e.sessionPost(t, staff, page+"/send", url.Values{"confirm": {"yes"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("second send: %d %s", w.Code, w.Body)
	}
	sender := mail.NewSender(e.st, mail.SenderOptions{Server: mustServer(t, e.smtp.Addr), From: "Library <library@example.org>"})
	s, err := New(Options{Config: config.Default(), Library: e.lib, Auth: e.auth, Mail: sender})
	if err != nil {
		t.Fatal(err)
	}
	e.srv, e.sender = s, sender
	if err := sender.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	if w := e.sessionPost(t, staff, page+"/send", url.Values{"confirm": {"yes"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("send after restart: %d %s", w.Code, w.Body)
	}
	if got := len(e.deliver(t)); got != len(ms) {
		t.Fatalf("%d messages after sending again, %d before", got, len(ms))
	}
	// The member's mail client follows the one-click link (RFC 8058): a
	// GET only shows a confirmation (link scanners stop nothing), the POST
	// stops the newsletter with no sign-in; the next edition goes to the
	// others only.
	link := strings.TrimPrefix(strings.Trim(byTo[memberEmail].Header.Get("List-Unsubscribe"), "<>"), "http://127.0.0.1:8080")
	if w := e.get(t, link); w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", link, w.Code)
	}
	if out, _ := e.auth.NewsletterOptedOut(ctx, unsubscribe[memberEmail].User.ID); out {
		t.Fatal("a GET of the unsubscribe link stopped the newsletter")
	}
	if w := e.do(t, mustPost(t, link, "List-Unsubscribe=One-Click")); w.Code != http.StatusOK {
		t.Fatalf("one-click POST: %d %s", w.Code, w.Body)
	}
	w := e.sessionPost(t, staff, "/staff/newsletter", url.Values{"title": {"January 2027"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("second edition: %d", w.Code)
	}
	if w := e.sessionPost(t, staff, w.Header().Get("Location")+"/send", url.Values{"confirm": {"yes"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("send the second edition: %d %s", w.Code, w.Body)
	}
	got := map[string]bool{}
	for _, m := range e.deliver(t) {
		if m.Header.Get("Subject") == "January 2027" {
			got[m.To[0]] = true
		}
	}
	if got[memberEmail] || got[lapsingEmail] || !got[staffEmail] || len(got) != 4 {
		t.Fatalf("second edition went to %v", got)
	}
	// A sent edition can't be changed.
	w = e.sessionPost(t, staff, page, url.Values{"title": {"Changed"}, "slug": {"december-2026"}, "action": {"save"}})
	if w.Code != http.StatusConflict {
		t.Fatalf("saving a sent edition: %d", w.Code)
	}
}

func mustServer(t *testing.T, addr string) *mail.Server {
	t.Helper()
	srv, err := mail.ParseURL("smtp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
