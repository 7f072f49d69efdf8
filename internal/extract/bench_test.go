package extract

import (
	"context"
	"os"
	"path/filepath"
	"safelib/internal/testkit"
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

// BenchmarkOffice reads the large LibreOffice fixtures: a DOCX of about
// 200 pages (96,000 words) and a PPTX of 100 slides. text-MB/s is the
// extracted text per second; peak-heap-MB is the largest live heap seen
// while reading (sampled by a second goroutine every millisecond).
func BenchmarkOffice(b *testing.B) {
	for _, name := range []string{"large.docx", "large.pptx"} {
		b.Run(name, func(b *testing.B) {
			body := readFixture(b, filepath.Join("large", name))
			var textBytes int
			peak := testkit.PeakHeap()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				p, err := Office(body, "x")
				if err != nil {
					b.Fatal(err)
				}
				textBytes = len(p.Text)
			}
			b.StopTimer()
			b.ReportMetric(float64(textBytes)*float64(b.N)/b.Elapsed().Seconds()/1e6, "text-MB/s")
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
		})
	}
}
