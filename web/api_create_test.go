package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"safelib/internal/catalog"
)

const newResourceJSON = `{"title": "Members' analysis of Ofsted inspections 2025", "url": "https://example.org/ofsted-2025",
 "publisher": "Association of Independent LSCP Chairs", "type": "research", "themes": ["neglect"],
 "published": "2025-02", "access": "members", "summary": "What inspections found.",
 "body": "The analysis mentions glorptastic findings.", "teaser": false, "highlights": {}, "created": "2025-01-01T00:00:00Z"}`

func (e *authEnv) postJSON(t *testing.T, who as, body string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/resources", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	who(req)
	return e.do(t, req)
}

func TestAPICreateResource(t *testing.T) {
	e := newAuthEnv(t)
	member := e.session(t, memberEmail)
	staff := e.session(t, staffEmail)
	staffToken := e.token(t, staffEmail)
	revoked, tok, _ := e.auth.CreateToken(context.Background(), e.systemActor(), staffEmail, "")
	if err := e.auth.RevokeToken(context.Background(), e.systemActor(), tok.ID); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		who    as
		body   string
		header map[string]string
		status int
	}{
		{"anonymous", anonymous, newResourceJSON, nil, http.StatusUnauthorized},
		{"revoked token", withBearer(revoked), newResourceJSON, nil, http.StatusUnauthorized},
		{"member token", withBearer(e.token(t, memberEmail)), newResourceJSON, nil, http.StatusForbidden},
		{"member session", withSession(member), newResourceJSON, map[string]string{"X-CSRF-Token": csrfToken(member)}, http.StatusForbidden},
		{"lapsed member token", withBearer(e.token(t, lapsedEmail)), newResourceJSON, nil, http.StatusForbidden},
		{"staff session without CSRF header", withSession(staff), newResourceJSON, nil, http.StatusForbidden},
		{"staff token, not JSON", withBearer(staffToken), "title=x", map[string]string{"Content-Type": "text/plain"}, http.StatusUnsupportedMediaType},
		{"staff token, broken JSON", withBearer(staffToken), `{"title":`, nil, http.StatusBadRequest},
		{"staff token, unknown field", withBearer(staffToken), `{"title": "x", "type": "report", "colour": "red"}`, nil, http.StatusBadRequest},
		{"staff token, invalid resource", withBearer(staffToken), `{"title": "x", "type": "poem"}`, nil, http.StatusBadRequest},
		{"staff token, two values", withBearer(staffToken), `{"title": "x", "type": "report"} {}`, nil, http.StatusBadRequest},
		{"staff token", withBearer(staffToken), newResourceJSON, nil, http.StatusCreated},
		{"staff token, same URL again", withBearer(staffToken), newResourceJSON, nil, http.StatusConflict},
		{"staff session with CSRF header", withSession(staff), strings.Replace(newResourceJSON, "ofsted-2025", "ofsted-2025-b", 1),
			map[string]string{"X-CSRF-Token": csrfToken(staff)}, http.StatusCreated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := e.postJSON(t, tc.who, tc.body, tc.header)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if tc.status == http.StatusUnauthorized && !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("no Bearer challenge")
			}
			if tc.status != http.StatusCreated {
				return
			}
			r := decode[map[string]any](t, w.Body)
			id, _ := r["id"].(string)
			if id == "" || w.Header().Get("Location") != "/api/v1/resources/"+id {
				t.Fatalf("answer %v, Location %q", r, w.Header().Get("Location"))
			}
		})
	}
	// The new members-only item is searchable at once, by members only.
	if r := decode[searchJSON](t, e.getAs(t, withSession(member), "/api/v1/search?q=glorptastic").Body); r.Total != 2 {
		t.Errorf("member finds %d new items", r.Total)
	}
	if r := decode[searchJSON](t, e.get(t, "/api/v1/search?q=glorptastic").Body); r.Total != 0 {
		t.Errorf("anonymous finds %d new items by their members-only body", r.Total)
	}
	log, _ := e.st.ListAudit(context.Background(), catalog.AuditFilter{Action: "resource.create"})
	if len(log) != 2 || log[0].Actor != staffEmail {
		t.Errorf("audit %+v", log)
	}
}
