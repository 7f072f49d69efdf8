package jobs

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"safelib/internal/store"
)

func TestMonthlyAt(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	next := MonthlyAt(1, 7, 0, london)
	for _, tc := range []struct{ at, want string }{
		{"2026-12-01T06:59:00Z", "2026-12-01T07:00:00Z"},
		{"2026-12-01T07:00:00Z", "2027-01-01T07:00:00Z"},
		{"2026-04-15T12:00:00Z", "2026-05-01T06:00:00Z"}, // BST
	} {
		at, _ := time.Parse(time.RFC3339, tc.at)
		if got := next(at).UTC().Format(time.RFC3339); got != tc.want {
			t.Errorf("after %s: %s, want %s", tc.at, got, tc.want)
		}
	}
}

// A restart neither skips a run that fell due while the process was down
// nor repeats one already done: the last runs are kept in the database.
func TestLastRunsSurviveRestarts(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "jobs.db")
	var mu sync.Mutex
	now := time.Date(2026, 12, 2, 7, 0, 30, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	runs := 0
	start := func() *Runner {
		st, err := store.Open(ctx, file)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		r := New(nil, clock)
		if err := r.Persist(ctx, st); err != nil {
			t.Fatal(err)
		}
		r.Add(Job{Name: "digest-daily", Next: DailyAt(7, 0, time.UTC), Run: func(context.Context) (any, error) {
			runs++
			return map[string]int{"emails": runs}, nil
		}})
		return r
	}
	r := start()
	if _, err := r.RunNow(ctx, "digest-daily"); err != nil { // 07:00:30 today
		t.Fatal(err)
	}
	// Restart the same morning: nothing is due until tomorrow.
	set(time.Date(2026, 12, 2, 7, 5, 0, 0, time.UTC))
	r = start()
	r.Tick(ctx)
	if runs != 1 {
		t.Fatalf("a restart repeated the run: %d runs", runs)
	}
	st := r.Statuses()[0]
	if st.LastRun == nil || !st.LastRun.Equal(time.Date(2026, 12, 2, 7, 0, 30, 0, time.UTC)) ||
		!st.NextRun.Equal(time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)) {
		t.Fatalf("status after restart: %+v", st)
	}
	if b, _ := json.Marshal(st.LastSummary); string(b) != `{"emails":1}` {
		t.Fatalf("last summary %s", b)
	}
	// Down over the next 07:00, up at 09:00: the missed run goes at the first tick, once.
	set(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	r = start()
	r.Tick(ctx)
	r.Tick(ctx)
	if runs != 2 {
		t.Fatalf("the missed run: %d runs, want 2", runs)
	}
}
