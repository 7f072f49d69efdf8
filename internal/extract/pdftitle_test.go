package extract

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// textRun is text set at a place on a page, for makeLayoutPDF.
type textRun struct {
	text    string
	size    float64 // points
	x, y    float64 // baseline origin, points from the bottom left
	degrees float64 // rotation, counter-clockwise
	bold    bool
	// scaled sets the size in the text matrix over a 1-point font, as
	// some producers do, instead of in the font size.
	scaled bool
}

// makeLayoutPDF writes an A4 PDF whose pages hold the runs given, in
// Helvetica and Helvetica-Bold, with an Info /Title when title is not "".
func makeLayoutPDF(title string, pages ...[]textRun) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"", // pages, below
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
	}
	info := "<< /Producer (safelib extract test)"
	if title != "" {
		info += " /Title " + escapePDFString(pdfText(title))
	}
	objs = append(objs, info+" >>")
	var kids []string
	for _, runs := range pages {
		var content bytes.Buffer
		for _, r := range runs {
			font := "/F1"
			if r.bold {
				font = "/F2"
			}
			rad := r.degrees * math.Pi / 180
			cos, sin := math.Cos(rad), math.Sin(rad)
			size, scale := r.size, 1.0
			if r.scaled {
				size, scale = 1, r.size
			}
			fmt.Fprintf(&content, "BT %s %g Tf %.4f %.4f %.4f %.4f %.2f %.2f Tm %s Tj ET\n",
				font, size, cos*scale, sin*scale, -sin*scale, cos*scale, r.x, r.y, escapePDFString(pdfText(r.text)))
		}
		objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.Bytes()))
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>", len(objs)))
		kids = append(kids, fmt.Sprintf("%d 0 R", len(objs)))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages))
	return writePDF("%PDF-1.4\n", objs, "/Root 1 0 R /Info 5 0 R")
}

// bodyRuns are lines of 10-point prose from y down.
func bodyRuns(y float64, n int) []textRun {
	var runs []textRun
	for i := range n {
		words := strings.Fields(prosePDF[i%len(prosePDF)])
		runs = append(runs, textRun{text: strings.Join(words, " "), size: 10, x: 56, y: y - float64(i)*13})
	}
	return runs
}

var prosePDF = []string{
	"This guidance sets out what practitioners should do when they are worried",
	"about a child, and how the partner agencies share information safely and",
	"on time. It replaces the guidance issued in 2014 and applies to all staff.",
}

// titleOf reads the PDF and returns its title.
func titleOf(t *testing.T, body []byte) string {
	t.Helper()
	page, err := PDF(context.Background(), body, "")
	if err != nil {
		t.Fatalf("PDF: %v", err)
	}
	return page.Title
}

// watermarkPDF is a policy with a diagonal DRAFT drawn first, a running
// header with the organisation, "Page 1 of 2" and a title set over two
// lines in a 1-point font scaled by the text matrix; its Title metadata is
// a printer's file name.
func watermarkPDF() []byte {
	page := func(n int) []textRun {
		return []textRun{
			{text: "DRAFT", size: 110, x: 120, y: 200, degrees: 45, bold: true},
			{text: "Northshire Safeguarding Partnership", size: 9, x: 56, y: 806},
			{text: fmt.Sprintf("Page %d of 2", n), size: 9, x: 270, y: 30},
		}
	}
	p1 := append(page(1),
		textRun{text: "Joint Protocol for the Management of", size: 22, x: 56, y: 740, bold: true, scaled: true},
		textRun{text: "Allegations Against Staff", size: 22, x: 56, y: 714, bold: true, scaled: true})
	p1 = append(p1, bodyRuns(680, 6)...)
	p2 := append(page(2), bodyRuns(760, 9)...)
	return makeLayoutPDF("Microsoft Word - protocol_v3.docx", p1, p2)
}

func TestPDFTitleWatermarkAndTwoLines(t *testing.T) {
	if got, want := titleOf(t, watermarkPDF()), "Joint Protocol for the Management of Allegations Against Staff"; got != want {
		t.Errorf("Title %q, want %q", got, want)
	}
}

// The organisation's name in a header larger than the title is passed
// over because page 2 has it at the same place; a one-page document with
// the same layout takes it, as nothing says it is a header.
func TestPDFTitleRunningHeader(t *testing.T) {
	header := textRun{text: "EASTFIELD COUNCIL", size: 20, x: 56, y: 800, bold: true}
	p1 := append([]textRun{header, {text: "Domestic abuse: a guide for practitioners", size: 16, x: 56, y: 750, bold: true}}, bodyRuns(720, 6)...)
	p2 := append([]textRun{header, {text: "2", size: 9, x: 290, y: 30}}, bodyRuns(760, 6)...)
	if got, want := titleOf(t, makeLayoutPDF("", p1, p2)), "Domestic abuse: a guide for practitioners"; got != want {
		t.Errorf("two pages: Title %q, want %q", got, want)
	}
	if got, want := titleOf(t, makeLayoutPDF("", p1)), "EASTFIELD COUNCIL"; got != want {
		t.Errorf("one page: Title %q, want %q", got, want)
	}
}

// A page number, a small label and a logo word above the title are passed
// over; a real Title metadata wins over all of it.
func TestPDFTitleLabelsAndNumbers(t *testing.T) {
	p1 := append([]textRun{
		{text: "- 1 -", size: 9, x: 280, y: 810},
		{text: "NSCP", size: 54, x: 56, y: 720, bold: true},
		{text: "Briefing note", size: 10, x: 56, y: 690},
		{text: "Neglect Strategy 2018 to 2021", size: 26, x: 56, y: 660, bold: true},
		{text: "Working together to tackle neglect", size: 14, x: 56, y: 636},
	}, bodyRuns(600, 5)...)
	if got, want := titleOf(t, makeLayoutPDF("", p1)), "Neglect Strategy 2018 to 2021"; got != want {
		t.Errorf("Title %q, want %q", got, want)
	}
	if got, want := titleOf(t, makeLayoutPDF("Neglect strategy", p1)), "Neglect strategy"; got != want {
		t.Errorf("with a real Title metadata: %q, want %q", got, want)
	}
}

func TestPageNumberPattern(t *testing.T) {
	for _, s := range []string{"1", "12", "- 3 -", "(4)", "Page 1", "page 2 of 12", "PAGE 3 OF 4", "1 / 12", "1 of 3", "iv", "xii", "– 7 –"} {
		if !rxPageNumber.MatchString(s) {
			t.Errorf("%q is not taken for a page number", s)
		}
	}
	for _, s := range []string{"Pages", "Page one", "1. Introduction", "Annex 1", "Civil", "Mix"} {
		if rxPageNumber.MatchString(s) {
			t.Errorf("%q is taken for a page number", s)
		}
	}
}

// TestWriteTitleFuzzSeeds adds the layout documents to FuzzPDF's corpus,
// so that fuzzing starts from documents that reach the title picker:
// go test -run TestWriteTitleFuzzSeeds -update.
func TestWriteTitleFuzzSeeds(t *testing.T) {
	if !*update {
		t.Skip("only with -update")
	}
	for i, b := range [][]byte{watermarkPDF()} {
		name := filepath.Join("testdata", "fuzz", "FuzzPDF", fmt.Sprintf("title-%02d", i))
		if err := os.WriteFile(name, fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
