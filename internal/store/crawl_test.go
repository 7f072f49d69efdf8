package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"safelib/internal/catalog"
)

func openTestStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestCrawlRuns(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)

	if _, err := s.LastCrawlRun(ctx, "obs"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("LastCrawlRun on empty store: got %v, want catalog.ErrNotFound", err)
	}
	r, err := s.StartCrawlRun(ctx, "obs")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Running() {
		t.Fatal("new run should be running")
	}
	if err := s.AddCrawlFailures(ctx, []catalog.CrawlFailure{
		{RunID: r.ID, URL: "https://example.org/a", Reason: "HTTP 500"},
		{RunID: r.ID, URL: "https://example.org/b.pdf", Reason: "unreadable PDF: encrypted"},
	}); err != nil {
		t.Fatal(err)
	}
	r.Fetched, r.New, r.Changed, r.Unchanged, r.Failed, r.Skipped, r.Gone = 10, 3, 2, 1, 2, 1, 1
	if err := s.FinishCrawlRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.LastCrawlRun(ctx, "obs")
	if err != nil {
		t.Fatal(err)
	}
	if got.Running() || got.Fetched != 10 || got.New != 3 || got.Changed != 2 || got.Unchanged != 1 ||
		got.Failed != 2 || got.Skipped != 1 || got.Gone != 1 || got.Error != "" {
		t.Fatalf("finished run = %+v", got)
	}
	fs, err := s.CrawlFailures(ctx, r.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].URL != "https://example.org/a" || fs[1].Reason != "unreadable PDF: encrypted" {
		t.Fatalf("failures = %+v", fs)
	}

	// A run left unfinished (a crash) is closed as interrupted.
	stale, err := s.StartCrawlRun(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.CloseStaleCrawlRuns(ctx)
	if err != nil || n != 1 {
		t.Fatalf("CloseStaleCrawlRuns = %d, %v; want 1", n, err)
	}
	got, err = s.CrawlRun(ctx, stale.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Running() || got.Error != "interrupted" {
		t.Fatalf("stale run = %+v", got)
	}

	all, err := s.CrawlRuns(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Source != "other" {
		t.Fatalf("CrawlRuns = %+v, want newest first", all)
	}
	one, err := s.CrawlRuns(ctx, "obs", 10)
	if err != nil || len(one) != 1 {
		t.Fatalf("CrawlRuns(obs) = %v, %v", one, err)
	}
}

func TestCrawlRunsPruned(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	var first *catalog.CrawlRun
	for i := 0; i < maxRunsKept+5; i++ {
		r, err := s.StartCrawlRun(ctx, "obs")
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = r
			if err := s.AddCrawlFailures(ctx, []catalog.CrawlFailure{{RunID: r.ID, URL: "u", Reason: "r"}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.FinishCrawlRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := s.CrawlRuns(ctx, "obs", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != maxRunsKept {
		t.Fatalf("kept %d runs, want %d", len(runs), maxRunsKept)
	}
	if _, err := s.CrawlRun(ctx, first.ID); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("oldest run should be pruned, got %v", err)
	}
	fs, err := s.CrawlFailures(ctx, first.ID, 0)
	if err != nil || len(fs) != 0 {
		t.Fatalf("failures of pruned run = %v, %v; want none (cascade)", fs, err)
	}
}

func TestURLStates(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	when := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	in := []*catalog.URLState{
		{URL: "https://example.org/r/1.html", Source: "obs", ResourceURL: "https://example.org/r/1.html",
			ETag: `"abc"`, LastModified: "Mon, 02 Jan 2006 15:04:05 GMT", BodyHash: "h1", LastStatus: 200, LastFetched: when},
		{URL: "https://example.org/", Source: "obs", LastStatus: 200, LastFetched: when},
		{URL: "https://other.org/", Source: "other", LastStatus: 200},
	}
	if err := s.SaveURLStates(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := s.URLState(ctx, "https://example.org/r/1.html")
	if err != nil {
		t.Fatal(err)
	}
	if got.ETag != `"abc"` || got.BodyHash != "h1" || !got.LastFetched.Equal(when) || got.ResourceURL == "" {
		t.Fatalf("state = %+v", got)
	}
	// Update in place.
	got.GoneCount, got.LastStatus = 1, 404
	if err := s.SaveURLStates(ctx, []*catalog.URLState{got}); err != nil {
		t.Fatal(err)
	}
	list, err := s.URLStates(ctx, "obs", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("URLStates(obs) = %d states, want 2", len(list))
	}
	for _, st := range list {
		if st.URL == "https://example.org/r/1.html" && (st.GoneCount != 1 || st.LastStatus != 404) {
			t.Fatalf("updated state = %+v", st)
		}
	}
	if _, err := s.URLState(ctx, "https://nowhere.org/"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("missing state: got %v, want catalog.ErrNotFound", err)
	}
}
