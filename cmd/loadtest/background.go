package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math/rand"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"safelib/internal/library"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The background load: while the search clients run, a crawl of a fixture
// site on 127.0.0.1 (started by serve's scheduler from a sources file) and
// a bulk import through the running server (batches uploaded to
// POST /staff/import with a staff API token), one after another without a
// pause.

// fixtureSite serves a deterministic site of safeguarding-looking pages on
// 127.0.0.1: / links 50 sections, each section links 100 documents of ~800
// words. It stops when ctx ends.
func fixtureSite(ctx context.Context) (base string, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "User-agent: *\nAllow: /\n")
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		var b strings.Builder
		b.WriteString("<!doctype html><html><head><title>Fixture partnership library</title></head><body><h1>Library</h1><ul>")
		for i := 0; i < 50; i++ {
			fmt.Fprintf(&b, `<li><a href="/section/%d">Section %d</a></li>`, i, i)
		}
		b.WriteString("</ul></body></html>")
		writeHTML(w, b.String())
	})
	mux.HandleFunc("GET /section/{i}", func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.PathValue("i"))
		if err != nil || i < 0 || i >= 50 {
			http.NotFound(w, r)
			return
		}
		var b strings.Builder
		fmt.Fprintf(&b, "<!doctype html><html><head><title>Section %d</title></head><body><h1>Section %d</h1><ul>", i, i)
		for j := 0; j < 100; j++ {
			fmt.Fprintf(&b, `<li><a href="/doc/%d">Document %d</a></li>`, i*100+j, i*100+j)
		}
		b.WriteString("</ul></body></html>")
		writeHTML(w, b.String())
	})
	mux.HandleFunc("GET /doc/{k}", func(w http.ResponseWriter, r *http.Request) {
		k, err := strconv.Atoi(r.PathValue("k"))
		if err != nil || k < 0 || k >= 5000 {
			http.NotFound(w, r)
			return
		}
		rng := rand.New(rand.NewSource(int64(k) + 1_000_003))
		t := title(text(rng, 5+rng.Intn(6)))
		var b strings.Builder
		fmt.Fprintf(&b, `<!doctype html><html lang="en"><head><title>%s</title>`+
			`<meta name="date" content="%04d-%02d-%02d"></head><body><nav><a href="/">Home</a></nav>`+
			`<main><article><h1>%s</h1>`, html.EscapeString(t), 2005+rng.Intn(21), 1+rng.Intn(12), 1+rng.Intn(28), html.EscapeString(t))
		for p := 0; p < 10; p++ {
			fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(text(rng, 60+rng.Intn(40))))
		}
		b.WriteString("</article></main></body></html>")
		writeHTML(w, b.String())
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	return "http://" + ln.Addr().String(), nil
}

func writeHTML(w http.ResponseWriter, s string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, s)
}

// writeSources writes a sources file with the fixture site as the only
// source: every document page becomes a resource, politely paced but
// quick (20 ms between requests, 2 in flight), up to 3,000 pages. The
// source's name carries run, so that serve's scheduler finds it never
// crawled even in a library an earlier run (-reuse) crawled.
func writeSources(dir, site string, run int64) (string, error) {
	host := strings.TrimPrefix(site, "http://")
	y := fmt.Sprintf(`sources:
  - name: loadtest-fixture-%d
    publisher: Loadtest Fixture Partnership
    start_urls: [%s/]
    documents: ['^http://%s/doc/\d+$']
    max_depth: 2
    delay: 20ms
    concurrency: 2
    max_pages: 3000
    type: report
`, run, site, strings.ReplaceAll(host, ".", `\.`))
	p := filepath.Join(dir, "sources.yaml")
	return p, os.WriteFile(p, []byte(y), 0o644)
}

// batchWord is a word only the rows of background batch b of run carry.
func batchWord(run int64, b int) string { return fmt.Sprintf("loadbatch%dx%dx", run, b) }

