package crawl

// The run's colly collector: its configuration, the callbacks that carry
// one request's outcome, and the classification of that outcome.

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"

	"safelib/internal/extract"
)

// newCollector builds the run's colly collector: our user agent, robots.txt
// obeyed, the SSRF-safe client, a body cap one byte above the largest we
// accept (so a cut body is recognised), our own dedup by canonical URL.
func (r *run) newCollector() error {
	col := colly.NewCollector(
		colly.UserAgent(r.c.opt.UserAgent),
		colly.AllowedDomains(r.src.AllowedDomains...),
		colly.StdlibContext(r.ctx),
		colly.MaxBodySize(int(max(r.c.opt.MaxHTMLBytes, r.c.opt.MaxPDFBytes))+1),
	)
	col.IgnoreRobotsTxt = false
	col.AllowURLRevisit = true // dedup is ours, on canonical URLs
	col.ParseHTTPErrorResponse = false
	col.DetectCharset = false
	col.SetClient(r.client)
	// SetClient drops colly's redirect check (allowed domains); this puts
	// it back around ours.
	col.SetRedirectHandler(r.checkRedirect)
	col.OnResponseHeaders(r.onHeaders)
	col.OnResponse(r.onResponse)
	col.OnHTML("html", r.onHTML)
	r.col = col
	return nil
}

func parseURL(u string) (*url.URL, error) { return url.Parse(u) }

// errSeenRedirect stops a redirect to a URL this run has already queued or
// fetched: one document, one fetch.
var errSeenRedirect = errors.New("redirects to a URL already crawled")

// checkRedirect adds to the general checks the run's dedup: a redirect
// target's canonical URL is claimed, and a target already claimed is not
// fetched again. (A page redirecting to itself, to set a cookie, may.)
func (r *run) checkRedirect(req *http.Request, via []*http.Request) error {
	if err := checkRedirect(req, via); err != nil {
		return err
	}
	target, err := Canonicalize(req.URL.String())
	if err != nil {
		return err
	}
	if first, err := Canonicalize(via[0].URL.String()); err == nil && first == target {
		return nil
	}
	// Hostile input (hostile_test.go): a loop between pages (a -> b -> a
	// -> b) is a failure to report, not a duplicate to skip quietly.
	for _, v := range via[1:] {
		if c, err := Canonicalize(v.URL.String()); err == nil && c == target {
			return fmt.Errorf("redirect loop: %s redirects back to %s", req.Response.Request.URL, target)
		}
	}
	if !r.frontier.markSeen(target) {
		return errSeenRedirect
	}
	return nil
}

// fetchJob carries one request's outcome through colly's callbacks, which
// run on the goroutine that called Request.
type fetchJob struct {
	item        item
	status      int
	finalURL    string
	contentType string
	header      http.Header
	body        []byte
	kind        string // "html", "pdf", "other" (sniffed by extract)
	// abort is set when the transfer was stopped after the headers.
	abort       string
	abortFailed bool
	noIndex     bool
	noFollow    bool
	links       []string
}

func jobOf(ctx *colly.Context) *fetchJob {
	j, _ := ctx.GetAny("job").(*fetchJob)
	return j
}

func (r *run) onHeaders(resp *colly.Response) {
	j := jobOf(resp.Ctx)
	if j == nil {
		return
	}
	h := *resp.Headers
	j.status = resp.StatusCode
	j.finalURL = resp.Request.URL.String()
	j.header = h
	if resp.StatusCode != http.StatusOK {
		return
	}
	ct := h.Get("Content-Type")
	j.contentType = ct
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(strings.ToLower(ct), ";")
		mt = strings.TrimSpace(mt)
	}
	limit := r.c.opt.MaxPDFBytes
	switch mt {
	case "text/html", "application/xhtml+xml":
		j.kind, limit = "html", r.c.opt.MaxHTMLBytes
	case "application/pdf", "application/x-pdf":
		j.kind = "pdf"
	case "", "application/octet-stream", "binary/octet-stream", "application/unknown", "text/plain":
		// Often a PDF or HTML with a careless server; extract sniffs it.
		j.kind = "other"
	default:
		if extract.OfficeMediaType(mt) {
			j.kind = "other" // Word, PowerPoint, OpenDocument, RTF: extract tells them by content
			break
		}
		j.abort = "not HTML, PDF or an office document (" + mt + ")"
		resp.Request.Abort()
		return
	}
	if strings.HasSuffix(strings.ToLower(resp.Request.URL.Path), ".gz") {
		j.abort = "compressed file"
		resp.Request.Abort()
		return
	}
	if n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil && n > limit {
		j.abort, j.abortFailed = fmt.Sprintf("too large: %d bytes (limit %d)", n, limit), true
		resp.Request.Abort()
		return
	}
	j.noIndex = extract.HeaderNoIndex(h)
	j.noFollow = headerNoFollow(h)
	if j.noIndex && j.noFollow {
		j.abort = "X-Robots-Tag: noindex, nofollow"
		resp.Request.Abort()
		return
	}
	if strings.Contains(strings.ToLower(ct), "charset") {
		// colly would transcode a declared charset to UTF-8 while the
		// header still names the old one; extract decodes the raw bytes
		// itself (header, BOM, meta), so colly is shown the bare type.
		// Headers is the response's own map, so the change reaches colly.
		h.Set("Content-Type", mt)
	}
}

