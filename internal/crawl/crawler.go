package crawl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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

// fetched handles a 200 response.
func (r *run) fetched(it item, prev *catalog.URLState, j *fetchJob) {
	r.count(func(rec *catalog.CrawlRun) { rec.Fetched++ }, "")
	final, err := Canonicalize(j.finalURL)
	if err != nil {
		final = it.url
	}
	// A redirect target was claimed by checkRedirect, so it is not
	// fetched again.
	if !j.noFollow && it.depth < r.src.MaxDepth && !it.known {
		r.follow(j.links, it.depth+1)
	}
	if !(r.src.IsDocument(it.url) || r.src.IsDocument(final) || it.known) {
		return // a page read only for its links
	}
	if j.noIndex {
		r.skipReason(it.url, "noindex (X-Robots-Tag)")
		return
	}
	sum := sha256.Sum256(j.body)
	hash := hex.EncodeToString(sum[:])
	r.mu.Lock()
	if final != it.url {
		prev = r.states[final]
	}
	owner := r.hashes[hash]
	r.mu.Unlock()
	state := &catalog.URLState{
		URL: final, Source: r.src.Name, ETag: j.header.Get("ETag"), LastModified: j.header.Get("Last-Modified"),
		BodyHash: hash, LastStatus: http.StatusOK, LastFetched: time.Now(),
	}
	states := []*catalog.URLState{state}
	if final != it.url {
		alias := *state
		alias.URL = it.url
		states = append(states, &alias)
	}
	switch {
	case prev != nil && prev.BodyHash == hash && prev.ResourceURL != "" && prev.LastStatus == http.StatusOK:
		// Same bytes as last time: nothing to parse or re-index.
		r.same(states, prev.ResourceURL)
		return
	case owner != "" && owner != final:
		// The same bytes as another URL's resource: one document, one
		// resource, however many URLs lead to it.
		r.same(states, owner)
		return
	}
	page, err := extract.Document(r.ctx, j.body, j.contentType, final)
	if err != nil {
		if errors.Is(err, extract.ErrUnsupported) {
			r.skipReason(it.url, extractReason(err))
			return
		}
		r.failReason(it.url, extractReason(err))
		return
	}
	j.body = nil
	if page.NoIndex {
		r.skipReason(it.url, "noindex (meta robots)")
		return
	}
	resURL := final
	if page.Canonical != "" {
		if cu, err := Canonicalize(page.Canonical); err == nil && cu != final && r.src.Allowed(hostOf(cu)) {
			resURL = cu
			r.frontier.markSeen(cu)
		}
	}
	if !r.claimResource(resURL) {
		// Another URL of this run already became this resource.
		r.count(func(rec *catalog.CrawlRun) { rec.Skipped++ }, "")
		return
	}
	for _, s := range states {
		s.ResourceURL = resURL
	}
	if resURL != final {
		canon := *state
		canon.URL = resURL
		states = append(states, &canon)
	}
	r.mu.Lock()
	r.hashes[hash] = resURL
	r.mu.Unlock()
	r.writer.send(op{res: r.resource(page, resURL), states: states, url: it.url})
}

// same records URLs whose content is that of resURL, unchanged. The first
// URL of a run to confirm a resource counts it unchanged; the others are
// duplicates.
func (r *run) same(states []*catalog.URLState, resURL string) {
	for _, st := range states {
		st.ResourceURL = resURL
	}
	if r.claimResource(resURL) {
		r.count(func(rec *catalog.CrawlRun) { rec.Unchanged++ }, "")
	} else {
		r.count(func(rec *catalog.CrawlRun) { rec.Skipped++ }, "")
	}
	r.writer.send(op{states: states})
}

// claimResource reports whether resURL had not yet been produced in this
// run, and marks it produced.
func (r *run) claimResource(resURL string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.resources[resURL] {
		return false
	}
	r.resources[resURL] = true
	return true
}

func extractReason(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "extract: ")
	if errors.Is(err, extract.ErrPDF) && !strings.Contains(msg, "PDF") {
		msg = "unreadable PDF: " + msg
	}
	return msg
}

