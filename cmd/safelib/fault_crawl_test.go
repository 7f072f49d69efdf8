package main

import (
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fixtureReports is the number of report pages of the fixture site: more
// than a killed crawl gets through.
const fixtureReports = 600

// fixtureSite serves the report pages linked from an index, on loopback.
func fixtureSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "User-agent: *\nAllow: /\n") })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		var b strings.Builder
		b.WriteString("<!doctype html><html><head><title>Reports</title></head><body><ul>")
		for i := 0; i < fixtureReports; i++ {
			fmt.Fprintf(&b, `<li><a href="/report/%d">Report %d</a></li>`, i, i)
		}
		b.WriteString("</ul></body></html>")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, b.String())
	})
	mux.HandleFunc("GET /report/{n}", func(w http.ResponseWriter, r *http.Request) {
		n := r.PathValue("n")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Fixture report %s on neglect</title></head><body><main><article>`+
			`<h1>Fixture report %s on neglect</h1>%s</article></main></body></html>`, n, n,
			strings.Repeat("<p>The partnership reviewed how agencies responded to neglect and what early help was offered to the family.</p>", 12))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func fixtureSources(t *testing.T, site string) string {
	t.Helper()
	host := strings.TrimPrefix(site, "http://")
	y := fmt.Sprintf("sources:\n  - name: fixture\n    publisher: Fixture Partnership\n    start_urls: [%s/]\n"+
		"    documents: ['^http://%s/report/\\d+$']\n    max_depth: 1\n    delay: 5ms\n    concurrency: 2\n",
		site, strings.ReplaceAll(host, ".", `\.`))
	p := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestKillDuringCrawl kills the crawler 20 times at random moments of a
// crawl of a loopback fixture site: `safelib crawl` 18 times (it starts
// at once), and `serve --sources` twice (its scheduler waits 10 s before
// the first crawl and does not rerun an interrupted one within the
// source's schedule, so each of those kills costs a fresh data
// directory's wait). Every restart verifies; resources found are never
// lost; and a last, uninterrupted crawl leaves every report page in the
// library: no page is remembered as crawled without its resource.
func TestKillDuringCrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := safelibBin(t)
	site := fixtureSite(t)
	sources := fixtureSources(t, site.URL)
	reports := func(have map[string]string) int {
		n := 0
		for _, title := range have {
			if strings.HasPrefix(title, "Fixture report ") {
				n++
			}
		}
		return n
	}
	crawlArgs := []string{"crawl", "--sources", sources, "--allow-private", "--no-seed", "--log-level", "error"}

	data := t.TempDir()
	rng := rand.New(rand.NewSource(17))
	prev := 0
	for i := 0; i < faultKills-2; i++ {
		cmd := exec.Command(bin, append(crawlArgs, "--data", data)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(100+rng.Intn(600)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		verify(t, bin, data)
		n := reports(exported(t, bin, data))
		if n < prev {
			t.Fatalf("kill %d: %d reports, %d before", i, n, prev)
		}
		prev = n
	}
	out, err := exec.Command(bin, append(crawlArgs, "--data", data)...).CombinedOutput()
	if err != nil {
		t.Fatalf("last crawl: %v\n%s", err, out)
	}
	verify(t, bin, data)
	if n := reports(exported(t, bin, data)); n != fixtureReports {
		t.Fatalf("after an uninterrupted crawl: %d of %d reports (before it: %d)\n%s", n, fixtureReports, prev, out)
	}
	t.Logf("%d of %d reports in the library after %d kills of safelib crawl", prev, fixtureReports, faultKills-2)

	// serve's scheduled crawl, killed twice while it runs.
	for i := 0; i < 2; i++ {
		data := t.TempDir()
		srv := startServe(t, bin, data, "--sources", sources, "--allow-private")
		deadline := time.Now().Add(40 * time.Second)
		for !crawling(srv.base) {
			if time.Now().After(deadline) {
				srv.kill()
				t.Fatalf("serve's scheduled crawl did not start:\n%s", srv.out)
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(time.Duration(50+rng.Intn(300)) * time.Millisecond)
		srv.kill()
		rep := verify(t, bin, data)
		t.Logf("serve killed during its crawl: %d resources, consistent", rep.StoreActive)
	}
}

// crawling reports whether serve's crawler has handled a URL, from
// /metrics (loopback may read it).
func crawling(base string) bool {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, `safelib_crawl_urls_total{outcome="done"`) {
			f := strings.Fields(line)
			v, _ := strconv.ParseFloat(f[len(f)-1], 64)
			return v > 0
		}
	}
	return false
}
