package library

import (
	"context"
	"fmt"
	"math/rand"
	"runtime"
	"strings"
	"testing"

	"safelib/internal/catalog"
	"safelib/internal/testkit"
)

// largeBodies are 10 MB texts: real words, and one long token.
func largeBodies() map[string]string {
	words := strings.Fields("safeguarding child adult neglect abuse referral partnership agency policy procedure risk assessment social care school health police family carer support concern disclosure consent record review practice learning exploitation domestic")
	rng := rand.New(rand.NewSource(1))
	var b strings.Builder
	for b.Len() < 10<<20 {
		b.WriteString(words[rng.Intn(len(words))])
		b.WriteByte(' ')
	}
	return map[string]string{"words": b.String(), "one-token": strings.Repeat("a", 10<<20)}
}

// BenchmarkLargeBody writes one resource with a 10 MB body (store and
// index, as a staff PATCH does) and searches it; peak-heap-MB is the
// largest live heap seen meanwhile (sampled every millisecond).
func BenchmarkLargeBody(b *testing.B) {
	ctx := context.Background()
	for _, name := range []string{"words", "one-token"} {
		b.Run(name, func(b *testing.B) {
			body := largeBodies()[name]
			l := newEmptyLibrary(b)
			runtime.GC()
			peak := testkit.PeakHeap()
			for i := 0; b.Loop(); i++ {
				r := &catalog.Resource{ID: fmt.Sprintf("large-%d", i), Title: "A very long document", Type: "report",
					Body: body, Source: "curated"}
				if _, err := l.Upsert(ctx, []*catalog.Resource{r}); err != nil {
					b.Fatal(err)
				}
				if _, err := l.Search(ctx, catalog.Reader{}, SearchParams{Q: "neglect referral"}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
		})
	}
}