// resource builds the library resource for an extracted page.
func (r *run) resource(p *extract.Page, resURL string) *catalog.Resource {
	title := strings.Join(strings.Fields(p.Title), " ")
	if title == "" {
		title = titleFromURL(resURL)
	}
	body := p.Text
	if body == "" && len(p.Pages) > 0 {
		body = strings.Join(p.Pages, "\n\n")
	}
	published, err := catalog.ParseDate(p.Published)
	if err != nil {
		published = ""
	}
	res := &catalog.Resource{
		URL:       resURL,
		Title:     clip(title, catalog.MaxTitle),
		Publisher: r.src.Publisher,
		Type:      r.src.Type,
		Themes:    append([]string(nil), r.src.Themes...),
		Published: published,
		Summary:   clip(p.Summary, catalog.MaxSummary),
		Body:      clip(body, catalog.MaxBody),
		Access:    r.src.Access,
		Source:    library.SourceCrawled,
	}
	if p.ContentType == extract.TypePDF || p.Slides {
		res.Pages, res.Slides = p.Pages, p.Slides
	}
	confirmed := map[string]bool{}
	for _, t := range res.Themes {
		confirmed[t] = true
	}
	tax := r.c.lib.Taxonomy()
	for _, t := range tax.Tag(res.Title, res.Summary, res.Body) {
		if t.Score >= r.c.opt.TagThreshold && !confirmed[t.Slug] && tax.Valid(t.Slug) {
			res.MachineThemes = append(res.MachineThemes, t.Slug)
		}
	}
	return res
}

