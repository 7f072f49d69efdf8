package index

// Benchmarks on a generated corpus. The 10k benchmarks always run; the 100k
// ones need SAFELIB_BENCH_100K=1 because building takes minutes. Commands
// and figures are in BENCHMARKS.md ("## Search index").

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
)

var safeguardingWords = strings.Fields(`safeguarding child children abuse neglect exploitation sexual criminal
county lines grooming online harm harmful radicalisation prevent domestic violence coercive control
trafficking modern slavery female genital mutilation forced marriage honour bullying self harm suicide
mental health wellbeing looked after care leavers fostering adoption residential kinship special
educational needs disability education exclusion attendance elective home school college university
early help family support social work worker workers practitioner practitioners assessment referral
threshold strategy discussion section enquiry plan conference core group review serious case
practice learning lessons partnership partners police health nhs gp midwife health visitor designated
safeguarding lead officer local authority council ofsted inspection inspections inspectors judgement
outcome outcomes improvement risk risks protective factors resilience trauma adverse childhood
experiences contextual peer relationship relationships consent image sharing sexting missing
runaway homeless youth justice offending gang gangs knife crime substance misuse alcohol drugs
parental parenting capacity disabled carers young carers unaccompanied asylum seeking refugee
privately fostered allegations managing allegations against staff volunteers recruitment vetting dbs
information sharing confidentiality consent data protection whistleblowing complaints governance
leadership management board annual report audit quality assurance training guidance statutory
policy procedure procedures toolkit briefing research evaluation evidence interventions programme
therapeutic support services commissioning funding budget workforce caseload supervision`)

var themeSlugs = []string{
	"neglect", "child-sexual-exploitation", "child-criminal-exploitation", "online-safety", "domestic-abuse",
	"radicalisation", "fgm", "forced-marriage", "bullying", "self-harm", "mental-health", "looked-after-children",
	"care-leavers", "fostering", "adoption", "send", "elective-home-education", "exclusions", "early-help",
	"child-protection", "serious-case-reviews", "inspection", "missing-children", "trafficking", "county-lines",
	"youth-justice", "substance-misuse", "allegations", "information-sharing", "workforce",
}

// benchBroader puts some themes under broader ones, as library indexes
// them (each document's theme field also holds the broader themes of its
// themes).
var benchBroader = map[string]string{
	"child-sexual-exploitation": "abuse-and-exploitation", "child-criminal-exploitation": "abuse-and-exploitation",
	"trafficking": "abuse-and-exploitation", "county-lines": "abuse-and-exploitation", "online-safety": "abuse-and-exploitation",
	"looked-after-children": "children-in-care", "care-leavers": "children-in-care", "fostering": "children-in-care", "adoption": "children-in-care",
}

var docTypes = []string{
	"report", "guidance", "policy", "procedure", "toolkit", "briefing", "research", "statistics",
	"serious case review", "inspection report", "training", "leaflet", "consultation", "strategy",
}

var regions = []string{"North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
	"East of England", "London", "South East", "South West"}

type benchCorpus struct {
	docs    []Document
	plain   []plainDoc
	queries []string
	bytes   int64
}

// plainDoc is the same document as a struct for Bleve's default mapping.
type plainDoc struct {
	Title, Summary, Body string
	Publisher, Type      string
	Themes, ThemeLabels  []string
	Year                 int
	Published            string
	Area, Region         string
	Access, Source       string
	Extra                string
}

var (
	corpusMu sync.Mutex
	corpora  = map[string]*benchCorpus{}
)

// corpus returns n deterministic documents (seed 1).
func corpus(n int) *benchCorpus { return genCorpus(n, false) }

