// Command loadtest measures safelib end to end, rerunnably: it generates a
// deterministic corpus, imports it with the real binary, starts `serve`,
// drives /api/v1/search with many distinct queries from concurrent clients
// (phase 1), compares with plain Bleve searching the same corpus in process
// (the floor) and with safelib's own index in process (a stricter one), then
// drives it again while serve crawls a fixture site and a bulk import runs
// through the server (phase 2), and checks the data directory with
// `safelib verify`. It talks only to 127.0.0.1 (its one HTTP client dials
// loopback only; serve runs without link checks and crawls only the
// fixture) and stops by itself.
//
//	scripts/loadtest -n 100000 -clients 4 -duration 30s
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
	"runtime/debug"
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
	var o options
	flag.IntVar(&o.n, "n", 100_000, "resources in the generated corpus")
	flag.IntVar(&o.clients, "clients", 4, "concurrent clients")
	flag.DurationVar(&o.duration, "duration", 30*time.Second, "how long to drive the server (each phase)")
	flag.IntVar(&o.queries, "queries", 200, "distinct queries in the mix")
	flag.StringVar(&o.dataDir, "data", "", "data directory (default: a new temporary one, removed afterwards)")
	flag.Int64Var(&o.seed, "seed", 1, "random seed of the corpus and queries")
	flag.BoolVar(&o.plain, "plain", true, "also measure plain Bleve searching the same corpus in process (the issue's floor; its index is built once, next to -data)")
	flag.BoolVar(&o.background, "background", true, "also drive the server while a crawl and a bulk import run (second phase)")
	flag.IntVar(&o.batchRows, "batch", 500, "rows per background import batch")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of library searches in process to this file")
	flag.BoolVar(&o.reuse, "reuse", false, "with -data of an earlier run (or of -prepare), skip generating and importing the corpus; the run works on a copy of -data, which stays as it was, unless -in-place")
	flag.BoolVar(&o.inPlace, "in-place", false, "with -reuse, work on -data itself (phase 2 then adds to it) rather than on a copy")
	flag.BoolVar(&o.prepare, "prepare", false, "only generate and import the corpus into -data and build the plain Bleve index next to it (-data-plain-bleve), for later runs with -reuse")
	flag.StringVar(&o.serverProfile, "server-cpuprofile", "", "write a CPU profile of serve during phase 1's drive to this file, and of phase 2's to FILE.busy (serve --debug-addr)")
	flag.BoolVar(&o.floorOnly, "floor-only", false, "only search the index of an existing -data directory in process, once per query, and list the slowest queries (with -cpuprofile, profile that)")
	flag.Parse()
	// The floor is searched in this process with serve's default garbage
	// collection settings (serve --gc-percent and --memory-limit), so that
	// the two compare like for like.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(512 << 20)
	run := run
	if o.floorOnly {
		run = slowest
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type options struct {
	n, clients, queries int
	duration            time.Duration
	dataDir             string
	seed                int64
	background          bool
	plain               bool
	batchRows           int
	cpuProfile          string
	floorOnly           bool
	reuse, inPlace      bool
	prepare             bool
	serverProfile       string
}

func urlEscape(s string) string { return url.QueryEscape(s) }

func step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// server is a running `safelib serve`.
type server struct {
	cmd  *exec.Cmd
	base string
	done bool
}

func startServer(bin, data string, extra ...string) (*server, time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	// No scheduled link checks: they would reach the corpus's example.org
	// links; the only crawl is of the fixture site on 127.0.0.1. No
	// per-client rate limit: every client of the load test is 127.0.0.1.
	args := append([]string{"serve", "--data", data, "--addr", addr, "--log-level", "warn", "--link-check-every", "0",
		"--rate-limit", "0"}, extra...)
	t0 := time.Now()
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	s := &server{cmd: cmd, base: "http://" + addr}
	// A library written with an older mapping is rebuilt before serve
	// listens: about 1.5 min at 20k and 5.5 min at 100k on 2 quiet cores.
	if err := waitReady(s.base+"/healthz", 20*time.Minute); err != nil {
		s.stop()
		return nil, 0, err
	}
	return s, time.Since(t0), nil
}

func (s *server) stop() {
	if !s.done {
		s.done = true
		s.cmd.Process.Signal(syscall.SIGTERM)
		s.cmd.Wait()
	}
}

// phase is what one drive of the server measured.
type phase struct {
	lat     []time.Duration
	errs    int
	elapsed time.Duration
	rss     int64
	// searchMean is the library's own search time (index, facets, hits
	// from the store), from /metrics.
	searchMean time.Duration
	// clientCPU is the load generator's own CPU time per request: it
	// runs on the server's cores.
	clientCPU time.Duration
}

func (p phase) rps() float64 { return float64(len(p.lat)) / p.elapsed.Seconds() }

// driveServer warms the server up with the first queries of the mix and
// drives it with every query for d, as the reader token (empty:
// anonymous).
func driveServer(s *server, mix []query, clients int, d time.Duration, token string) (phase, error) {
	client := loopbackClient(10*time.Second, clients+2)
	for _, q := range mix[:min(20, len(mix))] {
		if _, err := get(client, s.base+"/api/v1/search?"+q.values(), token); err != nil {
			return phase{}, err
		}
	}
	sum0, _ := scrapeMetric(client, s.base, "safelib_search_duration_seconds_sum")
	n0, _ := scrapeMetric(client, s.base, "safelib_search_duration_seconds_count")
	var p phase
	cpu0 := selfCPU()
	p.lat, p.errs, p.elapsed = drive(clients, d, len(mix), func(i int) error {
		return fetch(client, s.base+"/api/v1/search?"+mix[i].values(), token)
	})
	if len(p.lat) > 0 {
		p.clientCPU = (selfCPU() - cpu0) / time.Duration(len(p.lat))
	}
	sum1, _ := scrapeMetric(client, s.base, "safelib_search_duration_seconds_sum")
	n1, _ := scrapeMetric(client, s.base, "safelib_search_duration_seconds_count")
	if n1 > n0 {
		p.searchMean = time.Duration((sum1 - sum0) / (n1 - n0) * float64(time.Second))
	}
	p.rss = peakRSS(s.cmd.Process.Pid)
	return p, nil
}

// account adds an account with no password and returns a new API token
// for it (the data directory must not be in use).
func account(bin, data, email string, args ...string) (string, error) {
	add := exec.Command(bin, append([]string{"user", "add", email, "--no-password", "--data", data, "--log-level", "warn"}, args...)...)
	if out, err := add.CombinedOutput(); err != nil {
		return "", fmt.Errorf("user add %s: %v\n%s", email, err, out)
	}
	out, err := exec.Command(bin, "token", "create", email, "--name", "loadtest", "--data", data, "--log-level", "warn").Output()
	if err != nil {
		return "", fmt.Errorf("token create %s: %w", email, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1]), nil
}

// serverProfile saves a CPU profile of serve taken through its
// --debug-addr for most of a drive of length d, then its allocation
// profile (since start) to file.allocs.
func serverProfile(debugAddr, file string, d time.Duration) error {
	secs := max(1, int(d.Seconds())-2)
	time.Sleep(time.Second) // past the warm-up queries
	if err := saveURL(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", debugAddr, secs), file); err != nil {
		return err
	}
	return saveURL(fmt.Sprintf("http://%s/debug/pprof/allocs", debugAddr), file+".allocs")
}

func saveURL(u, file string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", u, resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// importCorpus generates the corpus and imports it with `safelib import`.
func importCorpus(bin, work, dataDir string, o options) (size int64, took time.Duration, err error) {
	corpus := filepath.Join(work, "corpus.jsonl")
	step("generating %d resources", o.n)
	f, err := os.Create(corpus)
	if err != nil {
		return 0, 0, err
	}
	if err := writeCorpus(f, o.n, o.seed); err != nil {
		f.Close()
		return 0, 0, err
	}
	if err := f.Close(); err != nil {
		return 0, 0, err
	}
	fi, err := os.Stat(corpus)
	if err != nil {
		return 0, 0, err
	}
	step("importing %.0f MB", float64(fi.Size())/1e6)
	t0 := time.Now()
	imp := exec.Command(bin, "import", "--data", dataDir, "--log-level", "warn", corpus)
	imp.Stderr = os.Stderr
	out, err := imp.Output()
	if err != nil {
		return 0, 0, fmt.Errorf("import: %w", err)
	}
	step("%s", strings.TrimSpace(string(out)))
	return fi.Size(), time.Since(t0), nil
}

func run(o options) error {
	work, err := os.MkdirTemp("", "safelib-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	dataDir := o.dataDir
	if dataDir == "" {
		dataDir = filepath.Join(work, "data")
	}
	bin := filepath.Join(work, "safelib")
	step("building safelib")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/safelib").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}

	var corpusSize int64
	var importTime time.Duration
	if o.prepare && (o.dataDir == "" || o.reuse) {
		return errors.New("-prepare needs -data (a new directory) and no -reuse")
	}
	if o.reuse {
		if o.dataDir == "" {
			return errors.New("-reuse needs -data with the library of an earlier run")
		}
		if !o.inPlace {
			// Phase 2 imports and crawls into the library, and every run
			// adds accounts: a copy keeps the prepared one as it was, so
			// that every run measures the same library.
			step("copying the library in %s", o.dataDir)
			dataDir = filepath.Join(work, "data")
			if out, err := exec.Command("cp", "-a", "--reflink=auto", filepath.Clean(o.dataDir), dataDir).CombinedOutput(); err != nil {
				return fmt.Errorf("copy %s: %v\n%s", o.dataDir, err, out)
			}
		}
		step("reusing the library in %s", dataDir)
	} else if corpusSize, importTime, err = importCorpus(bin, work, dataDir, o); err != nil {
		return err
	}
	if o.prepare {
		fmt.Printf("| prepared | %s: %d resources, %.0f MB JSONL imported in %s (%.0f resources/s); index %.0f MB, database %.0f MB |\n",
			dataDir, o.n, float64(corpusSize)/1e6, importTime.Round(time.Second), float64(o.n)/importTime.Seconds(),
			float64(dirSize(filepath.Join(dataDir, "index")))/1e6, float64(dirSize(dataDir)-dirSize(filepath.Join(dataDir, "index")))/1e6)
		if o.plain {
			plainDir := filepath.Clean(o.dataDir) + "-plain-bleve"
			step("plain Bleve: indexing the same corpus (%s)", plainDir)
			p, built, err := openPlainCorpus(plainDir, o.n, o.seed)
			if err != nil {
				return err
			}
			p.Close()
			fmt.Printf("| prepared | %s: plain Bleve index built in %s (%.0f MB) |\n", plainDir, built.Round(time.Second), float64(dirSize(plainDir))/1e6)
		}
		return nil
	}
	idxSize := dirSize(filepath.Join(dataDir, "index"))
	dbSize := dirSize(dataDir) - idxSize

	// The search clients present the API token of a member whose
	// membership has lapsed: the same access as anonymous readers, but
	// with credentials, so the server computes every answer (its cache of
	// anonymous shared answers does not apply) and the figures are those
	// of the search path, not of a cache.
	// (Run-unique addresses, so that -reuse can add them again.)
	runID := time.Now().Unix()
	readerToken, err := account(bin, dataDir, fmt.Sprintf("load-reader-%d@example.org", runID), "--role", "member", "--expires", "2000-01-01")
	if err != nil {
		return err
	}
	staffToken, err := account(bin, dataDir, fmt.Sprintf("load-staff-%d@example.org", runID), "--role", "staff")
	if err != nil {
		return err
	}

	mix := queryMix(o.queries, o.seed)
	step("phase 1: starting serve")
	var debugArgs []string
	var debugAddr string
	if o.serverProfile != "" {
		port, err := freePort()
		if err != nil {
			return err
		}
		debugAddr = fmt.Sprintf("127.0.0.1:%d", port)
		debugArgs = []string{"--debug-addr", debugAddr}
	}
	srv, ready, err := startServer(bin, dataDir, debugArgs...)
	if err != nil {
		return err
	}
	defer srv.stop()
	step("phase 1: %d clients for %s (API token, no answer cache)", o.clients, o.duration)
	profiled := make(chan error, 1)
	if debugAddr != "" {
		go func() { profiled <- serverProfile(debugAddr, o.serverProfile, o.duration) }()
	} else {
		profiled <- nil
	}
	quiet, err := driveServer(srv, mix, o.clients, o.duration, readerToken)
	if perr := <-profiled; perr != nil {
		step("server profile: %v", perr)
	}
	if err != nil {
		return err
	}
	// One client, one pass over the mix: the latency of the HTTP path
	// itself, comparable with the floor's sequential pass (with more
	// clients than cores, latency also holds the wait for a core).
	step("phase 1a: 1 client, one pass over the %d queries", len(mix))
	seq, err := sequentialPass(srv, mix, readerToken)
	if err != nil {
		return err
	}
	step("phase 1c: the largest requests allowed, and oversized ones")
	worst, err := worstCases(srv, readerToken)
	if err != nil {
		return err
	}
	step("phase 1b: %d anonymous clients for %s (answer cache on)", o.clients, o.duration/3)
	anon, err := driveServer(srv, mix, o.clients, o.duration/3, "")
	if err != nil {
		return err
	}
	srv.stop()

	step("floor: the index searched in process")
	fl, err := floor(dataDir, mix, o.clients, o.duration/2)
	if err != nil {
		return err
	}

	var pf floorResult
	var plainBuilt time.Duration
	if o.plain {
		plainDir := filepath.Join(work, "plain-bleve")
		if o.dataDir != "" {
			plainDir = filepath.Clean(o.dataDir) + "-plain-bleve"
		}
		step("plain Bleve: the same corpus searched in process (%s)", plainDir)
		if pf, plainBuilt, err = plainFloor(plainDir, o.n, o.seed, mix, o.clients, o.duration/2); err != nil {
			return err
		}
	}

	step("library in process: store, access and snippets added to the floor")
	lf, err := libraryFloor(dataDir, mix, o.cpuProfile)
	if err != nil {
		return err
	}

	var busy phase
	var im *importer
	var crawled [3]float64
	if o.background {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		site, err := fixtureSite(ctx)
		if err != nil {
			return err
		}
		sources, err := writeSources(work, site, runID)
		if err != nil {
			return err
		}
		step("phase 2: serve --sources (fixture site %s)", site)
		srv, _, err = startServer(bin, dataDir, append([]string{"--sources", sources, "--allow-private"}, debugArgs...)...)
		if err != nil {
			return err
		}
		defer srv.stop()
		client := loopbackClient(60*time.Second, 4)
		step("phase 2: waiting for the scheduled crawl to start")
		deadline := time.Now().Add(60 * time.Second)
		for {
			n, err := scrapeMetric(client, srv.base, `safelib_crawl_urls_total{outcome="done"`)
			if err != nil {
				return err
			}
			if n > 0 {
				break
			}
			if time.Now().After(deadline) {
				return errors.New("the crawl did not start within 60 s")
			}
			time.Sleep(100 * time.Millisecond)
		}
		var before [3]float64
		for i, oc := range []string{"done", "fetched", "failed"} {
			before[i], _ = scrapeMetric(client, srv.base, `safelib_crawl_urls_total{outcome="`+oc+`"`)
		}
		im = &importer{base: srv.base, token: staffToken, rows: o.batchRows, seed: o.seed, runID: runID, client: client}
		stopImport := make(chan struct{})
		importDone := make(chan struct{})
		go func() { defer close(importDone); im.run(stopImport) }()
		step("phase 2: %d clients for %s while the crawl and a bulk import run", o.clients, o.duration)
		profiled := make(chan error, 1)
		if debugAddr != "" {
			go func() { profiled <- serverProfile(debugAddr, o.serverProfile+".busy", o.duration) }()
		} else {
			profiled <- nil
		}
		busy, err = driveServer(srv, mix, o.clients, o.duration, readerToken)
		if perr := <-profiled; perr != nil {
			step("server profile: %v", perr)
		}
		close(stopImport)
		<-importDone
		if err != nil {
			return err
		}
		for i, oc := range []string{"done", "fetched", "failed"} {
			v, _ := scrapeMetric(client, srv.base, `safelib_crawl_urls_total{outcome="`+oc+`"`)
			crawled[i] = v - before[i]
		}
		busy.rss = peakRSS(srv.cmd.Process.Pid)
		srv.stop()
		cancel()
	}

	step("verify: integrity check and store/index agreement")
	vout, verr := exec.Command(bin, "verify", "--data", dataDir, "--log-level", "error").Output()

	p50 := pct(seq, 50)
	capacity := 2 / fl.mean.Seconds()
	fmt.Printf("## Load test: %d resources, %d clients, %s per phase, %d distinct queries (seed %d)\n\n", o.n, o.clients, o.duration, o.queries, o.seed)
	fmt.Printf("| figure | value |\n|---|---|\n")
	if o.reuse {
		fmt.Printf("| corpus | reused from %s |\n", o.dataDir)
	} else {
		fmt.Printf("| corpus | %.0f MB JSONL (a tenth with 20,000-word bodies) |\n", float64(corpusSize)/1e6)
		fmt.Printf("| import (`safelib import`, store + index) | %s (%.0f resources/s) |\n", importTime.Round(time.Second), float64(o.n)/importTime.Seconds())
	}
	fmt.Printf("| index size on disk after import | %.0f MB |\n", float64(idxSize)/1e6)
	fmt.Printf("| database size on disk after import | %.0f MB |\n", float64(dbSize)/1e6)
	fmt.Printf("| serve ready (existing index) | %s |\n", ready.Round(time.Millisecond))
	fmt.Printf("| **quiet**, 1 client, one pass: HTTP latency p50 / p95 / p99 | %s / %s / %s |\n", pct(seq, 50), pct(seq, 95), pct(seq, 99))
	fmt.Printf("| **quiet**: HTTP requests | %d in %s: **%.0f req/s** |\n", len(quiet.lat), quiet.elapsed.Round(time.Millisecond), quiet.rps())
	fmt.Printf("| **quiet**: HTTP latency p50 / p95 / p99 | **%s / %s / %s** (target p99 < 150ms) |\n", pct(quiet.lat, 50), pct(quiet.lat, 95), pct(quiet.lat, 99))
	fmt.Printf("| **quiet**: HTTP errors | **%d** |\n", quiet.errs)
	fmt.Printf("| **quiet**: library search time (server side, mean) | %s |\n", quiet.searchMean.Round(10*time.Microsecond))
	fmt.Printf("| **quiet**: the load generator's own CPU per request (on the same cores) | %s |\n", quiet.clientCPU.Round(10*time.Microsecond))
	fmt.Printf("| **quiet**: server peak memory (VmHWM) | **%.0f MB** (target < 1 GB) |\n", float64(quiet.rss)/1e6)
	fmt.Printf("| anonymous clients (answer cache on), %s | %.0f req/s, p50 / p99 %s / %s, %d errors |\n", anon.elapsed.Round(time.Second), anon.rps(), pct(anon.lat, 50), pct(anon.lat, 99), anon.errs)
	if o.plain {
		how := "reused"
		if plainBuilt > 0 {
			how = "built in " + plainBuilt.Round(time.Second).String()
		}
		// The measure: what the floor's p50 allows on two cores.
		plainCapacity := 2 / pct(pf.seq, 50).Seconds()
		fmt.Printf("| floor, plain Bleve in process (index %s): p50 / p99 (sequential) | %s / %s (mean %s) |\n", how, pct(pf.seq, 50), pct(pf.seq, 99), pf.mean.Round(10*time.Microsecond))
		fmt.Printf("| floor, plain Bleve in process, %d workers | %.0f searches/s |\n", o.clients, pf.rps)
		fmt.Printf("| HTTP p50 / plain Bleve p50, both one query at a time | **%.2f** (target < 1.5) |\n", float64(p50)/float64(pct(pf.seq, 50)))
		fmt.Printf("| HTTP req/s / plain Bleve capacity on 2 cores (2 / its p50) | %.0f / %.0f = **%.0f%%** (target >= 80%%; 2 / its mean: %.0f%%) |\n", quiet.rps(), plainCapacity, 100*quiet.rps()/plainCapacity, 100*quiet.rps()*pf.mean.Seconds()/2)
	}
	fmt.Printf("| stricter floor, safelib's index in process: p50 / p99 (sequential) | %s / %s (mean %s) |\n", pct(fl.seq, 50), pct(fl.seq, 99), fl.mean.Round(10*time.Microsecond))
	fmt.Printf("| stricter floor, safelib's index in process, %d workers | %.0f searches/s |\n", o.clients, fl.rps)
	fmt.Printf("| library.Search in process p50 / p99 (sequential) | %s / %s (mean %s) |\n", pct(lf.seq, 50), pct(lf.seq, 99), lf.mean.Round(10*time.Microsecond))
	fmt.Printf("| HTTP p50 / safelib's index p50, both one query at a time | **%.2f** |\n", float64(p50)/float64(pct(fl.seq, 50)))
	fmt.Printf("| HTTP p50 with %d clients / safelib's index p50 | %.2f |\n", o.clients, float64(pct(quiet.lat, 50))/float64(pct(fl.seq, 50)))
	fmt.Printf("| HTTP req/s / safelib's index capacity on 2 cores (2 / its mean) | %.0f / %.0f = **%.0f%%** |\n", quiet.rps(), capacity, 100*quiet.rps()/capacity)
	if o.background {
		fmt.Printf("| **busy** (crawl + bulk import): HTTP requests | %d in %s: %.0f req/s |\n", len(busy.lat), busy.elapsed.Round(time.Millisecond), busy.rps())
		fmt.Printf("| **busy**: HTTP latency p50 / p95 / p99 | %s / %s / **%s** (target p99 < 250ms) |\n", pct(busy.lat, 50), pct(busy.lat, 95), pct(busy.lat, 99))
		fmt.Printf("| **busy**: HTTP errors | **%d** |\n", busy.errs)
		fmt.Printf("| **busy**: server peak memory (VmHWM) | %.0f MB |\n", float64(busy.rss)/1e6)
		perBatch := time.Duration(0)
		if b := im.batches.Load(); b > 0 {
			perBatch = time.Duration(im.took.Load() / b)
		}
		fmt.Printf("| **busy**: bulk import through POST /staff/import | %d rows in %d batches of %d (%s per batch), %d failures, %d stale anonymous answers |\n",
			im.imported.Load(), im.batches.Load(), o.batchRows, perBatch.Round(time.Millisecond), im.failures.Load(), im.stale.Load())
		fmt.Printf("| **busy**: crawl of the fixture site during the drive | %.0f URLs handled, %.0f fetched, %.0f failed |\n", crawled[0], crawled[1], crawled[2])
	}
	for _, w := range worst {
		fmt.Printf("| %s | %d in %s (slowest of 3) |\n", w.name, w.status, w.took.Round(10*time.Microsecond))
	}
	fmt.Printf("| `safelib verify` afterwards | %s |\n", strings.Join(strings.Fields(string(vout)), " "))
	var problems []string
	if quiet.errs+anon.errs+busy.errs > 0 {
		problems = append(problems, fmt.Sprintf("%d requests failed", quiet.errs+anon.errs+busy.errs))
	}
	if im != nil && im.failures.Load() > 0 {
		problems = append(problems, fmt.Sprintf("background import: %s", strings.Join(im.errors, "; ")))
	}
	if verr != nil {
		problems = append(problems, fmt.Sprintf("verify: %v", verr))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// sequentialPass runs every query of the mix once, one after another.
func sequentialPass(s *server, mix []query, token string) ([]time.Duration, error) {
	c := loopbackClient(10*time.Second, 1)
	took, err := onePass(len(mix), func(i int) error {
		return fetch(c, s.base+"/api/v1/search?"+mix[i].values(), token)
	})
	if err != nil {
		return nil, err
	}
	return summary(took).seq, nil
}

// floorResult is the in-process search measured.
type floorResult struct {
	seq  []time.Duration
	mean time.Duration
	rps  float64
}

// floor searches the index in process (no HTTP, no store), the same mix
// with facets, sequentially and from `clients` goroutines.
func floor(dataDir string, mix []query, clients int, d time.Duration) (floorResult, error) {
	ix, search, err := floorSearcher(dataDir, mix)
	if err != nil {
		return floorResult{}, err
	}
	defer ix.Close()
	for i := 0; i < min(20, len(mix)); i++ {
		search(i)
	}
	took, err := onePass(len(mix), search)
	if err != nil {
		return floorResult{}, err
	}
	r := summary(took)
	lat, _, elapsed := drive(clients, d, len(mix), search)
	r.rps = float64(len(lat)) / elapsed.Seconds()
	return r, nil
}

// floorSearcher opens the index of dataDir and returns a function running
// query i of the mix on it, as the server's search does, minus the library.
func floorSearcher(dataDir string, mix []query) (*index.Index, func(i int) error, error) {
	tax := taxonomy.Default()
	ix, err := index.Open(filepath.Join(dataDir, "index"), index.Options{Synonyms: tax.SynonymMap()})
	if err != nil {
		return nil, nil, err
	}
	return ix, func(i int) error {
		q := mix[i]
		_, err := ix.Search(context.Background(), index.Request{Q: q.Q, Filters: q.Filters, Sort: q.Sort,
			Page: q.Page, PerPage: 20, FacetSize: 100})
		return err
	}, nil
}

// slowest searches an existing index once per query of the mix and prints
// the time of each, slowest first: where the floor's time goes.
func slowest(o options) error {
	if o.dataDir == "" {
		return errors.New("-floor-only needs -data with an existing library")
	}
	mix := queryMix(o.queries, o.seed)
	ix, search, err := floorSearcher(o.dataDir, mix)
	if err != nil {
		return err
	}
	defer ix.Close()
	stop, err := profileCPU(o.cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	took, err := onePass(len(mix), search)
	if err != nil {
		return err
	}
	mean := summary(took).mean
	order := make([]int, len(mix))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return took[order[a]] > took[order[b]] })
	fmt.Printf("%d queries in %s (mean %s)\n", len(mix), (mean * time.Duration(len(mix))).Round(time.Millisecond), mean.Round(time.Microsecond))
	for _, i := range order {
		fmt.Printf("%10s  %s\n", took[i].Round(time.Microsecond), mix[i].values())
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

// get fetches u, as the API token when one is given.
// fetch GETs u and reads the answer to its end (so the connection is
// reused) without keeping it; any status but 200 is an error.
func fetch(c *http.Client, u, token string) error {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("%s: %d %s", u, resp.StatusCode, b)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// selfCPU is this process's CPU time (user and system) so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func get(c *http.Client, u, token string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
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

// loopbackClient is the only HTTP client of the load test: it dials
// 127.0.0.1 and ::1 only, whatever a URL says.
func loopbackClient(timeout time.Duration, conns int) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{
		MaxIdleConnsPerHost: conns,
		Proxy:               nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return nil, fmt.Errorf("loadtest talks to loopback only, not %s", addr)
			}
			return d.DialContext(ctx, network, addr)
		},
	}}
}

func waitReady(u string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	c := loopbackClient(5*time.Second, 1)
	for time.Now().Before(deadline) {
		resp, err := c.Get(u)
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
