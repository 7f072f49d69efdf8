package library

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/mail"
)

// digestEnv is a library with accounts, alerts and the digests over them.
type digestEnv struct {
	l       *Library
	au      *auth.Auth
	d       *Digests
	checker *MailChecker
	mu      sync.Mutex
	offset  time.Duration // the library's clock runs this far ahead of the real one
}

func (e *digestEnv) now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return time.Now().Add(e.offset)
}

// later moves the library's clock on (resource times stay real: SQLite's).
func (e *digestEnv) later(d time.Duration) {
	e.mu.Lock()
	e.offset += d
	e.mu.Unlock()
}

func newDigestEnv(t testing.TB) *digestEnv {
	t.Helper()
	e := &digestEnv{l: newEmptyLibrary(t)}
	e.l.now = e.now
	p := auth.TestParams
	e.au = auth.New(e.l.st, auth.Options{Params: &p, Now: e.now})
	signer, err := e.au.MailSigner(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	base := "http://127.0.0.1:1"
	links := func(u *catalog.User, cadence string, alertID int64) (catalog.MailLinks, error) {
		all := signer.Token(u, auth.ScopeAll, 0)
		l := catalog.MailLinks{Everything: auth.MailLink(base, auth.ActionUnsubscribe, all), Manage: auth.MailLink(base, auth.ActionManage, all)}
		if alertID != 0 {
			one := signer.Token(u, auth.ScopeAlert, alertID)
			l.Unsubscribe, l.Pause, l.Change = auth.MailLink(base, "unsubscribe", one), auth.MailLink(base, "pause", one), auth.MailLink(base, "change", one)
		} else {
			l.Unsubscribe = auth.MailLink(base, "unsubscribe", signer.DigestToken(u, cadence))
		}
		return l, nil
	}
	e.d = e.l.NewDigests(DigestOptions{Reader: e.au.ReaderFor, Mailer: &mail.Composer{BaseURL: base, From: "lib@example.org"}, Links: links})
	e.checker = e.l.NewMailChecker(e.au.ReaderFor)
	e.checker.RegisterDigests(e.d)
	return e
}

func (e *digestEnv) user(t testing.TB, email string, role catalog.Role, expires, org string) *catalog.User {
	t.Helper()
	u, err := e.au.AddUser(context.Background(), auth.System, auth.NewUser{Email: email, Role: role, Expires: expires, Org: org})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (e *digestEnv) alert(t testing.TB, u *catalog.User, search, cadence string) *catalog.Alert {
	t.Helper()
	a := &catalog.Alert{Search: search, Cadence: cadence}
	if err := e.l.CreateAlert(context.Background(), e.au.ReaderFor(u), a); err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *digestEnv) run(t testing.TB, cadence string) *DigestSummary {
	t.Helper()
	sum, err := e.d.Run(context.Background(), cadence)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// digests returns the queued digests by recipient (latest last), marking
// them sent so the next call returns only new ones.
func (e *digestEnv) digests(t testing.TB) map[string][]*catalog.OutMail {
	t.Helper()
	ctx := context.Background()
	ms, err := e.l.st.ClaimMail(ctx, e.now().Add(time.Hour), 10000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*catalog.OutMail{}
	for _, m := range ms {
		if err := e.l.st.MailSent(ctx, m.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if m.Kind == "digest" {
			out[m.To] = append(out[m.To], m)
		}
	}
	return out
}

const secretWords = "Zanzibarian quuxification"

func TestDigestAccessAndWhatIsNew(t *testing.T) {
	ctx := context.Background()
	e := newDigestEnv(t)
	if _, err := e.au.AddOrganisation(ctx, auth.System, "Northshire LSCP", "2099-03-31"); err != nil {
		t.Fatal(err)
	}
	member := e.user(t, "member@example.org", catalog.RoleMember, "2099-01-01", "")
	lapsed := e.user(t, "lapsed@example.org", catalog.RoleMember, "2020-01-01", "")
	orgMember := e.user(t, "org@example.org", catalog.RoleMember, "", "Northshire LSCP")
	staff := e.user(t, "staff@example.org", catalog.RoleStaff, "", "")
	quiet := e.user(t, "quiet@example.org", catalog.RoleMember, "2099-01-01", "")
	for _, u := range []*catalog.User{member, lapsed, orgMember, staff} {
		e.alert(t, u, "q=neglect", catalog.Daily)
		e.alert(t, u, "theme=neglect", catalog.Daily) // the same items: each goes once in an email
	}
	e.alert(t, quiet, "q=zebras", catalog.Daily)
	e.alert(t, member, "q=neglect", catalog.Weekly) // another cadence: not in the daily email

	if _, err := e.l.Upsert(ctx, []*catalog.Resource{
		{ID: "pub-neglect", Title: "Neglect in adolescence", Publisher: "Ofsted", Type: "report", Published: "2024-03-12",
			Themes: []string{"neglect"}, Summary: "Public summary about neglect.", Body: "Page one.\n\nNeglect of teenagers.",
			Pages: []string{"Page one.", "Neglect of teenagers."}, Access: catalog.Public, Source: "curated"},
		{ID: "members-neglect", Title: "Neglect funding briefing", Publisher: "The association", Type: "briefing", Published: "2024-05",
			Themes: []string{"neglect"}, Summary: "Zanzibarian summary on neglect.", Body: "The quuxification of neglect work.",
			Access: catalog.Members, Source: "curated"},
		{ID: "other", Title: "Sport contacts", Type: "listing", Body: "Football.", Source: "curated"},
	}); err != nil {
		t.Fatal(err)
	}

	sum := e.run(t, catalog.Daily)
	if *sum != (DigestSummary{Job: "digest-daily", Members: 5, Emails: 4, Items: 8, Skipped: 1}) {
		t.Fatalf("summary %+v", sum)
	}
	if b, _ := json.Marshal(sum); string(b) != `{"job":"digest-daily","members":5,"emails":4,"items":8,"skipped":1}` {
		t.Fatalf("summary JSON %s", b)
	}
	got := e.digests(t)
	if len(got) != 4 || len(got["quiet@example.org"]) != 0 {
		t.Fatalf("digests to %v", keys(got))
	}
	for _, tc := range []struct {
		to   string
		full bool
	}{{"member@example.org", true}, {"org@example.org", true}, {"staff@example.org", true}, {"lapsed@example.org", false}} {
		ms := got[tc.to]
		if len(ms) != 1 {
			t.Fatalf("%s: %d digests", tc.to, len(ms))
		}
		m := ms[0]
		both := m.Text + m.HTML
		for _, want := range []string{"Neglect in adolescence", "Neglect funding briefing", "http://127.0.0.1:1/resources/pub-neglect",
			"Public summary about neglect.", "(new)", "p. 2", "/mail/unsubscribe?token=", "/mail/pause?token=", "/mail/change?token=",
			"/mail/manage?token=", "Unsubscribe from everything"} {
			if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, strings.ReplaceAll(want, "&", "&amp;")) {
				t.Errorf("%s: digest lacks %q in both parts", tc.to, want)
			}
		}
		if strings.Count(m.Text, "* Neglect in adolescence") != 1 {
			t.Errorf("%s: an item is in the email more than once:\n%s", tc.to, m.Text)
		}
		if m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" || !strings.HasPrefix(m.Headers["List-Unsubscribe"], "<http://127.0.0.1:1/mail/unsubscribe?token=d") {
			t.Errorf("%s: headers %v", tc.to, m.Headers)
		}
		for _, w := range strings.Fields(secretWords) {
			if tc.full != strings.Contains(both, w) {
				t.Errorf("%s: members-only word %q shown = %v, want %v", tc.to, w, !tc.full, tc.full)
			}
		}
		if tc.full == strings.Contains(both, "Members only") {
			t.Errorf("%s: teaser label wrong:\n%s", tc.to, m.Text)
		}
		if !tc.full && !strings.Contains(both, "membership of the association ended on 1 January 2020") {
			t.Errorf("%s: no renewal line:\n%s", tc.to, m.Text)
		}
	}

	// A second run now (a restart, or by hand) sends nothing: not due.
	if s := e.run(t, catalog.Daily); s.Emails != 0 || s.Skipped != 5 {
		t.Fatalf("second run: %+v", s)
	}
	// Tomorrow: metadata edits, link checks and a recrawl with the same
	// text trigger nothing.
	e.later(24 * time.Hour)
	v, err := e.l.Resource(ctx, catalog.System, "pub-neglect")
	if err != nil {
		t.Fatal(err)
	}
	r := *v.Resource
	r.Title, r.Summary = "Neglect in adolescence (revised title)", "A new summary about neglect."
	if _, err := e.l.Upsert(ctx, []*catalog.Resource{&r}); err != nil {
		t.Fatal(err)
	}
	if s := e.run(t, catalog.Daily); s.Emails != 0 {
		t.Fatalf("a metadata edit sent %+v", s)
	}
	// A new version (new text) is news, once.
	e.later(24 * time.Hour)
	r.Body, r.Pages = "Page one.\n\nNeglect of teenagers, revised with new figures for 2025.", []string{"Page one.", "Neglect of teenagers, revised with new figures for 2025."}
	if _, err := e.l.Upsert(ctx, []*catalog.Resource{&r}); err != nil {
		t.Fatal(err)
	}
	if s := e.run(t, catalog.Daily); s.Emails != 4 || s.Items != 4 {
		t.Fatalf("new version: %+v", s)
	}
	got = e.digests(t)
	if m := got["member@example.org"][0]; !strings.Contains(m.Text, "(new version)") || strings.Contains(m.Text, "funding briefing") {
		t.Fatalf("new version digest:\n%s", m.Text)
	}
	e.later(24 * time.Hour)
	if s := e.run(t, catalog.Daily); s.Emails != 0 {
		t.Fatalf("the new version went twice: %+v", s)
	}
	// The weekly alert, on its day, has everything once (its own first email).
	e.later(7 * 24 * time.Hour)
	if s := e.run(t, catalog.Weekly); s.Emails != 0 {
		t.Fatalf("weekly: everything it matches was already sent to this member: %+v", s)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// At most 25 items an alert, then "see all N" linking to its search.
func TestDigestSeeAll(t *testing.T) {
	ctx := context.Background()
	e := newDigestEnv(t)
	u := e.user(t, "member@example.org", catalog.RoleMember, "2099-01-01", "")
	e.alert(t, u, "q=neglect&type=report", catalog.Daily)
	var rs []*catalog.Resource
	for i := range 30 {
		rs = append(rs, &catalog.Resource{ID: fmt.Sprintf("r%02d", i), Title: fmt.Sprintf("Neglect report %d", i), Type: "report",
			Published: catalog.Date(fmt.Sprintf("2024-01-%02d", i%28+1)), Body: "neglect", Source: "curated"})
	}
	if _, err := e.l.Upsert(ctx, rs); err != nil {
		t.Fatal(err)
	}
	if s := e.run(t, catalog.Daily); s.Items != 25 || s.Emails != 1 {
		t.Fatalf("summary %+v", s)
	}
	m := e.digests(t)["member@example.org"][0]
	if strings.Count(m.Text, "\n* ") != 25 || !strings.Contains(m.Text, "See all 30: http://127.0.0.1:1/search?q=neglect&type=report") ||
		!strings.Contains(m.HTML, `<a href="http://127.0.0.1:1/search?q=neglect&amp;type=report">See all 30</a>`) {
		t.Fatalf("digest:\n%s", m.Text)
	}
}

// The sender's second look: a membership that lapsed, or an item
// withdrawn, since the digest was built makes it rebuilt without them.
func TestDigestRecheckedWhenSent(t *testing.T) {
	ctx := context.Background()
	e := newDigestEnv(t)
	u := e.user(t, "member@example.org", catalog.RoleMember, "2099-01-01", "")
	e.alert(t, u, "q=neglect", catalog.Daily)
	if _, err := e.l.Upsert(ctx, []*catalog.Resource{
		{ID: "pub", Title: "Neglect report", Type: "report", Body: "neglect", Source: "curated"},
		{ID: "gone-soon", Title: "Neglect note", Type: "article", Body: "neglect", Source: "curated"},
		{ID: "secret", Title: "Neglect briefing", Type: "briefing", Summary: "Zanzibarian neglect summary", Body: "quuxification neglect",
			Access: catalog.Members, Source: "curated"},
	}); err != nil {
		t.Fatal(err)
	}
	e.run(t, catalog.Daily)
	ms, err := e.l.st.ClaimMail(ctx, time.Now().Add(time.Hour), 10)
	if err != nil || len(ms) != 1 {
		t.Fatalf("claimed %d, %v", len(ms), err)
	}
	m := ms[0]
	if same, _, err := e.checker.Recheck(ctx, m); err != nil || same != m {
		t.Fatalf("nothing changed, yet the message was not kept as built: %v", err)
	}
	// Lapse the membership and withdraw an item.
	u.Expires = "2020-01-01"
	if err := e.l.st.UpdateUser(ctx, u, time.Now()); err != nil {
		t.Fatal(err)
	}
	v, _ := e.l.Resource(ctx, catalog.System, "gone-soon")
	if _, err := e.l.Withdraw(ctx, catalog.System, "gone-soon", v.Resource.Version, "test"); err != nil {
		t.Fatal(err)
	}
	nm, reason, err := e.checker.Recheck(ctx, m)
	if err != nil || nm == nil {
		t.Fatalf("recheck: %v %q", err, reason)
	}
	if nm.MessageID != m.MessageID || nm.ID != m.ID {
		t.Fatal("the rebuilt message is another message")
	}
	both := nm.Text + nm.HTML
	for _, w := range append(strings.Fields(secretWords), "Neglect note") {
		if strings.Contains(both, w) {
			t.Errorf("rebuilt digest still holds %q:\n%s", w, nm.Text)
		}
	}
	if !strings.Contains(both, "Neglect briefing") || !strings.Contains(both, "Members only") || !strings.Contains(both, "Neglect report") {
		t.Errorf("rebuilt digest:\n%s", nm.Text)
	}
	// Disabled: not sent at all.
	u.Disabled = true
	if err := e.l.st.UpdateUser(ctx, u, time.Now()); err != nil {
		t.Fatal(err)
	}
	if nm, reason, err := e.checker.Recheck(ctx, m); err != nil || nm != nil || reason == "" {
		t.Fatalf("disabled account: %v %q %v", nm, reason, err)
	}
}

func TestDefaultSlot(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	for _, tc := range []struct{ cadence, day, now, want string }{
		{catalog.Daily, "", "2026-12-02T08:00:00Z", "2026-12-02T07:00:00Z"},
		{catalog.Daily, "", "2026-12-02T06:00:00Z", "2026-12-01T07:00:00Z"},
		{catalog.Weekly, "wednesday", "2026-12-02T08:00:00Z", "2026-12-02T07:00:00Z"}, // a Wednesday
		{catalog.Weekly, "monday", "2026-12-02T08:00:00Z", "2026-11-30T07:00:00Z"},
		{catalog.Weekly, "wednesday", "2026-12-02T06:59:00Z", "2026-11-25T07:00:00Z"},
		{catalog.Monthly, "", "2026-12-02T08:00:00Z", "2026-12-01T07:00:00Z"},
		{catalog.Monthly, "", "2026-12-01T06:00:00Z", "2026-11-01T07:00:00Z"},
		{catalog.Daily, "", "2026-06-02T08:00:00Z", "2026-06-02T06:00:00Z"}, // BST
	} {
		if got := DefaultSlot(tc.cadence, tc.day, at(tc.now), 7, london).UTC().Format(time.RFC3339); got != tc.want {
			t.Errorf("%s %s at %s: %s, want %s", tc.cadence, tc.day, tc.now, got, tc.want)
		}
	}
}

// An alert on one item ("Tell me about new versions": search id=ID)
// hears of that item's new versions only.
func TestDigestOneItem(t *testing.T) {
	ctx := context.Background()
	e := newDigestEnv(t)
	if _, err := e.l.Upsert(ctx, []*catalog.Resource{
		{ID: "watched", Title: "Threshold document", Type: "guidance", Body: "Version one of the thresholds.", Source: "curated"},
	}); err != nil {
		t.Fatal(err)
	}
	u := e.user(t, "member@example.org", catalog.RoleMember, "2099-01-01", "")
	e.alert(t, u, "id=watched", catalog.Daily)
	if _, err := e.l.Upsert(ctx, []*catalog.Resource{{ID: "other", Title: "Another threshold document", Type: "guidance", Body: "Thresholds.", Source: "curated"}}); err != nil {
		t.Fatal(err)
	}
	if s := e.run(t, catalog.Daily); s.Emails != 0 {
		t.Fatalf("another new item was sent: %+v", s)
	}
	v, _ := e.l.Resource(ctx, catalog.System, "watched")
	r := *v.Resource
	r.Body = "Version two of the thresholds, with a new section on early help."
	if _, err := e.l.Upsert(ctx, []*catalog.Resource{&r}); err != nil {
		t.Fatal(err)
	}
	if s := e.run(t, catalog.Daily); s.Emails != 1 || s.Items != 1 {
		t.Fatalf("new version: %+v", s)
	}
	m := e.digests(t)["member@example.org"][0]
	if !strings.Contains(m.Text, "* Threshold document (new version)") || !strings.Contains(m.Text, "New versions of “Threshold document”") ||
		strings.Contains(m.Text, "Another threshold") {
		t.Fatalf("digest:\n%s", m.Text)
	}
}
