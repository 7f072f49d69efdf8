package store

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"
)

// BenchmarkResourcesHits loads 20 hits without their bodies (as a search
// does) from 2,000 resources with 40 KB bodies, through the covering index
// (Resources) and, for comparison, from the table rows; from=texts adds
// their bodies (LoadTexts).
func BenchmarkResourcesHits(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	body := strings.Repeat("safeguarding children partnership review ", 1000)
	ids := make([]string, 2000)
	for i := range ids {
		ids[i] = fmt.Sprintf("r%05d", i)
		r := res(ids[i], "")
		r.Body, r.Pages = body, nil
		if err := s.InsertResource(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewSource(1))
	pick := func() []string {
		out := make([]string, 20)
		for i := range out {
			out[i] = ids[rng.Intn(len(ids))]
		}
		return out
	}
	b.Run("from=index", func(b *testing.B) {
		defer reportCPU(b, processCPU())
		for b.Loop() {
			if rs, err := s.Resources(ctx, pick(), false); err != nil || len(rs) == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("from=texts", func(b *testing.B) { // the bodies of 20 hits, as a search cuts snippets from them
		defer reportCPU(b, processCPU())
		for b.Loop() {
			rs, err := s.Resources(ctx, pick(), false)
			if err != nil || len(rs) == 0 {
				b.Fatal(err)
			}
			if err := s.LoadTexts(ctx, rs); err != nil || rs[0].Body == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("from=table", func(b *testing.B) {
		defer reportCPU(b, processCPU())
		for b.Loop() {
			hits := pick()
			args := make([]any, len(hits))
			for i, id := range hits {
				args[i] = id
			}
			rows, err := s.db.QueryContext(ctx, `SELECT `+resourceCols+` FROM resources WHERE id IN (`+placeholders(len(hits))+`)`, args...)
			if err != nil {
				b.Fatal(err)
			}
			var rs []*catalog.Resource
			for rows.Next() {
				r, err := scanResource(rows, false)
				if err != nil {
					b.Fatal(err)
				}
				rs = append(rs, r)
			}
			rows.Close()
			if err := s.loadThemes(ctx, rs); err != nil || len(rs) == 0 {
				b.Fatal(err)
			}
		}
	})
}

// reportCPU reports the CPU time per operation since cpu0.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	if cpu := processCPU() - cpu0; cpu > 0 && b.N > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkTokenIdentityRows reads an API token's row and its user's, as
// every API request with a token does.
func BenchmarkTokenIdentityRows(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	u := &catalog.User{Email: "ann@example.org", Role: catalog.RoleMember}
	if err := s.CreateUser(ctx, u, time.Now()); err != nil {
		b.Fatal(err)
	}
	if err := s.CreateAPIToken(ctx, &catalog.APIToken{UserID: u.ID, Hash: "h1", Created: time.Now()}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	defer reportCPU(b, processCPU())
	for b.Loop() {
		t, err := s.APITokenByHash(ctx, "h1")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.UserByID(ctx, t.UserID); err != nil {
			b.Fatal(err)
		}
	}
}
