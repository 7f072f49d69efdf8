package library

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/taxonomy"
)

// benchCPU is the CPU time (user+system) this process has used.
func benchCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSearchHits searches a library on a real SQLite file and a Bleve
// index on disk, built like the load test's corpus (cmd/loadtest
// corpus.go: bodies of 400-3,000 words, a tenth 20,000, a tenth
// members-only), with 1-3 topic words, 20 hits with snippets and every
// facet, as a reader without members' access (the load test's) and as a
// member. cpu-ms/op is the process's CPU per search. The library is built
// once (~2,000 resources: a few minutes) and kept in SAFELIB_BENCH_DIR
// when that is set; SAFELIB_BENCH_SEARCH_N changes its size.
func BenchmarkSearchHits(b *testing.B) {
	ctx := context.Background()
	n := 2000
	if v := os.Getenv("SAFELIB_BENCH_SEARCH_N"); v != "" {
		fmt.Sscan(v, &n)
	}
	dir := b.TempDir()
	if root := os.Getenv("SAFELIB_BENCH_DIR"); root != "" {
		dir = filepath.Join(root, fmt.Sprintf("library-search-%d", n))
	}
	h, err := Open(ctx, dir, taxonomy.Default(), nil, OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	if rs, err := h.st.Resources(ctx, []string{fmt.Sprintf("gen-%06d", n-1)}, false); err != nil {
		b.Fatal(err)
	} else if len(rs) == 0 {
		buildSearchCorpus(b, h.Library, n)
	}
	queries := benchQueries(200)
	for _, rd := range []struct {
		name string
		rd   catalog.Reader
	}{{"reader=public", catalog.Reader{UserID: 2, Role: "member", Lapsed: true}}, {"reader=member", member}} {
		b.Run(rd.name, func(b *testing.B) {
			for _, q := range queries { // warm the index's tables and the page cache
				if _, err := h.Search(ctx, rd.rd, q); err != nil {
					b.Fatal(err)
				}
			}
			runtime.GC()
			b.ReportAllocs()
			cpu0 := benchCPU()
			for i := 0; b.Loop(); i++ {
				res, err := h.Search(ctx, rd.rd, queries[i%len(queries)])
				if err != nil {
					b.Fatal(err)
				}
				if res.Total > 0 && len(res.Hits) == 0 {
					b.Fatal("no hits")
				}
			}
			if cpu := benchCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			}
		})
	}
}

var (
	benchTopic  = strings.Fields(`safeguarding child children neglect exploitation sexual abuse online grooming partnership partnerships inspection ofsted review reviews serious case death overview panel domestic violence education home elective missing looked after care leavers fostering adoption trafficking modern slavery county lines radicalisation prevent mental health wellbeing poverty deprivation early help family support social work workforce reform assessment threshold referral strategy multi-agency information sharing police health schools designated officer allegations institutional sport coach club volunteer helpline unaccompanied asylum seeking disabled emotional physical harm bullying cyberbullying contextual extra-familial adolescent teenagers infants babies bruising supervision audit learning improvement practice guidance procedure policy protocol framework`)
	benchFiller = strings.Fields(`the of and to in a for is on that with as by are be this from at or which it an was were not have has had their they will would should could local national report year findings recommendations evidence data number increase decrease services service council authority authorities board boards government department agency agencies staff professionals`)
	benchThemes = []string{"child-sexual-exploitation", "online-abuse", "neglect", "domestic-abuse", "child-death-review", "sport", "elective-home-education", "looked-after-children", "inspection", "serious-case-reviews", "partnership-arrangements", "poverty-and-deprivation"}
	benchTypes  = []string{"report", "executive-summary", "briefing", "guidance", "research", "local-policy"}
)

func benchText(r *rand.Rand, n int) string {
	var b strings.Builder
	b.Grow(n * 7)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		if r.Intn(3) == 0 {
			b.WriteString(benchTopic[r.Intn(len(benchTopic))])
		} else {
			b.WriteString(benchFiller[r.Intn(len(benchFiller))])
		}
		if i%14 == 13 {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// buildSearchCorpus writes n resources shaped like the load test's.
func buildSearchCorpus(b *testing.B, l *Library, n int) {
	ctx := context.Background()
	r := rand.New(rand.NewSource(1))
	start := time.Now()
	var batch []*catalog.Resource
	for i := 0; i < n; i++ {
		words := 400 + r.Intn(2600)
		if i%10 == 0 {
			words = 20000
		}
		res := &catalog.Resource{ID: fmt.Sprintf("gen-%06d", i), Title: benchText(r, 4+r.Intn(8)),
			URL: fmt.Sprintf("https://example.org/reports/%06d", i), Publisher: fmt.Sprintf("Publisher %d", r.Intn(50)),
			Type: benchTypes[r.Intn(len(benchTypes))], Published: catalog.Date(fmt.Sprintf("%04d-%02d-%02d", 2000+r.Intn(27), 1+r.Intn(12), 1+r.Intn(28))),
			Summary: benchText(r, 60), Body: benchText(r, words), Access: catalog.Public, Source: "import",
			Themes: []string{benchThemes[r.Intn(len(benchThemes))], benchThemes[r.Intn(len(benchThemes))]}}
		if res.Themes[0] == res.Themes[1] {
			res.Themes = res.Themes[:1]
		}
		if i%10 == 5 {
			res.Access = catalog.Members
		}
		if batch = append(batch, res); len(batch) == 200 || i == n-1 {
			if _, err := l.Upsert(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.Logf("built %d resources in %s", n, time.Since(start).Round(time.Second))
}

// benchQueries are n searches of 1-3 topic words, some with a theme.
func benchQueries(n int) []SearchParams {
	r := rand.New(rand.NewSource(2))
	out := make([]SearchParams, n)
	for i := range out {
		ws := make([]string, 1+r.Intn(3))
		for j := range ws {
			ws[j] = benchTopic[r.Intn(len(benchTopic))]
		}
		p := SearchParams{Q: strings.Join(ws, " "), Page: 1 + r.Intn(3)}
		if r.Intn(2) == 0 {
			p.Filters = Selections{FieldTheme: {benchThemes[r.Intn(len(benchThemes))]}}
		}
		out[i] = p
	}
	return out
}
