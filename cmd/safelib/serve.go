package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"safelib/index"
	"safelib/internal/auth"
	"safelib/internal/library"
	"safelib/internal/mail"
	"safelib/internal/metrics"
	"safelib/internal/version"
	"safelib/web"
)

func init() { subcommands = append(subcommands, serveCmd) }

func serveCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the library (search pages, JSON API) over HTTP",
		Long: `serve opens the data directory (loading the embedded default library into an
empty one, rebuilding the index when it is missing or outdated) and serves
the search site and API until interrupted (SIGINT or SIGTERM).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := tuneGC(cmd); err != nil {
				return err
			}
			return a.serve(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&a.cfg.Addr, "addr", a.cfg.Addr, "listen address")
	f.StringVar(&a.cfg.BaseURL, "base-url", a.cfg.BaseURL, "public URL of the site, for absolute links (default http://ADDR)")
	f.BoolVar(&a.cfg.AllowPrivate, "allow-private", false, "let the fetcher reach private and loopback addresses (tests only)")
	f.StringSliceVar(&a.cfg.TrustedProxies, "trusted-proxies", nil, "proxies whose X-Forwarded-For is trusted (comma-separated)")
	f.DurationVar(&a.cfg.SessionLifetime, "session-lifetime", a.cfg.SessionLifetime, "how long a sign-in lasts")
	f.StringVar(&a.cfg.Sources, "sources", "", "crawler sources file; when set, sources are recrawled on their schedules")
	f.DurationVar(&a.cfg.BackupEvery, "backup-every", 0, "take a consistent backup of the database this often while serving, e.g. 24h (0: never)")
	f.StringVar(&a.cfg.BackupDir, "backup-dir", "", "directory of scheduled backups (default DATA/backups)")
	f.IntVar(&a.cfg.BackupKeep, "backup-keep", a.cfg.BackupKeep, "how many scheduled backups to keep (older ones are removed)")
	f.Float64Var(&a.cfg.RateLimit, "rate-limit", a.cfg.RateLimit,
		"requests per second each client may make to the public API, search pages and feeds (0: no limit; never /healthz or signed-in staff)")
	f.IntVar(&a.cfg.RateBurst, "rate-burst", a.cfg.RateBurst, "requests a client may make at once above --rate-limit")
	f.DurationVar(&a.cfg.ReadTimeout, "read-timeout", a.cfg.ReadTimeout, "longest time to read a request (slow clients are cut off)")
	f.DurationVar(&a.cfg.WriteTimeout, "write-timeout", a.cfg.WriteTimeout, "longest time to answer a request")
	f.DurationVar(&a.cfg.ImportTimeout, "import-timeout", a.cfg.ImportTimeout,
		"read and write time allowed to a signed-in staff member's import (POST /staff/import) and export; keep the reverse proxy's timeouts as long")
	f.Var(sizeValue{&a.cfg.MaxUpload}, "max-upload",
		"largest document staff may upload, with a unit (KB, MB; 1024s), at most 32MB; keep the reverse proxy's body limit (nginx client_max_body_size) above it")
	f.BoolVar(&a.cfg.NoSeed, "no-seed", false, "do not load the embedded default library into an empty data directory")
	f.IntVar(&indexWorkers, "index-workers", max(1, runtime.GOMAXPROCS(0)/2),
		"goroutines analysing documents for the index while serving (the rest of the cores answer searches)")
	f.IntVar(&gcPercent, "gc-percent", 400,
		"garbage collection target percentage while serving, like GOGC (a GOGC set in the environment is used instead of the default); -1: off")
	f.IntVar(&memoryLimit, "memory-limit", 512,
		"soft limit of the Go heap in MiB while serving, like GOMEMLIMIT (a GOMEMLIMIT set in the environment is used instead of the default); 0: none")
	f.StringVar(&debugAddr, "debug-addr", "", "also serve Go's profiler (/debug/pprof/) on this address, e.g. 127.0.0.1:6060; keep it private")
	addCurationFlags(f)
	a.addMailFlags(f)
	return cmd
}

// debugAddr is serve's --debug-addr: where the profiler listens, if anywhere.
var debugAddr string

// serveDebug serves net/http/pprof on addr until ctx ends. It is a separate
// listener so that the profiler is never reachable through the site.
func (a *app) serveDebug(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--debug-addr: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = hs.Close()
	}()
	go func() { _ = hs.Serve(ln) }()
	a.log.Info("profiler", "addr", "http://"+ln.Addr().String()+"/debug/pprof/")
	return nil
}

// indexWorkers is serve's --index-workers, by default half the cores, so
// that a bulk import or a crawl leaves the other half to searches (at 100k
// resources on 2 cores, 4 workers made search p99 about 1 s during an
// import).
var indexWorkers int

// gcPercent and memoryLimit are serve's --gc-percent and --memory-limit.
// A search allocates about as much as the whole live heap (tens of MB at
// 100k resources; the index itself is mapped from disk), so Go's default
// (GOGC=100) collects several times a second under load, and the write
// barriers and assists of each cycle slowed searches by a fifth: at 100k
// on 2 cores, GOGC=400 took the index's own throughput with 4 workers from
// 80 to 100 searches/s and its p99 from 195 to 135 ms. The soft limit keeps
// the larger heap goal from growing the heap past it during imports.
var gcPercent, memoryLimit int

// tuneGC applies --gc-percent and --memory-limit, unless GOGC or
// GOMEMLIMIT are set and the flag (or its SAFELIB_ variable) is not.
func tuneGC(cmd *cobra.Command) error {
	if gcPercent < 1 && gcPercent != -1 || memoryLimit < 0 {
		return fmt.Errorf("--gc-percent %d, --memory-limit %d: want a positive percentage (or -1: off) and a limit of 0 or more MiB", gcPercent, memoryLimit)
	}
	apply := func(flag, goVar string) bool {
		_, env := os.LookupEnv("SAFELIB_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_")))
		return cmd.Flags().Changed(flag) || env || os.Getenv(goVar) == ""
	}
	if apply("gc-percent", "GOGC") {
		debug.SetGCPercent(gcPercent)
	}
	if apply("memory-limit", "GOMEMLIMIT") {
		limit := int64(math.MaxInt64)
		if memoryLimit > 0 {
			limit = int64(memoryLimit) << 20
		}
		debug.SetMemoryLimit(limit)
	}
	return nil
}

func (a *app) serve(ctx context.Context) error {
	start := time.Now()
	if indexWorkers < 1 {
		return fmt.Errorf("--index-workers %d: want at least 1", indexWorkers)
	}
	index.SetAnalysisWorkers(indexWorkers)
	h, err := a.openWith(ctx, library.OpenOptions{Seed: !a.cfg.NoSeed, WarmIndex: true, YieldToSearches: true})
	if err != nil {
		return err
	}
	defer h.Close()
	h.SetMaxUpload(a.cfg.MaxUpload)
	a.metrics = metrics.New() // served on /metrics; the crawler and web feed it
	stopCuration := a.startCuration(ctx, h)
	defer stopCuration() // before the library closes
	stopCrawls, err := a.startCrawls(ctx, h)
	if err != nil {
		return err
	}
	defer stopCrawls() // before the library closes

	backupDir := a.cfg.BackupDir
	if backupDir == "" {
		backupDir = filepath.Join(a.cfg.Data, "backups")
	}
	stopBackups := h.StartBackups(ctx, library.BackupOptions{Every: a.cfg.BackupEvery, Dir: backupDir, Keep: a.cfg.BackupKeep,
		Done: func(r library.BackupResult) { a.metrics.BackupDone(r.Err == nil, r.At, r.Bytes) }})
	defer stopBackups() // before the library closes

	// The sender wakes when a message is queued; it exists only once the
	// account service and the digests it re-checks messages with do.
	var wake atomic.Pointer[mail.Sender]
	notify := func() {
		if s := wake.Load(); s != nil {
			s.Notify()
		}
	}
	au := auth.New(h.Store(), a.authOptions(notify))
	digests, checker, err := a.digests(ctx, h, au, notify)
	if err != nil {
		return err
	}
	sender, stopMail, err := a.startMail(ctx, h, checker.Recheck)
	if err != nil {
		return err
	}
	wake.Store(sender)
	defer stopMail() // before the library closes

	if debugAddr != "" {
		if err := a.serveDebug(ctx, debugAddr); err != nil {
			return err
		}
	}
	if err := a.firstAdmin(ctx, h.Store(), au); err != nil {
		return err
	}
	runner, stopJobs, err := a.startJobs(ctx, h, au, sender, digests)
	if err != nil {
		return err
	}
	defer stopJobs() // before the library closes
	srv, err := web.New(web.Options{Version: version.String(), Config: a.cfg, Library: h.Library, Auth: au, Log: a.log, Metrics: a.metrics, Mail: sender, Jobs: runner})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       a.cfg.ReadTimeout,
		WriteTimeout:      a.cfg.WriteTimeout,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	a.log.Info("serving", "addr", "http://"+ln.Addr().String(), "data", a.cfg.Data,
		"ready_in", time.Since(start).Round(time.Millisecond), "version", version.String())
	a.dropMigrationBackups(h)

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		a.log.Warn("shutdown", "err", err)
	}
	srv.Close()
	return nil
}
