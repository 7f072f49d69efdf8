package web

import (
	"context"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"safelib/internal/catalog"
)

// BenchmarkSearchAPI serves GET /api/v1/search through the whole handler
// stack in process (middleware, the API token's check, the search, JSON,
// gzip), as the load test's clients ask: a lapsed member's API token (so
// no shared answer from the response cache), a different address each
// time, gzip accepted; 20 hits with snippets and every facet, over the
// test library and 600 resources with bodies of 400-3,000 words.
// cpu-ms/op is the process's CPU per request, sent-KB/op the compressed
// answer's size.
func BenchmarkSearchAPI(b *testing.B) {
	e := newAuthEnv(b)
	ctx := context.Background()
	topic := strings.Fields("safeguarding child neglect exploitation abuse online grooming partnership inspection review serious case domestic violence education missing care fostering trafficking radicalisation health wellbeing poverty referral strategy police schools harm bullying adolescent supervision audit learning practice guidance policy")
	filler := strings.Fields("the of and to in a for is on that with as by are be this from at or which it an was were not have has had their they will local national report year findings evidence data services council board staff")
	r := rand.New(rand.NewSource(1))
	text := func(n int) string {
		var sb strings.Builder
		for i := 0; i < n; i++ {
			if r.Intn(3) == 0 {
				sb.WriteString(topic[r.Intn(len(topic))])
			} else {
				sb.WriteString(filler[r.Intn(len(filler))])
			}
			sb.WriteByte(' ')
		}
		return sb.String()
	}
	var rs []*catalog.Resource
	for i := 0; i < 600; i++ {
		res := &catalog.Resource{ID: fmt.Sprintf("bench-%04d", i), Title: text(6), Type: "report",
			Publisher: fmt.Sprintf("Publisher %d", i%40), Published: "2021-05", Summary: text(60),
			Body: text(400 + r.Intn(2600)), Themes: []string{"neglect"}, Access: catalog.Public, Source: "import"}
		if i%10 == 5 {
			res.Access = catalog.Members
		}
		rs = append(rs, res)
	}
	if _, err := e.lib.Upsert(ctx, rs); err != nil {
		b.Fatal(err)
	}
	tok := e.token(b, lapsedEmail)
	targets := make([]string, 100)
	for i := range targets {
		q := topic[r.Intn(len(topic))]
		if r.Intn(2) == 0 {
			q += " " + topic[r.Intn(len(topic))]
		}
		targets[i] = "/api/v1/search?q=" + url.QueryEscape(q)
	}
	var sent int64
	serve := func(i int) {
		req := httptest.NewRequest(http.MethodGet, targets[i%len(targets)], nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept-Encoding", "gzip")
		req.RemoteAddr = fmt.Sprintf("198.51.%d.%d:40000", i/250%250, i%250)
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, req)
		sent += int64(w.Body.Len())
		if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "gzip" {
			b.Fatalf("status %d, encoding %q: %s", w.Code, w.Header().Get("Content-Encoding"), w.Body.Bytes())
		}
	}
	for i := range targets {
		serve(i)
	}
	runtime.GC()
	b.ReportAllocs()
	cpu0 := webCPU()
	sent = 0
	for i := 0; b.Loop(); i++ {
		serve(i)
	}
	if cpu := webCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
	b.ReportMetric(float64(sent)/1024/float64(b.N), "sent-KB/op")
}

// webCPU is the CPU time (user+system) this process has used.
func webCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
