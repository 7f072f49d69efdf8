package web

import (
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/config"
	"safelib/internal/jobs"
	"safelib/internal/library"
	"safelib/internal/mail"
	"safelib/internal/metrics"
)

// Options are what New needs.
type Options struct {
	// Version is the binary's version, commit and build date, reported
	// by /healthz.
	Version string
	Config  config.Config
	Library *library.Library
	Log     *slog.Logger
	// Auth is the account service (required): cmd builds it over the
	// store, tests with cheap hashing and a settable clock.
	Auth *auth.Auth
	// Metrics receives request and search timings and is served on
	// /metrics (metrics.go); nil makes the server its own.
	Metrics *metrics.Metrics
	// Mail is serve's outbox sender, for the admin page's status (nil:
	// no sender, as in most tests).
	Mail *mail.Sender
	// Jobs are serve's scheduled jobs, for /api/v1/jobs (nil: none).
	Jobs *jobs.Runner
}

// Server is the HTTP front of the library.
type Server struct {
	cfg    config.Config
	lib    *library.Library
	log    *slog.Logger
	engine *gin.Engine
	// handler is the engine behind gzip compression (compress.go).
	handler http.Handler
	pages   map[string]*template.Template
	static  *staticFiles
	auth    *auth.Auth
	// cop refuses cross-origin unsafe requests (Sec-Fetch-Site, Origin),
	// a layer under the CSRF tokens.
	cop *http.CrossOriginProtection
	// metrics are served on /metrics (metrics.go).
	metrics *metrics.Metrics
	// mail is the outbox sender (may be nil).
	mail *mail.Sender
	// version is reported by /healthz.
	version string
	// started is when New ran (an empty feed's updated time).
	started time.Time
	// proxies notices forwarding headers from untrusted peers and sends
	// HSTS over https (proxy.go).
	proxies *proxyGuard
	// jobs are the scheduled jobs (may be nil).
	jobs *jobs.Runner
}

// New builds the server: it parses the embedded templates and indexes the
// static files (failing at start when one is broken) and registers routes.
func New(opt Options) (*Server, error) {
	if opt.Library == nil || opt.Auth == nil {
		return nil, fmt.Errorf("web: no library or no auth")
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Gin's mode is process-wide; debug mode only adds route dumps and
	// warnings on stdout, so it follows the log level.
	if opt.Config.LogLevel == "debug" {
		gin.SetMode(gin.DebugMode)
	} else {
		gin.SetMode(gin.ReleaseMode)
	}
	s := &Server{started: time.Now().UTC().Truncate(time.Second), version: opt.Version, cfg: opt.Config, lib: opt.Library, log: log, auth: opt.Auth, metrics: opt.Metrics, mail: opt.Mail, jobs: opt.Jobs}
	if s.metrics == nil {
		s.metrics = metrics.New()
	}
	s.metrics.WatchIndexSize(opt.Library.IndexSize)
	opt.Library.ObserveSearches(s.metrics) // searches from pages, API, embeds and feeds alike
	var err error
	if s.proxies, err = newProxyGuard(opt.Config.TrustedProxies); err != nil {
		return nil, err
	}
	if s.cop, err = crossOriginProtection(opt.Config); err != nil {
		return nil, err
	}
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	e := gin.New()
	e.HandleMethodNotAllowed = true
	// Gin trusts every proxy by default, which lets any client spoof its
	// address through X-Forwarded-For; nil trusts none.
	var proxies []string
	if len(opt.Config.TrustedProxies) > 0 {
		proxies = opt.Config.TrustedProxies
	}
	if err := e.SetTrustedProxies(proxies); err != nil {
		return nil, fmt.Errorf("web: trusted proxies: %w", err)
	}
	s.engine = e
	e.Use(s.observe()) // outermost: metrics time everything (metrics.go)
	s.routes()
	e.GET("/metrics", s.metricsHandler())
	if s.handler, err = compress(e); err != nil {
		return nil, err
	}
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
//
// HEAD is answered as GET without a body, so link checkers and caches
// that probe with HEAD get the same status and headers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		r2 := r.Clone(r.Context())
		r2.Method = http.MethodGet
		s.handler.ServeHTTP(headWriter{w}, r2)
		return
	}
	s.handler.ServeHTTP(w, r)
}

// headWriter drops the body of a response to HEAD.
type headWriter struct{ http.ResponseWriter }

func (h headWriter) Write(b []byte) (int, error) { return len(b), nil }

// Close releases what the server holds: nothing of its own, since the HTTP
// server is shut down by the caller and the library, auth and mail belong
// to the caller too.
func (s *Server) Close() {}
