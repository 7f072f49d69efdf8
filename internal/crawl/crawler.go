package crawl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/temoto/robotstxt"

	"safelib/internal/catalog"
	"safelib/internal/extract"
	"safelib/internal/library"
)

// Defaults of Options.
const (
	DefaultTimeout   = 30 * time.Second
	DefaultRetries   = 2
	DefaultBackoff   = time.Second
	DefaultWorkers   = 8
	DefaultMaxHTML   = 10 << 20
	DefaultMaxPDF    = extract.MaxInput
	maxCrawlDelay    = time.Minute
	maxRetryAfter    = 30 * time.Second
	maxLinksPerPage  = 5000
	maxFailuresKept  = 1000
	maxKnownPerRun   = MaxMaxPages
	writerBatch      = 64
	writerFlushEvery = 200 * time.Millisecond
)

// Options configure a Crawler. The zero value of each field means its
// default.
type Options struct {
	// UserAgent is sent with every request; see UserAgent.
	UserAgent string
	// AllowPrivate lets the crawler reach private, loopback and link-local
	// addresses and any port (test fixtures only).
	AllowPrivate bool
	// Timeout bounds each request, body included.
	Timeout time.Duration
	// Retries is how many times a 5xx, 429 or network error is retried,
	// after Backoff, doubled each time (with jitter). -1 means none.
	Retries int
	Backoff time.Duration
	// Workers is the number of URLs processed at once (fetch, extract);
	// requests per host are further limited by the source's concurrency.
	Workers int
	// MaxHTMLBytes and MaxPDFBytes cap bodies: a larger one is not parsed
	// but recorded as failed ("too large").
	MaxHTMLBytes int64
	MaxPDFBytes  int64
	// TagThreshold is the lowest tagger score kept as a machine theme; 0
	// keeps every theme the tagger suggests (it applies its own threshold).
	TagThreshold float64
	// Log receives one line per run and problems; nil discards.
	Log *slog.Logger
	// Progress, when set, is called after each URL (from worker
	// goroutines, so it must be quick and safe for concurrent use).
	Progress func(Progress)
}

// Progress is a snapshot of a running crawl.
type Progress struct {
	Source string
	// Done counts URLs handled, Queued those waiting.
	Done, Queued int
	Fetched      int
	Failed       int
}

// ErrCouldNotRun is returned by Run when the crawl fetched nothing at all
// (every start URL refused, unreachable or blocked).
var ErrCouldNotRun = errors.New("crawl could not run")

// Crawler crawls sources into a library. It is safe to run one source at a
// time per Crawler; the scheduler and the crawl command do so.
type Crawler struct {
	lib       *library.Library
	st        State
	opt       Options
	transport http.RoundTripper
	log       *slog.Logger
}