// genCorpus returns n deterministic documents; short bodies (40 words) make
// a cheap corpus for measuring costs that depend on the number of documents
// only (browsing: sort keys and facets), not on their text.
func genCorpus(n int, short bool) *benchCorpus {
	corpusMu.Lock()
	defer corpusMu.Unlock()
	key := fmt.Sprint(n, short)
	if c := corpora[key]; c != nil {
		return c
	}
	r := rand.New(rand.NewSource(1))
	// Filler vocabulary: 20,000 pseudo-words, Zipf-distributed.
	syl := []string{"ka", "lo", "mi", "ne", "to", "ra", "si", "ve", "du", "pe", "gri", "stan", "mor", "ble", "th", "qu", "ex", "ion", "ment", "al"}
	filler := make([]string, 20000)
	for i := range filler {
		var b strings.Builder
		for j := 0; j < 2+r.Intn(3); j++ {
			b.WriteString(syl[r.Intn(len(syl))])
		}
		filler[i] = b.String()
	}
	// Zipf draws are slow; draw a pool once and pick from it.
	zf := rand.NewZipf(r, 1.1, 1, uint64(len(filler)-1))
	zs := rand.NewZipf(r, 1.05, 1, uint64(len(safeguardingWords)-1))
	pool := make([]string, 1<<20)
	for i := range pool {
		if i%3 == 0 {
			pool[i] = safeguardingWords[zs.Uint64()]
		} else {
			pool[i] = filler[zf.Uint64()]
		}
	}
	word := func() string { return pool[r.Intn(len(pool))] }
	text := func(words int) string {
		var b strings.Builder
		b.Grow(words * 8)
		for i := 0; i < words; i++ {
			if i > 0 {
				if i%15 == 0 {
					b.WriteString(". ")
				} else {
					b.WriteByte(' ')
				}
			}
			b.WriteString(word())
		}
		return b.String()
	}
	publishers := make([]string, 200)
	for i := range publishers {
		publishers[i] = fmt.Sprintf("%s %s Safeguarding Partnership", strings.ToUpper(filler[i*7][:1])+filler[i*7][1:], filler[i*7+3])
	}
	zp := rand.NewZipf(r, 1.2, 1, uint64(len(publishers)-1))
	areas := make([]string, 150)
	for i := range areas {
		areas[i] = strings.ToUpper(filler[i*11+5][:1]) + filler[i*11+5][1:] + " " + []string{"Borough", "County", "City"}[i%3]
	}
	sources := []string{"seed", "curated", "crawled", "import"}

	c := &benchCorpus{}
	for i := 0; i < n; i++ {
		// Body length: 400 + log-normal (median ~600), capped at 20,000 words; mean ~1,400.
		bodyWords := 400 + int(math.Min(19600, math.Exp(math.Log(600)+r.NormFloat64())))
		if short {
			bodyWords = 40
		}
		nt := 2 + r.Intn(3)
		var themes, labels []string
		for _, k := range r.Perm(len(themeSlugs))[:nt] {
			themes = append(themes, themeSlugs[k])
			labels = append(labels, strings.ReplaceAll(themeSlugs[k], "-", " "))
		}
		for _, t := range themes {
			if b := benchBroader[t]; b != "" && !slices.Contains(themes, b) {
				themes = append(themes, b)
			}
		}
		year := 2000 + r.Intn(27)
		published := fmt.Sprintf("%d-%02d-%02d", year, 1+r.Intn(12), 1+r.Intn(28))
		switch r.Intn(20) {
		case 0:
			published = fmt.Sprintf("%d-00-00", year)
		case 1:
			year, published = 0, ""
		}
		d := Document{
			ID:          fmt.Sprintf("r%07d", i),
			Title:       text(4 + r.Intn(8)),
			Summary:     text(45 + r.Intn(30)),
			Body:        text(bodyWords),
			Publisher:   publishers[zp.Uint64()],
			Type:        docTypes[r.Intn(len(docTypes))],
			Themes:      themes,
			ThemeLabels: labels,
			Year:        year,
			Published:   published,
			Access:      AccessPublic,
			Source:      sources[r.Intn(len(sources))],
		}
		if r.Intn(3) == 0 {
			k := r.Intn(len(areas))
			d.Area, d.Region = areas[k], regions[k%len(regions)]
		}
		if r.Intn(10) == 0 {
			d.Access = AccessMembers
		}
		c.docs = append(c.docs, d)
		c.plain = append(c.plain, plainDoc{
			Title: d.Title, Summary: d.Summary, Body: d.Body, Publisher: d.Publisher, Type: d.Type,
			Themes: d.Themes, ThemeLabels: d.ThemeLabels, Year: d.Year, Published: d.Published,
			Area: d.Area, Region: d.Region, Access: d.Access, Source: d.Source, Extra: d.Extra,
		})
		c.bytes += int64(len(d.Title) + len(d.Summary) + len(d.Body))
	}
	// 1-3 word queries from the safeguarding vocabulary (what people type).
	for i := 0; i < 500; i++ {
		words := make([]string, 1+r.Intn(3))
		for j := range words {
			if j == 0 {
				words[j] = safeguardingWords[zs.Uint64()]
			} else {
				words[j] = safeguardingWords[r.Intn(len(safeguardingWords))]
			}
		}
		c.queries = append(c.queries, strings.Join(words, " "))
	}
	corpora[key] = c
	return c
}

