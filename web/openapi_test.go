package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// The API's description is checked three ways: the document is valid
// OpenAPI 3.1; every response of a described address (the API, /healthz,
// and the feeds, files and exports machines read) that any web test
// receives, errors included, validates against it (testEnv.do and
// validating call checkContract); and every such route Gin registers is in
// it. A response that does not match fails the test that received it.

func init() {
	// Citations, feeds, exports and error pages are text; kin-openapi
	// decodes the JSON ones (+json) itself.
	for _, ct := range []string{
		"application/x-research-info-systems", "application/x-bibtex",
		"application/atom+xml", "application/xml", "application/opensearchdescription+xml",
		"application/x-ndjson", "text/csv", "text/html",
	} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.PlainBodyDecoder)
	}
}

type apiContract struct {
	doc    *openapi3.T
	router routers.Router
}

var loadContract = sync.OnceValues(func() (*apiContract, error) {
	b, err := openapiDocument()
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, err
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &apiContract{doc: doc, router: r}, nil
})

func contract(t testing.TB) *apiContract {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	return c
}

// described says whether the contract covers path (a request's path or a
// Gin route's): the API and what machines read beside it. Pages for people
// are not in it.
func described(path string) bool {
	switch path {
	case "/healthz", "/feed.atom", "/opensearch.xml", "/sitemap.xml", "/staff/export", "/metrics":
		return true
	}
	return strings.HasPrefix(path, "/api/v1/") || strings.HasPrefix(path, "/files/") ||
		strings.HasPrefix(path, "/sitemaps/") ||
		(strings.HasPrefix(path, "/lists/") && strings.Contains(path, "/export"))
}

// opaque says whether a described path's bodies are files of any type,
// checked for status and headers only.
func opaque(path string) bool { return strings.HasPrefix(path, "/files/") }

// checkContract validates one response to req against the document.
func checkContract(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if !described(req.URL.Path) || req.Method == http.MethodHead || req.Method == http.MethodOptions {
		return
	}
	c := contract(t)
	if header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Errorf("contract: %s %s: gzip body: %v", req.Method, req.URL, err)
			return
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Errorf("contract: %s %s: gzip body: %v", req.Method, req.URL, err)
			return
		}
	}
	// The router matches on the URL alone; a test request may carry
	// only a path.
	r := req.Clone(context.Background())
	r.Body = http.NoBody
	if r.URL.Host == "" {
		r.URL.Host = "example.org"
	}
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		// Outside the document: only Gin's own 404 and 405 answer there
		// (and recovery's 500 for a test's own panicking route), and they
		// must still be problem documents.
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed && status != http.StatusInternalServerError {
			t.Errorf("contract: %s %s answered %d but is not in openapi.yaml (%v)", req.Method, req.URL.Path, status, err)
			return
		}
		checkProblem(t, c, req, status, header, body)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: opaque(req.URL.Path)},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("contract: %s %s answered %d against openapi.yaml: %v\nbody: %.600s", req.Method, req.URL, status, err, body)
	}
	if status >= 400 && programPath(req.URL.Path) {
		checkProblem(t, c, req, status, header, body)
	}
}

// checkProblem validates an error answer as a problem document whose
// status is the response's.
func checkProblem(t testing.TB, c *apiContract, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if ct := header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("contract: %s %s answered %d with Content-Type %q, want application/problem+json", req.Method, req.URL.Path, status, ct)
		return
	}
	schema := c.doc.Components.Schemas["Problem"].Value
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("contract: %s %s: problem body: %v", req.Method, req.URL.Path, err)
		return
	}
	if err := schema.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("contract: %s %s: not a problem document: %v\nbody: %.600s", req.Method, req.URL.Path, err, body)
		return
	}
	if got, _ := v.(map[string]any)["status"].(float64); int(got) != status {
		t.Errorf("contract: %s %s answered %d with a problem of status %v", req.Method, req.URL.Path, status, got)
	}
}

// validating wraps a handler served by httptest.NewServer (browser and
// load tests) so its API responses are checked too.
func validating(t testing.TB, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !described(r.URL.Path) {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		checkContract(t, r, rec.Code, rec.Header(), rec.Body.Bytes())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	c := contract(t)
	if !c.doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi is %q, want 3.1", c.doc.OpenAPI)
	}
	// The served document is the committed one.
	e := newTestEnv(t)
	w := e.get(t, "/api/v1/openapi.json")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d", w.Code)
	}
	doc, err := openapi3.NewLoader().LoadFromData(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if doc.Paths.Len() != c.doc.Paths.Len() {
		t.Fatalf("served %d paths, committed %d", doc.Paths.Len(), c.doc.Paths.Len())
	}
}

