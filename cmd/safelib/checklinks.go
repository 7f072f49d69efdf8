package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"safelib/internal/catalog"
	"safelib/internal/crawl"
	"safelib/internal/library"
)

func init() { subcommands = append(subcommands, checkLinksCmd) }

// linkCheckEvery is serve's link check period (--link-check-every).
var linkCheckEvery = 24 * time.Hour

// addCurationFlags adds serve's curation settings.
func addCurationFlags(f *pflag.FlagSet) {
	f.DurationVar(&linkCheckEvery, "link-check-every", linkCheckEvery,
		"check every resource link once per this period (0: no scheduled checks)")
}

// fetchOptions are the crawler's settings for curation's requests (the
// fetcher of add-a-link, link checks): user agent and --allow-private.
func (a *app) fetchOptions() crawl.Options {
	return crawl.Options{
		UserAgent:    crawl.UserAgent(a.cfg.PublicURL()),
		AllowPrivate: a.cfg.AllowPrivate,
		Log:          a.log,
	}
}

// linkCheckOptions are the link check settings serve and check-links share:
// the crawler's SSRF-safe client and user agent.
func (a *app) linkCheckOptions() crawl.LinkCheckOptions {
	opt := a.fetchOptions()
	return crawl.LinkCheckOptions{
		Client:    crawl.LinkClient(opt),
		UserAgent: opt.UserAgent,
		Describe:  crawl.Describe,
		Log:       a.log,
	}
}

// startCuration wires what staff curation needs into serve: the
// crawler's single-URL fetcher for add-a-link, and the scheduled link
// check. The returned stop ends the check and waits for it.
func (a *app) startCuration(ctx context.Context, h *library.Handle) (stop func()) {
	h.SetFetcher(crawl.NewFetcher(a.fetchOptions()).ForLibrary())
	if linkCheckEvery <= 0 {
		return func() {}
	}
	lc := crawl.NewLinkChecker(h.Store(), a.linkCheckOptions(), linkCheckEvery)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := lc.Run(ctx); err != nil {
			a.log.Error("link checks stopped", "err", err)
		}
	}()
	a.log.Info("scheduled link checks on", "every", linkCheckEvery)
	return func() { cancel(); <-done }
}

func checkLinksCmd(a *app) *cobra.Command {
	var olderThan time.Duration
	var opt crawl.LinkCheckOptions
	cmd := &cobra.Command{
		Use:   "check-links",
		Short: "Check every resource link and record which are broken",
		Long: `check-links sends HEAD (then GET, when HEAD fails) to every active resource's
link, politely: one request at a time per host with --delay between them,
--workers hosts at once, --timeout per request. It records each answer; a
link is broken after two failed checks in a row and is listed for staff
(/staff/broken) with the date it last worked. serve runs the same check on
a schedule (--link-check-every); this command needs the data directory, so
run it when serve is stopped, or leave it to serve.

Private, loopback and link-local addresses are refused unless
--allow-private (test fixtures only).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			h, err := a.open(ctx, false)
			if err != nil {
				return err
			}
			defer h.Close()
			if err := h.Store().CloseStaleLinkRuns(ctx); err != nil {
				return err
			}
			o := a.linkCheckOptions()
			o.Workers, o.Delay, o.Timeout, o.Limit = opt.Workers, opt.Delay, opt.Timeout, opt.Limit
			if o.Delay == 0 {
				o.Delay = -1 // --delay 0: no pause (the library's zero means its default)
			}
			if olderThan > 0 {
				o.CheckedBefore = time.Now().Add(-olderThan)
			}
			if show := progress("checking links"); show != nil {
				// Workers report concurrently; the bar is not safe for that.
				var mu sync.Mutex
				o.Progress = func(done, total int) { mu.Lock(); show(done, total); mu.Unlock() }
			}
			rep, err := crawl.CheckLinks(ctx, h.Store(), catalog.System, o)
			if rep != nil {
				rate := 0.0
				if s := rep.Took.Seconds(); s > 0 {
					rate = float64(rep.Checked) / s
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d links checked in %v (%.1f/s): %d good, %d failed, %d inconclusive; %d broken in all\n",
					rep.Checked, rep.Took.Round(time.Millisecond), rate, rep.OK, rep.Failed, rep.Inconclusive, rep.Broken)
				for _, u := range rep.NewlyBroken {
					fmt.Fprintf(cmd.OutOrStdout(), "newly broken: %s\n", u)
				}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.IntVar(&opt.Workers, "workers", crawl.DefaultLinkWorkers, "hosts checked at once")
	f.DurationVar(&opt.Delay, "delay", crawl.DefaultLinkDelay, "pause between two requests to the same host")
	f.DurationVar(&opt.Timeout, "timeout", crawl.DefaultLinkTimeout, "time allowed per request")
	f.IntVar(&opt.Limit, "limit", 0, "check at most this many links (0: all)")
	f.DurationVar(&olderThan, "older-than", 0, "check only links not checked for this long (0: all)")
	f.BoolVar(&a.cfg.AllowPrivate, "allow-private", false, "let the check reach private and loopback addresses (test fixtures only)")
	f.StringVar(&a.cfg.BaseURL, "base-url", a.cfg.BaseURL, "public URL of the site, named in the User-Agent")
	return cmd
}
