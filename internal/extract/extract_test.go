package extract

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestDocumentSniffing(t *testing.T) {
	pdf := makePDF(reportPDF())
	htmlBody := []byte("<!doctype html><title>T</title><p>Hello there, this is a page.</p>")
	cases := []struct {
		name        string
		body        []byte
		contentType string
		want        string // TypeHTML, TypePDF, or "" for ErrUnsupported
		wantErr     error
	}{
		{"pdf by type", pdf, "application/pdf", TypePDF, nil},
		{"pdf by magic, wrong type", pdf, "application/octet-stream", TypePDF, nil},
		{"pdf by magic, html type", pdf, "text/html", TypePDF, nil},
		{"pdf type but html body", htmlBody, "application/pdf", "", ErrPDF},
		{"html", htmlBody, "text/html; charset=utf-8", TypeHTML, nil},
		{"xhtml", htmlBody, "application/xhtml+xml", TypeHTML, nil},
		{"html without type", htmlBody, "", TypeHTML, nil},
		{"html as text/plain", htmlBody, "text/plain", TypeHTML, nil},
		{"malformed type, html body", htmlBody, "text/html; charset", TypeHTML, nil},
		{"plain text", []byte("just some words"), "text/plain", "", ErrUnsupported},
		{"json", []byte(`{"a":1}`), "application/json", "", ErrUnsupported},
		{"image", []byte("\x89PNG\r\n\x1a\n...."), "", "", ErrUnsupported},
		{"html body, image type", htmlBody, "image/png", "", ErrUnsupported},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page, err := Document(context.Background(), tc.body, tc.contentType, "https://example.org/x")
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if page.ContentType != tc.want {
				t.Errorf("ContentType %q, want %q", page.ContentType, tc.want)
			}
		})
	}
}

func TestHeaderNoIndex(t *testing.T) {
	cases := []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{"noindex"}, true},
		{[]string{"NoIndex, NoFollow"}, true},
		{[]string{"none"}, true},
		{[]string{"nofollow"}, false},
		{[]string{"noarchive", "noindex"}, true},
		{[]string{"googlebot: noindex"}, true},
		{[]string{"safelib: noindex"}, true},
		{[]string{"SafeLib: none"}, true},
		{[]string{"otherbot: noindex, nofollow"}, false},
		{[]string{"otherbot: noindex, googlebot: nofollow"}, false},
		{[]string{"unavailable_after: 25 Jun 2010 15:00:00 PST"}, false},
		{[]string{"noindexing-is-not-a-word"}, false},
	}
	for _, tc := range cases {
		h := http.Header{}
		for _, v := range tc.values {
			h.Add("X-Robots-Tag", v)
		}
		if got := HeaderNoIndex(h); got != tc.want {
			t.Errorf("HeaderNoIndex(%q) = %v, want %v", tc.values, got, tc.want)
		}
	}
}

func TestCharsets(t *testing.T) {
	// 0x93 and 0x94 are curly quotes in windows-1252, 0xA3 is £, 0xE9 é.
	latin := "<p>\x93Quoted\x94 \xa35 caf\xe9</p>"
	want := "“Quoted” £5 café"
	cases := []struct {
		name        string
		body        string
		contentType string
	}{
		{"charset in header, windows-1252", latin, "text/html; charset=windows-1252"},
		{"charset in header, iso-8859-1", latin, "text/html; charset=ISO-8859-1"},
		{"quoted charset in header", latin, `text/html; charset="latin1"`},
		{"meta charset", `<meta charset="iso-8859-1">` + latin, "text/html"},
		{"http-equiv", `<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">` + latin, ""},
		{"meta after a long head", "<head><script>" + strings.Repeat("var x = 1;\n", 500) + `</script><meta charset="windows-1252"></head>` + latin, ""},
		{"no declaration, not UTF-8", latin, "text/html"},
		{"header beats meta", `<meta charset="utf-8">` + latin, "text/html; charset=windows-1252"},
		{"utf-8 undeclared", "<p>“Quoted” £5 café</p>", "text/html"},
		{"utf-8 after ascii head", strings.Repeat("<!-- padding -->\n", 100) + "<p>“Quoted” £5 café</p>", ""},
		{"utf-8 BOM beats header", "\xef\xbb\xbf<p>“Quoted” £5 café</p>", "text/html; charset=windows-1252"},
		{"utf-16 declared in ASCII meta", `<meta charset="utf-16"><p>“Quoted” £5 café</p>`, ""},
		{"unknown charset label", `<p>“Quoted” £5 café</p>`, "text/html; charset=x-no-such-thing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page, err := HTML([]byte(tc.body), tc.contentType, "https://example.org/")
			if err != nil {
				t.Fatal(err)
			}
			if page.Text != want {
				t.Errorf("Text %q, want %q", page.Text, want)
			}
		})
	}
}

