package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"safelib/internal/catalog"
)

func TestVersionsKeptOnRepublish(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	r := res("deck", "https://example.org/deck.pdf")
	r.Title, r.Published, r.Body = "Presentation V2 01/03/2016", "2016-03-01", strings.Repeat("version two text ", 50)
	if err := s.InsertResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	edit := func(fn func(*catalog.Resource)) {
		t.Helper()
		got, err := s.GetResource(ctx, "deck")
		if err != nil {
			t.Fatal(err)
		}
		fn(got)
		if err := s.UpdateResource(ctx, got); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		fn   func(*catalog.Resource)
		want int
	}{
		{"theme change keeps no version", func(r *catalog.Resource) { r.Themes = []string{"early-help"} }, 0},
		{"typo in text keeps no version", func(r *catalog.Resource) { r.Body += "." }, 0},
		{"re-published with a new date", func(r *catalog.Resource) {
			r.Title, r.Published, r.Body = "Presentation V3 17/11/2016", "2016-11-17", strings.Repeat("version three text ", 50)
		}, 1},
		{"text much longer without a new date", func(r *catalog.Resource) { r.Body += strings.Repeat(" appendix", 200) }, 2},
		{"text emptied keeps no version", func(r *catalog.Resource) { r.Body = "" }, 2},
	} {
		edit(tc.fn)
		vs, err := s.ResourceVersions(ctx, "deck")
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != tc.want {
			t.Fatalf("%s: %d versions, want %d", tc.name, len(vs), tc.want)
		}
	}
	vs, _ := s.ResourceVersions(ctx, "deck")
	old := vs[len(vs)-1]
	if old.Title != "Presentation V2 01/03/2016" || old.Published != "2016-03-01" || old.Body != "" ||
		old.Superseded.IsZero() || old.CurrentSince.IsZero() || old.Superseded.Before(old.CurrentSince) {
		t.Fatalf("oldest version: %+v", old)
	}
	full, err := s.ResourceVersionText(ctx, "deck", old.ID)
	if err != nil || !strings.HasPrefix(full.Body, "version two text") {
		t.Fatalf("version text: %v %v", full, err)
	}
	if _, err := s.ResourceVersionText(ctx, "other", old.ID); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("version of another resource: %v", err)
	}
}

