package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// jsonAs sends method target with a JSON body as who.
func (e *authEnv) jsonAs(t *testing.T, who as, method, target, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	who(req)
	return e.do(t, req)
}

func TestAlertsAPI(t *testing.T) {
	e := newAuthEnv(t)
	member, other := withBearer(e.token(t, memberEmail)), withBearer(e.token(t, lapsedEmail))
	if w := e.jsonAs(t, anonymous, "GET", "/api/v1/alerts", ""); w.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", w.Code)
	}
	w := e.jsonAs(t, member, "POST", "/api/v1/alerts", `{"search": "q=neglect&theme=early-help", "cadence": "weekly", "day": "monday"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	var a map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "search", "cadence", "day", "paused", "created"} {
		if _, ok := a[k]; !ok {
			t.Errorf("no %q in %s", k, w.Body)
		}
	}
	if a["search"] != "q=neglect&theme=early-help" || a["cadence"] != "weekly" || a["day"] != "monday" || a["paused"] != false {
		t.Fatalf("created %s", w.Body)
	}
	id := fmt.Sprintf("/api/v1/alerts/%d", int64(a["id"].(float64)))
	// Listed for the owner only.
	w = e.jsonAs(t, member, "GET", "/api/v1/alerts", "")
	var list struct{ Alerts []map[string]any }
	json.Unmarshal(w.Body.Bytes(), &list)
	if w.Code != 200 || len(list.Alerts) != 1 {
		t.Fatalf("list: %d %s", w.Code, w.Body)
	}
	w = e.jsonAs(t, other, "GET", "/api/v1/alerts", "")
	if !strings.Contains(w.Body.String(), `"alerts":[]`) {
		t.Fatalf("another's list: %s", w.Body)
	}
	// Another person's alert is not found, whatever they try.
	for _, m := range []string{"PATCH", "DELETE"} {
		if w := e.jsonAs(t, other, m, id, `{"paused": true}`); w.Code != http.StatusNotFound {
			t.Errorf("%s by another: %d", m, w.Code)
		}
	}
	w = e.jsonAs(t, member, "PATCH", id, `{"paused": true, "cadence": "daily"}`)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"paused":true`) || !strings.Contains(w.Body.String(), `"day":""`) {
		t.Fatalf("patch: %d %s", w.Code, w.Body)
	}
	// Bad input: 400 problem+json, nothing saved.
	for _, body := range []string{
		`{"search": "per_page=1000", "cadence": "daily"}`,
		`{"search": "colour=red", "cadence": "daily"}`,
		`{"search": "sort=sideways", "cadence": "daily"}`,
		`{"search": "q=a&q=b", "cadence": "daily"}`,
		`{"search": "q=neglect", "cadence": "hourly"}`,
		`{"search": "q=neglect", "cadence": "weekly", "day": "funday"}`,
		`{"search": "q=neglect"}`,
		`{"search": "q=neglect", "cadence": "daily", "colour": 1}`,
		`not json`,
	} {
		w := e.jsonAs(t, member, "POST", "/api/v1/alerts", body)
		if w.Code != http.StatusBadRequest || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: %d %s %s", body, w.Code, w.Header().Get("Content-Type"), w.Body)
		}
	}
	if w := e.jsonAs(t, member, "PATCH", id, `{"day": "someday"}`); w.Code != http.StatusBadRequest {
		t.Errorf("bad patch: %d", w.Code)
	}
	if w := e.jsonAs(t, member, "DELETE", id, ""); w.Code != http.StatusNoContent {
		t.Fatalf("delete: %d", w.Code)
	}
	if w := e.jsonAs(t, member, "DELETE", id, ""); w.Code != http.StatusNotFound {
		t.Fatalf("delete again: %d", w.Code)
	}
	// A session needs its CSRF token.
	sess := e.session(t, memberEmail)
	if w := e.jsonAs(t, withSession(sess), "POST", "/api/v1/alerts", `{"cadence": "monthly"}`); w.Code != http.StatusForbidden {
		t.Fatalf("session without CSRF: %d", w.Code)
	}
	w = e.jsonAs(t, func(r *http.Request) { withSession(sess)(r); r.Header.Set("X-CSRF-Token", csrfToken(sess)) },
		"POST", "/api/v1/alerts", `{"cadence": "monthly"}`)
	if w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), `"search":""`) {
		t.Fatalf("session with CSRF: %d %s", w.Code, w.Body)
	}
}