// loadOurs indexes docs in batches of batchSize, one batch at a time, as
// library.drainPending does (concurrent Batch calls are not safe on a disk
// that fills up: see Index.Batch).
func loadOurs(ix *Index, docs []Document, batchSize int) error {
	for i := 0; i < len(docs); i += batchSize {
		if err := ix.Batch(docs[i:min(len(docs), i+batchSize)], nil); err != nil {
			return err
		}
	}
	return nil
}

func loadPlain(bi bleve.Index, c *benchCorpus) error {
	b := bi.NewBatch()
	for i := range c.plain {
		if err := b.Index(c.docs[i].ID, c.plain[i]); err != nil {
			return err
		}
		if b.Size() == 1000 || i == len(c.plain)-1 {
			if err := bi.Batch(b); err != nil {
				return err
			}
			b = bi.NewBatch()
		}
	}
	return nil
}

// benchBatchSize is the library's batch size (library.indexBatch).
const benchBatchSize = 500

func BenchmarkIndex10k(b *testing.B) {
	c := corpus(10000)
	for _, batch := range []int{500, 1000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			cpu0 := processCPU()
			for b.Loop() {
				dir := b.TempDir()
				ix, err := Open(filepath.Join(dir, "idx"), Options{})
				if err != nil {
					b.Fatal(err)
				}
				if err := loadOurs(ix, c.docs, batch); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				size := ix.DiskSize()
				if err := ix.Close(); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(size)/(1<<20), "MB-disk")
				b.StartTimer()
			}
			reportRate(b, len(c.docs), c.bytes, cpu0)
		})
	}
}

func BenchmarkIndexPlainBleve10k(b *testing.B) {
	c := corpus(10000)
	cpu0 := processCPU()
	for b.Loop() {
		bi, err := bleve.New(filepath.Join(b.TempDir(), "plain"), bleve.NewIndexMapping())
		if err != nil {
			b.Fatal(err)
		}
		if err := loadPlain(bi, c); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = bi.Close()
		b.StartTimer()
	}
	reportRate(b, len(c.docs), c.bytes, cpu0)
}

// reportRate reports wall-clock and CPU-time indexing rates; cpu0 is
// processCPU() before the loop.
func reportRate(b *testing.B, docs int, bytes int64, cpu0 time.Duration) {
	per := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(docs)/per, "docs/s")
	b.ReportMetric(float64(bytes)/per/(1<<20), "MB-text/s")
	if cpu := (processCPU() - cpu0).Seconds() / float64(b.N); cpu > 0 {
		b.ReportMetric(float64(docs)/cpu, "docs/cpu-s")
	}
}

// Built indexes shared by the search benchmarks of one process.
var (
	builtMu   sync.Mutex
	builtOurs = map[int]*Index{}
	builtPln  = map[int]bleve.Index{}
	benchRoot string
)

