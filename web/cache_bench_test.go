package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"safelib/internal/catalog"
)

// BenchmarkSportListingsHTTP measures GET /api/v1/listings/sport over
// loopback HTTP with many concurrent clients, as partnership pages load
// it: a full answer from the response cache ("200"), a revalidation with
// If-None-Match ("304"), and an answer recomputed after every library
// change ("changed": each request follows a write, so it misses the cache
// and runs the search). Figures go to BENCHMARKS.md.
//
//	go test ./web -run '^$' -bench SportListingsHTTP -benchtime 5s
func BenchmarkSportListingsHTTP(b *testing.B) {
	e := newTestEnv(b)
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
	target := ts.URL + "/api/v1/listings/sport"
	first, err := client.Get(target)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, first.Body)
	first.Body.Close()
	etag := first.Header.Get("ETag")

	get := func(b *testing.B, inm string, want int) {
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Origin", "https://partnership.example")
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		res, err := client.Do(req)
		if err != nil {
			b.Error(err)
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != want {
			b.Errorf("status %d, want %d", res.StatusCode, want)
		}
	}
	for _, tc := range []struct {
		name string
		inm  string
		want int
	}{
		{"200", "", http.StatusOK},
		{"304", etag, http.StatusNotModified},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetParallelism(16) // 16 × GOMAXPROCS clients
			start := time.Now()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					get(b, tc.inm, tc.want)
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
		})
	}
	b.Run("changed", func(b *testing.B) {
		ctx := context.Background()
		start := time.Now()
		var writes time.Duration
		for i := 0; i < b.N; i++ {
			w0 := time.Now()
			// Moves the change marker without changing what readers see.
			if err := e.st.MarkPending(ctx, []string{xssID}); err != nil {
				b.Fatal(err)
			}
			writes += time.Since(w0)
			get(b, "", http.StatusOK)
		}
		b.ReportMetric(float64(b.N)/(time.Since(start)-writes).Seconds(), "req/s")
	})
}

// BenchmarkSportListingsCompute is the work of one cache miss without
// HTTP: the anonymous search for the contacts and the JSON.
func BenchmarkSportListingsCompute(b *testing.B) {
	e := newTestEnv(b)
	ctx := context.Background()
	for b.Loop() {
		rs, err := e.lib.SportListings(ctx, catalog.Anonymous)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(rs); err != nil {
			b.Fatal(err)
		}
	}
}
