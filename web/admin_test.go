package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"safelib/internal/catalog"

	"safelib/internal/auth"
)

func TestAdminPagesByRole(t *testing.T) {
	e := newAuthEnv(t)
	member, staff, admin := e.session(t, memberEmail), e.session(t, staffEmail), e.session(t, adminEmail)
	for _, target := range []string{"/admin/people", "/admin/people/1", "/admin/organisations", "/admin/audit"} {
		w := e.get(t, target)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next="+url.QueryEscape(target) {
			t.Errorf("anonymous %s: %d to %q", target, w.Code, w.Header().Get("Location"))
		}
		if w := e.getAs(t, withSession(member), target); w.Code != http.StatusForbidden {
			t.Errorf("member %s: %d", target, w.Code)
		}
		want := http.StatusOK
		if target == "/admin/audit" {
			want = http.StatusForbidden
		}
		w = e.getAs(t, withSession(staff), target)
		if w.Code != want {
			t.Errorf("staff %s: %d, want %d", target, w.Code, want)
		}
		if w := e.getAs(t, withSession(admin), target); w.Code != http.StatusOK {
			t.Errorf("admin %s: %d", target, w.Code)
		}
	}
	// Staff see people, with the lapsing filter, but no forms to change them.
	body := e.getAs(t, withSession(staff), "/admin/people?show=lapsing").Body.String()
	mustContain(t, body, lapsingEmail)
	for _, s := range []string{memberEmail, lapsedEmail, adminEmail, `method="post" action="/admin/people"`} {
		mustNotContain(t, body, s)
	}
	mustContain(t, e.getAs(t, withSession(staff), "/admin/people?show=lapsed").Body.String(), lapsedEmail)
	// Nor can they post to them.
	w := e.postForm(t, withSession(staff), "/admin/people", url.Values{"csrf_token": {csrfToken(staff)},
		"email": {"new@example.org"}, "role": {"admin"}})
	if w.Code != http.StatusForbidden {
		t.Errorf("staff adds a person: %d", w.Code)
	}
	checkPageHeaders(t, w)
}

var resetLinkRE = regexp.MustCompile(`http://127\.0\.0\.1:8080(/reset\?token=[A-Za-z0-9_-]{43})`)

// TestAdminAddsPersonWhoSetsPassword: an admin adds a member; the one-time
// link lets them choose a password once; they sign in with it.
func TestAdminAddsPersonWhoSetsPassword(t *testing.T) {
	e := newAuthEnv(t)
	admin := e.session(t, adminEmail)
	ctx := context.Background()
	if _, err := e.auth.AddOrganisation(ctx, auth.System, "Northshire LSCP", "2027-04-30"); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"csrf_token": {csrfToken(admin)}, "email": {"New@Example.org"}, "name": {"Nia New"},
		"role": {"member"}, "org": {"Northshire LSCP"}}
	w := e.postForm(t, withSession(admin), "/admin/people", form)
	if w.Code != http.StatusOK {
		t.Fatalf("add: %d %s", w.Code, w.Body)
	}
	m := resetLinkRE.FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatalf("no reset link in %s", w.Body)
	}
	if w.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("Referrer-Policy %q", w.Header().Get("Referrer-Policy"))
	}
	// The same email again: 409, the form keeps what was typed.
	w = e.postForm(t, withSession(admin), "/admin/people", form)
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), `value="new@example.org"`) && !strings.Contains(w.Body.String(), `value="New@Example.org"`) {
		t.Errorf("duplicate: %d", w.Code)
	}

	// The person follows the link.
	w = e.get(t, m[1])
	if w.Code != http.StatusOK || w.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("reset page: %d", w.Code)
	}
	ck := cookie(w, preCSRFCookie)
	tok := csrfOf(t, w.Body.String())
	token := strings.TrimPrefix(m[1], "/reset?token=")
	w = e.postForm(t, anonymous, "/reset", url.Values{"csrf_token": {tok}, "token": {token}, "password": {"short"}, "confirm": {"short"}}, ck)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "at least 10") {
		t.Errorf("short password: %d", w.Code)
	}
	w = e.postForm(t, anonymous, "/reset", url.Values{"csrf_token": {tok}, "token": {token}, "password": {"a new long password"}, "confirm": {"a new long password"}}, ck)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" {
		t.Fatalf("reset: %d %s", w.Code, w.Body)
	}
	// Once only.
	if w := e.get(t, m[1]); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "expired or has already been used") {
		t.Errorf("link reused: %d", w.Code)
	}
	res, err := e.auth.Login(ctx, "new@example.org", "a new long password", auth.Client{})
	if err != nil || !res.Identity.Reader.Members {
		t.Fatalf("sign in with the new password: %v", err)
	}
}

