package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Bounds on sitemaps: they are read whole, so each is capped.
const (
	maxSitemapBytes = 10 << 20 // after decompression
	maxSitemapFiles = 50
	maxRobotsBytes  = 512 << 10
)

// sitemapDoc is a urlset or a sitemapindex; encoding/xml matches the
// elements by local name, so the sitemaps namespace needs no mention.
type sitemapDoc struct {
	XMLName  xml.Name
	URLs     []sitemapLoc `xml:"url"`
	Sitemaps []sitemapLoc `xml:"sitemap"`
}

type sitemapLoc struct {
	Loc string `xml:"loc"`
}

// parseSitemap returns the page URLs of a urlset, or the sitemap URLs of
// a sitemap index.
func parseSitemap(body []byte) (pages, sitemaps []string, err error) {
	if len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, nil, fmt.Errorf("sitemap: %w", err)
		}
		defer zr.Close()
		unzipped, err := io.ReadAll(io.LimitReader(zr, maxSitemapBytes+1))
		if err != nil {
			return nil, nil, fmt.Errorf("sitemap: %w", err)
		}
		if len(unzipped) > maxSitemapBytes {
			return nil, nil, fmt.Errorf("sitemap: larger than %d bytes uncompressed", maxSitemapBytes)
		}
		body = unzipped
	}
	var doc sitemapDoc
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, fmt.Errorf("sitemap: %w", err)
	}
	switch doc.XMLName.Local {
	case "urlset":
		for _, u := range doc.URLs {
			if s := strings.TrimSpace(u.Loc); s != "" {
				pages = append(pages, s)
			}
		}
	case "sitemapindex":
		for _, s := range doc.Sitemaps {
			if v := strings.TrimSpace(s.Loc); v != "" {
				sitemaps = append(sitemaps, v)
			}
		}
	default:
		return nil, nil, fmt.Errorf("sitemap: root element <%s>, want urlset or sitemapindex", doc.XMLName.Local)
	}
	return pages, sitemaps, nil
}

// getSmall fetches a small resource (robots.txt, a sitemap) whole, at most
// limit bytes; longer bodies are an error rather than silently cut.
func getSmall(ctx context.Context, client *http.Client, ua, u string, limit int64) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("User-Agent", ua)
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return resp.StatusCode, nil, err
	}
	if int64(len(body)) > limit {
		return resp.StatusCode, nil, fmt.Errorf("%s: larger than %d bytes", u, limit)
	}
	return resp.StatusCode, body, nil
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
