package crawl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"safelib/internal/catalog"
)

// Link health: every resource URL is checked politely (one request at a
// time per host, a pause between two to the same host, a bounded number of
// hosts at once, a timeout per request), HEAD first and GET when HEAD
// fails (many servers answer HEAD badly). A link is broken after
// catalog.BrokenAfter failed checks in a row; a good answer mends it. Checks only
// record health: they never hide a resource (the crawler marks pages its
// publisher withdrew as gone). Where a broken link's text is in the
// library, the resource page offers it.

// Link check defaults.
const (
	DefaultLinkWorkers = 8
	DefaultLinkDelay   = 2 * time.Second
	DefaultLinkTimeout = 20 * time.Second
	// maxLinkBody bounds what a GET check reads of a body.
	maxLinkBody = 64 << 10
)

// LinkCheckOptions configure CheckLinks.
type LinkCheckOptions struct {
	// Client makes the requests. It must be the SSRF-safe client
	// (LinkClient) in production: it refuses private, loopback and
	// link-local addresses unless --allow-private.
	Client *http.Client
	// UserAgent names safelib to the sites checked.
	UserAgent string
	// Describe turns a request error into a short reason for staff;
	// nil gives a plain description.
	Describe func(error) string
	// Workers is how many hosts are checked at once.
	Workers int
	// Delay is the pause between two requests to one host.
	Delay time.Duration
	// Timeout bounds each request.
	Timeout time.Duration
	// CheckedBefore limits the run to URLs not checked since then (zero:
	// every URL).
	CheckedBefore time.Time
	// Limit caps the URLs checked in one run (0: no cap).
	Limit int
	// Progress, when set, hears about each URL checked (from worker
	// goroutines: it must be quick and safe for concurrent use).
	Progress func(done, total int)
	// Log hears about each run (nil: slog.Default()).
	Log *slog.Logger
}

// Links is what a link check reads and records: the URLs due for a
// check, each check's answer, and the runs. The store implements it; it
// holds no resource text.
type Links interface {
	LinkTargets(ctx context.Context, checkedBefore time.Time, limit int) ([]string, error)
	RecordLinkCheck(ctx context.Context, res catalog.LinkResult) (*catalog.LinkCheck, error)
	BrokenLinks(ctx context.Context, minFailures, limit int) ([]catalog.BrokenLink, int, error)
	StartLinkRun(ctx context.Context) (*catalog.LinkRun, error)
	FinishLinkRun(ctx context.Context, r *catalog.LinkRun) error
	CloseStaleLinkRuns(ctx context.Context) error
}

func (o LinkCheckOptions) withDefaults() LinkCheckOptions {
	if o.Workers <= 0 {
		o.Workers = DefaultLinkWorkers
	}
	if o.Delay < 0 {
		o.Delay = 0
	} else if o.Delay == 0 {
		o.Delay = DefaultLinkDelay
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultLinkTimeout
	}
	if o.UserAgent == "" {
		o.UserAgent = "safelib/1.0 (link check)"
	}
	if o.Describe == nil {
		o.Describe = describeLinkError
	}
	if o.CheckedBefore.IsZero() {
		o.CheckedBefore = time.Now().Add(time.Hour)
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return o
}

// LinkReport says what a link check run did.
type LinkReport struct {
	Checked      int
	OK           int
	Failed       int
	Inconclusive int
	// Broken is the number of broken links after the run; NewlyBroken
	// the URLs that became broken in it.
	Broken      int
	NewlyBroken []string
	Took        time.Duration
}

// CheckLinks checks the resource URLs due for a check and records what
// each answered in links. Staff (or System) only.
func CheckLinks(ctx context.Context, links Links, rd catalog.Reader, opt LinkCheckOptions) (*LinkReport, error) {
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff may check links")
	}
	if opt.Client == nil {
		return nil, errors.New("check links: no HTTP client")
	}
	opt = opt.withDefaults()
	start := time.Now()
	targets, err := links.LinkTargets(ctx, opt.CheckedBefore, opt.Limit)
	if err != nil {
		return nil, err
	}
	run, err := links.StartLinkRun(ctx)
	if err != nil {
		return nil, err
	}
	// One queue per host, so each host sees one request at a time.
	var hosts [][]string
	byHost := map[string]int{}
	for _, u := range targets {
		h := hostKey(u)
		i, ok := byHost[h]
		if !ok {
			i = len(hosts)
			byHost[h] = i
			hosts = append(hosts, nil)
		}
		hosts[i] = append(hosts[i], u)
	}
	rep := &LinkReport{}
	var mu sync.Mutex
	var firstErr error
	queue := make(chan []string)
	var wg sync.WaitGroup
	for range min(opt.Workers, max(len(hosts), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for urls := range queue {
				for i, u := range urls {
					if i > 0 && !sleepCtx(ctx, opt.Delay) {
						return
					}
					res := checkLink(ctx, opt, u)
					if ctx.Err() != nil {
						return
					}
					c, err := links.RecordLinkCheck(ctx, res)
					mu.Lock()
					if err != nil && firstErr == nil {
						firstErr = err
					}
					rep.Checked++
					switch {
					case res.OK:
						rep.OK++
					case res.Inconclusive:
						rep.Inconclusive++
					default:
						rep.Failed++
						if c != nil && c.Failures == catalog.BrokenAfter {
							rep.NewlyBroken = append(rep.NewlyBroken, u)
						}
					}
					done := rep.Checked
					mu.Unlock()
					if opt.Progress != nil {
						opt.Progress(done, len(targets))
					}
				}
			}
		}()
	}
feed:
	for _, urls := range hosts {
		select {
		case queue <- urls:
		case <-ctx.Done():
			break feed
		}
	}
	close(queue)
	wg.Wait()
	rep.Took = time.Since(start)
	if _, n, err := links.BrokenLinks(context.WithoutCancel(ctx), catalog.BrokenAfter, 1); err == nil {
		rep.Broken = n
	}
	run.Checked, run.OK, run.Failed, run.Broken = rep.Checked, rep.OK, rep.Failed, rep.Broken
	switch {
	case ctx.Err() != nil:
		run.Error = "interrupted"
	case firstErr != nil:
		run.Error = firstErr.Error()
	}
	if err := links.FinishLinkRun(context.WithoutCancel(ctx), run); err != nil {
		return rep, err
	}
	opt.Log.Info("links checked", "checked", rep.Checked, "ok", rep.OK, "failed", rep.Failed,
		"broken", rep.Broken, "newly_broken", len(rep.NewlyBroken), "took", rep.Took.Round(time.Millisecond))
	if firstErr != nil {
		return rep, firstErr
	}
	return rep, ctx.Err()
}

