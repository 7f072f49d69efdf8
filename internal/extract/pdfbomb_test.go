package extract

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// zlibBytes compresses n bytes of repeated text operators, layers times.
func zlibBytes(n, layers int, raw bool) []byte {
	var data []byte
	for l := 0; l < layers; l++ {
		var b bytes.Buffer
		var w interface {
			Write([]byte) (int, error)
			Close() error
		}
		if raw {
			w, _ = flate.NewWriter(&b, flate.BestCompression)
		} else {
			w, _ = zlib.NewWriterLevel(&b, zlib.BestCompression)
		}
		if l == 0 {
			chunk := bytes.Repeat([]byte("(a) Tj "), 1<<16)
			for written := 0; written < n; written += len(chunk) {
				w.Write(chunk)
			}
		} else {
			w.Write(data)
		}
		w.Close()
		data = b.Bytes()
	}
	return data
}

// bombPDF is a one-page document whose content stream has the given
// dictionary entries and data.
func bombPDF(dict string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := []int{}
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>")
	offs = append(offs, b.Len())
	fmt.Fprintf(&b, "4 0 obj\n<< /Length %d %s >>\nstream\r\n", len(data), dict)
	b.Write(data)
	b.WriteString("\nendstream\nendobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

func TestCheckStreams(t *testing.T) {
	big := maxInflatedStream + 1<<20
	for _, tc := range []struct {
		name string
		pdf  []byte
		bomb bool
	}{
		{"small flate stream", bombPDF("/Filter /FlateDecode", zlibBytes(1<<20, 1, false)), false},
		{"flate bomb", bombPDF("/Filter /FlateDecode", zlibBytes(big, 1, false)), true},
		{"flate bomb in an array", bombPDF("/Filter [ /FlateDecode ]", zlibBytes(big, 1, false)), true},
		{"abbreviated name", bombPDF("/Filter/Fl", zlibBytes(big, 1, false)), true},
		{"raw deflate, no zlib header", bombPDF("/Filter /FlateDecode", zlibBytes(big, 1, true)), true},
		{"two layers", bombPDF("/Filter [/FlateDecode /FlateDecode]", zlibBytes(big, 2, false)), true},
		{"nested dictionary", bombPDF("/DecodeParms << /Columns 1 >> /Filter /FlateDecode", zlibBytes(big, 1, false)), true},
		{"image (not decoded for text)", bombPDF("/Subtype /Image /Filter /FlateDecode", zlibBytes(big, 1, false)), false},
		{"other filter", bombPDF("/Filter /ASCIIHexDecode", []byte("414243>")), false},
		{"garbage data", bombPDF("/Filter /FlateDecode", []byte("not compressed at all")), false},
		{"test document", makePDF(testPDF{Title: "T", Pages: [][]string{{"One"}, {"Two"}}}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkStreams(tc.pdf)
			if tc.bomb != (err != nil) {
				t.Fatalf("checkStreams = %v, want a bomb: %v", err, tc.bomb)
			}
			if err != nil && (!errors.Is(err, ErrPDF) || !strings.Contains(err.Error(), "PDF bomb")) {
				t.Fatalf("error %v", err)
			}
		})
	}
}

// The whole extractor refuses a bomb at once, without starting PDFium's
// work on it.
func TestPDFRefusesBomb(t *testing.T) {
	pdf := bombPDF("/Filter /FlateDecode", zlibBytes(1<<30, 1, false))
	_, err := PDF(context.Background(), pdf, "https://example.org/bomb.pdf")
	if !errors.Is(err, ErrPDF) || !strings.Contains(err.Error(), "PDF bomb") {
		t.Fatalf("PDF = %v", err)
	}
}
