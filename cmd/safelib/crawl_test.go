package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestCrawlCommand(t *testing.T) {
	var hits atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "User-agent: *\nDisallow:\n")
	})
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `<html><body><a href="/reports/one.html">one</a> <a href="/reports/missing.html">gone</a></body></html>`)
	})
	mux.HandleFunc("/reports/one.html", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("ETag", `"1"`)
		if r.Header.Get("If-None-Match") == `"1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, `<html><head><title>Learning from a review of neglect</title></head><body><main><h1>Learning
from a review of neglect</h1><p>The partnership reviewed how agencies responded to neglect of young children
and set out what practitioners should do differently, with a plan for checking the changes.</p></main></body></html>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tmp := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("sources.yaml", fmt.Sprintf(`sources:
  - name: fixture
    publisher: Fixture Publisher
    start_urls: [%s/]
    allowed_domains: [127.0.0.1]
    documents: ['/reports/']
    delay: 0s
`, srv.URL))
	bad := write("bad.yaml", "sources:\n  - name: fixture\n    publisher: P\n    start_urls: ["+srv.URL+"/]\n    documents: ['(']\n    colour: red\n")

	// An invalid file is refused, with lines, before anything is opened
	// or fetched.
	data := filepath.Join(tmp, "data")
	_, err := run(t, data, "crawl", "--sources", bad, "--allow-private")
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:5: documents: bad regular expression") ||
		!strings.Contains(err.Error(), `bad.yaml:6: unknown key "colour"`) {
		t.Fatalf("bad sources: %v", err)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) || hits.Load() != 0 {
		t.Fatalf("an invalid sources file opened the data directory or fetched (%d requests)", hits.Load())
	}
	if _, err := run(t, data, "crawl"); err == nil || !strings.Contains(err.Error(), "--sources") {
		t.Fatalf("no sources file: %v", err)
	}
	if _, err := run(t, data, "crawl", "--sources", good, "--source", "nope"); err == nil ||
		!strings.Contains(err.Error(), `no such source in`) {
		t.Fatalf("unknown --source: %v", err)
	}

	// Loopback is refused without --allow-private: the crawl could not run.
	out, err := run(t, data, "crawl", "--sources", good)
	if err == nil || !strings.Contains(err.Error(), "could not be crawled") ||
		!strings.Contains(out, "private, loopback or link-local") {
		t.Fatalf("without --allow-private: %v\n%s", err, out)
	}

	// A crawl with a failed page still succeeds, and says what failed.
	out, err = run(t, data, "crawl", "--sources", good, "--allow-private")
	if err != nil {
		t.Fatalf("crawl: %v\n%s", err, out)
	}
	for _, want := range []string{"source", "fixture", "/reports/missing.html", "HTTP 404"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	fields := summaryRow(t, out, "fixture")
	if fields["new"] != "1" || fields["failed"] != "1" {
		t.Errorf("first crawl row = %v\n%s", fields, out)
	}

	out, err = run(t, data, "crawl", "--sources", good, "--allow-private", "--source", "fixture")
	if err != nil {
		t.Fatalf("recrawl: %v", err)
	}
	fields = summaryRow(t, out, "fixture")
	if fields["new"] != "0" || fields["unchanged"] != "1" {
		t.Errorf("recrawl row = %v\n%s", fields, out)
	}
}

// summaryRow reads the summary table's row for source as column -> value.
func summaryRow(t *testing.T, out, source string) map[string]string {
	t.Helper()
	lines := strings.Split(out, "\n")
	var head []string
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		if f[0] == "source" {
			head = f
			continue
		}
		if head != nil && f[0] == source && len(f) == len(head) {
			row := map[string]string{}
			for i, h := range head {
				row[h] = f[i]
			}
			return row
		}
	}
	t.Fatalf("no summary row for %s in:\n%s", source, out)
	return nil
}