// titleFromURL makes a title from a URL's last path segment, for documents
// (often PDFs) that carry none.
func titleFromURL(u string) string {
	p, err := parseURL(u)
	if err != nil {
		return u
	}
	base := path.Base(strings.TrimSuffix(p.Path, "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	base = strings.NewReplacer("-", " ", "_", " ", "+", " ").Replace(base)
	if strings.TrimSpace(base) == "" || base == "." {
		return p.Host
	}
	return base
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// skipExt are extensions of files that are neither pages nor documents the
// library reads (PDF, Word, PowerPoint, OpenDocument, RTF, Excel .xlsx),
// not fetched unless a documents pattern asks for them.
var skipExt = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".svg": true, ".webp": true, ".ico": true,
	".css": true, ".js": true, ".zip": true, ".gz": true, ".mp3": true, ".mp4": true, ".mov": true,
	".avi": true, ".xls": true, ".csv": true, ".woff": true, ".woff2": true, ".ttf": true, ".exe": true, ".dmg": true,
}

// follow queues the links of a page that stay within the source.
func (r *run) follow(links []string, depth int) {
	for _, l := range links {
		u, err := Canonicalize(l)
		if err != nil {
			continue
		}
		p, err := parseURL(u)
		if err != nil || !r.src.Allowed(p.Hostname()) {
			continue
		}
		if skipExt[strings.ToLower(path.Ext(p.Path))] && !r.src.IsDocument(u) {
			continue
		}
		r.frontier.add(item{url: u, depth: depth})
	}
}

// notModified handles a 304: the stored resource stands.
func (r *run) notModified(it item, prev *catalog.URLState, j *fetchJob) {
	r.count(func(rec *catalog.CrawlRun) { rec.Fetched++ }, "")
	if prev == nil {
		r.count(func(rec *catalog.CrawlRun) { rec.Unchanged++ }, "")
		return
	}
	s := *prev
	s.LastStatus = http.StatusOK
	s.LastFetched, s.GoneCount, s.Source = time.Now(), 0, r.src.Name
	if e := j.header.Get("ETag"); e != "" {
		s.ETag = e
	}
	if lm := j.header.Get("Last-Modified"); lm != "" {
		s.LastModified = lm
	}
	r.same([]*catalog.URLState{&s}, s.ResourceURL)
}

// notFound handles a 404 or 410. A document that answers so twice in a
// row is marked gone; any other URL is a broken link.
func (r *run) notFound(it item, prev *catalog.URLState, reason string) {
	r.count(func(rec *catalog.CrawlRun) { rec.Fetched++ }, "")
	if prev == nil || prev.ResourceURL == "" {
		r.failReason(it.url, reason)
		return
	}
	s := *prev
	s.GoneCount++
	s.LastStatus = 404
	if strings.HasPrefix(reason, "HTTP 410") {
		s.LastStatus = 410
	}
	s.LastFetched, s.Source = time.Now(), r.src.Name
	if s.GoneCount >= 2 {
		r.writer.send(op{states: []*catalog.URLState{&s}, gone: s.ResourceURL})
		return
	}
	r.writer.send(op{states: []*catalog.URLState{&s}})
	r.failReason(it.url, reason+" (marked gone if it answers so again)")
}

// fail records a failure from an error.
func (r *run) fail(u string, err error) {
	r.failReason(u, describe(err))
}

// failReason counts a failure and queues it for crawl history.
func (r *run) failReason(u, reason string) {
	keep := false
	r.count(func(rec *catalog.CrawlRun) {
		rec.Failed++
		keep = rec.Failed <= maxFailuresKept
	}, reason)
	r.c.log.Debug("crawl failure", "url", u, "reason", reason)
	if keep {
		r.writer.send(op{failure: &catalog.CrawlFailure{RunID: r.rec.ID, URL: u, Reason: reason, At: time.Now()}})
	}
}

// skipReason counts a URL skipped and, when there is a reason, records it
// in the run's history beside the failures ("skipped: ..."), so that
// every URL the crawl fetched and left out says why.
func (r *run) skipReason(u, reason string) {
	keep := false
	r.count(func(rec *catalog.CrawlRun) {
		rec.Skipped++
		keep = reason != "" && rec.Skipped <= maxFailuresKept
	}, reason)
	r.c.log.Debug("skipped", "url", u, "reason", reason)
	if keep {
		r.writer.send(op{failure: &catalog.CrawlFailure{RunID: r.rec.ID, URL: u, Reason: "skipped: " + reason, At: time.Now()}})
	}
}

// count changes the run's counters under the lock, remembering the first
// reason something went wrong (for a run that fetched nothing).
func (r *run) count(fn func(*catalog.CrawlRun), reason string) {
	r.mu.Lock()
	fn(r.rec)
	if reason != "" && r.firstErr == "" {
		r.firstErr = reason
	}
	r.mu.Unlock()
}

func (r *run) progress() {
	r.mu.Lock()
	r.done++
	p := Progress{Source: r.src.Name, Done: r.done, Fetched: r.rec.Fetched, Failed: r.rec.Failed}
	r.mu.Unlock()
	if r.c.opt.Progress != nil {
		p.Queued = r.frontier.queued()
		r.c.opt.Progress(p)
	}
}

// readSitemaps queues the pages listed in the sitemaps robots.txt names
// and in /sitemap.xml of each start host, following sitemap indexes,
// within the bounds on files and pages.
func (r *run) readSitemaps() {
	var queue []string
	seen := map[string]bool{}
	push := func(u string) {
		if c, err := Canonicalize(u); err == nil && !seen[c] {
			if p, err := parseURL(c); err == nil && r.src.Allowed(p.Hostname()) {
				seen[c] = true
				queue = append(queue, c)
			}
		}
	}
	for _, start := range r.src.StartURLs {
		if err := r.prepareHost(start); err != nil {
			continue // the start URL will fail with the reason
		}
		p, _ := parseURL(start)
		r.mu.Lock()
		h := r.hosts[p.Host]
		r.mu.Unlock()
		for _, s := range h.sitemaps {
			push(s)
		}
		push(p.Scheme + "://" + p.Host + "/sitemap.xml")
	}
	for i := 0; i < len(queue) && i < maxSitemapFiles; i++ {
		if r.ctx.Err() != nil {
			return
		}
		if i > 0 && !r.sleep(r.src.Delay) {
			return
		}
		u := queue[i]
		status, body, err := getSmall(r.ctx, r.plain, r.c.opt.UserAgent, u, maxSitemapBytes)
		if err != nil || status != http.StatusOK {
			if err == nil && status == http.StatusNotFound && strings.HasSuffix(u, "/sitemap.xml") {
				continue // the guessed location need not exist
			}
			reason := fmt.Sprintf("sitemap: HTTP %d", status)
			if err != nil {
				reason = "sitemap: " + describe(err)
			}
			r.failReason(u, reason)
			continue
		}
		pages, more, err := parseSitemap(body)
		if err != nil {
			r.failReason(u, err.Error())
			continue
		}
		for _, s := range more {
			push(s)
		}
		for _, pg := range pages {
			c, err := Canonicalize(pg)
			if err != nil {
				continue
			}
			if p, err := parseURL(c); err == nil && r.src.Allowed(p.Hostname()) {
				r.frontier.add(item{url: c, depth: min(1, r.src.MaxDepth)})
			}
		}
	}
}
