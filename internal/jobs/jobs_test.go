package jobs

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"safelib/internal/catalog"
)

func TestDailyAt(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	next := DailyAt(7, 0, london)
	for _, tc := range []struct{ at, want string }{
		{"2026-04-20T05:00:00Z", "2026-04-20T06:00:00Z"}, // BST: 07:00 is 06:00 UTC
		{"2026-04-20T06:00:00Z", "2026-04-21T06:00:00Z"}, // at the time: the next day
		{"2026-10-24T12:00:00Z", "2026-10-25T07:00:00Z"}, // the clocks go back overnight
		{"2026-12-02T08:00:00Z", "2026-12-03T07:00:00Z"},
	} {
		at, _ := time.Parse(time.RFC3339, tc.at)
		if got := next(at).UTC().Format(time.RFC3339); got != tc.want {
			t.Errorf("after %s: %s, want %s", tc.at, got, tc.want)
		}
	}
}

// A run asked for while the job runs is refused, never doubled; the
// scheduled tick leaves a running job alone.
func TestOverlappingRunsNeverDouble(t *testing.T) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r := New(nil, clock)
	started, release := make(chan struct{}), make(chan struct{})
	runs := 0
	r.Add(Job{Name: "slow", Next: Every(time.Hour), Run: func(ctx context.Context) (any, error) {
		mu.Lock()
		runs++
		mu.Unlock()
		started <- struct{}{}
		<-release
		return map[string]int{"items": 3}, nil
	}})
	done := make(chan any)
	go func() {
		sum, err := r.RunNow(context.Background(), "slow")
		if err != nil {
			t.Error(err)
		}
		done <- sum
	}()
	<-started
	if _, err := r.RunNow(context.Background(), "slow"); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("second run: %v", err)
	}
	if st := r.Statuses(); len(st) != 1 || !st[0].Running || st[0].LastRun != nil {
		t.Fatalf("while running: %+v", st)
	}
	mu.Lock()
	now = now.Add(2 * time.Hour) // due, but running
	mu.Unlock()
	r.Tick(context.Background())
	close(release)
	sum := <-done
	if m, ok := sum.(map[string]int); !ok || m["items"] != 3 || runs != 1 {
		t.Fatalf("summary %v, %d runs", sum, runs)
	}
	st := r.Statuses()[0]
	if st.Running || st.LastRun == nil || !st.NextRun.Equal(now.Add(time.Hour)) {
		t.Fatalf("after: %+v", st)
	}
	if _, err := r.RunNow(context.Background(), "nope"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("unknown job: %v", err)
	}
}

func TestTickRunsDueJobs(t *testing.T) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	r := New(nil, func() time.Time { return now })
	var ran []string
	for _, n := range []string{"a", "b"} {
		r.Add(Job{Name: n, Next: Every(time.Minute), Run: func(context.Context) (any, error) {
			ran = append(ran, n)
			if n == "b" {
				return nil, errors.New("broken")
			}
			return nil, nil
		}})
	}
	r.Tick(context.Background())
	if len(ran) != 0 {
		t.Fatalf("ran before due: %v", ran)
	}
	now = now.Add(time.Minute)
	r.Tick(context.Background())
	if len(ran) != 2 {
		t.Fatalf("ran %v", ran)
	}
	if st := r.Statuses(); st[1].LastError != "broken" || st[0].LastError != "" {
		t.Fatalf("statuses %+v", st)
	}
}
