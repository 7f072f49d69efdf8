package crawl

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"safelib/index"
	"safelib/internal/library"
	"safelib/internal/store"
	"safelib/internal/taxonomy"
)

// benchSite serves a publisher's site of 2,000 report pages behind 40
// listing pages, each report about 6 KB of varied text with navigation
// and footer, all generated once.
type benchSite struct {
	pages map[string][]byte
}

const (
	benchLists   = 40
	benchPerList = 50
)

func newBenchSite() *benchSite {
	words := strings.Fields(`safeguarding partnership children neglect exploitation review practitioners school health
police social care early help domestic abuse thresholds referral assessment strategy meeting learning improvement
audit performance data chair board agency multi-agency training workforce recruitment allegations missing education
home education online abuse grooming county lines criminal exploitation trafficking family court outcome voice of
the child disabled looked after care leavers adolescent transition mental health self-harm substance misuse`)
	rng := rand.New(rand.NewPCG(1, 2))
	sentence := func() string {
		n := 10 + rng.IntN(15)
		w := make([]string, n)
		for i := range w {
			w[i] = words[rng.IntN(len(words))]
		}
		s := strings.Join(w, " ")
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	s := &benchSite{pages: map[string][]byte{}}
	var home strings.Builder
	home.WriteString("<html><head><title>Bench publisher</title></head><body><h1>Publications</h1><ul>")
	for l := range benchLists {
		fmt.Fprintf(&home, `<li><a href="/list/%d">Publications page %d</a></li>`, l, l+1)
		var list strings.Builder
		fmt.Fprintf(&list, "<html><head><title>Publications page %d</title></head><body><ul>", l+1)
		for p := range benchPerList {
			id := l*benchPerList + p
			fmt.Fprintf(&list, `<li><a href="/reports/r%d.html">Report %d</a></li>`, id, id)
			var body strings.Builder
			for range 6 {
				body.WriteString("<p>")
				for range 6 {
					body.WriteString(sentence() + " ")
				}
				body.WriteString("</p>\n")
			}
			title := fmt.Sprintf("Report %d: %s", id, strings.TrimSuffix(sentence(), "."))
			page := strings.Replace(reportPage(title, fmt.Sprintf("20%02d-%02d-%02d", 10+id%15, 1+id%12, 1+id%28),
				sentence()), "</article>", body.String()+"</article>", 1)
			s.pages[fmt.Sprintf("/reports/r%d.html", id)] = []byte(page)
		}
		list.WriteString("</ul></body></html>")
		s.pages[fmt.Sprintf("/list/%d", l)] = []byte(list.String())
	}
	home.WriteString("</ul></body></html>")
	s.pages["/"] = []byte(home.String())
	s.pages["/robots.txt"] = []byte("User-agent: *\nDisallow: /admin/\n")
	for _, p := range []string{"/about", "/contact", "/donate"} {
		s.pages[p] = []byte("<html><body>" + p + "</body></html>")
	}
	return s
}

func (s *benchSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, ok := s.pages[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.URL.Path == "/robots.txt" {
		w.Header().Set("Content-Type", "text/plain")
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// peakMemory samples the Go runtime's memory every few milliseconds.
type peakMemory struct {
	heap, sys atomic.Uint64
	stop      chan struct{}
	wg        sync.WaitGroup
}

func watchMemory() *peakMemory {
	m := &peakMemory{stop: make(chan struct{})}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > m.heap.Load() {
				m.heap.Store(ms.HeapInuse)
			}
			if ms.Sys > m.sys.Load() {
				m.sys.Store(ms.Sys)
			}
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *peakMemory) done() { close(m.stop); m.wg.Wait() }

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS is the process's high-water resident set (Linux), or 0.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(string(rest)), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkCrawl2000 crawls a 2,000-page fixture site on loopback with no
// delay into a library on disk (SQLite and Bleve, as in production) and
// reports pages per second and peak memory. The peak RSS includes the
// fixture server, which runs in the same process.
//
//	go test -run '^$' -bench Crawl2000 -benchtime 1x ./internal/crawl/
func BenchmarkCrawl2000(b *testing.B) {
	site := newBenchSite()
	srv := httptest.NewServer(site)
	defer srv.Close()
	src := mustSource(b, fmt.Sprintf(`sources:
  - name: bench
    publisher: Bench Publisher
    start_urls: [%s/]
    allowed_domains: [127.0.0.1]
    documents: ['/reports/r\d+\.html$']
    max_depth: 3
    delay: 0s
    concurrency: 8
    max_pages: 10000
`, srv.URL))
	tax := taxonomy.Default()
	var pages int
	var elapsed, cpu time.Duration
	var heap, sys uint64
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		st, err := store.Open(context.Background(), filepath.Join(dir, "lib.db"))
		if err != nil {
			b.Fatal(err)
		}
		ix, err := index.Open(filepath.Join(dir, "index"), index.Options{Synonyms: tax.SynonymMap()})
		if err != nil {
			b.Fatal(err)
		}
		lib := library.New(st, ix, tax, nil)
		opt := testOptions()
		opt.Log = nil
		opt.Timeout = 30 * time.Second
		c := New(lib, st, opt)
		runtime.GC()
		mem := watchMemory()
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		rec, err := c.Run(context.Background(), src)
		elapsed += time.Since(start)
		cpu += cpuTime() - cpu0
		b.StopTimer()
		mem.done()
		if err != nil {
			b.Fatal(err)
		}
		if rec.New != benchLists*benchPerList || rec.Failed != 0 {
			b.Fatalf("run = %+v", rec)
		}
		pages += rec.Fetched
		heap, sys = max(heap, mem.heap.Load()), max(sys, mem.sys.Load())
		ix.Close()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
	// CPU time per page (crawler and fixture server together) does not
	// depend on what else the machine is doing, unlike pages/s.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(pages), "cpu-ms/page")
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(sys)/(1<<20), "peak-sys-MB")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-rss-MB")
}
