package metrics

import (
	"testing"
	"time"
)

// value gathers m and returns the value of the series of family name with
// exactly the labels given (name, value pairs); -1 when there is none.
func value(t *testing.T, m *Metrics, name string, labels ...string) float64 {
	t.Helper()
	fams, err := m.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for j := 0; j+1 < len(labels); j += 2 {
		want[labels[j]] = labels[j+1]
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	series:
		for _, s := range f.GetMetric() {
			if len(s.GetLabel())*2 != len(labels) {
				continue
			}
			for _, l := range s.GetLabel() {
				if want[l.GetName()] != l.GetValue() {
					continue series
				}
			}
			switch {
			case s.Counter != nil:
				return s.GetCounter().GetValue()
			case s.Gauge != nil:
				return s.GetGauge().GetValue()
			case s.Histogram != nil:
				return float64(s.GetHistogram().GetSampleCount())
			}
		}
	}
	return -1
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *Metrics
	m.ObserveHTTP("/", "GET", 200, time.Millisecond)
	m.ObserveSearch(time.Millisecond)
	m.LoginFailed(LoginThrottled)
	m.WatchIndexSize(func() int64 { return 1 })
	m.CrawlProgressed(CrawlProgress{Source: "x", Done: 1})
	if _, err := m.Gatherer().Gather(); err != nil {
		t.Fatal(err)
	}
}

func TestCrawlProgressBecomesCounters(t *testing.T) {
	m := New()
	clock := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	m.now = func() time.Time { return clock }
	feed := func(done, fetched, failed int) {
		m.CrawlProgressed(CrawlProgress{Source: "nao", Done: done, Fetched: fetched, Failed: failed})
	}
	// One run of 5 URLs; two workers' snapshots arrive swapped once.
	feed(1, 1, 0)
	feed(3, 2, 1)
	feed(2, 2, 0) // late: ignored, not a new run
	feed(4, 3, 1)
	feed(5, 4, 1)
	// The next run, hours later, starts again from 1.
	clock = clock.Add(6 * time.Hour)
	feed(1, 1, 0)
	feed(2, 1, 1)
	got := func(outcome string) float64 {
		return value(t, m, "safelib_crawl_urls_total", "source", "nao", "outcome", outcome)
	}
	if got("done") != 7 || got("fetched") != 5 || got("failed") != 2 {
		t.Fatalf("done %v fetched %v failed %v, want 7 5 2", got("done"), got("fetched"), got("failed"))
	}
}

func TestExposition(t *testing.T) {
	m := New()
	m.WatchIndexSize(func() int64 { return 12345 })
	m.WatchIndexSize(func() int64 { return 1 }) // only the first counts
	m.ObserveHTTP("", "GET", 404, 3*time.Millisecond)
	m.ObserveHTTP("/api/v1/search", "GET", 200, 3*time.Millisecond)
	m.ObserveSearch(2 * time.Millisecond)
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"safelib_index_size_bytes", nil, 12345},
		{"safelib_http_requests_total", []string{"route", "/api/v1/search", "method", "GET", "code", "2xx"}, 1},
		{"safelib_http_requests_total", []string{"route", "unmatched", "method", "GET", "code", "4xx"}, 1},
		{"safelib_http_request_duration_seconds", []string{"route", "unmatched"}, 1},
		{"safelib_search_duration_seconds", nil, 1},
		{"safelib_login_failures_total", []string{"reason", LoginThrottled}, 0},
	} {
		if got := value(t, m, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}