func (r *run) onResponse(resp *colly.Response) {
	j := jobOf(resp.Ctx)
	if j == nil {
		return
	}
	j.finalURL = resp.Request.URL.String()
	limit := r.c.opt.MaxPDFBytes
	if j.kind == "html" {
		limit = r.c.opt.MaxHTMLBytes
	}
	if int64(len(resp.Body)) > limit {
		// The body was cut at the cap: never parse a truncated document.
		j.abort, j.abortFailed = fmt.Sprintf("too large: more than %d bytes", limit), true
		resp.Body = nil
		return
	}
	j.body = resp.Body
}

// onHTML collects the page's links (unless robots meta says nofollow).
func (r *run) onHTML(e *colly.HTMLElement) {
	j := jobOf(e.Response.Ctx)
	if j == nil || j.body == nil {
		return
	}
	e.DOM.Find("meta[name]").Each(func(_ int, s *goquery.Selection) {
		name := strings.ToLower(strings.TrimSpace(s.AttrOr("name", "")))
		if name == "robots" || slices.Contains(extract.RobotAgents, name) {
			if robotsNoFollow(s.AttrOr("content", "")) {
				j.noFollow = true
			}
		}
	})
	if j.noFollow {
		return
	}
	e.DOM.Find("a[href], area[href]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if abs := e.Request.AbsoluteURL(s.AttrOr("href", "")); abs != "" {
			j.links = append(j.links, abs)
		}
		return len(j.links) < maxLinksPerPage
	})
}

// headerNoFollow reports whether X-Robots-Tag forbids following links,
// for every robot or for one of extract.RobotAgents.
func headerNoFollow(h http.Header) bool {
	return slices.ContainsFunc(extract.RobotsHeader(h), robotsNoFollow)
}

func robotsNoFollow(content string) bool {
	for _, d := range strings.FieldsFunc(strings.ToLower(content), func(r rune) bool { return r == ',' || r == ' ' }) {
		if d == "nofollow" || d == "none" {
			return true
		}
	}
	return false
}

// outcome classifies a finished request.
type outcome int

const (
	outOK outcome = iota
	outNotModified
	outNotFound
	outRetry
	outFailed
	outSkipped
	outStopped
)

func (r *run) classify(j *fetchJob, err error) (outcome, string) {
	switch {
	case r.ctx.Err() != nil:
		return outStopped, "interrupted"
	case j.abort != "":
		if j.abortFailed {
			return outFailed, j.abort
		}
		return outSkipped, j.abort
	case j.status == http.StatusOK && j.body != nil:
		// A goquery error after a good response still leaves the body.
		return outOK, ""
	case errors.Is(err, errTooLarge):
		limit := r.c.opt.MaxPDFBytes
		if j.kind == "html" {
			limit = r.c.opt.MaxHTMLBytes
		}
		return outFailed, fmt.Sprintf("too large: more than %d bytes", limit)
	case errors.Is(err, errSeenRedirect):
		return outSkipped, errSeenRedirect.Error()
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		return outSkipped, "blocked by robots.txt"
	case errors.Is(err, colly.ErrForbiddenDomain):
		return outSkipped, "redirects outside the allowed domains"
	case j.status == http.StatusNotModified:
		return outNotModified, ""
	case j.status == http.StatusNotFound || j.status == http.StatusGone:
		return outNotFound, fmt.Sprintf("HTTP %d %s", j.status, http.StatusText(j.status))
	case j.status == http.StatusTooManyRequests || j.status >= 500:
		return outRetry, fmt.Sprintf("HTTP %d %s", j.status, http.StatusText(j.status))
	case j.status != 0 && j.status != http.StatusOK:
		return outFailed, fmt.Sprintf("HTTP %d %s", j.status, http.StatusText(j.status))
	case err == nil:
		return outFailed, "no response"
	case refusal(err) != "":
		return outFailed, refusal(err)
	}
	return outRetry, describe(err)
}
