package crawl

import (
	"bytes"
	"compress/gzip"
	"slices"
	"strings"
	"testing"
)

func gzipped(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

func TestParseSitemap(t *testing.T) {
	urlset := `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://example.org/a </loc><lastmod>2018-01-01</lastmod></url>
  <url><loc>https://example.org/b?x=1&amp;y=2</loc></url>
  <url><loc></loc></url>
</urlset>`
	index := `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://example.org/s1.xml</loc></sitemap><sitemap><loc>https://example.org/s2.xml.gz</loc></sitemap>
</sitemapindex>`
	tests := []struct {
		name           string
		body           []byte
		pages, indexes []string
		bad            string
	}{
		{name: "urlset", body: []byte(urlset), pages: []string{"https://example.org/a", "https://example.org/b?x=1&y=2"}},
		{name: "gzip urlset", body: gzipped(urlset), pages: []string{"https://example.org/a", "https://example.org/b?x=1&y=2"}},
		{name: "index", body: []byte(index), indexes: []string{"https://example.org/s1.xml", "https://example.org/s2.xml.gz"}},
		{name: "html", body: []byte("<html><body>not a sitemap</body></html>"), bad: "want urlset or sitemapindex"},
		{name: "garbage", body: []byte("\x00\x01"), bad: "sitemap"},
		{name: "gzip bomb", body: gzipped("<urlset>" + strings.Repeat(" ", maxSitemapBytes+1) + "</urlset>"), bad: "uncompressed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages, indexes, err := parseSitemap(tt.body)
			if tt.bad != "" {
				if err == nil || !strings.Contains(err.Error(), tt.bad) {
					t.Fatalf("err = %v, want %q", err, tt.bad)
				}
				return
			}
			if err != nil || !slices.Equal(pages, tt.pages) || !slices.Equal(indexes, tt.indexes) {
				t.Fatalf("got %q, %q, %v", pages, indexes, err)
			}
		})
	}
}

func FuzzParseSitemap(f *testing.F) {
	f.Add([]byte(`<urlset><url><loc>https://example.org/</loc></url></urlset>`))
	f.Add([]byte(`<sitemapindex><sitemap><loc>x</loc></sitemap></sitemapindex>`))
	f.Add(gzipped(`<urlset/>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseSitemap(b) // must not panic or hang
	})
}

func FuzzParseSources(f *testing.F) {
	f.Add([]byte(validSources))
	f.Add([]byte("sources:\n  - name: a\n    delay: 5x\n"))
	f.Add([]byte("sources: [{name: a, documents: ['(']}]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ss, err := ParseSources("f.yaml", b, nil)
		if err == nil {
			for _, s := range ss.Sources {
				if s.Name == "" || len(s.StartURLs) == 0 || len(s.Documents) == 0 || s.Schedule < MinSchedule {
					t.Fatalf("accepted an invalid source: %+v", s)
				}
			}
		}
	})
}
