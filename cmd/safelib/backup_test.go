package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"safelib/internal/catalog"
	"safelib/internal/library"
	"safelib/internal/taxonomy"
)

// TestBackupWhileWriting runs "safelib backup" against a data directory
// another process holds (as serve does) while it writes, then restores
// each backup into an empty directory and verifies it.
func TestBackupWhileWriting(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ctx := context.Background()
	bin := safelibBin(t)
	data := t.TempDir()
	h, err := library.Open(ctx, data, taxonomy.Default(), nil, library.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var written atomic.Int64
	stop := make(chan struct{})
	warm := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		body := strings.Repeat("Neglect and early help across the partnership. ", 100)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			var batch []*catalog.Resource
			for j := range 10 {
				n := i*10 + j
				batch = append(batch, &catalog.Resource{ID: fmt.Sprintf("w-%05d", n), Title: fmt.Sprintf("Written %d", n),
					Type: "report", URL: fmt.Sprintf("https://example.org/w/%d", n), Body: body, Themes: []string{"neglect"}})
			}
			if _, err := h.Upsert(ctx, batch); err != nil {
				t.Error(err)
				return
			}
			if written.Add(10) >= 100 {
				once.Do(func() { close(warm) })
			}
		}
	}()
	<-warm
	type taken struct {
		file   string
		before int64
	}
	var backups []taken
	for i := range 3 {
		file := filepath.Join(t.TempDir(), fmt.Sprintf("backup-%d.db", i))
		before := written.Load()
		out, err := exec.Command(bin, "backup", "--data", data, "--log-level", "error", file).CombinedOutput()
		if err != nil {
			t.Fatalf("backup while writing: %v\n%s", err, out)
		}
		t.Logf("%s", strings.TrimSpace(string(out)))
		backups = append(backups, taken{file, before})
	}
	close(stop)
	wg.Wait()
	h.Close()

	for i, b := range backups {
		dir := filepath.Join(t.TempDir(), "restored")
		out, err := exec.Command(bin, "restore", "--data", dir, "--log-level", "error", b.file).CombinedOutput()
		if err != nil {
			t.Fatalf("restore %d: %v\n%s", i, err, out)
		}
		rep := verify(t, bin, dir)
		if int64(rep.StoreActive) < b.before {
			t.Fatalf("backup %d holds %d resources; %d were written before it began", i, rep.StoreActive, b.before)
		}
	}
	// A restore never overwrites a library.
	out, err := exec.Command(bin, "restore", "--data", data, "--log-level", "error", backups[0].file).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "not empty") {
		t.Fatalf("restore into a non-empty directory: %v\n%s", err, out)
	}
}

// TestExportImportIntoEmptyDataDir: everything exported and imported into
// an empty data directory gives the same library (the same export, the
// same active resources in the index), in both formats, and importing it
// again changes nothing.
func TestExportImportIntoEmptyDataDir(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ctx := context.Background()
	bin := safelibBin(t)
	src := t.TempDir()
	h, err := library.Open(ctx, src, taxonomy.Default(), nil, library.OpenOptions{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.SaveCrawled(ctx, []*catalog.Resource{{URL: "https://example.org/deck.pdf", Title: "Crawled deck",
		Type: "presentation", Body: "one\n\ntwo", Pages: []string{"one", "two"}, MachineThemes: []string{"neglect"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Upsert(ctx, []*catalog.Resource{{ID: "withdrawn-policy", Title: "Withdrawn policy", Type: "local-policy",
		Area: "Northshire", Region: "North East", LastReviewed: "2024-05", Status: catalog.StatusWithdrawn,
		Access: catalog.Members, Source: "curated"}}); err != nil {
		t.Fatal(err)
	}
	h.Close()
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, append(args, "--log-level", "error")...).Output()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return string(out)
	}
	for _, format := range []string{"jsonl", "csv"} {
		file := filepath.Join(t.TempDir(), "all."+format)
		run("export", "--data", src, "--format", format, "-o", file)
		dst := filepath.Join(t.TempDir(), "empty")
		out := run("import", "--data", dst, file)
		if !strings.Contains(out, " 0 updated, 0 unchanged, 0 rejected") {
			t.Fatalf("%s import: %s", format, out)
		}
		if again := run("import", "--data", dst, file); !strings.Contains(again, "0 new, 0 updated") {
			t.Fatalf("%s re-import: %s", format, again)
		}
		a := run("export", "--data", src, "--format", format)
		b := run("export", "--data", dst, "--format", format)
		if a != b {
			al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
			for i := range min(len(al), len(bl)) {
				if al[i] != bl[i] {
					t.Logf("first difference, line %d:\n%.400s\n%.400s", i+1, al[i], bl[i])
					break
				}
			}
			t.Fatalf("%s: the re-imported library exports differently", format)
		}
		rs, rd := verify(t, bin, src), verify(t, bin, dst)
		if rs.StoreActive != rd.StoreActive || rs.IndexDocs != rd.IndexDocs {
			t.Fatalf("%s: source %+v, copy %+v", format, rs, rd)
		}
	}
}
