package web

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gin-gonic/gin"
)

// forwardHeaders are the headers a reverse proxy adds to say whom it
// forwards for. Gin reads the first two (its RemoteIPHeaders) from trusted
// proxies only; Forwarded is listed so a proxy using it is noticed too.
var forwardHeaders = []string{"X-Forwarded-For", "X-Real-IP", "Forwarded"}

// proxyGuard notices the misconfigured deployment: a peer that is not in
// --trusted-proxies sends forwarding headers, so every client behind it
// seems to be the proxy. The first time, it logs a warning naming the
// setting; the admin pages show it (setupWarnings) for as long as the
// process runs. Such a request is marked shared (ctxSharedAddr): its
// address stands for many people, so the per-address sign-in limit slows
// it down instead of locking it out (auth.Client.Shared).
//
// It also sends HSTS on requests that came over https: directly over TLS,
// or through a trusted proxy that says X-Forwarded-Proto: https.
type proxyGuard struct {
	trusted []netip.Prefix
	warned  atomic.Bool
	mu      sync.Mutex
	peer    string // the first untrusted forwarding peer seen
}

// ctxSharedAddr marks a request whose address is an untrusted proxy's.
const ctxSharedAddr = "web.sharedAddr"

// hstsValue is sent over https: a year, subdomains not included (the
// library may share a domain with sites it does not control).
const hstsValue = "max-age=31536000"

func newProxyGuard(trusted []string) (*proxyGuard, error) {
	g := &proxyGuard{}
	for _, t := range trusted {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if p, err := netip.ParsePrefix(t); err == nil {
			g.trusted = append(g.trusted, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(t)
		if err != nil {
			return nil, fmt.Errorf("web: --trusted-proxies %q: not an address or CIDR range", t)
		}
		a = a.Unmap()
		g.trusted = append(g.trusted, netip.PrefixFrom(a, a.BitLen()))
	}
	return g, nil
}

// isTrusted reports whether the peer address ip is a trusted proxy.
func (g *proxyGuard) isTrusted(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range g.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func hasForwardHeaders(c *gin.Context) bool {
	for _, h := range forwardHeaders {
		if c.Request.Header.Get(h) != "" {
			return true
		}
	}
	return false
}

func (s *Server) proxyMiddleware() gin.HandlerFunc {
	g := s.proxies
	return func(c *gin.Context) {
		peer := c.RemoteIP()
		trusted := g.isTrusted(peer)
		if !trusted && hasForwardHeaders(c) {
			c.Set(ctxSharedAddr, true)
			if !g.warned.Swap(true) {
				g.mu.Lock()
				g.peer = peer
				g.mu.Unlock()
				s.log.Warn("requests from a peer that is not a trusted proxy carry forwarding headers: "+
					"every client behind it seems to come from its address; "+
					"if safelib is behind a reverse proxy, set --trusted-proxies (SAFELIB_TRUSTED_PROXIES) to its address",
					"peer", peer, "setting", "--trusted-proxies")
			}
		}
		c.Set(ctxBaseURL, s.baseURL(c))
		if c.Request.TLS != nil || (trusted && strings.EqualFold(c.Request.Header.Get("X-Forwarded-Proto"), "https")) {
			c.Header("Strict-Transport-Security", hstsValue)
		}
		c.Next()
	}
}

// setupWarnings are what staff should fix in the deployment, shown at the
// top of their pages.
func (s *Server) setupWarnings() []string {
	if !s.proxies.warned.Load() {
		return nil
	}
	s.proxies.mu.Lock()
	peer := s.proxies.peer
	s.proxies.mu.Unlock()
	return []string{"Requests from " + peer + " carry forwarding headers (X-Forwarded-For), but " + peer +
		" is not a trusted proxy, so every visitor behind it seems to come from that one address: sign-in limits " +
		"per address only slow it down, and the audit log records the proxy's address. If safelib runs behind a " +
		"reverse proxy, set --trusted-proxies (SAFELIB_TRUSTED_PROXIES) to the proxy's address and restart."}
}

// sharedAddr reports whether the request's address is an untrusted proxy's.
func sharedAddr(c *gin.Context) bool { return c.GetBool(ctxSharedAddr) }
