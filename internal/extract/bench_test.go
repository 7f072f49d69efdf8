package extract

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkHTML(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "html", "report.html"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := HTML(body, "text/html; charset=utf-8", "https://example.org/reports/annual-2016"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPDF reads a 40-page document; ns/op divided by 40 is the cost of
// a page.
func BenchmarkPDF(b *testing.B) {
	body := manyPages(40)
	if _, err := PDF(context.Background(), body, ""); err != nil { // start the engine
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := PDF(context.Background(), body, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPDFSmall reads a one-page document: the fixed cost per PDF.
func BenchmarkPDFSmall(b *testing.B) {
	body := manyPages(1)
	if _, err := PDF(context.Background(), body, ""); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := PDF(context.Background(), body, ""); err != nil {
			b.Fatal(err)
		}
	}
}
