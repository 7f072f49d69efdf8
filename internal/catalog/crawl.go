package catalog

import "time"

// CrawlRun is one crawl of one source: when it ran and what it did.
type CrawlRun struct {
	ID       int64
	Source   string
	Started  time.Time
	Finished time.Time // zero while running
	// Fetched counts HTTP responses (including 304 and 404); the others
	// count URLs by outcome.
	Fetched   int
	New       int
	Changed   int
	Unchanged int
	Failed    int
	Skipped   int
	Gone      int
	// Error says why the run could not run or stopped early; "" when it ran.
	Error string
}

// Running reports whether the run has not finished.
func (r *CrawlRun) Running() bool { return r.Finished.IsZero() }

// CrawlFailure is one URL a run could not process, with the reason.
type CrawlFailure struct {
	RunID  int64
	URL    string
	Reason string
	At     time.Time
}

// URLState is what the crawler remembers about one canonical URL.
type URLState struct {
	URL    string
	Source string
	// ResourceURL is the URL of the resource this URL's content became, ""
	// for pages that are not documents.
	ResourceURL  string
	ETag         string
	LastModified string
	BodyHash     string
	LastStatus   int
	// GoneCount counts 404 or 410 answers in a row.
	GoneCount   int
	LastFetched time.Time
}
