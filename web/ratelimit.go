package web

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// The per-client rate limit (--rate-limit requests per second, --rate-burst
// at once) on what anyone may ask for in bulk: the public API, the search
// pages and the feeds and embeds. Never /healthz, static files or signed-in
// staff. The client is the real client address, as the proxy settings
// decide it (c.ClientIP); an IPv6 client is its /64, which one machine
// usually holds whole.
//
// Memory is bounded: a client whose bucket has filled up again is the same
// as a new one, so it is dropped when the table is swept, and the table
// never holds more than maxClients (past that, arbitrary entries go: they
// only regain their burst).

// maxClients bounds the per-client table (about 150 bytes an entry).
const maxClients = 100_000

// sharedWait is how long a request from an address that stands for many
// people (an untrusted proxy, proxy.go) may be held back for a token
// before it is refused: slowed down, not locked out.
const sharedWait = 2 * time.Second

type clientLimit struct {
	lim  *rate.Limiter
	seen time.Time
}

type rateLimiter struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu        sync.Mutex
	clients   map[string]*clientLimit
	lastSweep time.Time
}

func newRateLimiter(perSecond float64, burst int, now func() time.Time) *rateLimiter {
	if now == nil {
		now = time.Now
	}
	return &rateLimiter{limit: rate.Limit(perSecond), burst: burst, now: now,
		clients: map[string]*clientLimit{}, lastSweep: now()}
}

// refill is how long an idle client takes to get its whole burst back.
func (l *rateLimiter) refill() time.Duration {
	return time.Duration(float64(l.burst) / float64(l.limit) * float64(time.Second))
}

// reserve takes a token for key and says how long the caller must wait
// for it (0: go ahead).
func (l *rateLimiter) reserve(key string, maxWait time.Duration) (wait time.Duration, ok bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	cl := l.clients[key]
	if cl == nil {
		cl = &clientLimit{lim: rate.NewLimiter(l.limit, l.burst)}
		l.clients[key] = cl
	}
	cl.seen = now
	r := cl.lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	if d == 0 {
		return 0, true
	}
	if d <= maxWait {
		return d, true
	}
	r.CancelAt(now)
	return d, false
}

// sweep drops clients idle long enough to have their burst back, at most
// once a refill period, and keeps the table under maxClients.
func (l *rateLimiter) sweep(now time.Time) {
	period := max(l.refill(), time.Second)
	if now.Sub(l.lastSweep) < period && len(l.clients) < maxClients {
		return
	}
	l.lastSweep = now
	for k, cl := range l.clients {
		if now.Sub(cl.seen) >= period {
			delete(l.clients, k)
		}
	}
	for k := range l.clients {
		if len(l.clients) < maxClients*9/10 {
			break
		}
		delete(l.clients, k)
	}
}

// size is the number of clients tracked.
func (l *rateLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// clientKey is the client's address, an IPv6 one as its /64.
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, err := a.Prefix(64)
		if err == nil {
			return p.String()
		}
	}
	return a.String()
}

// rateLimited says whether path is under the limit: the API, the search
// pages, feeds and embeds, not /healthz, static files, sign-in or staff pages.
func rateLimited(path string) bool {
	switch {
	case strings.HasPrefix(path, "/api/"), strings.HasPrefix(path, "/embed/"):
		return true
	case path == "/", path == "/search", path == "/feed.atom":
		return true
	}
	return false
}

// rateLimit is the middleware. It runs before the response cache (cached
// answers count) and so before identify: whether the request comes from
// signed-in staff, who are never limited, is asked only of a request over
// the limit.
func (s *Server) rateLimit() gin.HandlerFunc {
	if s.cfg.RateLimit <= 0 {
		return func(c *gin.Context) { c.Next() }
	}
	l := newRateLimiter(s.cfg.RateLimit, s.cfg.RateBurst, nil)
	return func(c *gin.Context) {
		if !rateLimited(c.Request.URL.Path) {
			c.Next()
			return
		}
		var maxWait time.Duration
		if sharedAddr(c) {
			maxWait = sharedWait
		}
		wait, ok := l.reserve(clientKey(c.ClientIP()), maxWait)
		if !ok && s.signedInStaff(c) {
			ok, wait = true, 0
		}
		if !ok {
			secs := int(math.Ceil(wait.Seconds()))
			c.Header("Retry-After", strconv.Itoa(max(secs, 1)))
			detail := fmt.Sprintf("Too many requests from your address: at most %g a second (%d at once). Please wait %d s and try again.",
				s.cfg.RateLimit, s.cfg.RateBurst, max(secs, 1))
			s.metrics.RateLimited()
			if isAPI(c) {
				writeProblem(c, http.StatusTooManyRequests, detail)
			} else {
				s.renderError(c, http.StatusTooManyRequests, detail)
			}
			c.Abort()
			return
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-c.Request.Context().Done():
				t.Stop()
				c.Abort()
				return
			}
		}
		c.Next()
	}
}

// signedInStaff says whether the request carries the session or API token
// of staff or an admin. It only reads: identify, later, does the rest.
func (s *Server) signedInStaff(c *gin.Context) bool {
	ctx := c.Request.Context()
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, raw, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return false
		}
		id, err := s.auth.TokenIdentity(ctx, strings.TrimSpace(raw))
		return err == nil && id.Reader.IsStaff()
	}
	if tok, err := c.Cookie(sessionCookie); err == nil && tok != "" {
		id, err := s.auth.Session(ctx, tok)
		return err == nil && id.Reader.IsStaff()
	}
	return false
}
