package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// Every kind of error has its own type URI, which is a page saying what
// it means; title, status and detail stay.
func TestProblemTypes(t *testing.T) {
	e := newAuthEnv(t)
	for _, tc := range []struct {
		who    as
		method string
		target string
		body   string
		status int
		slug   string
	}{
		{anonymous, http.MethodGet, "/api/v1/search?page=0", "", 400, "invalid"},
		{anonymous, http.MethodGet, "/api/v1/resources/nope", "", 404, "not-found"},
		{anonymous, http.MethodPost, "/api/v1/search", "", 405, "method-not-allowed"},
		{anonymous, http.MethodGet, "/api/v1/alerts", "", 401, "unauthorized"},
		{withBearer(e.token(t, memberEmail)), http.MethodPost, "/api/v1/resources", `{"title": "x"}`, 403, "forbidden"},
		{withBearer(e.token(t, staffEmail)), http.MethodPatch, "/api/v1/resources/pdf-neglect-review-2022", `{"title": "x"}`, 428, "version-required"},
		{withBearer(e.token(t, memberEmail)), http.MethodPost, "/api/v1/lists", `name=x`, 415, "unsupported-media-type"},
		{anonymous, http.MethodGet, "/api/v1/search?q=" + strings.Repeat("a", 9000), "", 414, "query-too-long"},
	} {
		req := newRequest(tc.method, tc.target, tc.body)
		if strings.HasPrefix(tc.body, "{") {
			req.Header.Set("Content-Type", "application/json")
		} else if tc.body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		tc.who(req)
		w := e.do(t, req)
		if w.Code != tc.status {
			t.Errorf("%s %.60s: %d, want %d: %s", tc.method, tc.target, w.Code, tc.status, w.Body)
			continue
		}
		var p problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatalf("%s %.60s: %v", tc.method, tc.target, err)
		}
		want := "http://example.com/problems/" + tc.slug
		if p.Type != want || p.Status != tc.status || p.Title != http.StatusText(tc.status) || p.Detail == "" {
			t.Errorf("%s %.60s: %+v, want type %s", tc.method, tc.target, p, want)
		}
		// The type resolves to a page about that kind.
		u, _ := url.Parse(p.Type)
		page := e.get(t, u.Path)
		if page.Code != http.StatusOK {
			t.Errorf("%s: %d", u.Path, page.Code)
			continue
		}
		mustContain(t, page.Body.String(), `id="`+tc.slug+`"`)
		mustContain(t, page.Body.String(), strconv.Itoa(tc.status)+" "+http.StatusText(tc.status))
	}
	if w := e.get(t, "/problems/no-such-kind"); w.Code != http.StatusNotFound {
		t.Errorf("an unknown kind: %d", w.Code)
	}
	all := e.get(t, "/problems").Body.String()
	for _, k := range problemKinds {
		mustContain(t, all, `id="`+k.Slug+`"`)
	}
}

// Every error status the API description names is a kind with a page.
func TestEveryDocumentedErrorHasAKind(t *testing.T) {
	c := contract(t)
	for path, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code := range op.Responses.Map() {
				n, err := strconv.Atoi(code)
				if err != nil || n < 400 {
					continue
				}
				if _, ok := problemByStatus[n]; !ok {
					t.Errorf("%s %s answers %d, which has no kind in errors.go", method, path, n)
				}
			}
		}
	}
}

func newRequest(method, target, body string) *http.Request {
	var r *http.Request
	if body == "" {
		r, _ = http.NewRequest(method, "http://example.com"+target, nil)
	} else {
		r, _ = http.NewRequest(method, "http://example.com"+target, strings.NewReader(body))
	}
	r.RemoteAddr = "192.0.2.1:1234"
	r.RequestURI = target
	return r
}
