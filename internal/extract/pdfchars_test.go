package extract

import (
	"context"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// The PDFs under testdata/pdf were made by LibreOffice and Chromium from the
// sources beside them (testdata/pdf/README.md).
func readPDFPage(t testing.TB, name string) *Page {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "pdf", name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := PDF(context.Background(), body, name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tokens splits text as an index would: runs of letters, marks and digits.
func tokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// sourceParagraphs reads the paragraphs of a flat OpenDocument text or an
// HTML page, white space collapsed.
func sourceParagraphs(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "pdf", name))
	if err != nil {
		t.Fatal(err)
	}
	var ps []string
	for _, m := range regexp.MustCompile(`(?s)<(?:text:)?p\b[^>]*>(.*?)</(?:text:)?p>`).FindAllStringSubmatch(string(b), -1) {
		ps = append(ps, collapseSpace(html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m[1], ""))))
	}
	if len(ps) == 0 {
		t.Fatalf("%s: no paragraphs", name)
	}
	return ps
}

// Writer footnotes are raised, smaller digits. PDFium glues the marker to
// the word and breaks the line after it; the marker must be a word of its
// own and the sentence go on ("children 1 The arrangements").
func TestPDFFootnoteMarkers(t *testing.T) {
	p := readPDFPage(t, "footnotes.pdf")
	if len(p.Pages) != 1 {
		t.Fatalf("%d pages, want 1", len(p.Pages))
	}
	text := p.Pages[0]
	for _, want := range []string{
		"the welfare of children 1 The arrangements are published 2 and reviewed by an independent scrutineer.",
		"protecting children 3 The duty applies",
		"record their concerns 4, share information",
		"the designated safeguarding lead 5. Water is H2O and the area is 40 m 2 in the annex.",
		"3 Including volunteers and contractors.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	ws := tokens(text)
	for _, glued := range []string{"children1", "children3", "3The", "published2", "concerns4", "lead5"} {
		if slices.Contains(ws, glued) {
			t.Errorf("marker glued to a word: %q in\n%s", glued, text)
		}
	}
}

// Hebrew and Arabic paragraphs set right to left, and a page mixing them
// with numbers, brackets and English, come out in the order they were
// typed: the source's paragraphs are found whole in the PDF's text, on
// their own pages.
func TestPDFRightToLeft(t *testing.T) {
	src := sourceParagraphs(t, "rtl.fodt")
	for _, c := range []struct {
		file  string
		pages [][]string // paragraphs expected on each page
	}{
		// LibreOffice: one paragraph a page for the first two, then the
		// mixed ones.
		{"rtl.pdf", [][]string{{src[0]}, {src[1]}, src[2:]}},
		// Chromium: the same text, its own page breaks.
		{"rtl-chromium.pdf", [][]string{sourceParagraphs(t, "rtl.html")}},
	} {
		t.Run(c.file, func(t *testing.T) {
			p := readPDFPage(t, c.file)
			if len(p.Pages) != len(c.pages) {
				t.Fatalf("%d pages, want %d", len(p.Pages), len(c.pages))
			}
			for i, want := range c.pages {
				got := collapseSpace(p.Pages[i])
				for _, para := range want {
					if !strings.Contains(got, para) {
						t.Errorf("page %d lacks\n%q\nin\n%q", i+1, para, got)
					}
				}
			}
		})
	}
}

// fakeChars stands in for a text page: each character's font size and
// origin.
type fakeChars map[int32][3]float64 // size, x, y

func (f fakeChars) fontSize(i int32) float64 { return f[i][0] }
func (f fakeChars) origin(i int32) (float64, float64, bool) {
	c, ok := f[i]
	return c[1], c[2], ok
}
func (f fakeChars) originX(i int32) (float64, bool) {
	c, ok := f[i]
	return c[1], ok
}

// fakeLine lays s out as one line of 12-point text; the characters in raised
// are set in 7 points 5 points up, those in lowered 1 point down.
func fakeLine(s string, raised, lowered []int) fakeChars {
	f := fakeChars{}
	x := 50.0
	for i := range []rune(s) {
		size, y := 12.0, 700.0
		if slices.Contains(raised, i) {
			size, y = 7, 705
		}
		if slices.Contains(lowered, i) {
			size, y = 7, 699
		}
		f[int32(i)] = [3]float64{size, x, y}
		x += size / 2
	}
	return f
}

func TestSeparateMarkers(t *testing.T) {
	for _, c := range []struct {
		text            string
		raised, lowered []int
		want            string
	}{
		{"children.3The duty", []int{9}, nil, "children.3 The duty"},          // glued to the next word
		{"children3The duty", []int{8}, nil, "children 3 The duty"},           // and to both
		{"of 12 children12 The", []int{14, 15}, nil, "of 12 children 12 The"}, // two digits
		{"CO2 and H2O", nil, []int{2, 5}, "CO2 and H2O"},                      // subscripts stay
		{"the 1st time", []int{5, 6}, nil, "the 1st time"},                    // raised letters stay
		{"COVID19 and A4", nil, nil, "COVID19 and A4"},                        // same size, same line
		{"note1234 more", []int{4, 5, 6, 7}, nil, "note1234 more"},            // too long for a marker
	} {
		cs := make([]bidiChar, 0, len(c.text))
		for i, r := range []rune(c.text) {
			cs = append(cs, bidiChar{r, int32(i)})
		}
		var sb strings.Builder
		for _, ch := range separateMarkers(cs, fakeLine(c.text, c.raised, c.lowered)) {
			sb.WriteRune(ch.r)
		}
		if sb.String() != c.want {
			t.Errorf("%q: got %q, want %q", c.text, sb.String(), c.want)
		}
	}
}

// reorderVisual on text in PDFium's form (right-to-left words in logical
// order, the line in visual order) without positions.
func TestRTLLinesWithoutPositions(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"לדווח יש .והזנחה", "והזנחה. יש לדווח"},
		{".4567 123 0300 התקשרו", "התקשרו 0300 123 4567."},
		{"Safeguarding Board של 2016 לשנת השנתי", "השנתי לשנת 2016 של Safeguarding Board"}, // most words right to left
		{"12.5 ,פניות", "פניות, 12.5"},
		{"The leaflet ילדים על הגנה is free.", "The leaflet הגנה על ילדים is free."},
		{"English only (1) stays.", "English only (1) stays."},
	} {
		cs := make([]bidiChar, 0, len(c.in))
		for _, r := range c.in {
			cs = append(cs, bidiChar{r, -1})
		}
		var sb strings.Builder
		for _, ch := range rtlLines(cs, nil) {
			sb.WriteRune(ch.r)
		}
		if sb.String() != c.want {
			t.Errorf("%q: got %q, want %q", c.in, sb.String(), c.want)
		}
	}
}

