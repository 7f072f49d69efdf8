package web

import (
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// sendJSON sends body as JSON with method to target, as who.
func (e *authEnv) sendJSON(t testing.TB, who as, method, target, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	who(req)
	return e.do(t, req)
}

type listJSON struct {
	ID       string           `json:"id"`
	Name     string           `json:"name"`
	Note     string           `json:"note"`
	Items    []map[string]any `json:"items"`
	Shared   bool             `json:"shared"`
	ShareURL string           `json:"share_url"`
}

// sharedList makes a list of the member's holding the members-only
// fixture and a public one, shares it, and returns its id and share path.
func sharedList(t *testing.T, e *authEnv) (id, sharePath string) {
	t.Helper()
	owner := withBearer(e.token(t, memberEmail))
	w := e.sendJSON(t, owner, http.MethodPost, "/api/v1/lists", `{"name": "Board paper", "note": "For the June meeting"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	id = decode[listJSON](t, w.Body).ID
	for _, rid := range []string{membersID, pdfID} {
		if w := e.sendJSON(t, owner, http.MethodPost, "/api/v1/lists/"+id+"/items", `{"id": "`+rid+`", "note": "note on `+rid+`"}`); w.Code != http.StatusCreated {
			t.Fatalf("add %s: %d %s", rid, w.Code, w.Body)
		}
	}
	w = e.sendJSON(t, owner, http.MethodPatch, "/api/v1/lists/"+id, `{"shared": true}`)
	l := decode[listJSON](t, w.Body)
	u, err := url.Parse(l.ShareURL)
	if err != nil || !l.Shared || !strings.HasPrefix(u.Path, "/lists/shared/") || len(u.Path) < len("/lists/shared/")+30 {
		t.Fatalf("share: %d %+v", w.Code, l)
	}
	return id, u.Path
}

// TestReadingListsAPI: the contracts, owner only; anyone else's list is
// missing; sharing and unsharing.
func TestReadingListsAPI(t *testing.T) {
	e := newAuthEnv(t)
	owner := withBearer(e.token(t, memberEmail))
	other := withBearer(e.token(t, lapsingEmail))

	w := e.sendJSON(t, owner, http.MethodPost, "/api/v1/lists", `{"name": "Board paper", "note": "For June"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	raw := decode[map[string]any](t, strings.NewReader(w.Body.String()))
	if items, ok := raw["items"].([]any); !ok || len(items) != 0 || raw["shared"] != false || raw["name"] != "Board paper" || raw["note"] != "For June" || raw["id"] == "" {
		t.Fatalf("create answered %v", raw)
	}
	id := raw["id"].(string)
	base := "/api/v1/lists/" + id
	for _, rid := range []string{membersID, xssID, pdfID} {
		if w := e.sendJSON(t, owner, http.MethodPost, base+"/items", `{"id": "`+rid+`", "note": "n-`+rid+`"}`); w.Code != http.StatusCreated {
			t.Fatalf("add %s: %d %s", rid, w.Code, w.Body)
		}
	}
	l := decode[listJSON](t, e.sendJSON(t, owner, http.MethodGet, base, "").Body)
	var got []string
	for _, it := range l.Items {
		got = append(got, it["id"].(string))
		if it["note"] != "n-"+it["id"].(string) {
			t.Errorf("note %v", it["note"])
		}
	}
	if !slices.Equal(got, []string{membersID, xssID, pdfID}) {
		t.Errorf("items %v", got)
	}

	// Anyone else: 404 on every path, 401 without credentials.
	for _, m := range []struct{ method, target, body string }{
		{http.MethodGet, base, ""}, {http.MethodPatch, base, `{"name": "x"}`}, {http.MethodDelete, base, ""},
		{http.MethodPost, base + "/items", `{"id": "` + xssID + `"}`}, {http.MethodDelete, base + "/items/" + xssID, ""},
	} {
		if w := e.sendJSON(t, other, m.method, m.target, m.body); w.Code != http.StatusNotFound {
			t.Errorf("another member %s %s: %d", m.method, m.target, w.Code)
		}
		if w := e.sendJSON(t, anonymous, m.method, m.target, m.body); w.Code != http.StatusUnauthorized && w.Code != http.StatusForbidden {
			t.Errorf("anonymous %s %s: %d", m.method, m.target, w.Code)
		}
	}
	if ls := decode[map[string][]listJSON](t, e.sendJSON(t, other, http.MethodGet, "/api/v1/lists", "").Body); len(ls["lists"]) != 0 {
		t.Errorf("another member sees lists %v", ls)
	}
	if w := e.sendJSON(t, anonymous, http.MethodGet, "/api/v1/lists", ""); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous lists: %d", w.Code)
	}

	// Bad input.
	for _, b := range []struct {
		target, body string
		status       int
	}{
		{"/api/v1/lists", `{"name": ""}`, 400}, {"/api/v1/lists", `{"name": "a", "colour": "red"}`, 400},
		{"/api/v1/lists", `not json`, 400}, {base + "/items", `{"id": "no-such-resource"}`, 404},
	} {
		if w := e.sendJSON(t, owner, http.MethodPost, b.target, b.body); w.Code != b.status || w.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s: %d %s", b.target, b.body, w.Code, w.Header().Get("Content-Type"))
		}
	}

	// A session needs the CSRF token.
	sess := e.session(t, memberEmail)
	if w := e.sendJSON(t, withSession(sess), http.MethodPost, "/api/v1/lists", `{"name": "x"}`); w.Code != http.StatusForbidden {
		t.Errorf("session without CSRF token: %d", w.Code)
	}
	withCSRF := func(r *http.Request) { withSession(sess)(r); r.Header.Set("X-CSRF-Token", csrfToken(sess)) }
	if w := e.sendJSON(t, withCSRF, http.MethodPost, "/api/v1/lists", `{"name": "From the page"}`); w.Code != http.StatusCreated {
		t.Errorf("session with CSRF token: %d %s", w.Code, w.Body)
	}

	// Share, open signed out, unshare: the old address is gone.
	l = decode[listJSON](t, e.sendJSON(t, owner, http.MethodPatch, base, `{"shared": true}`).Body)
	u, _ := url.Parse(l.ShareURL)
	page := e.getAs(t, anonymous, u.Path)
	if page.Code != http.StatusOK {
		t.Fatalf("shared page: %d", page.Code)
	}
	mustContain(t, page.Body.String(), membersTitle) // a teaser
	mustNotContain(t, page.Body.String(), membersSummary)
	mustNotContain(t, page.Body.String(), `name="csrf_token"`) // no owner forms
	if l2 := decode[listJSON](t, e.sendJSON(t, owner, http.MethodPatch, base, `{"shared": true}`).Body); l2.ShareURL != l.ShareURL {
		t.Errorf("sharing again changed the address")
	}
	e.sendJSON(t, owner, http.MethodPatch, base, `{"shared": false}`)
	if w := e.getAs(t, anonymous, u.Path); w.Code != http.StatusNotFound {
		t.Errorf("unshared list's old address: %d", w.Code)
	}

	if w := e.sendJSON(t, owner, http.MethodDelete, base+"/items/"+xssID, ""); w.Code != http.StatusNoContent {
		t.Errorf("remove item: %d", w.Code)
	}
	if l := decode[listJSON](t, e.sendJSON(t, owner, http.MethodGet, base, "").Body); len(l.Items) != 2 {
		t.Errorf("after removal %d items", len(l.Items))
	}
	if w := e.sendJSON(t, owner, http.MethodDelete, base, ""); w.Code != http.StatusNoContent {
		t.Errorf("delete: %d", w.Code)
	}
	if w := e.sendJSON(t, owner, http.MethodGet, base, ""); w.Code != http.StatusNotFound {
		t.Errorf("deleted list: %d", w.Code)
	}
}

// TestReadingListPages: "Add to list" without JavaScript, a new list,
// ordering, notes and the CSV export.
func TestReadingListPages(t *testing.T) {
	e := newAuthEnv(t)
	sess := e.session(t, memberEmail)
	me := withSession(sess)
	body := e.getAs(t, me, "/search?q=neglect").Body.String()
	mustContain(t, body, `action="/lists/add"`)
	if strings.Contains(e.getAs(t, anonymous, "/search?q=neglect").Body.String(), `action="/lists/add"`) {
		t.Error("Add to list shown to the public")
	}
	post := func(target string, v url.Values) *httptest.ResponseRecorder {
		v.Set("csrf_token", csrfToken(sess))
		return e.postForm(t, me, target, v)
	}
	w := post("/lists/add", url.Values{"resource_id": {pdfID}, "list": {"new"}, "new_name": {"Neglect review"}, "next": {"/search?q=neglect"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/search?q=neglect" {
		t.Fatalf("add: %d %s", w.Code, w.Header().Get("Location"))
	}
	lists := decode[map[string][]listJSON](t, e.getAs(t, withBearer(e.token(t, memberEmail)), "/api/v1/lists").Body)["lists"]
	if len(lists) != 1 || lists[0].Name != "Neglect review" {
		t.Fatalf("lists %+v", lists)
	}
	id := lists[0].ID
	if w := post("/lists/add", url.Values{"resource_id": {xssID}, "list": {id}, "next": {"//evil.example/"}}); w.Header().Get("Location") != "/lists/"+id {
		t.Errorf("next to another site followed: %s", w.Header().Get("Location"))
	}
	post("/lists/"+id, url.Values{"action": {"down"}, "resource_id": {pdfID}})
	post("/lists/"+id, url.Values{"action": {"note"}, "resource_id": {pdfID}, "note": {"Read section 3"}})
	page := e.getAs(t, me, "/lists/"+id).Body.String()
	if i, j := strings.Index(page, "/resources/"+xssID), strings.Index(page, "/resources/"+pdfID); i < 0 || j < 0 || i > j {
		t.Errorf("order after moving down: %d %d", i, j)
	}
	mustContain(t, page, "Read section 3")
	w = e.getAs(t, me, "/lists/"+id+"/export.csv")
	rows, err := csv.NewReader(w.Body).ReadAll()
	if err != nil || len(rows) != 3 || rows[1][1] != xssID || rows[2][1] != pdfID || rows[2][11] != "Read section 3" {
		t.Errorf("CSV %v %v", rows, err)
	}
	if w := e.getAs(t, withSession(e.session(t, lapsingEmail)), "/lists/"+id); w.Code != http.StatusNotFound {
		t.Errorf("another member's view of the list page: %d", w.Code)
	}
	if w := post("/lists/"+id, url.Values{"action": {"delete"}}); w.Code != http.StatusSeeOther {
		t.Errorf("delete: %d", w.Code)
	}
}
