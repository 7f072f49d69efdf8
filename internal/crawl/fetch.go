package crawl

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/cookiejar"
	"strings"

	"safelib/internal/extract"
)

// Fetcher fetches and extracts single URLs, for staff adding a link: the
// same SSRF-safe client, user agent, caps and extraction as the crawler.
// robots.txt is not consulted: a person asked for this one page, as when
// they open it in a browser.
type Fetcher struct {
	opt    Options
	client *http.Client
}

// NewFetcher returns a fetcher; Options are as for New (Workers, Retries
// and Progress are not used).
func NewFetcher(opt Options) *Fetcher {
	opt = opt.withDefaults()
	jar, _ := cookiejar.New(nil)
	return &Fetcher{
		opt: opt,
		client: &http.Client{Transport: newTransport(opt.AllowPrivate, 4), Timeout: opt.Timeout, Jar: jar,
			CheckRedirect: checkRedirect},
	}
}

// FetchError is a fetch that got an answer other than a usable page.
type FetchError struct {
	URL    string
	Status int    // HTTP status, 0 when the request failed
	Reason string // for people
}

func (e *FetchError) Error() string { return e.URL + ": " + e.Reason }

// Fetch gets rawURL (following redirects), extracts the page and returns
// it with the canonical final URL. Page.NoIndex is also set when an
// X-Robots-Tag header forbids indexing; the caller decides what to do.
// Errors are *FetchError, or wrap extract.ErrPDF / extract.ErrUnsupported
// when the body can't be read.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*extract.Page, string, error) {
	u, err := Canonicalize(rawURL)
	if err != nil {
		return nil, "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", u, err)
	}
	req.Header.Set("User-Agent", f.opt.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.5")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, "", &FetchError{URL: u, Reason: describe(err)}
	}
	defer resp.Body.Close()
	final, err := Canonicalize(resp.Request.URL.String())
	if err != nil {
		final = u
	}
	if resp.StatusCode != http.StatusOK {
		return nil, final, &FetchError{URL: final, Status: resp.StatusCode,
			Reason: fmt.Sprintf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))}
	}
	ct := resp.Header.Get("Content-Type")
	limit := f.opt.MaxPDFBytes
	mt, _, _ := mime.ParseMediaType(ct)
	switch mt {
	case "text/html", "application/xhtml+xml":
		limit = f.opt.MaxHTMLBytes
	case "application/pdf", "application/x-pdf", "", "application/octet-stream", "binary/octet-stream", "text/plain":
	default:
		if !extract.OfficeMediaType(mt) {
			return nil, final, &FetchError{URL: final, Status: resp.StatusCode, Reason: "not HTML, PDF or an office document (" + mt + ")"}
		}
	}
	if resp.ContentLength > limit {
		return nil, final, &FetchError{URL: final, Status: resp.StatusCode,
			Reason: fmt.Sprintf("too large: %d bytes (limit %d)", resp.ContentLength, limit)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, final, &FetchError{URL: final, Status: resp.StatusCode, Reason: describe(err)}
	}
	if int64(len(body)) > limit {
		return nil, final, &FetchError{URL: final, Status: resp.StatusCode,
			Reason: fmt.Sprintf("too large: more than %d bytes", limit)}
	}
	page, err := extract.Document(ctx, body, ct, final)
	if err != nil {
		return nil, final, fmt.Errorf("%s: %w", final, err)
	}
	if extract.HeaderNoIndex(resp.Header) {
		page.NoIndex = true
	}
	if page.Canonical != "" {
		if c, err := Canonicalize(page.Canonical); err == nil && strings.EqualFold(hostOf(c), hostOf(final)) {
			page.Canonical = c
		}
	}
	return page, final, nil
}
