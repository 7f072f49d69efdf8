package web

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// sitemapSize is the most URLs one sitemap file may hold (sitemaps.org);
// a var so a test can make the index appear without 50,000 resources.
var sitemapSize = 50_000

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// sitemap answers /sitemap.xml (named in robots.txt): the page of every
// active public resource, the themes page and the plain search. Over
// sitemapSize URLs it is a sitemap index of /sitemaps/N.xml instead, and
// sitemapPart answers those.
func (s *Server) sitemap(c *gin.Context) { s.writeSitemap(c, 0) }

// sitemapPart answers /sitemaps/N.xml, the Nth part of a large sitemap.
func (s *Server) sitemapPart(c *gin.Context) {
	n, err := strconv.Atoi(strings.TrimSuffix(c.Param("part"), ".xml"))
	if err != nil || n < 1 || !strings.HasSuffix(c.Param("part"), ".xml") {
		s.notFound(c)
		return
	}
	s.writeSitemap(c, n)
}

func (s *Server) writeSitemap(c *gin.Context, part int) {
	entries, err := s.lib.SitemapEntries(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	base := s.baseURL(c)
	urls := []sitemapURL{{Loc: base + "/"}, {Loc: base + "/themes"}}
	for _, e := range entries {
		urls = append(urls, sitemapURL{Loc: base + "/resources/" + e.ID, LastMod: e.Updated.UTC().Format("2006-01-02")})
	}
	parts := (len(urls) + sitemapSize - 1) / sitemapSize
	var doc any
	switch {
	case part == 0 && parts <= 1:
		doc = sitemapURLSet{URLs: urls}
	case part == 0:
		idx := sitemapIndex{}
		for i := 1; i <= parts; i++ {
			idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: base + "/sitemaps/" + strconv.Itoa(i) + ".xml"})
		}
		doc = idx
	case part <= parts && parts > 1:
		doc = sitemapURLSet{URLs: urls[(part-1)*sitemapSize : min(part*sitemapSize, len(urls))]}
	default:
		s.notFound(c)
		return
	}
	b, err := xml.Marshal(doc)
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "application/xml; charset=utf-8", append([]byte(xml.Header), b...))
}
