package crawl

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"code.dny.dev/ssrf"
)

// UserAgent names safelib and where a webmaster can read about it.
func UserAgent(baseURL string) string {
	return "safelib/1.0 (+" + strings.TrimRight(baseURL, "/") + "/about)"
}

// ErrRefused is wrapped when a request was refused before it left: a
// private, loopback or link-local address, or a port other than 80 and
// 443, without AllowPrivate.
var ErrRefused = errors.New("refused")

// newTransport returns the transport every crawler request uses. Without
// allowPrivate the dialer checks each address it is about to connect to
// (after DNS resolution, so rebinding can't get round it, and for every
// redirect, which dials anew) and refuses private, loopback, link-local
// and other special ranges, and ports other than 80 and 443. No proxy is
// used: a proxy would dial on our behalf, out of the check's reach.
func newTransport(allowPrivate bool, perHost int) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = safeControl(ssrf.New())
	}
	if perHost < 2 {
		perHost = 2
	}
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    perHost,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
}

// safeControl checks the address before the port, so that 127.0.0.1:8080
// is refused for being loopback (the reason that matters) rather than for
// its port.
func safeControl(g *ssrf.Guardian) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		if ap, err := netip.ParseAddrPort(address); err == nil {
			if err := g.SafeAddr(ap.Addr()); err != nil {
				return err
			}
		}
		return g.Safe(network, address, c)
	}
}

// errTooLarge is the error a capped body returns past its cap.
var errTooLarge = errors.New("body too large")

// cappedTransport stops reading a response body one byte past the cap
// for its type (HTML, or anything else: PDFs), with errTooLarge, so a
// huge page costs neither the time nor the memory of reading it whole,
// and a cut body is never mistaken for a whole one.
type cappedTransport struct {
	base            http.RoundTripper
	maxHTML, maxAny int64
}

func (t *cappedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	limit := t.maxAny
	if ct := strings.ToLower(resp.Header.Get("Content-Type")); strings.Contains(ct, "html") {
		limit = t.maxHTML
	}
	// Hostile input (hostile_test.go): colly gunzips a body Go's transport
	// left encoded ("Content-Encoding: x-gzip", "gzip, gzip", or a gzip
	// Content-Type) after its size limit and with none of its own, so a
	// 1 MB gzip bomb became gigabytes in memory. Such a body is decoded
	// here, under the cap, and colly is told it is decoded already.
	// (Sitemaps gunzip .xml.gz themselves, within their own bound.)
	body := resp.Body
	if !resp.Uncompressed && strings.Contains(strings.ToLower(resp.Header.Get("Content-Encoding")), "gzip") {
		body = &gunzipBody{rc: resp.Body}
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
	}
	resp.Uncompressed = true
	resp.Body = &cappedBody{rc: body, left: limit}
	return resp, nil
}

// gunzipBody decodes a gzip body as it is read.
type gunzipBody struct {
	rc io.ReadCloser
	zr *gzip.Reader
}

func (b *gunzipBody) Read(p []byte) (int, error) {
	if b.zr == nil {
		zr, err := gzip.NewReader(b.rc)
		if err != nil {
			return 0, fmt.Errorf("gzip body: %w", err)
		}
		b.zr = zr
	}
	return b.zr.Read(p)
}

func (b *gunzipBody) Close() error { return b.rc.Close() }

type cappedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// maxRedirects bounds a redirect chain.
const maxRedirects = 10

// checkRedirect refuses long chains and non-http(s) targets. (The address
// of each hop is checked by the dialer.)
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("more than %d redirects", maxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirect to a %s: URL", req.URL.Scheme)
	}
	return nil
}

// refusal explains an SSRF refusal in words staff can act on, or returns
// "" when err is not one.
func refusal(err error) string {
	switch {
	case errors.Is(err, ssrf.ErrProhibitedIP):
		addr := ""
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Addr != nil {
			addr = oe.Addr.String() + " "
		}
		return "refused: " + addr + "is a private, loopback or link-local address " +
			"(only test fixtures are crawled there, with --allow-private)"
	case errors.Is(err, ssrf.ErrProhibitedPort):
		return "refused: only ports 80 and 443 are crawled (" + innermost(err) + ")"
	case errors.Is(err, ssrf.ErrProhibitedNetwork), errors.Is(err, ssrf.ErrInvalidHostPort):
		return "refused: " + innermost(err)
	case errors.Is(err, ErrRefused):
		return err.Error()
	}
	return ""
}

// innermost returns the message of the deepest wrapped error.
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// describe turns a fetch error into a short reason for crawl history.
func describe(err error) string {
	if r := refusal(err); r != "" {
		return r
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return "timed out"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "DNS: " + dnsErr.Err + " (" + dnsErr.Name + ")"
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return "network: " + innermost(oe)
	}
	if ue != nil {
		return innermost(ue)
	}
	return err.Error()
}
