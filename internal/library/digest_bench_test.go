package library

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/testkit"
)

// BenchmarkDigestDaily builds the daily digests of 1,000 members with 3
// alerts each over a library of 100,000 resources, 200 of them new since
// the alerts were made (the figure in BENCHMARKS.md). Building the
// library takes minutes, so it runs only with SAFELIB_BENCH_100K=1 (any
// other value of SAFELIB_BENCH_DIGEST_N sets the library's size); one run
// is one iteration: run it with -benchtime=1x. peak-heap-MB is the largest
// live heap seen during the run (the library and index included).
func BenchmarkDigestDaily(b *testing.B) {
	n := 0
	if os.Getenv("SAFELIB_BENCH_100K") != "" {
		n = 100_000
	}
	if v := os.Getenv("SAFELIB_BENCH_DIGEST_N"); v != "" {
		fmt.Sscan(v, &n)
	}
	if n == 0 {
		b.Skip("set SAFELIB_BENCH_100K=1 (builds a 100,000-resource library) or SAFELIB_BENCH_DIGEST_N")
	}
	ctx := context.Background()
	e := newDigestEnv(b)
	words := strings.Fields(`safeguarding neglect exploitation grooming online harm radicalisation domestic violence
		trafficking bullying wellbeing fostering adoption exclusion attendance assessment referral threshold
		inspection outcomes trauma consent missing gangs knife substance parenting carers asylum allegations
		vetting governance audit training guidance policy toolkit briefing research evaluation`)
	themes := []string{"neglect", "child-sexual-exploitation", "early-help", "online-abuse", "domestic-abuse", "sport", "looked-after-children"}
	types := []string{"report", "briefing", "guidance", "research", "local-policy"}
	rng := rand.New(rand.NewSource(7))
	gen := func(id string) *catalog.Resource {
		title := words[rng.Intn(len(words))] + " and " + words[rng.Intn(len(words))] + " " + id
		var body strings.Builder
		for range 60 {
			body.WriteString(words[rng.Intn(len(words))])
			body.WriteByte(' ')
		}
		access := catalog.Public
		if rng.Intn(5) == 0 {
			access = catalog.Members
		}
		return &catalog.Resource{ID: id, Title: title, Type: types[rng.Intn(len(types))], Themes: []string{themes[rng.Intn(len(themes))]},
			Published: catalog.Date(fmt.Sprintf("%d-%02d", 2010+rng.Intn(16), 1+rng.Intn(12))), Summary: "Summary of " + title,
			Body: body.String(), Access: access, Source: "import"}
	}
	b.StopTimer()
	start := time.Now()
	for i := 0; i < n; i += 1000 {
		var batch []*catalog.Resource
		for j := i; j < min(n, i+1000); j++ {
			batch = append(batch, gen(fmt.Sprintf("old-%06d", j)))
		}
		if _, err := e.l.Upsert(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("library of %d built in %v", n, time.Since(start).Round(time.Second))
	searches := []string{}
	for _, w := range words[:20] {
		searches = append(searches, "q="+w)
	}
	for _, th := range themes {
		searches = append(searches, "theme="+th, "q=safeguarding&theme="+th)
	}
	for _, ty := range types {
		searches = append(searches, "type="+ty+"&q="+words[rng.Intn(len(words))])
	}
	for m := range 1000 {
		expires := "2099-01-01"
		if m%10 == 0 {
			expires = "2020-01-01" // lapsed
		}
		u := e.user(b, fmt.Sprintf("m%04d@example.org", m), catalog.RoleMember, expires, "")
		for k := range 3 {
			e.alert(b, u, searches[(m*3+k)%len(searches)], catalog.Daily)
		}
	}
	var fresh []*catalog.Resource
	for j := range 200 {
		fresh = append(fresh, gen(fmt.Sprintf("new-%03d", j)))
	}
	if _, err := e.l.Upsert(ctx, fresh); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	b.StartTimer()
	var sum *DigestSummary
	peak := testkit.PeakHeap()
	for b.Loop() {
		var err error
		if sum, err = e.d.Run(ctx, catalog.Daily); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		e.later(24 * time.Hour) // the next iteration's run is a day later: nothing new then
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(sum.Emails), "emails")
	b.ReportMetric(float64(sum.Items), "items")
	b.Logf("summary %+v", sum)
}
