package library

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"safelib/index"
	"safelib/internal/catalog"
	"safelib/internal/store"
	"safelib/internal/taxonomy"
)

var member = catalog.Reader{UserID: 1, Role: "member", Members: true}

// newTestLibrary builds a library on a real SQLite file and an in-memory
// Bleve index, seeded with the default library and two fixtures.
// newEmptyLibrary is a library with nothing in it, on a real SQLite file
// and an in-memory index.
func newEmptyLibrary(tb testing.TB) *Library {
	tb.Helper()
	st, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "lib.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tax := taxonomy.Default()
	ix, err := index.OpenMemory(index.Options{Synonyms: tax.SynonymMap()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close(); st.Close() })
	return New(st, ix, tax, nil)
}

func newTestLibrary(t *testing.T) *Library {
	t.Helper()
	ctx := context.Background()
	l := newEmptyLibrary(t)
	if n, err := l.SeedIfEmpty(ctx); err != nil || n == 0 {
		t.Fatalf("seed: %d, %v", n, err)
	}
	_, err := l.Upsert(ctx, []*catalog.Resource{
		{ID: "members-briefing", Title: "Briefing on partnership funding", URL: "https://example.org/secret.pdf",
			Publisher: "Association of Independent LSCB Chairs", Type: "briefing", Themes: []string{"partnership-arrangements"},
			Published: "2019-01", Summary: "Zanzibarian summary words", Body: "The quuxification plan is confidential.",
			Access: catalog.Members, Source: "curated"},
		{ID: "policy-neglect", Title: "Neglect strategy", Type: "local-policy", Themes: []string{"neglect"},
			Area: "Northshire", Region: "North East", Published: "2020-06-01", Body: "Our neglect toolkit for practitioners.",
			Source: "curated"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func ids(r *SearchResult) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.Resource.ID)
	}
	return out
}

func TestSearchAccess(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	for _, tc := range []struct {
		name   string
		reader catalog.Reader
		q      string
		want   int
	}{
		{"anonymous can't match members body", catalog.Anonymous, "quuxification", 0},
		{"anonymous can't match members summary", catalog.Anonymous, "zanzibarian", 0},
		{"member matches body", member, "quuxification", 1},
		{"lapsed member can't match body", catalog.Reader{UserID: 2, Role: "member", Lapsed: true}, "quuxification", 0},
		{"anonymous matches members title", catalog.Anonymous, "briefing partnership funding", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := l.Search(ctx, tc.reader, SearchParams{Q: tc.q})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != tc.want {
				t.Fatalf("total = %d, want %d (%v)", res.Total, tc.want, ids(res))
			}
			for _, h := range res.Hits {
				if h.Resource.Access == catalog.Members && !tc.reader.Members {
					r := h.Resource
					if !h.Teaser || r.URL != "" || r.Summary != "" || r.Body != "" || len(h.Highlights) > 0 {
						t.Fatalf("teaser leaks: %+v %+v", r, h.Highlights)
					}
				}
			}
		})
	}
}

