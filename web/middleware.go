package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
)

// requestLog logs one line per request: method, path (never the query
// string, which can hold what members searched for), status, duration and
// bytes written.
func (s *Server) requestLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(c.Request.Context(), level, "http",
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.String("ip", c.ClientIP()),
			slog.Int("status", status),
			slog.Duration("took", time.Since(start)),
			slog.Int("bytes", max(c.Writer.Size(), 0)),
		)
	}
}

// recovery turns a panic into a logged error and a generic 500 problem:
// the stack goes to the log, never to the client.
func (s *Server) recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { // the client went away; net/http handles it
				panic(v)
			}
			s.log.Error("panic serving request", "method", c.Request.Method,
				"path", c.Request.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				writeProblem(c, http.StatusInternalServerError, "")
			}
			c.Abort()
		}()
		c.Next()
	}
}

// limitQuery answers 414 for query strings longer than n bytes, before
// anything parses them.
func (s *Server) limitQuery(n int) gin.HandlerFunc {
	return func(c *gin.Context) {
		if len(c.Request.URL.RawQuery) > n {
			detail := fmt.Sprintf("The query string is longer than %d bytes.", n)
			if isAPI(c) {
				writeProblem(c, http.StatusRequestURITooLong, detail)
			} else {
				s.renderError(c, http.StatusRequestURITooLong, detail)
			}
			c.Abort()
			return
		}
		c.Next()
	}
}

// contentSecurityPolicy allows no inline script or style and no framing.
// If a page ever needs an inline script, add 'nonce-…' (ctxNonce) to
// script-src rather than 'unsafe-inline'.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// embedPolicy is the same policy with framing by any site allowed.
const embedPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; frame-ancestors *; base-uri 'self'; form-action 'self'"

func headers(csp string, deny bool, cache string) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		if deny {
			h.Set("X-Frame-Options", "DENY")
		}
		if cache != "" {
			h.Set("Cache-Control", cache)
		}
		c.Next()
	}
}

// pageHeaders are for HTML pages. Pages can differ by reader, so shared
// caches must not keep them.
func pageHeaders() gin.HandlerFunc {
	return headers(contentSecurityPolicy, true, "private, no-cache")
}

// embedHeaders are for pages other sites may frame.
func embedHeaders() gin.HandlerFunc {
	return headers(embedPolicy, false, "private, no-cache")
}

// apiHeaders are for JSON answers: the same protections, in case a browser
// is tricked into rendering one.
func apiHeaders() gin.HandlerFunc {
	return headers(contentSecurityPolicy, true, "private, no-cache")
}

// staticHeaders leave caching to serveStatic.
func staticHeaders() gin.HandlerFunc {
	return headers(contentSecurityPolicy, true, "")
}
