package crawl

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"safelib/index"
	"safelib/internal/library"
	"safelib/internal/store"
	"safelib/internal/taxonomy"
)

// newTestLibrary builds a library on a real SQLite file in t.TempDir()
// and an in-memory Bleve index, with the default taxonomy.
func newTestLibrary(t testing.TB) *library.Library {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "lib.db"))
	if err != nil {
		t.Fatal(err)
	}
	tax := taxonomy.Default()
	ix, err := index.OpenMemory(index.Options{Synonyms: tax.SynonymMap()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close(); st.Close() })
	lib := library.New(st, ix, tax, nil)
	testStores.Store(lib, st)
	return lib
}

// testStores finds the store under a test library, for the crawl state a
// crawler is given and for assertions on what was written.
var testStores sync.Map

func storeOf(lib *library.Library) *store.Store {
	st, _ := testStores.Load(lib)
	return st.(*store.Store)
}

// testOptions are quick settings for fixture sites on loopback.
func testOptions() Options {
	level := slog.LevelWarn
	if testing.Verbose() {
		level = slog.LevelDebug
	}
	return Options{
		UserAgent:    UserAgent("http://safelib.test"),
		AllowPrivate: true,
		Timeout:      time.Second,
		Retries:      1,
		Backoff:      10 * time.Millisecond,
		Workers:      4,
		Log:          slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
	}
}

// mustSource parses a one-source file, so tests go through the parser.
func mustSource(t testing.TB, yaml string) *Source {
	t.Helper()
	ss, err := ParseSources("test.yaml", []byte(yaml), taxonomy.Default().Valid)
	if err != nil {
		t.Fatal(err)
	}
	return ss.Sources[0]
}

// page is one URL of a fixture site.
type page struct {
	status      int
	contentType string
	body        []byte
	header      map[string]string
	// etag makes the page answer If-None-Match with 304.
	etag string
	// handler, when set, serves the page instead.
	handler http.HandlerFunc
}

// site is a fixture web site on loopback that records its requests.
type site struct {
	*httptest.Server
	mu       sync.Mutex
	pages    map[string]*page
	requests []string // "GET /path -> status"
	counts   map[string]int
}

func newSite(t testing.TB) *site {
	s := &site{pages: map[string]*page{}, counts: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	// The navigation of reportPage.
	for _, p := range []string{"/about", "/contact", "/donate"} {
		s.html(p, "<html><body><p>"+p+"</p></body></html>")
	}
	return s
}

func (s *site) set(path string, p *page) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.status == 0 {
		p.status = http.StatusOK
	}
	if p.contentType == "" && p.handler == nil {
		p.contentType = "text/html; charset=utf-8"
	}
	s.pages[path] = p
}

func (s *site) html(path, body string) { s.set(path, &page{body: []byte(body)}) }

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Path
	if r.URL.RawQuery != "" {
		key += "?" + r.URL.RawQuery
	}
	s.mu.Lock()
	p := s.pages[key]
	if p == nil {
		p = s.pages[r.URL.Path]
	}
	s.counts[r.URL.Path]++
	s.mu.Unlock()
	status := http.StatusNotFound
	defer func() {
		s.mu.Lock()
		s.requests = append(s.requests, fmt.Sprintf("%s %s -> %d", r.Method, key, status))
		s.mu.Unlock()
	}()
	if p == nil {
		http.NotFound(w, r)
		return
	}
	if p.handler != nil {
		status = 0
		p.handler(w, r)
		return
	}
	for k, v := range p.header {
		w.Header().Set(k, v)
	}
	if p.etag != "" {
		w.Header().Set("ETag", p.etag)
		if r.Header.Get("If-None-Match") == p.etag {
			status = http.StatusNotModified
			w.WriteHeader(status)
			return
		}
	}
	status = p.status
	w.Header().Set("Content-Type", p.contentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(p.body)))
	w.WriteHeader(status)
	w.Write(p.body)
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[path]
}

func (s *site) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.requests, "\n")
}

func (s *site) resetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.counts = nil, map[string]int{}
}

// reportPage is a report page with navigation, cookie banner and footer
// around the main text, as publishers' sites have.
func reportPage(title, published, text string) string {
	return `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>` + title + ` | Fixture Publisher</title>
<meta name="description" content="` + text[:min(len(text), 150)] + `">
<meta property="article:published_time" content="` + published + `">
</head><body>
<div class="cookie-banner">We use cookies to improve this site. Accept all cookies. Reject cookies.</div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li><li><a href="/contact">Contact us</a></li>
<li><a href="/donate">Donate today</a></li></ul></nav></header>
<main><article><h1>` + title + `</h1>
<p>` + text + `</p>
<p>` + text + ` The partnership reviewed what it had learned and set out its next steps for practitioners across the area.</p>
<p>This report was published on ` + published + ` and considers practice in detail, with recommendations for local partners,
schools, health services and the police, and a plan for checking that the recommendations are carried out.</p>
</article></main>
<footer><p>Registered charity number 123456. Copyright Fixture Publisher. Privacy policy. Terms and conditions. Newsletter sign-up.</p></footer>
</body></html>`
}

// makePDF writes a small but real PDF: a catalog, a page tree, a
// Helvetica font, an Info dictionary with the title, one content stream
// per page, and a cross-reference table with correct byte offsets.
func makePDF(title string, pages []string) []byte {
	esc := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	var objs []string
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>")
	var kids []string
	for i := range pages {
		kids = append(kids, fmt.Sprintf("%d 0 R", 5+2*i))
	}
	objs = append(objs, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	objs = append(objs, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	objs = append(objs, "<< /Title ("+esc.Replace(title)+") /Producer (safelib crawl test) /CreationDate (D:20170321090000Z) >>")
	for i, text := range pages {
		var content bytes.Buffer
		content.WriteString("BT /F1 12 Tf 72 720 Td 14 TL\n")
		for _, line := range strings.Split(text, "\n") {
			fmt.Fprintf(&content, "(%s) Tj T*\n", esc.Replace(line))
		}
		content.WriteString("ET")
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "+
			"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 6+2*i))
		objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()))
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