func TestAdminChangesPerson(t *testing.T) {
	e := newAuthEnv(t)
	ctx := context.Background()
	admin := e.session(t, adminEmail)
	victim := e.session(t, memberEmail)
	u, err := e.st.UserByEmail(ctx, memberEmail)
	if err != nil {
		t.Fatal(err)
	}
	page := "/admin/people/" + itoa(u.ID)
	mustContain(t, e.getAs(t, withSession(admin), page).Body.String(), "Sign out everywhere")

	// Role and end date.
	w := e.postForm(t, withSession(admin), page, url.Values{"csrf_token": {csrfToken(admin)}, "role": {"staff"}, "expires": {"2026-04-01"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("change: %d %s", w.Code, w.Body)
	}
	got, _ := e.st.UserByEmail(ctx, memberEmail)
	if got.Role != "staff" || got.Expires != "2026-04-01" {
		t.Fatalf("%+v", got)
	}
	log, _ := e.st.ListAudit(ctx, catalog.AuditFilter{Action: "user.role"})
	if len(log) != 1 || log[0].Actor != adminEmail || log[0].Target != memberEmail || log[0].Details["to"] != "staff" {
		t.Errorf("audit %+v", log)
	}
	body := e.getAs(t, withSession(admin), "/admin/audit?action=user.").Body.String()
	mustContain(t, body, "user.role")
	mustContain(t, body, "user.expires")

	// A bad date is refused with the reason.
	w = e.postForm(t, withSession(admin), page, url.Values{"csrf_token": {csrfToken(admin)}, "role": {"staff"}, "expires": {"30/04/2027"}})
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "YYYY-MM-DD") {
		t.Errorf("bad date: %d", w.Code)
	}

	// Disabling ends their session at once.
	w = e.postForm(t, withSession(admin), page, url.Values{"csrf_token": {csrfToken(admin)}, "role": {"staff"}, "disabled": {"on"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d", w.Code)
	}
	if body := e.getAs(t, withSession(victim), "/resources/"+membersID).Body.String(); strings.Contains(body, secretWord) {
		t.Error("a disabled person still reads members-only text")
	}

	// Ending sessions.
	other := e.session(t, staffEmail)
	s, _ := e.st.UserByEmail(ctx, staffEmail)
	w = e.postForm(t, withSession(admin), "/admin/people/"+itoa(s.ID)+"/sessions", url.Values{"csrf_token": {csrfToken(admin)}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("end sessions: %d", w.Code)
	}
	if _, err := e.auth.Session(ctx, other); err == nil {
		t.Error("session survived")
	}
	// The last admin can't demote themselves.
	me, _ := e.st.UserByEmail(ctx, adminEmail)
	w = e.postForm(t, withSession(admin), "/admin/people/"+itoa(me.ID), url.Values{"csrf_token": {csrfToken(admin)}, "role": {"member"}})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "last admin") {
		t.Errorf("demote last admin: %d", w.Code)
	}
	// Revoking a token from the person page.
	raw := e.token(t, staffEmail)
	ts, _ := e.st.ListAPITokens(ctx, s.ID)
	w = e.postForm(t, withSession(admin), "/admin/tokens/"+itoa(ts[0].ID)+"/revoke", url.Values{"csrf_token": {csrfToken(admin)}, "person": {itoa(s.ID)}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/people/"+itoa(s.ID) {
		t.Fatalf("revoke: %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := e.getAs(t, withBearer(raw), "/api/v1/search"); w.Code != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", w.Code)
	}
}

func TestAdminOrganisations(t *testing.T) {
	e := newAuthEnv(t)
	admin := e.session(t, adminEmail)
	w := e.postForm(t, withSession(admin), "/admin/organisations", url.Values{"csrf_token": {csrfToken(admin)}, "name": {"Southshire LSCP"}, "expires": {"2026-04-30"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("add: %d %s", w.Code, w.Body)
	}
	w = e.postForm(t, withSession(admin), "/admin/organisations/expires", url.Values{"csrf_token": {csrfToken(admin)}, "name": {"Southshire LSCP"}, "expires": {"2027-04-30"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("set: %d", w.Code)
	}
	body := e.getAs(t, withSession(admin), "/admin/organisations").Body.String()
	mustContain(t, body, "30 April 2027")
	w = e.postForm(t, withSession(admin), "/admin/organisations", url.Values{"csrf_token": {csrfToken(admin)}, "name": {"southshire lscp"}})
	if w.Code != http.StatusConflict {
		t.Errorf("duplicate: %d", w.Code)
	}
}

func TestChangeOwnPassword(t *testing.T) {
	e := newAuthEnv(t)
	sess, other := e.session(t, memberEmail), e.session(t, memberEmail)
	if w := e.get(t, "/account/password"); w.Code != http.StatusSeeOther {
		t.Errorf("anonymous: %d", w.Code)
	}
	page := e.getAs(t, withSession(sess), "/account/password")
	if page.Code != http.StatusOK {
		t.Fatalf("page: %d", page.Code)
	}
	post := func(current, next, confirm string) int {
		return e.postForm(t, withSession(sess), "/account/password", url.Values{"csrf_token": {csrfToken(sess)},
			"current": {current}, "password": {next}, "confirm": {confirm}}).Code
	}
	if c := post("wrong password!", "a fresh long password", "a fresh long password"); c != http.StatusBadRequest {
		t.Errorf("wrong current: %d", c)
	}
	if c := post(testPassword, "a fresh long password", "different"); c != http.StatusBadRequest {
		t.Errorf("mismatch: %d", c)
	}
	if c := post(testPassword, "a fresh long password", "a fresh long password"); c != http.StatusSeeOther {
		t.Fatalf("change: %d", c)
	}
	ctx := context.Background()
	if _, err := e.auth.Session(ctx, sess); err != nil {
		t.Error("own session ended")
	}
	if _, err := e.auth.Session(ctx, other); err == nil {
		t.Error("other session kept")
	}
	if _, err := e.auth.Login(ctx, memberEmail, "a fresh long password", auth.Client{}); err != nil {
		t.Error(err)
	}
}
