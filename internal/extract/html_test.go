package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestMain shares one compilation cache directory between test runs, so the
// PDF engine starts in about 0.2 s instead of 3.5 s after the first run.
func TestMain(m *testing.M) {
	flag.Parse()
	SetCacheDir(filepath.Join(os.TempDir(), "safelib-extract-test-wazero"))
	code := m.Run()
	if err := ClosePDF(); err != nil && code == 0 {
		code = 1
	}
	os.Exit(code)
}

func TestHTMLGolden(t *testing.T) {
	cases := []struct {
		name        string
		contentType string
		url         string
	}{
		{"report", "text/html; charset=utf-8", "https://example.org/reports/annual-2016"},
		{"windows-1252", "text/html", "https://example.org/youth/cafe"},
		{"og-title", "text/html; charset=UTF-8", "https://example.org/parents/online-safety"},
		{"site-suffix", "text/html", "https://example.org/guidance/working-together"},
		{"jsonld", "text/html", "https://example.org/briefings/neglect"},
		{"time", "text/html", "https://example.org/news/rse-consultation"},
		{"visible-date", "text/html", "https://example.org/reviews/child-d"},
		{"noindex", "text/html", "https://example.org/search?q=neglect"},
		{"script-title", "text/html", "https://example.org/report"},
		{"broken", "", "https://example.org/bullying/index.html"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "html", tc.name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			page, err := HTML(body, tc.contentType, tc.url)
			if err != nil {
				t.Fatalf("HTML: %v", err)
			}
			got := goldenJSON(t, page)
			golden := filepath.Join("testdata", "html", tc.name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("page differs from %s (go test -update rewrites it):\n got: %s\nwant: %s", golden, got, want)
			}
			// Checks that hold whatever the golden file says.
			if page.ContentType != TypeHTML || page.Pages != nil || page.URL != tc.url {
				t.Errorf("ContentType %q, Pages %v, URL %q", page.ContentType, page.Pages, page.URL)
			}
			for _, bad := range []string{"alert", "tracking code", "injected text", "cookies", "Reject optional"} {
				if strings.Contains(page.Text, bad) || strings.Contains(page.Title, bad) || strings.Contains(page.Summary, bad) {
					t.Errorf("%q leaked into the page: %+v", bad, page)
				}
			}
			for _, l := range page.Links {
				if strings.Contains(l, "#") || !strings.HasPrefix(l, "http") {
					t.Errorf("link %q is not absolute without fragment", l)
				}
			}
		})
	}
}

// goldenJSON renders a page for a golden file: indented, with <, > and &
// left readable.
func goldenJSON(t *testing.T, page *Page) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(page); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
