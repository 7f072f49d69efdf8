package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func res(id, url string) *catalog.Resource {
	r := &catalog.Resource{ID: id, URL: url, Title: "Title " + id, Type: "report", Themes: []string{"neglect"},
		MachineThemes: []string{"early-help"}, Published: "2017-03", Access: catalog.Public, Source: "curated",
		Body: "body of " + id, Pages: []string{"page one", "page two"}}
	r.Normalize()
	return r
}

func TestResourceRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	r := res("a", "https://example.org/a")
	if err := s.InsertResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetResource(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != r.Title || got.Body != r.Body || got.Published != "2017-03" || got.Version != 1 ||
		len(got.Themes) != 1 || got.Themes[0] != "neglect" || len(got.MachineThemes) != 1 ||
		len(got.Pages) != 2 || got.Pages[1] != "page two" || got.Created.IsZero() {
		t.Fatalf("round trip: %+v", got)
	}
	byURL, err := s.ResourceByURL(ctx, "https://example.org/a")
	if err != nil || byURL.ID != "a" {
		t.Fatalf("by url: %v %v", byURL, err)
	}
	if _, err := s.GetResource(ctx, "missing"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}

func TestLoadTexts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, id := range []string{"a", "b"} {
		if err := s.InsertResource(ctx, res(id, "")); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := s.Resources(ctx, []string{"b", "a"}, false)
	if err != nil || len(rs) != 2 || rs[0].Body != "" || rs[0].Pages != nil {
		t.Fatalf("without texts: %+v, %v", rs, err)
	}
	if err := s.LoadTexts(ctx, rs[:1]); err != nil {
		t.Fatal(err)
	}
	if rs[0].Body != "body of b" || len(rs[0].Pages) != 2 || rs[0].Pages[0] != "page one" || rs[1].Body != "" || rs[1].Pages != nil {
		t.Fatalf("texts of b only: %+v / %+v", rs[0], rs[1])
	}
	if err := s.LoadTexts(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

func TestInsertConflicts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if err := s.InsertResource(ctx, res("a", "https://example.org/a")); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertResource(ctx, res("a", "")); !errors.Is(err, catalog.ErrConflict) {
		t.Errorf("insert taken id: want conflict, got %v", err)
	}
	// Several documents may share a landing page as their link.
	if err := s.InsertResource(ctx, res("b", "https://example.org/a")); err != nil {
		t.Errorf("insert shared url: %v", err)
	}
	if r, err := s.ResourceByURL(ctx, "https://example.org/a"); err != nil || r.ID != "a" {
		t.Errorf("by url = %v, %v; want the oldest", r, err)
	}
}

func TestUpdateOptimisticConcurrency(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if err := s.InsertResource(ctx, res("a", "")); err != nil {
		t.Fatal(err)
	}
	first, _ := s.GetResource(ctx, "a")
	second, _ := s.GetResource(ctx, "a")
	first.Title = "first edit"
	if err := s.UpdateResource(ctx, first); err != nil {
		t.Fatal(err)
	}
	if first.Version != 2 {
		t.Fatalf("version after update = %d", first.Version)
	}
	second.Title = "second edit"
	if err := s.UpdateResource(ctx, second); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("stale update: want conflict, got %v", err)
	}
	got, _ := s.GetResource(ctx, "a")
	if got.Title != "first edit" {
		t.Fatalf("title = %q", got.Title)
	}
}

func TestOutbox(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, id := range []string{"a", "b"} {
		if err := s.InsertResource(ctx, res(id, "")); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := s.PendingIndex(ctx, 10)
	if err != nil || len(pending) != 2 {
		t.Fatalf("pending = %d, %v", len(pending), err)
	}
	// A write after the index read keeps its flag.
	b, _ := s.GetResource(ctx, "b")
	b.Title = "newer"
	if err := s.UpdateResource(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkIndexed(ctx, map[string]int64{"a": 1, "b": 1}); err != nil {
		t.Fatal(err)
	}
	pending, _ = s.PendingIndex(ctx, 10)
	if len(pending) != 1 || pending[0].ID != "b" || pending[0].Title != "newer" {
		t.Fatalf("pending after mark = %+v", pending)
	}
}

func TestUpsertIdempotent(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	batch := func() []*catalog.Resource {
		return []*catalog.Resource{res("a", "https://x.org/a"), res("b", "https://x.org/b")}
	}
	st, err := s.UpsertResources(ctx, batch())
	if err != nil || st.Inserted != 2 {
		t.Fatalf("first upsert %+v %v", st, err)
	}
	st, err = s.UpsertResources(ctx, batch())
	if err != nil || st.Unchanged != 2 || st.Inserted+st.Updated != 0 {
		t.Fatalf("second upsert %+v %v", st, err)
	}
	changed := batch()
	changed[0].Summary = "new summary"
	st, err = s.UpsertResources(ctx, changed)
	if err != nil || st.Updated != 1 || st.Unchanged != 1 {
		t.Fatalf("third upsert %+v %v", st, err)
	}
	counts, _ := s.ResourceCounts(ctx)
	if counts["active"] != 2 {
		t.Fatalf("counts = %v", counts)
	}
}

func TestScanResources(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, id := range []string{"c", "a", "b", "d", "e"} {
		if err := s.InsertResource(ctx, res(id, "")); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	err := s.ScanResources(ctx, 2, false, func(rs []*catalog.Resource) error {
		for _, r := range rs {
			seen = append(seen, r.ID)
		}
		return nil
	})
	if err != nil || len(seen) != 5 || seen[0] != "a" || seen[4] != "e" {
		t.Fatalf("scan = %v, %v", seen, err)
	}
	if ok, _ := s.IntegrityCheck(ctx); ok != "ok" {
		t.Fatalf("integrity = %q", ok)
	}
}

func TestUpdateKeepsSharedURL(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, id := range []string{"report", "summary"} {
		if err := s.InsertResource(ctx, res(id, "https://example.org/landing")); err != nil {
			t.Fatal(err)
		}
	}
	r, _ := s.GetResource(ctx, "summary")
	r.Title = "Executive summary"
	if err := s.UpdateResource(ctx, r); err != nil {
		t.Fatalf("update of a resource sharing its landing page: %v", err)
	}
}

// TestUpsertWithFilesIsOneTransaction: an import's rows and their file
// rows commit together; a file row that cannot be written (here a SHA-256
// the table refuses) takes the batch's resources with it.
func TestUpsertWithFilesIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	file := func(sha string) []catalog.File {
		return []catalog.File{{Version: 1, Name: "paper.pdf", Size: 3, ContentType: "application/pdf", SHA256: sha, Added: time.Now()}}
	}
	good := strings.Repeat("ab", 32)
	if _, err := s.UpsertResourcesWithFiles(ctx, []*catalog.Resource{res("a", "https://x.org/a")},
		map[string][]catalog.File{"a": file(good)}); err != nil {
		t.Fatal(err)
	}
	if fs, err := s.FilesOf(ctx, []string{"a"}); err != nil || len(fs["a"]) != 1 || fs["a"][0].SHA256 != good {
		t.Fatalf("files of a = %+v, %v", fs, err)
	}
	_, err := s.UpsertResourcesWithFiles(ctx, []*catalog.Resource{res("b", "https://x.org/b")},
		map[string][]catalog.File{"b": file("short")})
	if err == nil {
		t.Fatal("a file row with a bad SHA-256 was accepted")
	}
	if ok, err := s.ResourceExists(ctx, "b"); err != nil || ok {
		t.Fatalf("resource b exists = %v (%v): its row outlived its refused file row", ok, err)
	}
}