func TestHTMLTooLarge(t *testing.T) {
	start := time.Now()
	var b bytes.Buffer
	b.WriteString("<html><body>")
	para := "<p>" + strings.Repeat("A long paragraph of words about nothing in particular. ", 20) + "</p>\n"
	for b.Len() < 30e6 {
		b.WriteString(para)
	}
	body := b.Bytes()
	// 30 MB is under MaxInput: handled in bounded time, by reading only the
	// first maxHTMLParse bytes.
	start = time.Now()
	page, err := HTML(body, "text/html", "https://example.org/")
	t.Logf("30 MB page: %s", time.Since(start))
	if err != nil {
		t.Fatalf("HTML: %v", err)
	}
	if len(page.Text) < maxHTMLParse*9/10 || len(page.Text) > maxHTMLParse {
		t.Errorf("Text is %d bytes", len(page.Text))
	}
	if d := time.Since(start); d > timeScale*5*time.Second {
		t.Errorf("a 30 MB page took %s", d)
	}
	// Over MaxInput: refused at once.
	start = time.Now()
	for b.Len() <= MaxInput {
		b.WriteString(para)
	}
	if _, err := HTML(b.Bytes(), "text/html", "https://example.org/"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("HTML: err = %v, want ErrTooLarge", err)
	}
	if _, err := Document(context.Background(), b.Bytes(), "text/html", "https://example.org/"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Document: err = %v, want ErrTooLarge", err)
	}
	if d := time.Since(start); d > timeScale*time.Second {
		t.Errorf("refusing took %s", d)
	}
}

// A large page under the limit, with more elements than readability is
// given, goes through the simple extraction in bounded time.
func TestHTMLManyElements(t *testing.T) {
	var b strings.Builder
	b.WriteString("<html><head><title>Index</title></head><body><nav><a href='/'>Home</a></nav><main>")
	for i := range 70000 {
		b.WriteString("<div><span>Item ")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString("</span></div>\n")
	}
	b.WriteString("</main></body></html>")
	start := time.Now()
	page, err := HTML([]byte(b.String()), "text/html", "https://example.org/")
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > timeScale*10*time.Second {
		t.Errorf("took %s", d)
	}
	if !strings.HasPrefix(page.Text, "Item\n\nItem x") || strings.Contains(page.Text, "Home") {
		t.Errorf("Text starts %q", page.Text[:min(len(page.Text), 80)])
	}
}

// Deeply nested markup must not overflow the stack or take long.
func TestHTMLDeepNesting(t *testing.T) {
	body := `<html lang="en"><head><title>Deep</title><meta name="robots" content="noindex"></head><body>` +
		strings.Repeat("<div><font>", 50000) + "<p>deep text <a href='/x#y'>link</a><script>alert(1)</script>" + strings.Repeat("</font></div>", 50000)
	start := time.Now()
	page, err := HTML([]byte(body), "text/html", "https://example.org/")
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > timeScale*10*time.Second {
		t.Errorf("took %s", d)
	}
	if page.Title != "Deep" || page.Text != "deep text link" || !page.NoIndex || page.Language != "en" ||
		len(page.Links) != 1 || page.Links[0] != "https://example.org/x" {
		t.Errorf("page %+v", page)
	}
}

func TestCharsetUTF8Wins(t *testing.T) {
	for _, tc := range []struct{ body, contentType string }{
		{"<p>“Quoted” £5 café</p>", "text/html; charset=ISO-8859-1"},
		{`<meta charset="gb2312"><p>“Quoted” £5 café</p>`, "text/html"},
		{`<meta charset="windows-1252"><p>“Quoted” £5 café</p>`, ""},
	} {
		page, err := HTML([]byte(tc.body), tc.contentType, "https://example.org/")
		if err != nil {
			t.Fatal(err)
		}
		if page.Text != "“Quoted” £5 café" {
			t.Errorf("%q as %q: Text %q", tc.body, tc.contentType, page.Text)
		}
	}
}

// A long document with no tag near the cut is cut at a character boundary.
func TestHTMLCutWithoutTag(t *testing.T) {
	for _, extra := range []int{1, 3} {
		body := "<p>" + strings.Repeat("é", (maxHTMLParse+extra)/2)
		page, err := HTML([]byte(body), "text/html; charset=utf-8", "https://example.org/")
		if err != nil {
			t.Fatalf("extra %d: %v", extra, err)
		}
		if !utf8.ValidString(page.Text) || len(page.Text) > maxHTMLParse || len(page.Text) < maxHTMLParse-10 {
			t.Errorf("extra %d: Text of %d bytes", extra, len(page.Text))
		}
	}
}
