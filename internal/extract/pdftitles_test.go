package extract

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// titleKey is how titles are compared: case, runs of white space and the
// typographer's apostrophe do not count.
func titleKey(s string) string {
	return strings.ToLower(collapseSpace(strings.ReplaceAll(s, "’", "'")))
}

// pdfTitleSet reads the manifest of the LibreOffice-made title set
// (testdata/pdftitles: how it was made is in its README).
func pdfTitleSet(t testing.TB) [][2]string {
	t.Helper()
	dir := filepath.Join("testdata", "pdftitles")
	f, err := os.Open(filepath.Join(dir, "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var set [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, want, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("expected.tsv: no tab in %q", line)
		}
		set = append(set, [2]string{filepath.Join(dir, "pdf", name), want})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return set
}

// badTitles counts the PDFs of the set whose title is not the expected one,
// logging each miss.
func badTitles(t *testing.T, set [][2]string) int {
	t.Helper()
	bad := 0
	for _, c := range set {
		body, err := os.ReadFile(c[0])
		if err != nil {
			t.Fatal(err)
		}
		page, err := PDF(context.Background(), body, "")
		if err != nil {
			t.Fatalf("%s: %v", c[0], err)
		}
		if titleKey(page.Title) != titleKey(c[1]) {
			bad++
			t.Logf("%s: title %q, want %q", filepath.Base(c[0]), page.Title, c[1])
		}
	}
	return bad
}

// The target: fewer than 5 of the 39 PDFs get a bad title. The
// figure of the rule before the picker (Title metadata, else the first
// line) is logged beside it.
func TestPDFTitleSet(t *testing.T) {
	set := pdfTitleSet(t)
	if len(set) != 39 {
		t.Fatalf("%d PDFs in the set, want 39", len(set))
	}
	bad := badTitles(t, set)
	t.Logf("picker: %d of %d titles bad", bad, len(set))
	if bad >= 5 {
		t.Errorf("%d of %d titles bad, want fewer than 5", bad, len(set))
	}
	if testing.Short() {
		return
	}
	pickTitles = false
	defer func() { pickTitles = true }()
	t.Logf("first-line rule (before): %d of %d titles bad", badTitles(t, set), len(set))
}

// BenchmarkPDFTitleSet reads the 39 PDFs of the title set (one or two
// pages each, no real Title metadata but one) with the picker off (the
// first-line rule) and on; ns/op divided by 39 is the cost of a PDF.
func BenchmarkPDFTitleSet(b *testing.B) {
	var bodies [][]byte
	for _, c := range pdfTitleSet(b) {
		body, err := os.ReadFile(c[0])
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, body)
	}
	if _, err := PDF(context.Background(), bodies[0], ""); err != nil { // start the engine
		b.Fatal(err)
	}
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("picker=%v", on), func(b *testing.B) {
			pickTitles = on
			defer func() { pickTitles = true }()
			for b.Loop() {
				for _, body := range bodies {
					if _, err := PDF(context.Background(), body, ""); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
