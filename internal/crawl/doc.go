// Package crawl fetches the publishers' sites named in a sources file and
// turns their report pages and PDFs into library resources.
//
// It owns the sources file (strict YAML, errors with line numbers), URL
// canonicalisation, the SSRF-safe HTTP client (private, loopback and
// link-local addresses refused at dial time, after DNS and on every
// redirect), the colly collectors (robots.txt and Crawl-delay, per-host
// politeness, body caps, timeouts, retries with backoff), sitemaps, the
// recrawl state (ETag, Last-Modified, body hashes, 404 counts), crawl
// history, the scheduler serve runs, and the single-URL Fetch used when
// staff add a link.
//
// It must not parse documents itself (internal/extract does, bytes in,
// Page out) nor write resources to the store or the index: it hands them
// to internal/library (SaveCrawled, MarkGone), which keeps staff edits and
// the index in step. Its own tables (crawl runs, failures, URL state) are
// written through the State it is given (the store implements it); it
// does not import internal/store (seam_test.go checks).
package crawl