func TestVersionsBounded(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	r := res("g", "https://example.org/g")
	if err := s.InsertResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		r.Published = catalog.Date(fmt.Sprintf("%d", 1990+i))
		r.Body = fmt.Sprintf("edition %d", i)
		r.Version = 0
		if err := s.UpdateResource(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	vs, _ := s.ResourceVersions(ctx, "g")
	if len(vs) != 20 || vs[0].Published != "2018" {
		t.Fatalf("%d versions, newest %+v", len(vs), vs[0])
	}
}

func TestAuditedWritesAreAtomic(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	r := res("a", "https://example.org/a")
	if err := s.InsertResourceAudited(ctx, r, &catalog.AuditEntry{Actor: "staff@example.org", Action: "resource.create", Target: "a"}); err != nil {
		t.Fatal(err)
	}
	r.Title = "New title"
	r.Version = 1
	if err := s.UpdateResourceAudited(ctx, r, &catalog.AuditEntry{Actor: "staff@example.org", Action: "resource.update", Target: "a",
		Details: map[string]string{"title.before": "Title a", "title.after": "New title"}}); err != nil {
		t.Fatal(err)
	}
	// A stale version fails and leaves no audit line.
	r.Version = 1
	r.Title = "Lost"
	err := s.UpdateResourceAudited(ctx, r, &catalog.AuditEntry{Actor: "other@example.org", Action: "resource.update", Target: "a"})
	if !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("stale update: %v", err)
	}
	log, err := s.ListAudit(ctx, catalog.AuditFilter{Target: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Action != "resource.update" || log[0].Details["title.after"] != "New title" {
		t.Fatalf("audit: %+v", log)
	}
	got, _ := s.GetResource(ctx, "a")
	if got.Title != "New title" || got.Version != 2 {
		t.Fatalf("stored: %q v%d", got.Title, got.Version)
	}
}

func TestDashboardQueries(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a := res("a", "https://www.gov.uk/a")
	a.Publisher = "DfE"
	b := res("b", "https://www.gov.uk/b")
	b.Publisher = "DfE"
	c := res("c", "https://www.gov.uk/c")
	c.Publisher, c.MachineThemes, c.Source = "Home Office", nil, "crawled"
	for _, r := range []*catalog.Resource{a, b, c} {
		if err := s.InsertResource(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	counts, err := s.ResourceCountsBy(ctx)
	if err != nil || len(counts) != 2 || counts[0] != (ResourceCount{"crawled", "report", "active", 1}) ||
		counts[1].N != 2 {
		t.Fatalf("counts: %+v %v", counts, err)
	}
	rs, total, err := s.AwaitingThemes(ctx, 10)
	if err != nil || total != 2 || len(rs) != 2 {
		t.Fatalf("awaiting: %d %d %v", total, len(rs), err)
	}
	if p, err := s.PublisherOfHost(ctx, "www.gov.uk"); err != nil || p != "DfE" {
		t.Fatalf("publisher of host: %q %v", p, err)
	}
	if p, err := s.PublisherOfHost(ctx, "example.org"); err != nil || p != "" {
		t.Fatalf("publisher of unknown host: %q %v", p, err)
	}
	recent, err := s.RecentResources(ctx, 2)
	if err != nil || len(recent) != 2 || recent[0].ID != "c" {
		t.Fatalf("recent: %v %v", recent, err)
	}
}

func TestLinkHealth(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, r := range []*catalog.Resource{res("a", "https://example.org/a"), res("b", "https://example.org/b"),
		res("a2", "https://example.org/a")} {
		if err := s.InsertResource(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	urls, err := s.LinkTargets(ctx, t0, 0)
	if err != nil || len(urls) != 2 {
		t.Fatalf("targets: %v %v", urls, err)
	}
	check := func(u string, at time.Time, ok bool, status int) *catalog.LinkCheck {
		t.Helper()
		c, err := s.RecordLinkCheck(ctx, catalog.LinkResult{URL: u, At: at, OK: ok, Status: status, Reason: map[bool]string{false: "HTTP 404"}[ok]})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	check("https://example.org/a", t0, true, 200)
	if c := check("https://example.org/a", t0.Add(time.Hour), false, 404); c.Failures != 1 || !c.LastGood.Equal(t0) {
		t.Fatalf("one failure: %+v", c)
	}
	if _, n, _ := s.BrokenLinks(ctx, 2, 10); n != 0 {
		t.Fatalf("broken after one failure: %d", n)
	}
	c := check("https://example.org/a", t0.Add(2*time.Hour), false, 404)
	if c.Failures != 2 || c.Reason != "HTTP 404" {
		t.Fatalf("two failures: %+v", c)
	}
	// Inconclusive answers keep the count.
	if c, _ := s.RecordLinkCheck(ctx, catalog.LinkResult{URL: "https://example.org/a", At: t0.Add(3 * time.Hour), Status: 429,
		Inconclusive: true, Reason: "HTTP 429"}); c.Failures != 2 {
		t.Fatalf("inconclusive: %+v", c)
	}
	broken, n, err := s.BrokenLinks(ctx, 2, 10)
	if err != nil || n != 2 || len(broken) != 2 || broken[0].Resource.ID != "a" || !broken[0].HasText ||
		!broken[0].Check.LastGood.Equal(t0) {
		t.Fatalf("broken: %+v %d %v", broken, n, err)
	}
	// Only b is due for a check made before t0+30m... and a was checked later.
	urls, _ = s.LinkTargets(ctx, t0.Add(30*time.Minute), 0)
	if len(urls) != 1 || urls[0] != "https://example.org/b" {
		t.Fatalf("due: %v", urls)
	}
	if c := check("https://example.org/a", t0.Add(4*time.Hour), true, 200); c.Failures != 0 || !c.LastGood.Equal(t0.Add(4*time.Hour)) {
		t.Fatalf("recovered: %+v", c)
	}
	run, err := s.StartLinkRun(ctx)
	if err != nil {
		t.Fatal(err)
	}
	run.Checked, run.OK = 2, 2
	if err := s.FinishLinkRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	runs, err := s.LinkRuns(ctx, 5)
	if err != nil || len(runs) != 1 || runs[0].OK != 2 || runs[0].Finished.IsZero() {
		t.Fatalf("runs: %+v %v", runs, err)
	}
}

// TestBackupDuringWrites takes backups while writers commit and checks
// each restores intact: integrity_check passes and it holds a prefix of
// the committed writes (every resource whole, with its themes and pages).
func TestBackupDuringWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, filepath.Join(dir, "live.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var committed atomic.Int64
	stop := make(chan struct{})
	warm := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				r := res(fmt.Sprintf("w%d-%d", w, i), fmt.Sprintf("https://example.org/%d/%d", w, i))
				r.Body = strings.Repeat("text ", 2000)
				if err := s.InsertResource(ctx, r); err != nil {
					t.Error(err)
					return
				}
				if committed.Add(1) >= 50 {
					once.Do(func() { close(warm) })
				}
			}
		}()
	}
	<-warm
	var infos []*BackupInfo
	for i := range 3 {
		before := committed.Load()
		// BackupFile is what "safelib backup" uses while serve holds the store.
		info, err := BackupFile(ctx, filepath.Join(dir, "live.db"), filepath.Join(dir, fmt.Sprintf("b%d.db", i)))
		if err != nil {
			t.Fatal(err)
		}
		if int64(info.Resources) < before {
			t.Fatalf("backup %d holds %d resources, %d were committed before it began", i, info.Resources, before)
		}
		infos = append(infos, info)
	}
	close(stop)
	wg.Wait()
	for i, info := range infos {
		target := filepath.Join(dir, fmt.Sprintf("restored%d.db", i))
		if _, err := RestoreFile(ctx, info.File, target); err != nil {
			t.Fatal(err)
		}
		r, err := Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := r.IntegrityCheck(ctx); err != nil || v != "ok" {
			t.Fatalf("restored %d: %q %v", i, v, err)
		}
		n := 0
		err = r.ScanResources(ctx, 200, true, func(rs []*catalog.Resource) error {
			for _, x := range rs {
				n++
				full, err := r.GetResource(ctx, x.ID)
				if err != nil {
					return err
				}
				if len(full.Themes) != 1 || len(full.Pages) != 2 || len(full.Body) != 10000 {
					return fmt.Errorf("%s is not whole: %d themes, %d pages", x.ID, len(full.Themes), len(full.Pages))
				}
			}
			return nil
		})
		r.Close()
		if err != nil || n != info.Resources {
			t.Fatalf("restored %d: %d resources (backup said %d): %v", i, n, info.Resources, err)
		}
		t.Logf("backup %d: %d resources, %d bytes, %v", i, info.Resources, info.Bytes, info.Took)
	}
	if _, err := RestoreFile(ctx, infos[0].File, filepath.Join(dir, "restored0.db")); err == nil {
		t.Fatal("restore over an existing database succeeded")
	}
	if err := os.WriteFile(filepath.Join(dir, "junk.db"), []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckBackup(ctx, filepath.Join(dir, "junk.db")); !errors.Is(err, ErrNotBackup) {
		t.Fatalf("junk: %v", err)
	}
}
