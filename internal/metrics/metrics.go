// Package metrics owns the Prometheus collectors of one safelib process:
// HTTP requests by route, search latency, index size, crawl counters and
// failed sign-ins. It has no HTTP of its own (web serves the registry on
// /metrics) and no globals: cmd creates one Metrics and passes it down, so
// tests can make as many as they like. Every method is safe on a nil
// *Metrics, which records nothing, so code that may run without metrics
// (tests, one-shot commands) needs no checks.
package metrics

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds the collectors and the registry they are registered in.
type Metrics struct {
	reg *prometheus.Registry

	httpRequests  *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec
	search        prometheus.Histogram
	loginFailures *prometheus.CounterVec
	rateLimited   prometheus.Counter
	crawlURLs     *prometheus.CounterVec
	backups       *prometheus.CounterVec
	backupLast    *prometheus.GaugeVec

	indexOnce sync.Once

	// crawlSeen is the last progress seen per source, to turn the
	// crawler's per-run running totals into counters.
	crawlMu   sync.Mutex
	crawlSeen map[string]crawlSeen
	now       func() time.Time
}

type crawlSeen struct {
	CrawlProgress
	at time.Time
}

// latencyBuckets span 0.5 ms to 10 s: searches take a few milliseconds,
// a slow one hundreds.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .15, .25, .5, 1, 2.5, 5, 10}

// New returns a Metrics with its own registry, which also holds the Go
// runtime and process collectors (memory, goroutines, CPU, open files).
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "safelib_http_requests_total",
			Help: "HTTP requests answered, by route template, method and status class.",
		}, []string{"route", "method", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "safelib_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route template.",
			Buckets: latencyBuckets,
		}, []string{"route"}),
		search: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "safelib_search_duration_seconds",
			Help:    "Time of a library search (index query, facets, loading hits from the store, snippets).",
			Buckets: latencyBuckets,
		}),
		loginFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "safelib_login_failures_total",
			Help: "Refused sign-ins: wrong credentials, or throttled after too many.",
		}, []string{"reason"}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "safelib_rate_limited_total",
			Help: "Requests refused with 429 by the per-client rate limit (--rate-limit).",
		}),
		crawlURLs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "safelib_crawl_urls_total",
			Help: "URLs handled by the crawler, by source and outcome (done: handled at all; fetched: got an HTTP answer; failed).",
		}, []string{"source", "outcome"}),
		backups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "safelib_backups_total",
			Help: "Scheduled backups, by result (ok or failed).",
		}, []string{"result"}),
		backupLast: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "safelib_backup_last",
			Help: "The latest scheduled backup: ok (1 or 0), timestamp_seconds (when it ran), success_timestamp_seconds (the latest that worked), bytes (its size).",
		}, []string{"field"}),
		crawlSeen: map[string]crawlSeen{},
		now:       time.Now,
	}
	m.reg.MustRegister(m.httpRequests, m.httpDuration, m.search, m.loginFailures, m.rateLimited, m.crawlURLs, m.backups, m.backupLast,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Known label values start at zero, so a rate is defined before the
	// first failure.
	for _, r := range []string{LoginBadCredentials, LoginThrottled} {
		m.loginFailures.WithLabelValues(r)
	}
	m.backups.WithLabelValues("ok")
	m.backups.WithLabelValues("failed")
	return m
}

// Gatherer returns the registry, for the /metrics handler and tests.
func (m *Metrics) Gatherer() prometheus.Gatherer {
	if m == nil {
		return prometheus.NewRegistry()
	}
	return m.reg
}

// ObserveHTTP records one answered request. route is the route template
// ("/resources/:id"), never the raw path, so the label set stays small.
func (m *Metrics) ObserveHTTP(route, method string, status int, took time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	m.httpRequests.WithLabelValues(route, method, statusClass(status)).Inc()
	m.httpDuration.WithLabelValues(route).Observe(took.Seconds())
}

func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// ObserveSearch records the time of one library search.
func (m *Metrics) ObserveSearch(took time.Duration) {
	if m == nil {
		return
	}
	m.search.Observe(took.Seconds())
}

// Reasons a sign-in is refused.
const (
	LoginBadCredentials = "bad_credentials"
	LoginThrottled      = "throttled"
)

// LoginFailed counts a refused sign-in.
func (m *Metrics) LoginFailed(reason string) {
	if m == nil {
		return
	}
	m.loginFailures.WithLabelValues(reason).Inc()
}

// RateLimited counts a request refused by the per-client rate limit.
func (m *Metrics) RateLimited() {
	if m == nil {
		return
	}
	m.rateLimited.Inc()
}

// WatchIndexSize exports the index size on disk, read from size at each
// scrape. Only the first call counts.
func (m *Metrics) WatchIndexSize(size func() int64) {
	if m == nil || size == nil {
		return
	}
	m.indexOnce.Do(func() {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "safelib_index_size_bytes",
			Help: "Bytes the search index takes on disk.",
		}, func() float64 { return float64(size()) }))
	})
}

// CrawlProgress is a crawl's running totals for its current run: the
// numbers the crawler reports after each URL.
type CrawlProgress struct {
	Source                string
	Done, Fetched, Failed int
}

// CrawlProgressed turns a run's running totals into counter increments.
// The crawler reports after each URL from its worker goroutines, so two
// snapshots can arrive swapped (microseconds apart); a total that went
// back is a new run only when it went back by more than such a swap can
// explain, or after a pause no running crawl makes (its longest politeness
// delay is a minute).
func (m *Metrics) CrawlProgressed(p CrawlProgress) {
	if m == nil {
		return
	}
	m.crawlMu.Lock()
	defer m.crawlMu.Unlock()
	now := m.now()
	last, ok := m.crawlSeen[p.Source]
	if !ok || p.Done < last.Done && (p.Done < last.Done-maxReorder || now.Sub(last.at) > newRunAfter) {
		last = crawlSeen{CrawlProgress: CrawlProgress{Source: p.Source}}
	}
	add := func(outcome string, cur, before int) int {
		if cur > before {
			m.crawlURLs.WithLabelValues(p.Source, outcome).Add(float64(cur - before))
			return cur
		}
		return before
	}
	last.Done = add("done", p.Done, last.Done)
	last.Fetched = add("fetched", p.Fetched, last.Fetched)
	last.Failed = add("failed", p.Failed, last.Failed)
	last.at = now
	m.crawlSeen[p.Source] = last
}

const (
	maxReorder  = 16
	newRunAfter = 2 * time.Minute
)

// BackupDone records a scheduled backup's result.
func (m *Metrics) BackupDone(ok bool, at time.Time, bytes int64) {
	if m == nil {
		return
	}
	secs := float64(at.UnixNano()) / 1e9
	m.backupLast.WithLabelValues("timestamp_seconds").Set(secs)
	if ok {
		m.backups.WithLabelValues("ok").Inc()
		m.backupLast.WithLabelValues("ok").Set(1)
		m.backupLast.WithLabelValues("success_timestamp_seconds").Set(secs)
		m.backupLast.WithLabelValues("bytes").Set(float64(bytes))
		return
	}
	m.backups.WithLabelValues("failed").Inc()
	m.backupLast.WithLabelValues("ok").Set(0)
}
