package crawl

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/testkit"
)

// A crawl of a hostile site finishes, with the hostile pages failed, the
// good pages saved, and memory bounded: an endless page, a page that
// drips forever, a redirect loop and an endless redirect chain, gzip
// bombs (with the encoding Go decodes itself and with one colly decodes),
// and PDF bombs (a huge page tree, a content stream that inflates past
// the engine's memory).

// gzipBomb is an HTML page of n spaces, gzipped: about n/1000 bytes.
func gzipBomb(n int) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write([]byte("<html><head><title>Bomb</title></head><body><p>"))
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < n>>20; i++ {
		zw.Write(chunk)
	}
	zw.Write([]byte("</p></body></html>"))
	zw.Close()
	return b.Bytes()
}

// pdfObjects writes a PDF of the given objects (numbered from 1, the
// first the catalog) with a correct cross-reference table.
func pdfObjects(objs ...[]byte) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		b.Write(o)
		b.WriteString("\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// pagesBomb is a PDF of n pages that all share one content stream.
func pagesBomb(n int) []byte {
	objs := [][]byte{
		[]byte("<< /Type /Catalog /Pages 2 0 R >>"),
		nil, // the page tree, below
		[]byte("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
		[]byte("<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 720 Td (neglect page) Tj ET\nendstream"),
	}
	var kids strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&kids, "%d 0 R ", 5+i)
		objs = append(objs, []byte("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"))
	}
	objs[1] = []byte(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.String(), n))
	return pdfObjects(objs...)
}

// streamBomb is a one-page PDF whose content stream inflates to n bytes
// of text operators.
func streamBomb(n int) []byte {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write([]byte("BT /F1 12 Tf 72 720 Td "))
	chunk := bytes.Repeat([]byte("(neglect) Tj "), 1<<20/13)
	for w := 0; w < n; w += len(chunk) {
		zw.Write(chunk)
	}
	zw.Write([]byte("ET"))
	zw.Close()
	stream := z.Bytes()
	return pdfObjects(
		[]byte("<< /Type /Catalog /Pages 2 0 R >>"),
		[]byte("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
		[]byte("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"),
		append(append([]byte(fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n", len(stream))), stream...), "\nendstream"...),
		[]byte("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
	)
}

func TestCrawlHostileSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bombs")
	}
	const bombSize = 1 << 30 // what the gzip bombs and the PDF stream inflate to
	s := newSite(t)
	links := []string{"/endless.html", "/drip.html", "/loop/a.html", "/chain/0.html", "/gzip-bomb.html",
		"/x-gzip-bomb.html", "/pages-bomb.pdf", "/stream-bomb.pdf", "/reports/good.html"}
	if only := os.Getenv("SAFELIB_HOSTILE_ONLY"); only != "" { // to look at one fixture
		links = strings.Split(only, ",")
	}
	var index strings.Builder
	index.WriteString("<html><head><title>Hostile</title></head><body>")
	for _, l := range links {
		fmt.Fprintf(&index, `<a href="%s">%s</a> `, l, l)
	}
	index.WriteString("</body></html>")
	s.html("/", index.String())
	s.html("/reports/good.html", reportPage("A good report among bombs", "2020-02-02",
		"An ordinary report on neglect, served by the same hostile host, which must still be saved."))
	s.set("/endless.html", &page{handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>"))
		chunk := bytes.Repeat([]byte("<p>more and more and more</p>\n"), 2048)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}})
	s.set("/drip.html", &page{handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for r.Context().Err() == nil {
			if _, err := w.Write([]byte("<p>.</p>")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
		}
	}})
	s.set("/loop/a.html", &page{handler: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/b.html", http.StatusFound)
	}})
	s.set("/loop/b.html", &page{handler: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/a.html", http.StatusFound)
	}})
	for i := 0; i < 30; i++ {
		next := fmt.Sprintf("/chain/%d.html", i+1)
		s.set(fmt.Sprintf("/chain/%d.html", i), &page{handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, next, http.StatusMovedPermanently)
		}})
	}
	bomb := gzipBomb(bombSize)
	for path, enc := range map[string]string{"/gzip-bomb.html": "gzip", "/x-gzip-bomb.html": "x-gzip"} {
		s.set(path, &page{handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", enc)
			w.Header().Set("Content-Length", fmt.Sprint(len(bomb)))
			w.Write(bomb)
		}})
	}
	s.set("/pages-bomb.pdf", &page{contentType: "application/pdf", body: pagesBomb(100_000)})
	s.set("/stream-bomb.pdf", &page{contentType: "application/pdf", body: streamBomb(bombSize)})
	lib := newTestLibrary(t)
	opt := testOptions()
	opt.Timeout = 5 * time.Second
	opt.Retries = -1
	c := New(lib, storeOf(lib), opt)
	src := mustSource(t, fmt.Sprintf(`sources:
  - name: hostile
    publisher: Hostile Host
    start_urls: [%s/]
    documents: ['\.html$', '\.pdf$']
    max_depth: 1
    delay: 0s
    concurrency: 4
`, s.URL))

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.HeapInuse
	peak := testkit.PeakHeap()
	start := time.Now()
	rec, err := c.Run(context.Background(), src)
	took := time.Since(start)
	grew := int64(peak()) - int64(before)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, s.log())
	}
	t.Logf("crawl of the hostile site: %s, heap in use %d MB before, peak +%d MB; %+v", took.Round(time.Millisecond),
		before>>20, grew>>20, rec)

	fs, err := storeOf(lib).CrawlFailures(context.Background(), rec.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, f := range fs {
		reasons[strings.TrimPrefix(f.URL, s.URL)] = f.Reason
	}
	for path, want := range map[string]string{
		"/endless.html":     "too large",
		"/drip.html":        "timed out",
		"/loop/a.html":      "redirects",
		"/chain/0.html":     "redirects",
		"/gzip-bomb.html":   "too large",
		"/x-gzip-bomb.html": "too large",
		"/stream-bomb.pdf":  "PDF bomb",
	} {
		r, ok := reasons[path]
		if !ok || !strings.Contains(r, want) {
			t.Errorf("%s: failure %q (recorded: %v), want one mentioning %q", path, r, ok, want)
		}
	}
	saved := map[string]bool{}
	err = storeOf(lib).ScanResources(context.Background(), 100, false, func(rs []*catalog.Resource) error {
		for _, r := range rs {
			saved[strings.TrimPrefix(r.URL, s.URL)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !saved["/reports/good.html"] {
		t.Errorf("the good report was not saved; failures: %v", reasons)
	}
	// The pages bomb is a real PDF: its first pages are read (up to the
	// extractor's page limit), or it fails; either way it is bounded.
	t.Logf("pages bomb: saved %v, failure %q", saved["/pages-bomb.pdf"], reasons["/pages-bomb.pdf"])
	if took > 2*time.Minute {
		t.Errorf("the crawl took %s", took)
	}
	// The caps: 10 MB of HTML, 32 MB of PDF, streams that inflate past
	// 64 MB refused, and a PDF engine of at most 256 MiB of WebAssembly
	// memory per document being read. (Before the fixes: +3.7 GB.)
	if limit := int64(512 << 20); grew > limit {
		t.Errorf("heap grew by %d MB during the crawl (limit %d MB)", grew>>20, limit>>20)
	}
}