// writeBatch writes one background import batch as JSONL: rows new
// resources of 500-2,500 words, every title carrying the batch's word.
func writeBatch(w io.Writer, run int64, b, rows int, seed int64) error {
	rng := rand.New(rand.NewSource(seed*7919 + int64(b)))
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for i := 0; i < rows; i++ {
		rec := record{
			ResourceFields: library.ResourceFields{
				ID:        fmt.Sprintf("bg-%d-%04d-%04d", run, b, i),
				Title:     title(text(rng, 4+rng.Intn(6))) + " " + batchWord(run, b),
				URL:       fmt.Sprintf("https://example.org/background/%d/%04d/%04d", run, b, i),
				Publisher: "Background Import Partnership",
				Type:      types[rng.Intn(len(types))],
				Themes:    []string{themes[rng.Intn(len(themes))]},
				Published: fmt.Sprintf("%04d-%02d-%02d", 2000+rng.Intn(27), 1+rng.Intn(12), 1+rng.Intn(28)),
				Summary:   text(rng, 60),
				Access:    "public",
			},
			Body: text(rng, 500+rng.Intn(2000)),
		}
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// importer uploads batches to POST /staff/import until stop is closed,
// and checks after each that an anonymous search (which may be answered
// from the server's answer cache) already sees the batch: the same search
// is asked once before the upload, so a cache that kept the old answer
// would be caught.
type importer struct {
	base, token string
	rows        int
	seed        int64
	runID       int64 // tags ids and batch words, unique per run
	client      *http.Client

	batches, imported atomic.Int64
	failures, stale   atomic.Int64
	took              atomic.Int64 // nanoseconds spent in uploads

	mu     sync.Mutex
	errors []string
}

func (im *importer) fail(format string, args ...any) {
	im.failures.Add(1)
	im.mu.Lock()
	if len(im.errors) < 5 {
		im.errors = append(im.errors, fmt.Sprintf(format, args...))
	}
	im.mu.Unlock()
}

func (im *importer) run(stop <-chan struct{}) {
	for b := 0; ; b++ {
		select {
		case <-stop:
			return
		default:
		}
		q := im.base + "/api/v1/search?q=" + batchWord(im.runID, b) + "&per_page=1"
		if total, err := searchTotal(im.client, q); err != nil {
			im.fail("search before batch %d: %v", b, err)
		} else if total != 0 {
			im.fail("batch %d: found %d rows before importing it", b, total)
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("format", "jsonl")
		fw, _ := mw.CreateFormFile("file", fmt.Sprintf("batch-%d.jsonl", b))
		if err := writeBatch(fw, im.runID, b, im.rows, im.seed); err != nil {
			im.fail("batch %d: %v", b, err)
			return
		}
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, im.base+"/staff/import", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+im.token)
		t := time.Now()
		resp, err := im.client.Do(req)
		if err != nil {
			im.fail("batch %d: %v", b, err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		im.took.Add(int64(time.Since(t)))
		if resp.StatusCode != http.StatusOK {
			im.fail("batch %d: status %d", b, resp.StatusCode)
			continue
		}
		im.batches.Add(1)
		im.imported.Add(int64(im.rows))
		total, err := searchTotal(im.client, q)
		switch {
		case err != nil:
			im.fail("search after batch %d: %v", b, err)
		case total != im.rows:
			im.stale.Add(1)
			im.fail("batch %d: an anonymous search right after the import found %d of %d rows", b, total, im.rows)
		}
	}
}

// searchTotal runs an anonymous API search and returns its total.
func searchTotal(c *http.Client, u string) (int, error) {
	b, err := get(c, u, "")
	if err != nil {
		return 0, err
	}
	var res struct {
		Total int `json:"total"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return 0, err
	}
	return res.Total, nil
}

// scrapeMetric returns the sum of the samples of /metrics whose line
// starts with prefix (a metric name and, optionally, some of its labels in
// exposition order).
func scrapeMetric(c *http.Client, base, prefix string) (float64, error) {
	b, err := get(c, base+"/metrics", "")
	if err != nil {
		return 0, err
	}
	sum := 0.0
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		f := strings.Fields(line)
		if v, err := strconv.ParseFloat(f[len(f)-1], 64); err == nil {
			sum += v
		}
	}
	return sum, nil
}
