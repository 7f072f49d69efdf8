package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// What other sites may use: the public GET endpoints answer any origin
// (Access-Control-Allow-Origin: *, never with credentials), and whatever
// another site can read is the anonymous view. Rather than trust every
// handler to remember that, shareGuard runs before identify and removes
// the credentials (Cookie, Authorization) from such requests, so there is
// no session or token to find: the reader is anonymous by construction,
// and no session cookie is refreshed or cleared on these answers.

// shareKind says how a path may be used by other sites.
type shareKind int

const (
	// notShared: same-origin pages and the rest of the API.
	notShared shareKind = iota
	// sharedAPI: public GET API endpoints. Cross-origin requests are
	// anonymous; same-origin ones keep the reader (members search the
	// library's own pages with their access).
	sharedAPI
	// sharedAnon: embeds, the listings API, embed.js, feeds and the
	// OpenSearch description never read a session, from any origin. A
	// private feed's token is in its address.
	sharedAnon
)

// shareKindOf classifies a request path.
func shareKindOf(path string) shareKind {
	switch path {
	case "/api/v1/search", "/api/v1/themes":
		return sharedAPI
	case "/api/v1/listings/sport", "/embed.js", "/feed.atom", "/opensearch.xml":
		return sharedAnon
	}
	switch {
	case strings.HasPrefix(path, "/api/v1/resources/"):
		return sharedAPI
	case strings.HasPrefix(path, "/embed/"):
		return sharedAnon
	}
	return notShared
}

// shareGuard prepares requests to shared paths: it answers CORS preflights,
// drops credentials where the answer must be anonymous, sets the CORS
// headers, and serves GETs through the response cache (cache.go).
func (s *Server) shareGuard() gin.HandlerFunc {
	rc := newResponseCache()
	return func(c *gin.Context) {
		kind := shareKindOf(c.Request.URL.Path)
		if kind == notShared {
			c.Next()
			return
		}
		switch c.Request.Method {
		case http.MethodOptions:
			preflight(c)
			return
		case http.MethodGet:
		default:
			c.Next()
			return
		}
		if kind == sharedAnon || s.crossOrigin(c.Request) {
			c.Request.Header.Del("Cookie")
			c.Request.Header.Del("Authorization")
		}
		// A private feed is for its owner's reader only: no other site
		// may read it through a browser.
		public := !isPrivateFeed(c.Request)
		h := c.Writer.Header()
		if public {
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", "ETag")
			// Sites that isolate themselves (COEP require-corp) may
			// still load our script, frames and answers.
			h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		} else {
			h.Set("Cross-Origin-Resource-Policy", "same-origin")
		}
		rc.serve(c, s, kind, public)
	}
}

// preflight answers a CORS preflight for a shared GET endpoint: GET only,
// and no Authorization header, so a page on another site can't make the
// browser send a token. There is no Allow-Credentials, ever.
func preflight(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET")
	h.Set("Access-Control-Allow-Headers", "Accept, Accept-Language, Content-Language, If-None-Match")
	h.Set("Access-Control-Max-Age", "86400")
	h.Set("Allow", "GET, OPTIONS")
	h.Set("Cache-Control", "public, max-age=86400")
	c.AbortWithStatus(http.StatusNoContent)
}

// crossOrigin reports whether a browser sent the request from a page of
// another origin. Sec-Fetch-Site is authoritative where browsers send it;
// otherwise an Origin other than our own counts (including "null", from
// sandboxed frames and files). Requests with neither come from scripts and
// feed readers, not from another site's page.
func (s *Server) crossOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site != "same-origin" && site != "none"
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	return !s.ownOrigin(r, origin)
}

// ownOrigin reports whether origin is this site: its configured public
// URL, or the host the request was sent to.
func (s *Server) ownOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if s.cfg.BaseURL != "" {
		if b, err := url.Parse(s.cfg.BaseURL); err == nil && strings.EqualFold(b.Scheme, u.Scheme) && strings.EqualFold(b.Host, u.Host) {
			return true
		}
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return strings.EqualFold(u.Scheme, scheme) && strings.EqualFold(u.Host, r.Host)
}

// isPrivateFeed reports whether r asks for a member's private feed.
func isPrivateFeed(r *http.Request) bool {
	return r.URL.Path == "/feed.atom" && r.URL.Query().Has("token")
}