func TestAlertFromSearchPage(t *testing.T) {
	e := newAuthEnv(t)
	body := e.get(t, "/search?q=neglect&type=report").Body.String()
	mustContain(t, body, `href="/login?next=`)
	mustContain(t, body, "Get email alerts for this search")
	sess := e.session(t, memberEmail)
	body = e.getAs(t, withSession(sess), "/search?q=neglect&type=report").Body.String()
	mustContain(t, body, `action="/members/alerts"`)
	mustContain(t, body, `name="search" value="q=neglect&amp;type=report"`)
	w := e.postForm(t, withSession(sess), "/members/alerts", url.Values{"csrf_token": {csrfToken(sess)},
		"search": {"q=neglect&type=report"}, "cadence": {"weekly"}, "day": {"friday"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("subscribe: %d %s", w.Code, w.Body)
	}
	body = e.getAs(t, withSession(sess), "/members/account").Body.String()
	mustContain(t, body, "“neglect”, Type: Report")
	mustContain(t, body, "weekly (friday)")
}

func TestFollowTheme(t *testing.T) {
	e := newAuthEnv(t)
	mustContain(t, e.get(t, "/themes").Body.String(), `<a href="/login?next=%2Fthemes">Sign in</a> to follow a theme`)
	sess := e.session(t, memberEmail)
	body := e.getAs(t, withSession(sess), "/themes").Body.String()
	mustContain(t, body, `name="search" value="theme=neglect"`)
	mustContain(t, body, `aria-label="Follow this theme: Neglect">Follow this theme</button>`)
	w := e.postForm(t, withSession(sess), "/members/alerts", url.Values{"csrf_token": {csrfToken(sess)},
		"search": {"theme=neglect"}, "cadence": {"weekly"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("follow: %d", w.Code)
	}
	mustContain(t, e.getAs(t, withSession(sess), "/members/account").Body.String(), "Theme: Neglect")
}

// "Tell me about new versions" on a resource page: an alert on that one
// item (search id=ID).
func TestAlertOnOneItem(t *testing.T) {
	e := newAuthEnv(t)
	mustContain(t, e.get(t, "/resources/"+pdfID).Body.String(), `<a href="/login?next=%2Fresources%2F`+pdfID+`">Tell me about new versions</a>`)
	sess := e.session(t, memberEmail)
	body := e.getAs(t, withSession(sess), "/resources/"+pdfID).Body.String()
	mustContain(t, body, `name="search" value="id=`+pdfID+`"`)
	mustContain(t, body, `>Tell me about new versions</button>`)
	w := e.postForm(t, withSession(sess), "/members/alerts", url.Values{"csrf_token": {csrfToken(sess)},
		"search": {"id=" + pdfID}, "cadence": {"weekly"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("subscribe: %d %s", w.Code, w.Body)
	}
	mustContain(t, e.getAs(t, withSession(sess), "/members/account").Body.String(), "New versions of “")
	// Signed out, the search page's offer comes back to the search after signing in.
	mustContain(t, e.get(t, "/search?q=neglect&type=report").Body.String(), `<a href="/login?next=%2Fsearch%3Fq%3Dneglect%26type%3Dreport">Get email alerts`)
	// The search string takes ids like any search, checked the same way.
	if w := e.jsonAs(t, withBearer(e.token(t, memberEmail)), "POST", "/api/v1/alerts", `{"search": "id=../etc", "cadence": "daily"}`); w.Code != http.StatusBadRequest {
		t.Fatalf("bad id: %d %s", w.Code, w.Body)
	}
	if w := e.get(t, "/api/v1/search?id="+pdfID); w.Code != 200 || !strings.Contains(w.Body.String(), `"total":1`) {
		t.Fatalf("search by id: %d %s", w.Code, w.Body)
	}
}