// withDefaults fills the zero fields of o.
func (o Options) withDefaults() Options {
	if o.UserAgent == "" {
		o.UserAgent = UserAgent("http://localhost")
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	switch {
	case o.Retries < 0:
		o.Retries = 0
	case o.Retries == 0:
		o.Retries = DefaultRetries
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.MaxHTMLBytes <= 0 {
		o.MaxHTMLBytes = DefaultMaxHTML
	}
	if o.MaxPDFBytes <= 0 || o.MaxPDFBytes > extract.MaxInput {
		o.MaxPDFBytes = DefaultMaxPDF
	}
	return o
}

// New returns a crawler saving resources into lib and its own state into st.
func New(lib *library.Library, st State, opt Options) *Crawler {
	opt = opt.withDefaults()
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Crawler{
		lib: lib,
		st:  st,
		opt: opt,
		transport: &cappedTransport{base: newTransport(opt.AllowPrivate, MaxConcurrency),
			maxHTML: opt.MaxHTMLBytes, maxAny: opt.MaxPDFBytes},
		log: log,
	}
}

// run is one crawl of one source.
type run struct {
	c      *Crawler
	src    *Source
	ctx    context.Context
	cancel context.CancelFunc
	col    *colly.Collector
	// client is the collector's; plain shares its transport, for
	// robots.txt and sitemaps.
	client   *http.Client
	plain    *http.Client
	frontier *frontier
	writer   *writer

	mu        sync.Mutex
	rec       *catalog.CrawlRun
	done      int
	states    map[string]*catalog.URLState // by URL, from earlier runs and this one
	hashes    map[string]string            // body hash -> resource URL
	resources map[string]bool              // resource URLs produced in this run
	hosts     map[string]*hostInfo
	firstErr  string
	noText    int // documents kept without text (keptWithoutText)
}

// hostInfo is what a run knows about one host: its robots.txt rules.
type hostInfo struct {
	once     sync.Once
	group    *robotstxt.Group
	sitemaps []string
	err      error
}

// Run crawls one source: its start URLs, sitemaps and links within its
// allowed domains and depth, then the documents found by earlier runs that
// are no longer linked (to learn whether they are gone). It records the
// run, its counts and failures in crawl history and returns the record.
// The error is nil when the crawl ran, even if pages failed; it wraps
// ErrCouldNotRun when nothing could be fetched, and is the context's error
// when ctx ended first (the run is then recorded as interrupted).
func (c *Crawler) Run(ctx context.Context, src *Source) (*catalog.CrawlRun, error) {
	rec, err := c.st.StartCrawlRun(ctx, src.Name)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	c.log.Info("crawl started", "source", src.Name, "run", rec.ID)
	runErr := c.run(ctx, src, rec)
	switch {
	case ctx.Err() != nil:
		rec.Error = "interrupted"
		runErr = ctx.Err()
	case runErr != nil:
		rec.Error = runErr.Error()
	}
	// Record the end even when ctx is done: the crawl history must not be
	// left saying the run is still going.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := c.st.FinishCrawlRun(fctx, rec); err != nil {
		return rec, errors.Join(runErr, err)
	}
	c.log.Info("crawl finished", "source", src.Name, "run", rec.ID, "fetched", rec.Fetched, "new", rec.New,
		"changed", rec.Changed, "unchanged", rec.Unchanged, "failed", rec.Failed, "skipped", rec.Skipped,
		"gone", rec.Gone, "error", rec.Error, "took", time.Since(start).Round(time.Millisecond))
	return rec, runErr
}

func (c *Crawler) run(parent context.Context, src *Source, rec *catalog.CrawlRun) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	r := &run{
		c: c, src: src, ctx: ctx, cancel: cancel, rec: rec,
		states:    map[string]*catalog.URLState{},
		hashes:    map[string]string{},
		resources: map[string]bool{},
		hosts:     map[string]*hostInfo{},
	}
	known, err := c.st.URLStates(ctx, src.Name, maxKnownPerRun)
	if err != nil {
		return err
	}
	for _, s := range known {
		r.states[s.URL] = s
		if s.ResourceURL != "" && s.BodyHash != "" {
			r.hashes[s.BodyHash] = s.ResourceURL
		}
	}
	jar, _ := cookiejar.New(nil)
	r.client = &http.Client{Transport: c.transport, Timeout: c.opt.Timeout, Jar: jar}
	r.plain = &http.Client{Transport: c.transport, Timeout: c.opt.Timeout, Jar: jar, CheckRedirect: checkRedirect}
	if err := r.newCollector(); err != nil {
		return err
	}
	r.writer = newWriter(r)
	r.frontier = newFrontier(src.MaxPages, r.knownDocuments)

	for _, u := range src.StartURLs {
		r.frontier.add(item{url: u})
	}
	if src.Sitemaps {
		r.readSitemaps()
	}
	stop := context.AfterFunc(ctx, r.frontier.close)
	defer stop()
	var wg sync.WaitGroup
	for range c.opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				it, ok := r.frontier.next()
				if !ok {
					return
				}
				r.process(it)
				r.frontier.done()
				r.progress()
			}
		}()
	}
	wg.Wait()
	werr := r.writer.close()
	if werr != nil {
		return werr
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if rec.Fetched == 0 {
		reason := r.firstErr
		if reason == "" {
			reason = "no URL to fetch"
		}
		return fmt.Errorf("%w: nothing could be fetched (%s)", ErrCouldNotRun, reason)
	}
	return nil
}

// knownDocuments returns the documents of earlier runs not seen in this
// one; the frontier calls it once, when the links run out.
func (r *run) knownDocuments() []item {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []item
	for u, s := range r.states {
		if s.ResourceURL != "" && !r.frontier.seen[u] {
			out = append(out, item{url: u, depth: r.src.MaxDepth, known: true})
		}
	}
	return out
}

