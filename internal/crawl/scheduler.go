package crawl

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"safelib/internal/catalog"
)

// Scheduler recrawls sources on their schedules, in the background of
// serve. It runs one crawl at a time, so a crawl's load on the machine
// (and on the publishers) is bounded, and stops when its context ends.
type Scheduler struct {
	c       *Crawler
	sources []*Source
	log     *slog.Logger
	// Interval is how often it looks for sources that are due; Initial is
	// the wait before the first look, so serve starts answering first.
	Interval time.Duration
	Initial  time.Duration
	now      func() time.Time
}

// NewScheduler returns a scheduler for the sources of a file.
func NewScheduler(c *Crawler, sources *Sources, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{c: c, sources: sources.Sources, log: log, Interval: time.Minute,
		Initial: 10 * time.Second, now: time.Now}
}

// Run crawls each source when its schedule says it is due (never crawled,
// or its last run started at least Schedule ago) until ctx ends. Runs
// left unfinished by a crash are first closed as interrupted. It returns
// nil when ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	// Even when ctx is already done: this is what makes history truthful.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	n, err := s.c.st.CloseStaleCrawlRuns(cctx)
	cancel()
	if err != nil {
		s.log.Warn("close stale crawl runs", "err", err)
	} else if n > 0 {
		s.log.Info("closed crawl runs a restart interrupted", "runs", n)
	}
	wait := s.Initial
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		s.RunDue(ctx)
		wait = s.Interval
	}
}

// RunDue crawls, one after another, the sources that are due now.
func (s *Scheduler) RunDue(ctx context.Context) {
	for _, src := range s.sources {
		if ctx.Err() != nil {
			return
		}
		due, err := s.due(ctx, src)
		if err != nil {
			s.log.Error("crawl schedule", "source", src.Name, "err", err)
			continue
		}
		if !due {
			continue
		}
		if _, err := s.c.Run(ctx, src); err != nil && ctx.Err() == nil {
			s.log.Warn("scheduled crawl did not run", "source", src.Name, "err", err)
		}
	}
}

func (s *Scheduler) due(ctx context.Context, src *Source) (bool, error) {
	last, err := s.c.st.LastCrawlRun(ctx, src.Name)
	if errors.Is(err, catalog.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return !s.now().Before(last.Started.Add(src.Schedule)), nil
}