func TestSearchFacetsAndFilters(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	res, err := l.Search(ctx, catalog.Anonymous, SearchParams{Q: "exploitation"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total < 3 {
		t.Fatalf("exploitation: %d hits", res.Total)
	}
	res, err = l.Search(ctx, catalog.Anonymous, SearchParams{Filters: Selections{"theme": {"neglect"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		found := false
		for _, th := range append(h.Resource.Themes, h.Resource.MachineThemes...) {
			found = found || th == "neglect"
		}
		if !found {
			t.Fatalf("%s lacks theme neglect", h.Resource.ID)
		}
	}
	if res.Total == 0 || len(res.Facets["theme"]) == 0 {
		t.Fatalf("theme facet: %+v", res.Facets)
	}
	for _, fv := range res.Facets["theme"] {
		if fv.Label == "" {
			t.Fatalf("facet without label: %+v", fv)
		}
	}
	res, err = l.Search(ctx, catalog.Anonymous, SearchParams{Filters: Selections{"area": {"Northshire"}}})
	if err != nil || res.Total != 1 {
		t.Fatalf("area filter: %v %v", res, err)
	}
}

func TestSearchBadInput(t *testing.T) {
	l := newTestLibrary(t)
	for _, p := range []SearchParams{
		{Page: -1}, {PerPage: 101}, {Sort: "random"}, {Q: strings.Repeat("a ", 600)},
		{Filters: Selections{"colour": {"red"}}}, {Filters: Selections{"year": {"twenty"}}},
	} {
		if _, err := l.Search(context.Background(), catalog.Anonymous, p); !errors.Is(err, catalog.ErrInvalid) {
			t.Errorf("%+v: want catalog.ErrInvalid, got %v", p, err)
		}
	}
}

func TestSnippetsEscaped(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	if _, err := l.Upsert(ctx, []*catalog.Resource{{ID: "xss", Title: "Hostile <script>alert(1)</script> report",
		Type: "report", Summary: "A <b>bold</b> claim about hostile markup", Source: "curated"}}); err != nil {
		t.Fatal(err)
	}
	res, err := l.Search(ctx, catalog.Anonymous, SearchParams{Q: "hostile"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("%v %v", res, err)
	}
	for field, snips := range res.Hits[0].Highlights {
		for _, s := range snips {
			if strings.Contains(s, "<script") || strings.Contains(s, "<b>") {
				t.Fatalf("%s snippet not escaped: %s", field, s)
			}
			if !strings.Contains(s, "<mark>") {
				t.Fatalf("%s snippet without mark: %s", field, s)
			}
		}
	}
}

func TestResourceTeaser(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	v, err := l.Resource(ctx, catalog.Anonymous, "members-briefing")
	if err != nil {
		t.Fatal(err)
	}
	if !v.Teaser || v.Resource.URL != "" || v.Resource.Body != "" || v.Resource.Summary != "" || v.Resource.Title == "" {
		t.Fatalf("anonymous view: %+v", v.Resource)
	}
	v, err = l.Resource(ctx, member, "members-briefing")
	if err != nil || v.Teaser || v.Resource.Body == "" {
		t.Fatalf("member view: %+v %v", v, err)
	}
	if _, err := l.Resource(ctx, catalog.Anonymous, "no-such-thing"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	if _, err := l.Resource(ctx, catalog.Anonymous, "../etc/passwd"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("bad id: %v", err)
	}
}

func TestHealAfterCrash(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	// A write that reached the store but not the index, as after a crash.
	r := &catalog.Resource{ID: "orphan", Title: "Orphaned write about kinship care", Type: "report", Source: "curated"}
	r.Normalize()
	if err := l.st.InsertResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	// And an index entry the store no longer has as active.
	if err := l.ix.Batch([]index.Document{{ID: "stray", Title: "stray", Access: "public"}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Heal(ctx); err != nil {
		t.Fatal(err)
	}
	res, _ := l.Search(ctx, catalog.Anonymous, SearchParams{Q: "kinship"})
	if res.Total != 1 {
		t.Fatalf("healed search: %d", res.Total)
	}
	want, _ := l.st.ActiveIDs(ctx)
	got, _ := l.ix.IDs()
	if len(want) != len(got) {
		t.Fatalf("store has %d active, index %d", len(want), len(got))
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := newTestLibrary(t)
	for _, format := range []string{"jsonl", "csv"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := src.Export(ctx, catalog.System, &buf, format)
			if err != nil || n < 40 {
				t.Fatalf("export: %d %v", n, err)
			}
			st, err := store.Open(ctx, filepath.Join(t.TempDir(), "dst.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ix, _ := index.OpenMemory(index.Options{})
			defer ix.Close()
			dst := New(st, ix, taxonomy.Default(), nil)
			rep, err := dst.Import(ctx, catalog.System, bytes.NewReader(buf.Bytes()), "", false)
			if err != nil || rep.Inserted != n || len(rep.Errors) != 0 {
				t.Fatalf("import: %+v %v", rep, err)
			}
			rep, err = dst.Import(ctx, catalog.System, bytes.NewReader(buf.Bytes()), "", false)
			if err != nil || rep.Unchanged != n {
				t.Fatalf("re-import not idempotent: %+v %v", rep, err)
			}
			var again bytes.Buffer
			if _, err := dst.Export(ctx, catalog.System, &again, format); err != nil {
				t.Fatal(err)
			}
			if again.String() != buf.String() {
				t.Fatal("export of the re-imported library differs")
			}
		})
	}
	if _, err := src.Export(ctx, member, &bytes.Buffer{}, "jsonl"); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member export: %v", err)
	}
}

func TestImportReportsBadRows(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	in := `{"title":"Good one","type":"report","url":"https://example.org/good"}
{"title":"","type":"report"}
not json
{"title":"Bad type","type":"novel"}
{"title":"Bad theme","type":"report","themes":["gardening"]}
{"title":"Good two","type":"guidance","themes":["neglect"],"published":"2018-04"}
`
	rep, err := l.Import(ctx, catalog.System, strings.NewReader(in), "jsonl", true)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, e := range rep.Errors {
		lines = append(lines, e.Line)
	}
	if rep.Rows != 6 || len(rep.Errors) != 4 || lines[0] != 2 || lines[3] != 5 || rep.Inserted != 0 {
		t.Fatalf("dry run: %+v", rep)
	}
	rep, err = l.Import(ctx, catalog.System, strings.NewReader(in), "jsonl", false)
	if err != nil || rep.Inserted != 2 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	csvIn := "title,type,themes,url\nCSV policy,local-policy,neglect;early-help,https://example.org/p\n\"broken,report\n"
	rep, err = l.Import(ctx, catalog.System, strings.NewReader(csvIn), "csv", false)
	if err != nil || rep.Inserted != 1 {
		t.Fatalf("csv import: %+v %v", rep, err)
	}
}

func TestOpenLocksDataDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	h, err := Open(ctx, dir, taxonomy.Default(), nil, OpenOptions{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, dir, taxonomy.Default(), nil, OpenOptions{})
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "PID") {
		t.Fatalf("second open: %v", err)
	}
	res, err := h.Search(ctx, catalog.Anonymous, SearchParams{})
	if err != nil || res.Total == 0 {
		t.Fatalf("search: %v %v", res, err)
	}
	total := res.Total
	h.Close()
	// Reopen: the index is there; nothing is rebuilt or re-seeded.
	h, err = Open(ctx, dir, taxonomy.Default(), nil, OpenOptions{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	res, _ = h.Search(ctx, catalog.Anonymous, SearchParams{})
	if res.Total != total || h.Rebuilt() {
		t.Fatalf("after reopen: %d (rebuilt %v), want %d", res.Total, h.Rebuilt(), total)
	}
	h.Close()
	// An index that cannot be read is rebuilt from the store on open, and
	// Open says so (reindex then does not rebuild it a second time).
	if err := os.WriteFile(filepath.Join(dir, "index", "index_meta.json"), []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err = Open(ctx, dir, taxonomy.Default(), nil, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	res, _ = h.Search(ctx, catalog.Anonymous, SearchParams{})
	if res.Total != total || !h.Rebuilt() {
		t.Fatalf("after the index was spoilt: %d (rebuilt %v), want %d", res.Total, h.Rebuilt(), total)
	}
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	c, err := l.Check(ctx)
	if err != nil || !c.OK() {
		t.Fatalf("fresh library: %+v %v", c, err)
	}
	r := &catalog.Resource{ID: "unindexed", Title: "Unindexed", Type: "report", Source: "curated"}
	r.Normalize()
	if err := l.st.InsertResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	c, _ = l.Check(ctx)
	if c.OK() || c.Missing != 1 || c.Pending != 1 {
		t.Fatalf("after unindexed write: %+v", c)
	}
	if _, err := l.Heal(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ = l.Check(ctx); !c.OK() {
		t.Fatalf("after heal: %+v", c)
	}
}

// Snippets cut around the index's spots are those of the texts, bodies and
// PDF pages included, and only hits the reader may read get any.
func TestSearchSnippetsOfBodiesAndPages(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	pages := []string{"A cover page.", "Contents and the wombatry survey.", "More on wombatry in practice."}
	if _, err := l.Upsert(ctx, []*catalog.Resource{
		{ID: "wombat-report", Title: "Annual report", Type: "report", Source: "curated",
			Body: "Intro text. The wombatry findings, in depth, then more wombatry."},
		{ID: "wombat-pdf", Title: "Survey", Type: "report", Source: "curated",
			Body: strings.Join(pages, "\n\n"), Pages: pages},
		{ID: "wombat-members", Title: "Members note", Type: "briefing", Source: "curated", Access: catalog.Members,
			Body: "Wombatry for members only."},
	}); err != nil {
		t.Fatal(err)
	}
	q, _ := index.Parse("wombatry")
	for _, rd := range []catalog.Reader{catalog.Anonymous, catalog.System} {
		res, err := l.Search(ctx, rd, SearchParams{Q: "wombatry"})
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, h := range res.Hits {
			switch h.Resource.ID {
			case "wombat-report":
				want := index.Snippets("Intro text. The wombatry findings, in depth, then more wombatry.", q, 2, 200)
				if !reflect.DeepEqual(h.Highlights["body"], want) || len(want) == 0 || h.Page != 0 {
					t.Fatalf("body snippets %q, want %q", h.Highlights["body"], want)
				}
			case "wombat-pdf":
				want := index.Snippets(pages[1], q, 2, 200)
				if !reflect.DeepEqual(h.Highlights["body"], want) || h.Page != 2 {
					t.Fatalf("page %d snippets %q, want page 2 %q", h.Page, h.Highlights["body"], want)
				}
			case "wombat-members":
				if rd.Members == h.Teaser || rd.Members != (len(h.Highlights["body"]) == 1) {
					t.Fatalf("reader %+v: teaser %v, highlights %q", rd, h.Teaser, h.Highlights)
				}
			default:
				continue
			}
			if h.Resource.Body != "" || h.Resource.Pages != nil {
				t.Fatalf("%s: a hit carries its text", h.Resource.ID)
			}
			seen++
		}
		if want := map[bool]int{false: 2, true: 3}[rd.Members]; seen != want {
			t.Fatalf("reader %+v: %d of the hits, want %d", rd, seen, want)
		}
	}
}
