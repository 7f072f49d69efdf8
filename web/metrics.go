package web

import (
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"safelib/internal/catalog"
	"safelib/internal/metrics"
)

// observe records every request in the metrics: route template (never the
// raw path, whose ids would make the label set unbounded), method, status
// class and duration. Refused sign-ins are counted here too, from the
// status the sign-in handler chose, so auth needs no metrics of its own.
// It is the outermost middleware, so the time includes everything.
func (s *Server) observe() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route, status := c.FullPath(), c.Writer.Status()
		s.metrics.ObserveHTTP(route, c.Request.Method, status, time.Since(start))
		if route == "/login" && c.Request.Method == http.MethodPost {
			switch status {
			case http.StatusUnauthorized:
				s.metrics.LoginFailed(metrics.LoginBadCredentials)
			case http.StatusTooManyRequests:
				s.metrics.LoginFailed(metrics.LoginThrottled)
			}
		}
	}
}

// metricsHandler answers GET /metrics in the Prometheus text format, to
// scrapers on the same machine and to admins. A request counts as local
// only when it arrived over loopback and carries no forwarding header: a
// reverse proxy on the same host connects from loopback for everyone, but
// it adds X-Forwarded-For (or Forwarded), and then only an admin's session
// or API token is let in.
func (s *Server) metricsHandler() gin.HandlerFunc {
	h := promhttp.HandlerFor(s.metrics.Gatherer(), promhttp.HandlerOpts{
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 2,
	})
	return func(c *gin.Context) {
		if !localRequest(c.Request) {
			id := identity(c)
			if id == nil || id.User == nil || id.User.Role != catalog.RoleAdmin {
				writeProblem(c, http.StatusForbidden, "Metrics are served to the same machine and to admins only.")
				return
			}
		}
		c.Header("Cache-Control", "no-store")
		h.ServeHTTP(c.Writer, c.Request)
	}
}

// localRequest reports whether r came straight from this machine.
func localRequest(r *http.Request) bool {
	for _, h := range []string{"X-Forwarded-For", "Forwarded", "X-Real-Ip"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	return ip != nil && ip.IsLoopback()
}
