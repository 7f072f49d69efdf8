// Command loadtest measures safelib end to end, rerunnably: it generates a
// deterministic corpus, imports it with the real binary, starts `serve`,
// drives /api/v1/search with many distinct queries from concurrent clients,
// and compares with the index searched in process (the floor). It talks
// only to 127.0.0.1 and stops by itself.
//
//	go run ./cmd/loadtest -n 100000 -clients 4 -duration 30s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"safelib/index"
	"safelib/internal/taxonomy"
)

func main() {
	n := flag.Int("n", 100_000, "resources in the generated corpus")
	clients := flag.Int("clients", 4, "concurrent clients")
	duration := flag.Duration("duration", 30*time.Second, "how long to drive the server")
	queries := flag.Int("queries", 200, "distinct queries in the mix")
	dataDir := flag.String("data", "", "data directory (default: a new temporary one, removed afterwards)")
	seed := flag.Int64("seed", 1, "random seed of the corpus and queries")
	flag.Parse()
	if err := run(*n, *clients, *duration, *queries, *dataDir, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func urlEscape(s string) string { return url.QueryEscape(s) }

func step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func run(n, clients int, duration time.Duration, nq int, dataDir string, seed int64) error {
	work, err := os.MkdirTemp("", "safelib-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if dataDir == "" {
		dataDir = filepath.Join(work, "data")
	}
	bin := filepath.Join(work, "safelib")
	step("building safelib")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/safelib").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}

	corpus := filepath.Join(work, "corpus.jsonl")
	step("generating %d resources", n)
	f, err := os.Create(corpus)
	if err != nil {
		return err
	}
	if err := writeCorpus(f, n, seed); err != nil {
		return err
	}
	f.Close()
	fi, _ := os.Stat(corpus)

	step("importing %.0f MB", float64(fi.Size())/1e6)
	t0 := time.Now()
	imp := exec.Command(bin, "import", "--data", dataDir, "--log-level", "warn", corpus)
	imp.Stderr = os.Stderr
	if out, err := imp.Output(); err != nil {
		return fmt.Errorf("import: %w", err)
	} else {
		step("%s", strings.TrimSpace(string(out)))
	}
	importTime := time.Since(t0)

	port, err := freePort()
	if err != nil {
		return err
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	step("starting serve on %s", base)
	t0 = time.Now()
	srv := exec.Command(bin, "serve", "--data", dataDir, "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--log-level", "warn")
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return err
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			srv.Process.Signal(syscall.SIGTERM)
			srv.Wait()
		}
	}
	defer stop()
	if err := waitReady(base+"/healthz", 60*time.Second); err != nil {
		return err
	}
	ready := time.Since(t0)

	mix := queryMix(nq, seed)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	step("warming up")
	for _, q := range mix[:20] {
		if _, err := get(client, base+"/api/v1/search?"+q.values()); err != nil {
			return err
		}
	}
	step("driving %d clients for %s", clients, duration)
	lat, errs, elapsed := drive(clients, duration, len(mix), func(i int) error {
		_, err := get(client, base+"/api/v1/search?"+mix[i].values())
		return err
	})
	rss := peakRSS(srv.Process.Pid)
	stop()

	step("floor: the index searched in process")
	tax := taxonomy.Default()
	ix, err := index.Open(filepath.Join(dataDir, "index"), index.Options{Synonyms: tax.SynonymMap()})
	if err != nil {
		return err
	}
	defer ix.Close()
	floorSearch := func(i int) error {
		q := mix[i]
		pq, err := index.Parse(q.Q)
		if err != nil {
			return err
		}
		_, err = ix.Search(context.Background(), index.Request{Query: pq, Filters: q.Filters, Sort: q.Sort,
			From: (q.Page - 1) * 20, Size: 20, Facets: true, FacetSize: 100})
		return err
	}
	for i := 0; i < 20; i++ {
		floorSearch(i)
	}
	var floorSeq []time.Duration
	for i := range mix {
		t := time.Now()
		if err := floorSearch(i); err != nil {
			return err
		}
		floorSeq = append(floorSeq, time.Since(t))
	}
	floorLat, _, floorElapsed := drive(clients, duration/2, len(mix), floorSearch)

	idxSize := dirSize(filepath.Join(dataDir, "index"))
	dbSize := dirSize(dataDir) - idxSize
	sort.Slice(floorSeq, func(i, j int) bool { return floorSeq[i] < floorSeq[j] })
	var floorMean time.Duration
	for _, d := range floorSeq {
		floorMean += d
	}
	floorMean /= time.Duration(len(floorSeq))
	rps := float64(len(lat)) / elapsed.Seconds()
	capacity := 2 / floorMean.Seconds()
	p50 := pct(lat, 50)

	fmt.Printf("## Load test: %d resources, %d clients, %s, %d distinct queries (seed %d)\n\n", n, clients, duration, nq, seed)
	fmt.Printf("| figure | value |\n|---|---|\n")
	fmt.Printf("| corpus | %.0f MB JSONL |\n", float64(fi.Size())/1e6)
	fmt.Printf("| import (`safelib import`, store + index) | %s (%.0f resources/s) |\n", importTime.Round(time.Second), float64(n)/importTime.Seconds())
	fmt.Printf("| serve ready (existing index) | %s |\n", ready.Round(time.Millisecond))
	fmt.Printf("| index size on disk | %.0f MB |\n", float64(idxSize)/1e6)
	fmt.Printf("| database size on disk | %.0f MB |\n", float64(dbSize)/1e6)
	fmt.Printf("| HTTP requests | %d in %s: %.0f req/s |\n", len(lat), elapsed.Round(time.Millisecond), rps)
	fmt.Printf("| HTTP latency p50 / p95 / p99 | %s / %s / %s |\n", p50, pct(lat, 95), pct(lat, 99))
	fmt.Printf("| HTTP errors | %d |\n", errs)
	fmt.Printf("| server peak memory (VmHWM) | %.0f MB |\n", float64(rss)/1e6)
	fmt.Printf("| floor: in-process search p50 / p99 (sequential) | %s / %s (mean %s) |\n", pct(floorSeq, 50), pct(floorSeq, 99), floorMean.Round(10*time.Microsecond))
	fmt.Printf("| floor: in-process %d workers | %.0f searches/s |\n", clients, float64(len(floorLat))/floorElapsed.Seconds())
	fmt.Printf("| HTTP p50 / floor p50 | %.2f (target < 1.5) |\n", float64(p50)/float64(pct(floorSeq, 50)))
	fmt.Printf("| HTTP req/s / floor capacity on 2 cores (2 / mean) | %.0f / %.0f = %.0f%% (target >= 80%%) |\n", rps, capacity, 100*rps/capacity)
	if errs > 0 {
		return fmt.Errorf("%d requests failed", errs)
	}
	return nil
}

// drive runs fn from `clients` goroutines, each walking the query mix from
// its own offset, until d has passed. It returns latencies and errors.
func drive(clients int, d time.Duration, nq int, fn func(i int) error) ([]time.Duration, int, time.Duration) {
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			var lat []time.Duration
			e := 0
			for i := c * 37; time.Now().Before(deadline); i++ {
				t := time.Now()
				if err := fn(i % nq); err != nil {
					e++
					if e <= 3 {
						fmt.Fprintln(os.Stderr, "error:", err)
					}
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			all = append(all, lat...)
			errs += e
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return all, errs, time.Since(start)
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted) - 1) * p / 100
	return sorted[i].Round(10 * time.Microsecond)
}

func get(c *http.Client, u string) ([]byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s: %d %s", u, resp.StatusCode, b)
	}
	return b, nil
}

func waitReady(u string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("server not ready in time")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// peakRSS reads the peak resident set size of a process from /proc.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

func dirSize(dir string) int64 {
	var total int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			total += info.Size()
		}
		return nil
	})
	return total
}
