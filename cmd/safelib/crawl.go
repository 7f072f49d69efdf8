package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/store"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"safelib/internal/crawl"
	"safelib/internal/library"
	"safelib/internal/taxonomy"
)

func init() { subcommands = append(subcommands, crawlCmd) }

func crawlCmd(a *app) *cobra.Command {
	var only string
	cmd := &cobra.Command{
		Use:   "crawl --sources FILE",
		Short: "Crawl the publishers of a sources file into the library",
		Long: `crawl reads a sources file (see sources.example.yaml), refusing an invalid one
before anything is fetched, then crawls each source in turn: report pages and
PDFs become resources, searchable at once; a second crawl fetches only what
changed. Progress is shown on a terminal, a summary printed at the end, and
each run is kept in the crawl history.

Exit status: 0 when the crawl ran, even if some pages failed (they are listed
in the summary and the history); 1 when it could not run: an invalid sources
file, an unusable data directory, or a source of which nothing could be
fetched.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.crawl(cmd.Context(), cmd.OutOrStdout(), only)
		},
	}
	f := cmd.Flags()
	f.StringVar(&a.cfg.Sources, "sources", "", "sources file (YAML; see sources.example.yaml)")
	f.StringVar(&only, "source", "", "crawl only the source with this name")
	f.BoolVar(&a.cfg.AllowPrivate, "allow-private", false, "let the crawler reach private and loopback addresses (test fixtures only)")
	f.StringVar(&a.cfg.BaseURL, "base-url", a.cfg.BaseURL, "public URL of the site, named in the crawler's User-Agent as BASE/about")
	f.BoolVar(&a.cfg.NoSeed, "no-seed", false, "do not load the embedded default library into an empty data directory")
	return cmd
}

// loadSources reads and checks the sources file, before anything is
// opened or fetched.
func (a *app) loadSources(only string) ([]*crawl.Source, error) {
	if a.cfg.Sources == "" {
		return nil, errors.New("--sources: a sources file is required (see sources.example.yaml)")
	}
	ss, err := crawl.LoadSources(a.cfg.Sources, taxonomy.Default().Valid)
	if err != nil {
		return nil, err
	}
	if only == "" {
		return ss.Sources, nil
	}
	s, ok := ss.Find(only)
	if !ok {
		names := make([]string, len(ss.Sources))
		for i, s := range ss.Sources {
			names[i] = s.Name
		}
		return nil, fmt.Errorf("--source %q: no such source in %s (have: %s)", only, a.cfg.Sources, strings.Join(names, ", "))
	}
	return []*crawl.Source{s}, nil
}

// crawlOptions are the crawler settings serve and crawl share; in serve
// the crawler's progress also feeds /metrics.
func (a *app) crawlOptions() crawl.Options {
	return a.withCrawlMetrics(crawl.Options{
		UserAgent:    crawl.UserAgent(a.cfg.PublicURL()),
		AllowPrivate: a.cfg.AllowPrivate,
		Log:          a.log,
	})
}

func (a *app) crawl(ctx context.Context, out io.Writer, only string) error {
	sources, err := a.loadSources(only)
	if err != nil {
		return err
	}
	h, err := a.open(ctx, !a.cfg.NoSeed)
	if err != nil {
		return err
	}
	defer h.Close()
	if n, err := h.Store().CloseStaleCrawlRuns(ctx); err != nil {
		return err
	} else if n > 0 {
		a.log.Info("closed crawl runs a crash interrupted", "runs", n)
	}
	opt := a.crawlOptions()
	opt.Progress = crawlProgress(a) // crawl has no /metrics
	c := crawl.New(h.Library, h.Store(), opt)
	var runs []*catalog.CrawlRun
	var couldNot []string
	for _, src := range sources {
		rec, err := c.Run(ctx, src)
		if rec != nil {
			runs = append(runs, rec)
		}
		endProgressLine()
		if ctx.Err() != nil {
			printCrawlSummary(ctx, out, h.Store(), runs)
			return fmt.Errorf("crawl interrupted: %w", ctx.Err())
		}
		if err != nil {
			couldNot = append(couldNot, src.Name+": "+err.Error())
		}
	}
	printCrawlSummary(ctx, out, h.Store(), runs)
	if len(couldNot) > 0 {
		return fmt.Errorf("%d of %d sources could not be crawled:\n  %s", len(couldNot), len(sources),
			strings.Join(couldNot, "\n  "))
	}
	return nil
}

// progressOnTTY is set while a progress line is on the terminal.
var progressOnTTY struct {
	sync.Mutex
	shown bool
}

// crawlProgress shows pages done, queue and errors on a terminal, a few
// times a second; elsewhere it logs a line every 15 seconds.
func crawlProgress(a *app) func(crawl.Progress) {
	tty := term.IsTerminal(int(os.Stderr.Fd()))
	every := 15 * time.Second
	if tty {
		every = 200 * time.Millisecond
	}
	var mu sync.Mutex
	var last time.Time
	return func(p crawl.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) < every {
			return
		}
		last = time.Now()
		if !tty {
			a.log.Info("crawl progress", "source", p.Source, "done", p.Done, "queued", p.Queued,
				"fetched", p.Fetched, "errors", p.Failed)
			return
		}
		progressOnTTY.Lock()
		progressOnTTY.shown = true
		fmt.Fprintf(os.Stderr, "\r%s: %d done, %d queued, %d fetched, %d errors   ", p.Source, p.Done, p.Queued, p.Fetched, p.Failed)
		progressOnTTY.Unlock()
	}
}

func endProgressLine() {
	progressOnTTY.Lock()
	defer progressOnTTY.Unlock()
	if progressOnTTY.shown {
		fmt.Fprintln(os.Stderr)
		progressOnTTY.shown = false
	}
}

// maxFailuresShown bounds the failures listed per source; the rest are in
// the crawl history.
const maxFailuresShown = 10

func printCrawlSummary(ctx context.Context, out io.Writer, st *store.Store, runs []*catalog.CrawlRun) {
	if len(runs) == 0 {
		return
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "source\tfetched\tnew\tchanged\tunchanged\tfailed\tskipped\tgone\ttook\t")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t\n", r.Source, r.Fetched, r.New, r.Changed, r.Unchanged,
			r.Failed, r.Skipped, r.Gone, r.Finished.Sub(r.Started).Round(100*time.Millisecond))
	}
	tw.Flush()
	ctx = context.WithoutCancel(ctx)
	for _, r := range runs {
		if r.Error != "" {
			fmt.Fprintf(out, "\n%s (run %d): %s\n", r.Source, r.ID, r.Error)
		}
		fs, err := st.CrawlFailures(ctx, r.ID, maxFailuresShown+1)
		if err != nil || len(fs) == 0 {
			continue
		}
		// The history lists failures and, marked "skipped: ", the URLs
		// skipped for a reason.
		fmt.Fprintf(out, "\n%s (run %d): %d failed, %d skipped\n", r.Source, r.ID, r.Failed, r.Skipped)
		for i, f := range fs {
			if i == maxFailuresShown {
				fmt.Fprintf(out, "  ... and more in the crawl history\n")
				break
			}
			fmt.Fprintf(out, "  %s\n      %s\n", f.URL, f.Reason)
		}
	}
}

// startCrawls starts serve's scheduled crawls when a sources file is set.
// The returned stop ends them (an interrupted crawl is recorded as such)
// and waits, so the library can then be closed.
func (a *app) startCrawls(ctx context.Context, h *library.Handle) (stop func(), err error) {
	if a.cfg.Sources == "" {
		return func() {}, nil
	}
	sources, err := a.loadSources("")
	if err != nil {
		return nil, err
	}
	sched := crawl.NewScheduler(crawl.New(h.Library, h.Store(), a.withCrawlMetrics(a.crawlOptions())), &crawl.Sources{File: a.cfg.Sources, Sources: sources}, a.log)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := sched.Run(ctx); err != nil {
			a.log.Error("crawl scheduler stopped", "err", err)
		}
	}()
	a.log.Info("scheduled crawls on", "sources", a.cfg.Sources, "count", len(sources))
	return func() { cancel(); <-done }, nil
}
