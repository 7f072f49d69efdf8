package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// robots answers /robots.txt: crawlers may read resource pages, theme
// pages and the plain search, not the endless combinations of facet
// selections, feeds' variants, embeds or the accounts and staff areas;
// the sitemap lists the resource pages.
func (s *Server) robots(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=86400")
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(`User-agent: *
Allow: /resources/
Allow: /problems
Allow: /themes
Allow: /newsletter
Allow: /$
Allow: /search$
Disallow: /search?
Disallow: /feed.atom?
Disallow: /embed/
Disallow: /api/
Disallow: /admin/
Disallow: /staff/
Disallow: /members/
Disallow: /account/
Disallow: /login

Sitemap: `+s.baseURL(c)+`/sitemap.xml
`))
}
