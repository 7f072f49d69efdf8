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
