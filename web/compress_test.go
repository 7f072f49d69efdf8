package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *testEnv) getGzip(t *testing.T, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return e.do(t, req)
}

// Pages, the API, embed.js and feeds are compressed for clients that
// accept gzip, to the same bytes; Vary says so.
func TestGzip(t *testing.T) {
	e := newTestEnv(t)
	embedJS, err := e.srv.static.url("embed.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/search?q=neglect", "/api/v1/search?q=neglect", "/api/v1/themes",
		embedJS, "/feed.atom", "/api/v1/openapi.json", "/resources/pdf-neglect-review-2022", "/sitemap.xml"} {
		plain := e.get(t, path)
		z := e.getGzip(t, path)
		if plain.Code != http.StatusOK || z.Code != http.StatusOK {
			t.Fatalf("%s: %d / %d", path, plain.Code, z.Code)
		}
		if plain.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s compressed for a client that did not ask", path)
		}
		if got := z.Header().Get("Content-Encoding"); got != "gzip" {
			t.Errorf("%s: Content-Encoding %q, want gzip", path, got)
			continue
		}
		if !strings.Contains(strings.Join(z.Header().Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("%s: Vary %q lacks Accept-Encoding", path, z.Header().Values("Vary"))
		}
		body := gunzip(t, z.Body.Bytes())
		if !strings.HasPrefix(path, "/api/v1/search") && !strings.HasPrefix(path, "/search") && !bytes.Equal(body, plain.Body.Bytes()) {
			t.Errorf("%s: the compressed body differs from the plain one", path)
		}
		if z.Body.Len() >= plain.Body.Len() {
			t.Errorf("%s: %d bytes compressed, %d plain", path, z.Body.Len(), plain.Body.Len())
		}
	}
	// Small answers go as they are.
	if w := e.getGzip(t, "/healthz"); w.Header().Get("Content-Encoding") != "" {
		t.Errorf("/healthz (%d bytes) compressed", w.Body.Len())
	}
}

// A compressed answer's ETag differs from the plain one's, and sending it
// back still earns a 304, from the response cache and from static files.
func TestGzipETags(t *testing.T) {
	e := newTestEnv(t)
	embedJS, err := e.srv.static.url("embed.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/search?q=neglect", "/api/v1/resources/pdf-neglect-review-2022", embedJS} {
		plain := e.get(t, path).Header().Get("ETag")
		z := e.getGzip(t, path)
		tag := z.Header().Get("ETag")
		if plain == "" || tag == "" || tag == plain || !strings.HasSuffix(tag, `-gzip"`) {
			t.Errorf("%s: ETag plain %s, gzip %s", path, plain, tag)
			continue
		}
		if w := e.getGzip(t, path, "If-None-Match", tag); w.Code != http.StatusNotModified {
			t.Errorf("%s with If-None-Match %s: %d, want 304", path, tag, w.Code)
		}
		if w := e.getGzip(t, path, "If-None-Match", plain); w.Code != http.StatusNotModified {
			t.Errorf("%s with the plain ETag %s: %d, want 304", path, plain, w.Code)
		}
		if w := e.getGzip(t, path, "If-None-Match", `"other-gzip"`); w.Code != http.StatusOK {
			t.Errorf("%s with another ETag: %d, want 200", path, w.Code)
		}
	}
}

func TestCompressible(t *testing.T) {
	for ct, want := range map[string]bool{
		"text/html; charset=utf-8":       true,
		"application/json":               true,
		"application/problem+json":       true,
		"application/atom+xml":           true,
		"text/javascript; charset=utf-8": true,
		"image/svg+xml":                  true,
		"text/csv":                       true,
		"application/pdf":                false,
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document": false,
		"application/vnd.oasis.opendocument.text":                                 false,
		"application/zip": false,
		"image/png":       false,
		"image/jpeg":      false,
	} {
		if got := compressible(ct); got != want {
			t.Errorf("compressible(%q) = %v, want %v", ct, got, want)
		}
	}
}

// Held files already compressed (a PDF) go as they are, with their own
// ETag and length, even to a client that accepts gzip.
func TestGzipSkipsPDFDownloads(t *testing.T) {
	e := newAuthEnv(t)
	_, path := addMembersFile(t, e)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	withSession(e.session(t, memberEmail))(req)
	w := e.do(t, req)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("%s: %d %s", path, w.Code, w.Header().Get("Content-Type"))
	}
	if ce := w.Header().Get("Content-Encoding"); ce != "" {
		t.Errorf("a PDF download was sent with Content-Encoding %s", ce)
	}
	if !bytes.Equal(w.Body.Bytes(), docFixture(t, "briefing.pdf")) {
		t.Error("the PDF's bytes changed")
	}
	if strings.HasSuffix(w.Header().Get("ETag"), `-gzip"`) {
		t.Errorf("ETag %s of an uncompressed answer", w.Header().Get("ETag"))
	}
}
