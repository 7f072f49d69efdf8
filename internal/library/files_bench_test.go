package library

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"safelib/internal/catalog"
)

// BenchmarkUpload measures a whole upload: reading and checking the
// document, its text, the file written and synced, the row committed and
// the text indexed (real SQLite, in-memory Bleve), for the 200-page DOCX
// and the 100-slide PPTX of the extraction benchmarks.
func BenchmarkUpload(b *testing.B) {
	for _, name := range []string{"large/large.docx", "large/large.pptx"} {
		body := officeFixture(b, name)
		b.Run(name, func(b *testing.B) {
			l := newEmptyLibrary(b)
			l.SetFilesDir(b.TempDir())
			ctx := context.Background()
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := l.UploadResource(ctx, staffReader, &catalog.Resource{Title: fmt.Sprintf("Upload %d", i)},
					Upload{Name: name[6:], Data: bytes.NewReader(body)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