func TestMain(m *testing.M) {
	code := m.Run()
	builtMu.Lock()
	for _, ix := range builtOurs {
		_ = ix.Close()
	}
	for _, bi := range builtPln {
		_ = bi.Close()
	}
	builtMu.Unlock()
	if benchRoot != "" && os.Getenv("SAFELIB_BENCH_DIR") == "" {
		_ = os.RemoveAll(benchRoot)
	}
	os.Exit(code)
}

func benchDir(b *testing.B, name string) string {
	if benchRoot == "" && os.Getenv("SAFELIB_BENCH_DIR") != "" {
		benchRoot = os.Getenv("SAFELIB_BENCH_DIR") // kept between runs, for profiling
	}
	if benchRoot == "" {
		d, err := os.MkdirTemp("", "safelib-index-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchRoot = d
	}
	return filepath.Join(benchRoot, name)
}

// settle waits for Bleve's background persisting and merging to finish,
// so searches measure a steady index.
func settle(bi bleve.Index) {
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		m, ok := bi.StatsMap()["index"].(map[string]interface{})
		if !ok {
			return
		}
		if active, ok := m["index_bgthreads_active"].(bool); ok && !active {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func oursIndex(b *testing.B, n int) *Index { return oursIndexWith(b, n, false) }

func oursIndexWith(b *testing.B, n int, short bool) *Index {
	builtMu.Lock()
	defer builtMu.Unlock()
	key := n
	if short {
		key = -n
	}
	if ix := builtOurs[key]; ix != nil {
		return ix
	}
	c := genCorpus(n, short)
	b.StopTimer()
	defer b.StartTimer()
	dir := benchDir(b, fmt.Sprintf("ours-%d-short=%v", n, short))
	opts := Options{Synonyms: map[string][]string{"cse": {"child sexual exploitation"}}}
	ix, err := Open(dir, opts)
	if errors.Is(err, ErrNeedsRebuild) {
		_ = os.RemoveAll(dir)
		ix, err = Open(dir, opts)
	}
	if err != nil {
		b.Fatal(err)
	}
	if count, _ := ix.Count(); count == uint64(n) {
		builtOurs[key] = ix // kept from an earlier run (SAFELIB_BENCH_DIR)
		return ix
	}
	start := time.Now()
	if err := loadOurs(ix, c.docs, benchBatchSize); err != nil {
		b.Fatal(err)
	}
	b.Logf("ours %d: indexed in %v, settling", n, time.Since(start))
	settle(ix.bi)
	b.Logf("ours %d: settled after %v, %.1f MB", n, time.Since(start), float64(ix.DiskSize())/(1<<20))
	builtOurs[key] = ix
	return ix
}

func plainIndex(b *testing.B, n int) bleve.Index {
	builtMu.Lock()
	defer builtMu.Unlock()
	if bi := builtPln[n]; bi != nil {
		return bi
	}
	c := corpus(n)
	b.StopTimer()
	defer b.StartTimer()
	bi, err := bleve.New(benchDir(b, fmt.Sprintf("plain-%d", n)), bleve.NewIndexMapping())
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := loadPlain(bi, c); err != nil {
		b.Fatal(err)
	}
	b.Logf("plain %d: indexed in %v, settling", n, time.Since(start))
	settle(bi)
	b.Logf("plain %d: settled after %v", n, time.Since(start))
	builtPln[n] = bi
	return bi
}

// latencies records one duration per operation and reports p50/p99 in ms.
type latencies []time.Duration

// report adds p50/p99 latency and CPU ms per operation (cpu0 is
// processCPU() before the loop).
func (l latencies) report(b *testing.B, cpu0 time.Duration) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	pct := func(p float64) float64 {
		return float64(s[min(len(s)-1, int(p*float64(len(s))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(l)), "cpu-ms/op")
	}
}

func benchSearchOurs(b *testing.B, n int, browse bool) { benchSearchOursWith(b, n, browse, false) }

func benchSearchOursWith(b *testing.B, n int, browse, short bool) {
	ix := oursIndexWith(b, n, short)
	c := genCorpus(n, short)
	queries := make([]Query, len(c.queries))
	for i, s := range c.queries {
		queries[i] = mustParse(b, s)
	}
	ctx := context.Background()
	runSearches(b, func(i int) (uint64, error) {
		req := Request{PerPage: 20}
		if !browse {
			req.SetQuery(queries[i%len(queries)])
		}
		res, err := ix.Search(ctx, req)
		if err != nil {
			return 0, err
		}
		return res.Total, nil
	})
}

// runSearches times search(i) for i = 0, 1, ... as b.Loop asks, and
// reports latencies, CPU per query and mean hits.
func runSearches(b *testing.B, search func(i int) (hits uint64, err error)) {
	var lat latencies
	var hits uint64
	i := 0
	cpu0 := processCPU()
	for b.Loop() {
		t := time.Now()
		n, err := search(i)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
		hits += n
		i++
	}
	lat.report(b, cpu0)
	b.ReportMetric(float64(hits)/float64(i), "hits/op")
}

func benchSearchPlain(b *testing.B, n int, browse bool) {
	bi := plainIndex(b, n)
	c := corpus(n)
	ctx := context.Background()
	runSearches(b, func(i int) (uint64, error) {
		var sr *bleve.SearchRequest
		if browse {
			sr = bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 20, 0, false)
			sr.SortBy([]string{"-Published", "_id"})
		} else {
			sr = bleve.NewSearchRequestOptions(bleve.NewQueryStringQuery(c.queries[i%len(c.queries)]), 20, 0, false)
		}
		for _, f := range []string{"Themes", "Publisher", "Type", "Year", "Area"} {
			sr.AddFacet(f, bleve.NewFacetRequest(f, 50))
		}
		res, err := bi.SearchInContext(ctx, sr)
		if err != nil {
			return 0, err
		}
		return res.Total, nil
	})
}

// BenchmarkSearchSelected10k searches with a selection in two facets, so
// the counts of those two leave out their own selection (multi-select).
func BenchmarkSearchSelected10k(b *testing.B) {
	ix := oursIndex(b, 10000)
	c := corpus(10000)
	queries := make([]Query, len(c.queries))
	for i, s := range c.queries {
		queries[i] = mustParse(b, s)
	}
	ctx := context.Background()
	runSearches(b, func(i int) (uint64, error) {
		d := c.docs[i%len(c.docs)]
		req := Request{PerPage: 20, Filters: Selections{"theme": d.Themes[:1], "type": {d.Type}}}
		req.SetQuery(queries[i%len(queries)])
		res, err := ix.Search(ctx, req)
		if err != nil {
			return 0, err
		}
		return res.Total, nil
	})
}

// BenchmarkFacetPostings10k: "read" reads every facet value's postings
// from every segment (what a merge of all segments into one costs the next
// search with facets); "assemble" numbers cached segment postings for a new
// snapshot (what every write costs, plus reading its own small segment).
func BenchmarkFacetPostings10k(b *testing.B) {
	ix := oursIndex(b, 10000)
	for _, read := range []bool{true, false} {
		name := map[bool]string{true: "read", false: "assemble"}[read]
		b.Run(name, func(b *testing.B) {
			err := ix.withReader(func(r indexReader) error {
				for b.Loop() {
					if read {
						ix.segData = nil
					}
					if err := ix.buildPostings(&facetPostings{}, r); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}

func BenchmarkSearch10k(b *testing.B)              { benchSearchOurs(b, 10000, false) }
func BenchmarkSearchPlainBleve10k(b *testing.B)    { benchSearchPlain(b, 10000, false) }
func BenchmarkBrowseAll(b *testing.B)              { benchSearchOurs(b, 10000, true) }
func BenchmarkBrowseAllPlainBleve10k(b *testing.B) { benchSearchPlain(b, 10000, true) }

// BenchmarkBrowseAll100kShortBodies is a cheap stand-in for
// BenchmarkBrowseAll100k: browsing touches only sort keys and facet values,
// so 40-word bodies give the same work per query at a fraction of the build
// time. Needs SAFELIB_BENCH_100K=1 or =short.
func BenchmarkBrowseAll100kShortBodies(b *testing.B) {
	if v := os.Getenv("SAFELIB_BENCH_100K"); v != "1" && v != "short" {
		b.Skip("set SAFELIB_BENCH_100K=short (builds a 100k-document index with short bodies)")
	}
	benchSearchOursWith(b, 100000, true, true)
}

// BenchmarkSearchNarrowed100k: searches of words at 100,000 documents,
// as they are ("words") and with a broader theme selected and a five-year
// date range ("broader+dates", as library sends them), or the last 12
// months ("broader+12months": the days of two partial years). Needs
// SAFELIB_BENCH_100K=1, or =short for 40-word bodies (the selection and
// range cost depends on the number of documents, not their text).
func BenchmarkSearchNarrowed100k(b *testing.B) {
	v := os.Getenv("SAFELIB_BENCH_100K")
	if v != "1" && v != "short" {
		b.Skip("set SAFELIB_BENCH_100K=1 or =short (builds a 100k-document index)")
	}
	short := v == "short"
	ix := oursIndexWith(b, 100000, short)
	c := genCorpus(100000, short)
	queries := make([]Query, len(c.queries))
	for i, s := range c.queries {
		queries[i] = mustParse(b, s)
	}
	ctx := context.Background()
	for _, mode := range []string{"words", "broader+dates", "broader+12months", "broader", "dates", "words-again"} {
		b.Run("mode="+mode, func(b *testing.B) {
			runSearches(b, func(i int) (uint64, error) {
				req := Request{PerPage: 20}
				req.SetQuery(queries[i%len(queries)])
				if strings.HasPrefix(mode, "broader") {
					req.Filters = Selections{"theme": {"abuse-and-exploitation"}}
				}
				switch {
				case strings.HasSuffix(mode, "dates"): // whole years: year keywords
					req.DateFrom, req.DateTo = "2020", "2024"
				case strings.HasSuffix(mode, "12months"): // the quick choice: days of two partial years
					req.DateFrom, req.DateTo = "2025-06-15", "2026-06-14"
				}
				res, err := ix.Search(ctx, req)
				if err != nil {
					return 0, err
				}
				return res.Total, nil
			})
		})
	}
}

func need100k(b *testing.B) {
	if os.Getenv("SAFELIB_BENCH_100K") != "1" {
		b.Skip("set SAFELIB_BENCH_100K=1 (builds two 100k-document indexes, several minutes)")
	}
}

func BenchmarkSearch100k(b *testing.B)           { need100k(b); benchSearchOurs(b, 100000, false) }
func BenchmarkSearchPlainBleve100k(b *testing.B) { need100k(b); benchSearchPlain(b, 100000, false) }
func BenchmarkBrowseAll100k(b *testing.B)        { need100k(b); benchSearchOurs(b, 100000, true) }
func BenchmarkBrowseAllPlainBleve100k(b *testing.B) {
	need100k(b)
	benchSearchPlain(b, 100000, true)
}

// The benchmarks' figures are only comparable while their corpus keeps the
// shape BENCHMARKS.md describes: bodies of 400 to 20,000 words averaging
// about 1,400, unique ids, queries to run.
func TestCorpusStats(t *testing.T) {
	start := time.Now()
	n := 1000
	if os.Getenv("SAFELIB_CORPUS_STATS") != "" {
		n = 10000
	}
	c := corpus(n)
	if len(c.docs) != n || len(c.queries) < 10 {
		t.Fatalf("%d documents and %d queries, want %d and at least 10", len(c.docs), len(c.queries), n)
	}
	var words, minw, maxw int
	minw = 1 << 30
	ids := map[string]bool{}
	for _, d := range c.docs {
		k := len(strings.Fields(d.Body))
		words += k
		minw, maxw = min(minw, k), max(maxw, k)
		if ids[d.ID] {
			t.Fatalf("id %s twice", d.ID)
		}
		ids[d.ID] = true
	}
	mean := words / len(c.docs)
	t.Logf("gen %v, mean body words %d, min %d, max %d, MB %.1f, q %v", time.Since(start), mean, minw, maxw, float64(c.bytes)/(1<<20), c.queries[:10])
	if mean < 1100 || mean > 1700 || minw < 400 || maxw > 20000 {
		t.Fatalf("body words: mean %d, min %d, max %d; want a mean of about 1,400 within [400, 20000]", mean, minw, maxw)
	}
}

// BenchmarkSnippets10k is a search as the library makes one (20 hits,
// facets, the reader a member) plus the snippets of every hit's title,
// summary and body: mode=none is the search alone, mode=scan finds the words by
// analysing the texts (Snippets), mode=spots reads them from the index's term
// vectors (Index.Spots, Spots.Snippets). Texts come from the corpus, as
// the store would give them.
func BenchmarkSnippets10k(b *testing.B) {
	ix := oursIndex(b, 10000)
	c := corpus(10000)
	byID := make(map[string]*Document, len(c.docs))
	for i := range c.docs {
		byID[c.docs[i].ID] = &c.docs[i]
	}
	queries := make([]Query, len(c.queries))
	for i, s := range c.queries {
		queries[i] = mustParse(b, s)
	}
	ctx := context.Background()
	for _, mode := range []string{"none", "scan", "spots"} {
		b.Run("mode="+mode, func(b *testing.B) {
			runSearches(b, func(i int) (uint64, error) {
				req := Request{PerPage: 20, Members: true}
				req.SetQuery(queries[i%len(queries)])
				res, err := ix.Search(ctx, req)
				if err != nil {
					return 0, err
				}
				hq := res.Highlight
				var spots map[string]*Spots
				switch mode {
				case "none":
					return res.Total, nil
				case "spots":
					docs := make([]SpotDoc, len(res.Hits))
					for k, h := range res.Hits {
						docs[k] = SpotDoc{ID: h.ID, Members: byID[h.ID].Access == AccessMembers}
					}
					if spots, err = ix.Spots(ctx, hq, docs); err != nil {
						return 0, err
					}
				}
				for _, h := range res.Hits {
					d, sp := byID[h.ID], spots[h.ID] // nil spots: Snippets
					sp.Snippets(SpotTitle, d.Title, hq, 1, 300)
					sp.Snippets(SpotSummary, d.Summary, hq, 1, 240)
					sp.Snippets(SpotBody, d.Body, hq, 2, 200)
				}
				return res.Total, nil
			})
		})
	}
}

// BenchmarkFacetCounts10k counts every facet over random halves, tenths
// and hundredths of the 10k corpus's documents, as over a search's
// matches (facetCounts: tables for sparse sets, intersections for dense).
func BenchmarkFacetCounts10k(b *testing.B) {
	ix := oursIndex(b, 10000)
	adv, err := ix.bi.Advanced()
	if err != nil {
		b.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	fp, err := ix.postings(r)
	if err != nil {
		b.Fatal(err)
	}
	all := fp.all.ToArray()
	for _, frac := range []int{2, 10, 100} {
		rng := rand.New(rand.NewSource(1))
		var sets []*roaring.Bitmap
		for range 50 {
			bm := roaring.New()
			for _, n := range all {
				if rng.Intn(frac) == 0 {
					bm.Add(n)
				}
			}
			sets = append(sets, bm)
		}
		b.Run("1/"+strconv.Itoa(frac), func(b *testing.B) {
			cpu0 := processCPU()
			i := 0
			for b.Loop() {
				fp.facetCounts(sets[i%len(sets)], nil, 100)
				i++
			}
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(i), "cpu-ms/op")
		})
	}
}
