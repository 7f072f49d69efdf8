package main

import (
	"safelib/internal/crawl"
	"safelib/internal/metrics"
)

// withCrawlMetrics makes the crawler's progress reports (running totals
// per run) feed the crawl counters of /metrics, keeping any Progress
// already set.
func (a *app) withCrawlMetrics(opt crawl.Options) crawl.Options {
	if a.metrics == nil {
		return opt
	}
	m, prev := a.metrics, opt.Progress
	opt.Progress = func(p crawl.Progress) {
		m.CrawlProgressed(metrics.CrawlProgress{Source: p.Source, Done: p.Done, Fetched: p.Fetched, Failed: p.Failed})
		if prev != nil {
			prev(p)
		}
	}
	return opt
}
