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
		readFile("pdf", "footnotes.pdf"), // real footnote markers (pdfchars.go)
		readFile("pdf", "rtl.pdf"),       // right-to-left lines (pdfbidi.go)
		readFile("pdf", "rtl-chromium.pdf"),
	}
}

// readFile reads a fixture under testdata, for the seeds.
func readFile(dir, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", dir, name))
	if err != nil {
		panic(err)
	}
	return b
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

// checkOffice holds what every office page must satisfy.
func checkOffice(t *testing.T, page *Page, err error) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, ErrOffice) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("error wraps neither ErrOffice nor ErrUnsupported: %v", err)
		}
		return
	}
	if page.Slides && (page.PageCount != len(page.Pages) || page.Text != strings.Join(page.Pages, "\n\n")) {
		t.Errorf("%d slides of %d, Text is the join: %v", len(page.Pages), page.PageCount, page.Text == strings.Join(page.Pages, "\n\n"))
	}
	if !utf8.ValidString(page.Author) || strings.ContainsAny(page.Author, "\n\r\t") {
		t.Errorf("Author %q", page.Author)
	}
	checkPage(t, page)
}

// FuzzOffice feeds whole files: the small LibreOffice fixtures and their
// mutations (broken zips, compound files and RTF).
func FuzzOffice(f *testing.F) {
	for _, name := range []string{"policy.docx", "policy.odt", "policy.rtf", "policy.doc", "briefing.pptx", "briefing.odp", "figures.xlsx"} {
		b, err := os.ReadFile(filepath.Join("testdata", "office", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{\rtf1 {\info{\title x}}hello\par}`))
	// Lower caps keep each run short under coverage instrumentation,
	// where inflating the full 256 MiB a mutated archive may claim takes
	// many seconds; what they guard is the same.
	zipEntryLimit, zipTotalLimit = 4<<20, 8<<20
	f.Fuzz(func(t *testing.T, body []byte) {
		start := time.Now()
		page, err := Office(body, "https://example.org/x")
		if d := time.Since(start); d > timeScale*5*time.Second {
			t.Errorf("took %s", d)
		}
		checkOffice(t, page, err)
	})
}

// officeMembers are the members wrapped around fuzzed XML for each kind.
var officeMembers = map[byte][][2]string{
	0: {{"word/document.xml", ""}, {"docProps/core.xml", ""}},
	1: {{"ppt/presentation.xml", `<p:presentation xmlns:p="p" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:sldIdLst><p:sldId r:id="rId1"/><p:sldId r:id="rId2"/></p:sldIdLst></p:presentation>`},
		{"ppt/_rels/presentation.xml.rels", `<Relationships><Relationship Id="rId1" Target="slides/slide1.xml"/><Relationship Id="rId2" Target="/ppt/slides/slide2.xml"/></Relationships>`},
		{"ppt/slides/slide1.xml", ""}, {"ppt/slides/slide2.xml", "<a:t>two</a:t>"}},
	2: {{"xl/workbook.xml", `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/sharedStrings.xml", `<sst><si><t>shared</t></si></sst>`}, {"xl/worksheets/sheet1.xml", ""}},
	3: {{"mimetype", "application/vnd.oasis.opendocument.text"}, {"content.xml", ""}, {"meta.xml", ""}},
	4: {{"mimetype", "application/vnd.oasis.opendocument.presentation"}, {"content.xml", ""}},
}

// FuzzOfficeXML puts fuzzed XML into the main member of a well-formed
// package of each kind, where mutations of whole zips rarely reach.
func FuzzOfficeXML(f *testing.F) {
	f.Add(byte(0), `<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Hello</w:t><w:tab/><w:t xml:space="preserve"> world </w:t></w:r></w:p><w:p><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p></w:body></w:document>`)
	f.Add(byte(1), `<p:sld xmlns:p="p" xmlns:a="a"><p:txBody><a:p><a:r><a:t>Slide one</a:t></a:r><a:br/><a:r><a:t>line</a:t></a:r></a:p></p:txBody></p:sld>`)
	f.Add(byte(2), `<worksheet><sheetData><row><c t="s"><v>0</v></c><c><v>12.5</v></c><c t="inlineStr"><is><t>inline</t></is></c><c t="s"><v>99</v></c></row></sheetData></worksheet>`)
	f.Add(byte(3), `<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text><text:h>Head</text:h><text:p>a<text:s text:c="3"/>b<text:tab/>c<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>note</text:p></text:note-body></text:note></text:p></office:text></office:body></office:document-content>`)
	f.Add(byte(4), `<office:document-content xmlns:office="o" xmlns:draw="d" xmlns:text="t"><office:body><office:presentation><draw:page><text:p>one</text:p></draw:page><draw:page><text:p>two</text:p></draw:page></office:presentation></office:body></office:document-content>`)
	f.Fuzz(func(t *testing.T, kind byte, x string) {
		members := officeMembers[kind%5]
		var parts [][2]string
		for i, m := range members {
			if m[1] == "" && (i == 0 || kind%5 != 0) || kind%5 == 0 && i == 0 || kind%5 == 1 && m[0] == "ppt/slides/slide1.xml" || kind%5 == 2 && m[0] == "xl/worksheets/sheet1.xml" || kind%5 >= 3 && m[0] == "content.xml" {
				m[1] = x
			}
			parts = append(parts, m)
		}
		page, err := Office(zipOf(t, parts...), "https://example.org/x")
		checkOffice(t, page, err)
	})
}