// process fetches one URL (with retries) and acts on the outcome.
func (r *run) process(it item) {
	if err := r.prepareHost(it.url); err != nil {
		if r.ctx.Err() == nil {
			r.fail(it.url, err)
		}
		return
	}
	isDoc := r.src.IsDocument(it.url)
	r.mu.Lock()
	prev := r.states[it.url]
	r.mu.Unlock()
	hdr := http.Header{}
	if prev != nil && (isDoc || it.known) && prev.LastStatus == http.StatusOK && prev.BodyHash != "" && prev.ResourceURL != "" {
		if prev.ETag != "" {
			hdr.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			hdr.Set("If-Modified-Since", prev.LastModified)
		}
	}
	var j *fetchJob
	var out outcome
	var reason string
	for attempt := 0; ; attempt++ {
		j = &fetchJob{item: it}
		cctx := colly.NewContext()
		cctx.Put("job", j)
		cctx.Put("attempt", attempt)
		err := r.col.Request(http.MethodGet, it.url, nil, cctx, hdr.Clone())
		out, reason = r.classify(j, err)
		if out != outRetry || attempt >= r.c.opt.Retries {
			break
		}
		if !r.sleep(r.backoff(attempt, j.header)) {
			return
		}
	}
	if out == outRetry {
		out = outFailed
		if r.c.opt.Retries > 0 {
			reason = fmt.Sprintf("%s (after %d retries)", reason, r.c.opt.Retries)
		}
	}
	switch out {
	case outStopped:
	case outSkipped:
		r.skipReason(it.url, reason)
	case outFailed:
		if j.status != 0 {
			r.count(func(rec *catalog.CrawlRun) { rec.Fetched++ }, "")
		}
		r.failReason(it.url, reason)
	case outNotFound:
		r.notFound(it, prev, reason)
	case outNotModified:
		r.notModified(it, prev, j)
	case outOK:
		r.fetched(it, prev, j)
	}
}

// backoff is the wait before retry attempt+1: Backoff doubled per attempt,
// with jitter, or the server's Retry-After when longer (capped).
func (r *run) backoff(attempt int, h http.Header) time.Duration {
	d := r.c.opt.Backoff << attempt
	d += time.Duration(rand.Int64N(int64(d)/2 + 1))
	if h != nil {
		if s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && s > 0 {
			d = max(d, min(time.Duration(s)*time.Second, maxRetryAfter))
		}
	}
	return d
}

// sleep waits d unless the run ends first; it reports whether to go on.
func (r *run) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.ctx.Done():
		return false
	}
}

// prepareHost reads a host's robots.txt once per run (for Crawl-delay and
// sitemaps; colly reads it again for its own Disallow check) and gives
// the host its own politeness rule: the source's concurrency, and its
// delay or the robots Crawl-delay, whichever is longer.
func (r *run) prepareHost(u string) error {
	p, err := parseURL(u)
	if err != nil {
		return err
	}
	r.mu.Lock()
	h, ok := r.hosts[p.Host]
	if !ok {
		h = &hostInfo{}
		r.hosts[p.Host] = h
	}
	r.mu.Unlock()
	h.once.Do(func() {
		delay := r.src.Delay
		robotsURL := p.Scheme + "://" + p.Host + "/robots.txt"
		var status int
		var body []byte
		for attempt := 0; ; attempt++ {
			status, body, err = getSmall(r.ctx, r.plain, r.c.opt.UserAgent, robotsURL, maxRobotsBytes)
			retry := (err != nil && refusal(err) == "") || status >= 500
			if !retry || attempt >= r.c.opt.Retries || !r.sleep(r.backoff(attempt, nil)) {
				break
			}
		}
		if err != nil {
			h.err = fmt.Errorf("robots.txt: %s", describe(err))
			return
		}
		data, perr := robotstxt.FromStatusAndBytes(status, body)
		if perr != nil {
			// An unparseable or odd robots.txt allows everything, as
			// colly (and Google) treat it.
			data, _ = robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
		}
		h.group = data.FindGroup(r.c.opt.UserAgent)
		h.sitemaps = data.Sitemaps
		parallel := r.src.Concurrency
		if cd := h.group.CrawlDelay; cd > 0 {
			// Crawl-delay means one request at a time, so far apart.
			parallel = 1
		}
		if cd := h.group.CrawlDelay; cd > delay {
			if cd > maxCrawlDelay {
				r.c.log.Warn("robots.txt Crawl-delay capped", "host", p.Host, "crawl_delay", cd, "used", maxCrawlDelay)
				cd = maxCrawlDelay
			}
			delay = cd
		}
		h.err = r.col.Limit(&colly.LimitRule{
			DomainRegexp: "^" + regexp.QuoteMeta(p.Host) + "$",
			Parallelism:  parallel,
			Delay:        delay,
		})
	})
	return h.err
}
