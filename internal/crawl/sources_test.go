package crawl

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safelib/internal/taxonomy"
)

const validSources = `# comment
sources:
  - name: observatory               # unique
    publisher: Northgate Safeguarding Observatory
    start_urls: [https://example.org/]
    sitemaps: true
    allowed_domains: [example.org]
    documents:
      - '/reports/[^/]+\.html$'
      - '\.pdf$'
    max_depth: 3
    delay: 1s
    type: report
    themes: [neglect]
    schedule: 24h
  - name: second
    publisher: Second Publisher
    start_urls: [https://www.second.org.uk/publications, https://second.org.uk/]
    documents: ['\.pdf$']
    schedule: 2w
    access: members
    concurrency: 2
    max_pages: 100
`

func TestParseSources(t *testing.T) {
	ss, err := ParseSources("sources.yaml", []byte(validSources), taxonomy.Default().Valid)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss.Sources) != 2 {
		t.Fatalf("got %d sources", len(ss.Sources))
	}
	o := ss.Sources[0]
	if o.Name != "observatory" || o.Publisher != "Northgate Safeguarding Observatory" || !o.Sitemaps ||
		o.MaxDepth != 3 || o.Delay != time.Second || o.Schedule != 24*time.Hour || o.Type != "report" ||
		len(o.Themes) != 1 || o.Access != "public" || o.Concurrency != DefaultConcurrency || o.Line != 3 {
		t.Fatalf("observatory = %+v", o)
	}
	if !o.IsDocument("https://example.org/reports/x.html") || !o.IsDocument("https://example.org/a/b.pdf") ||
		o.IsDocument("https://example.org/reports/") {
		t.Fatal("documents patterns not applied")
	}
	s := ss.Sources[1]
	if s.Schedule != 14*24*time.Hour || s.Access != "members" || s.MaxDepth != DefaultMaxDepth ||
		s.Delay != DefaultDelay || s.Concurrency != 2 || s.MaxPages != 100 {
		t.Fatalf("second = %+v", s)
	}
	// allowed_domains defaults to the start URLs' hosts.
	if !s.Allowed("www.second.org.uk") || !s.Allowed("second.org.uk") || s.Allowed("example.org") {
		t.Fatalf("second allowed = %v", s.AllowedDomains)
	}
	if _, ok := ss.Find("second"); !ok {
		t.Fatal("Find(second) failed")
	}
}

func TestParseSourcesErrors(t *testing.T) {
	base := func(extra string) string {
		return "sources:\n  - name: obs\n    publisher: P\n    start_urls: [https://example.org/]\n    documents: ['x']\n" + extra
	}
	tests := []struct {
		name, yaml string
		want       []string // substrings of the error, each "file:line: ..."
	}{
		{"unknown key", base("    colour: blue\n"), []string{`sources.yaml:6: unknown key "colour"`}},
		{"bad regexp", base("") + "  - name: two\n    publisher: P\n    start_urls: [https://example.org/]\n    documents:\n      - 'ok'\n      - '(unclosed'\n",
			[]string{`sources.yaml:11: documents: bad regular expression "(unclosed"`}},
		{"missing name", "sources:\n  - publisher: P\n    start_urls: [https://example.org/]\n    documents: ['x']\n",
			[]string{"sources.yaml:2: missing name"}},
		{"duplicate name", base("") + "  - name: obs\n    publisher: Q\n    start_urls: [https://example.org/]\n    documents: ['x']\n",
			[]string{`sources.yaml:6: name "obs" is already used by the source at line 2`}},
		{"bad duration", base("    delay: soon\n"), []string{`sources.yaml:6: "soon" is not a duration`}},
		{"schedule too short", base("    schedule: 5m\n"), []string{"sources.yaml:6: schedule 5m0s: at least 1h0m0s"}},
		{"bad type", base("    type: novel\n"), []string{`sources.yaml:6: type "novel"`}},
		{"unknown theme", base("    themes: [neglect, dragons]\n"), []string{`sources.yaml:6: unknown theme "dragons"`}},
		{"bad start url", "sources:\n  - name: a\n    publisher: P\n    start_urls:\n      - ftp://example.org/\n    documents: ['x']\n",
			[]string{`sources.yaml:5: start URL "ftp://example.org/"`}},
		{"start url outside allowed", base("    allowed_domains: [other.org]\n"), []string{"sources.yaml:4: start URL", "not in allowed_domains"}},
		{"wrong kind", base("    max_depth: deep\n"), []string{"sources.yaml:6: wrong kind of value"}},
		{"missing fields", "sources:\n  - name: a\n", []string{"sources.yaml:2: a: missing publisher", "sources.yaml:2: a: missing start_urls", "sources.yaml:2: a: missing documents"}},
		{"no sources", "sources: []\n", []string{"sources.yaml:1: no sources"}},
		{"empty file", "", []string{"sources.yaml:1: the file is empty"}},
		{"top-level unknown", "source:\n  - name: a\n", []string{`sources.yaml:1: unknown key "source"`}},
		{"syntax", "sources:\n  - name: [a\n", []string{"sources.yaml:"}},
		{"depth range", base("    max_depth: 99\n"), []string{"sources.yaml:6: max_depth 99"}},
		{"bad name", "sources:\n  - name: Obs Two\n    publisher: P\n    start_urls: [https://example.org/]\n    documents: ['x']\n",
			[]string{`sources.yaml:2: name "Obs Two"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSources("sources.yaml", []byte(tt.yaml), taxonomy.Default().Valid)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrSources) {
				t.Errorf("error does not wrap ErrSources: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

// The shipped example must parse: staff copy it.
func TestExampleSourcesFile(t *testing.T) {
	file := filepath.Join("..", "..", "sources.example.yaml")
	ss, err := LoadSources(file, taxonomy.Default().Valid)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"nao", "appgc", "iicsa", "adcs", "nspcc", "ofsted", "childrens-society", "cpsu"}
	for _, w := range want {
		if _, ok := ss.Find(w); !ok {
			t.Errorf("example has no source %q", w)
		}
	}
	for _, s := range ss.Sources {
		for _, u := range s.StartURLs {
			if !strings.HasPrefix(u, "https://") {
				t.Errorf("%s: start URL %s is not https", s.Name, u)
			}
		}
	}
}

func TestLoadSourcesTooLarge(t *testing.T) {
	file := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(file, []byte("# "+strings.Repeat("x", maxSourcesFile)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSources(file, nil); !errors.Is(err, ErrSources) {
		t.Fatalf("got %v, want ErrSources", err)
	}
}
