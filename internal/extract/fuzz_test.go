package extract

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var rxPublished = regexp.MustCompile(`^(\d{4}(-\d{2}(-\d{2})?)?)?$`)

// checkPage holds what every page must satisfy, whatever the input.
func checkPage(t *testing.T, page *Page) {
	t.Helper()
	for name, s := range map[string]string{"Title": page.Title, "Summary": page.Summary, "Text": page.Text, "Language": page.Language} {
		if !utf8.ValidString(s) {
			t.Errorf("%s is not valid UTF-8: %q", name, s)
		}
	}
	if strings.ContainsAny(page.Title, "\n\r\t") || strings.ContainsAny(page.Summary, "\n\r\t") {
		t.Errorf("Title %q or Summary %q spans lines", page.Title, page.Summary)
	}
	if n := utf8.RuneCountInString(page.Title); n > maxTitle {
		t.Errorf("Title has %d characters", n)
	}
	if n := utf8.RuneCountInString(page.Summary); n > maxSummary {
		t.Errorf("Summary has %d characters", n)
	}
	if len(page.Text) > MaxText+2*len(page.Pages) {
		t.Errorf("Text has %d bytes", len(page.Text))
	}
	if !rxPublished.MatchString(page.Published) {
		t.Errorf("Published %q", page.Published)
	}
	for _, l := range append(page.Links, page.Canonical) {
		if l != "" && (!strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") || strings.Contains(l, "#")) {
			t.Errorf("link %q", l)
		}
	}
}

func FuzzHTML(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "html", "*.html"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "text/html")
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		start := time.Now()
		page, err := HTML(body, contentType, "https://example.org/a/b?c=d")
		if d := time.Since(start); d > timeScale*5*time.Second {
			t.Errorf("took %s", d)
		}
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("recovered panic: %v", err)
			}
			return
		}
		if page.ContentType != TypeHTML {
			t.Errorf("ContentType %q", page.ContentType)
		}
		checkPage(t, page)
	})
}

// FuzzPDF's seeds are the committed corpus under testdata/fuzz/FuzzPDF,
// written from pdfSeeds by TestWriteFuzzSeeds.
func FuzzPDF(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		page, err := PDF(ctx, body, "https://example.org/x.pdf")
		if err != nil {
			if !errors.Is(err, ErrPDF) {
				t.Fatalf("error does not wrap ErrPDF: %v", err)
			}
			if strings.Contains(err.Error(), "engine failure") {
				t.Fatalf("recovered panic: %v", err)
			}
			return
		}
		if page.ContentType != TypePDF || len(page.Pages) > page.PageCount || page.Text != strings.Join(page.Pages, "\n\n") {
			t.Errorf("ContentType %q, %d pages of %d, Text is the join: %v", page.ContentType, len(page.Pages), page.PageCount, page.Text == strings.Join(page.Pages, "\n\n"))
		}
		checkPage(t, page)
	})
}

// pdfSeeds are the documents the PDF tests use, whole and damaged.
func pdfSeeds() [][]byte {
	good := makePDF(reportPDF())
	return [][]byte{
		good,
		makePDF(testPDF{Kerned: true, Pages: [][]string{{"Kerned words", "on two lines"}}}),
		makePDF(testPDF{UserPassword: "secret", Pages: [][]string{{"Secret"}}}),
		makePDF(testPDF{Encrypt: true, OwnerPassword: "owner", Pages: [][]string{{"Readable"}}}),
		makePDF(testPDF{}),
		good[:len(good)/2],
		append(good[:len(good)/2:len(good)/2], "\n%%EOF\n"...),
		[]byte("%PDF-1.7\n%%EOF\n"),
		[]byte("not a pdf at all"),
	}
}

// TestWriteFuzzSeeds keeps the committed seed corpus under testdata/fuzz in
// step with the generators: go test -run TestWriteFuzzSeeds -update.
func TestWriteFuzzSeeds(t *testing.T) {
	if !*update {
		t.Skip("only with -update")
	}
	write := func(target string, i int, values ...any) {
		var b strings.Builder
		b.WriteString("go test fuzz v1\n")
		for _, v := range values {
			switch v := v.(type) {
			case []byte:
				fmt.Fprintf(&b, "[]byte(%q)\n", v)
			case string:
				fmt.Fprintf(&b, "string(%q)\n", v)
			}
		}
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, b := range pdfSeeds() {
		write("FuzzPDF", i, b)
	}
	htmlSeeds := []struct{ body, contentType string }{
		{"", ""},
		{"<title>a</title><p>b", "text/html; charset=iso-8859-1"},
		{"<meta charset=\"utf-16\"><p>\x93x\x94", ""},
		{`<script type="application/ld+json">{"@graph":[{"datePublished":{"@value":"2019-02"}}]}</script><p>x`, "text/html"},
		{"<html lang=en_GB><meta name=robots content=none><link rel=\"alternate canonical\" href=\"//x.org/c#f\"><a href=\"javascript:1\">j</a><a href=\" /r \">r</a>", ""},
		{strings.Repeat("<div>", 600) + "deep", "text/html"},
		{"<title>x | S</title><meta property=og:site_name content=S><time datetime=2016-13-45>bad</time><p>Published 31/02/2016 and 29 February 2016", ""},
		{"\xef\xbb\xbf<p>caf\xc3\xa9 \xff\xfe", "text/html; charset=\"bogus\""},
	}
	for i, s := range htmlSeeds {
		write("FuzzHTML", i, []byte(s.body), s.contentType)
	}
}