// denseText is a document of pages full of ordinary English text (46 lines
// of about 95 characters, some words with digits), the common case the
// character checks must not slow down.
func denseText(pages int) []byte {
	vocab := strings.Fields("the safeguarding partnership agencies children adults referral concerns within one working day record decision reasons local authority practitioners must share information when helps child seek advice from designated lead COVID19 A4 2nd")
	d := testPDF{Title: "Dense", Pages: make([][]string, pages)}
	n := 0
	for i := range d.Pages {
		for range 46 {
			var l []string
			for len(strings.Join(l, " ")) < 90 {
				l = append(l, vocab[(n*7+n/3)%len(vocab)])
				n++
			}
			d.Pages[i] = append(d.Pages[i], strings.Join(l, " "))
		}
	}
	return makePDF(d)
}

// BenchmarkPDFPages reads documents of n pages; ns/page is the cost of a
// page.
func BenchmarkPDFPages(b *testing.B) {
	docs := []struct {
		name string
		body []byte
	}{{"dense-40", denseText(40)}}
	for _, f := range []string{"footnotes.pdf", "rtl.pdf"} {
		body, err := os.ReadFile(filepath.Join("testdata", "pdf", f))
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, struct {
			name string
			body []byte
		}{f, body})
	}
	for _, d := range docs {
		b.Run(d.name, func(b *testing.B) {
			p, err := PDF(context.Background(), d.body, "") // start the engine
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := PDF(context.Background(), d.body, ""); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(p.Pages)), "ns/page")
		})
	}
}
