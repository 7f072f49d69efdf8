package crawl

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"safelib/internal/extract"
	"safelib/internal/library"
)

// What staff curation (internal/library: add a link, link health) needs
// from the crawler's network side. The library can't import this package
// (it imports the library), so these are handed to it at wiring time.

// ForLibrary adapts the fetcher to library.LinkFetcher, for
// (*library.Library).SetFetcher: the same SSRF-safe client, caps and
// extraction as the crawler, with failures described for people.
func (f *Fetcher) ForLibrary() library.LinkFetcher { return libraryFetcher{f} }

type libraryFetcher struct{ f *Fetcher }

func (libraryFetcher) Canonicalize(raw string) (string, error) { return Canonicalize(raw) }

func (lf libraryFetcher) Fetch(ctx context.Context, raw string) (*library.FetchedPage, error) {
	p, final, err := lf.f.Fetch(ctx, raw)
	if err != nil {
		var fe *FetchError
		switch {
		case errors.As(err, &fe):
			return nil, errors.New(fe.Reason)
		case errors.Is(err, extract.ErrUnsupported):
			return nil, errors.New("not a page or document the library reads (HTML, PDF, Word, PowerPoint, OpenDocument, RTF or Excel .xlsx): " + strings.TrimPrefix(err.Error(), "extract: "))
		case errors.Is(err, extract.ErrPDF):
			return nil, errors.New("unreadable PDF: " + innermost(err))
		case errors.Is(err, ErrBadURL):
			return nil, err
		}
		return nil, errors.New(strings.TrimPrefix(err.Error(), final+": "))
	}
	out := &library.FetchedPage{URL: final, Title: p.Title, Summary: p.Summary, Text: p.Text,
		Published: p.Published, ContentType: p.ContentType}
	if p.ContentType == extract.TypePDF || p.Slides {
		out.Pages, out.Slides = p.Pages, p.Slides
	}
	return out, nil
}

// LinkClient returns the HTTP client for link checks: the crawler's
// SSRF-safe transport (private, loopback and link-local addresses and
// ports other than 80 and 443 refused after DNS and on every redirect,
// unless opt.AllowPrivate) and its redirect policy.
func LinkClient(opt Options) *http.Client {
	opt = opt.withDefaults()
	return &http.Client{Transport: newTransport(opt.AllowPrivate, 2), Timeout: opt.Timeout, CheckRedirect: checkRedirect}
}

// Describe turns a request error into the short reason the crawler
// records (refusals say why, timeouts say so).
func Describe(err error) string { return describe(err) }