// checkLink checks one URL: HEAD, then GET when HEAD did not answer well
// (except after a timeout, which GET would only repeat).
func checkLink(ctx context.Context, opt LinkCheckOptions, u string) catalog.LinkResult {
	start := time.Now()
	res := catalog.LinkResult{URL: u}
	status, err := probe(ctx, opt, http.MethodHead, u)
	if err == nil && status < 400 {
		res.OK, res.Status = true, status
	} else if err == nil && status == http.StatusTooManyRequests {
		res.Inconclusive, res.Status, res.Reason = true, status, "HTTP 429: the site asked us to slow down"
	} else if err != nil && isTimeout(err) {
		res.Reason = opt.Describe(err)
	} else {
		status, err = probe(ctx, opt, http.MethodGet, u)
		res.Status = status
		switch {
		case err != nil:
			res.Reason = opt.Describe(err)
		case status < 400:
			res.OK = true
		case status == http.StatusTooManyRequests:
			res.Inconclusive, res.Reason = true, "HTTP 429: the site asked us to slow down"
		default:
			res.Reason = fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
		}
	}
	res.At = time.Now()
	res.Took = time.Since(start)
	return res
}

// probe sends one request and returns the final status (redirects are
// followed by the client).
func probe(ctx context.Context, opt LinkCheckOptions, method, u string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", opt.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.5")
	resp, err := opt.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if method == http.MethodGet {
		if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxLinkBody)); err != nil && resp.StatusCode < 400 {
			return resp.StatusCode, err
		}
	}
	return resp.StatusCode, nil
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// describeLinkError is the plain description used when no Describe is
// given.
func describeLinkError(err error) string {
	if isTimeout(err) {
		return "timed out"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

func hostKey(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return strings.ToLower(p.Hostname())
}

// sleepCtx waits d or until ctx ends, reporting whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// LinkChecker runs CheckLinks on a schedule, for serve.
type LinkChecker struct {
	links Links
	opt   LinkCheckOptions
	every time.Duration
}

// NewLinkChecker checks every link once per period every (a day is
// polite and enough: two failures in a row then take two days).
func NewLinkChecker(links Links, opt LinkCheckOptions, every time.Duration) *LinkChecker {
	if every <= 0 {
		every = 24 * time.Hour
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	return &LinkChecker{links: links, opt: opt, every: every}
}

// linkCheckStartDelay is how long serve waits before its first link
// check, so a start (or a short-lived test server) sends nothing at once.
const linkCheckStartDelay = 2 * time.Minute

// Run checks, every tenth of the period, the links not checked for a
// period, until ctx ends; it returns nil then. The first check waits a
// couple of minutes after the start. Runs never overlap.
func (c *LinkChecker) Run(ctx context.Context) error {
	if err := c.links.CloseStaleLinkRuns(ctx); err != nil {
		c.opt.Log.Warn("close stale link runs", "err", err)
	}
	if !sleepCtx(ctx, min(linkCheckStartDelay, c.every/10)) {
		return nil
	}
	tick := time.NewTicker(c.every / 10)
	defer tick.Stop()
	for {
		opt := c.opt
		opt.CheckedBefore = time.Now().Add(-c.every)
		if _, err := CheckLinks(ctx, c.links, catalog.System, opt); err != nil && ctx.Err() == nil {
			c.opt.Log.Warn("link check", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