// TestOpenAPIInvalidDocumentFails shows the validation can fail: a
// document with a broken reference is refused, and a response that does
// not match its schema is reported.
func TestOpenAPIValidationCanFail(t *testing.T) {
	broken := bytes.Replace(openapiYAML, []byte("#/components/schemas/Hit'"), []byte("#/components/schemas/Nope'"), 1)
	if bytes.Equal(broken, openapiYAML) {
		t.Fatal("the test's edit did not apply")
	}
	if _, err := openapi3.NewLoader().LoadFromData(broken); err == nil {
		t.Error("a document with a dangling $ref loaded")
	}
	c := contract(t)
	req := httptest.NewRequest(http.MethodGet, "/api/v1/themes", nil)
	req.URL.Host = "example.org"
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		status int
		ct     string
		body   string
	}{
		{200, "application/json", `{"themes": [{"slug": 3}]}`},
		{200, "application/json", `{"items": []}`},
		{404, "application/problem+json", `{"title": "x"}`},
		{418, "application/problem+json", `{"type": "about:blank", "title": "x", "status": 418, "detail": "x"}`},
	} {
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
			Status:                 tc.status, Header: http.Header{"Content-Type": {tc.ct}},
			Options: &openapi3filter.Options{IncludeResponseStatus: true},
		}
		in.SetBodyBytes([]byte(tc.body))
		if err := openapi3filter.ValidateResponse(context.Background(), in); err == nil {
			t.Errorf("%d %s validated", tc.status, tc.body)
		}
	}
}

var ginParam = regexp.MustCompile(`[:*]([a-z_]+)`)

// TestOpenAPIDescribesEveryRoute: every /api/v1 route registered in the
// Gin router is in the document, and the document names no route the
// server does not have.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	c := contract(t)
	e := newTestEnv(t)
	registered := map[string]bool{}
	for _, r := range e.srv.engine.Routes() {
		if !described(r.Path) {
			continue
		}
		path := ginParam.ReplaceAllString(r.Path, "{$1}")
		registered[r.Method+" "+path] = true
		item := c.doc.Paths.Value(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("%s %s is registered but not described in web/openapi.yaml", r.Method, path)
		}
	}
	for path, item := range c.doc.Paths.Map() {
		for method := range item.Operations() {
			if !registered[method+" "+path] {
				t.Errorf("web/openapi.yaml describes %s %s, which the server does not have", method, path)
			}
		}
	}
	if len(registered) < 20 {
		t.Errorf("only %d API routes registered: the test reads the wrong router", len(registered))
	}
}

// failRecorder is a testing.TB that records failures instead of failing.
type failRecorder struct {
	testing.TB
	failed []string
}

func (f *failRecorder) Helper() {}
func (f *failRecorder) Errorf(format string, args ...any) {
	f.failed = append(f.failed, format)
}

// TestContractCheckFails: the wrapper the web tests go through reports a
// response that breaks the document, a problem without its fields, and an
// error that is not a problem document.
func TestContractCheckFails(t *testing.T) {
	for _, tc := range []struct {
		path, ct, body string
		status         int
	}{
		{"/api/v1/themes", "application/json", `{"themes": "none"}`, 200},
		{"/api/v1/search", "application/json", `{"query": ""}`, 200},
		{"/api/v1/search", "application/problem+json", `{"type": "about:blank", "title": "Bad Request", "status": 400}`, 400},
		{"/api/v1/search", "text/html", `<p>bad</p>`, 400},
		{"/api/v1/nowhere", "text/plain", `404 page not found`, 404},
		{"/api/v1/themes", "application/json", `{"themes": []}`, 201},
	} {
		f := &failRecorder{TB: t}
		checkContract(f, httptest.NewRequest(http.MethodGet, tc.path, nil), tc.status, http.Header{"Content-Type": {tc.ct}}, []byte(tc.body))
		if len(f.failed) == 0 {
			t.Errorf("%d %s %s passed the contract", tc.status, tc.path, tc.body)
		}
	}
}
