package library

import (
	"context"
	"errors"
	"slices"
	"testing"

	"safelib/internal/catalog"
)

func crawled(url, title string) *catalog.Resource {
	return &catalog.Resource{URL: url, Title: title, Publisher: "Fixture", Type: "report", Published: "2017-03-21",
		Summary: "Summary of " + title, Body: "Body of " + title, Access: catalog.Public,
		Themes: []string{"neglect"}, MachineThemes: []string{"grooming", "neglect"}}
}

func TestSaveCrawled(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)

	// Two documents with the same title get distinct ids; an invalid one
	// is reported without stopping the others.
	a := crawled("https://example.org/a", "Quixotic annual report")
	b := crawled("https://example.org/b", "Quixotic annual report")
	bad := crawled("https://example.org/c", "Bad")
	bad.Type = "novel"
	outs, err := l.SaveCrawled(ctx, []*catalog.Resource{a, b, bad})
	if err != nil {
		t.Fatal(err)
	}
	if !outs[0].New || !outs[1].New || outs[0].ID == outs[1].ID || outs[0].ID != "quixotic-annual-report-2017" {
		t.Fatalf("outcomes = %+v", outs)
	}
	if !errors.Is(outs[2].Err, catalog.ErrInvalid) {
		t.Fatalf("invalid resource outcome = %+v", outs[2])
	}
	got, err := l.st.GetResource(ctx, outs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != SourceCrawled || !slices.Equal(got.Themes, []string{"neglect"}) || !slices.Equal(got.MachineThemes, []string{"grooming"}) {
		t.Fatalf("saved = %+v", got)
	}
	res, err := l.Search(ctx, catalog.Anonymous, SearchParams{Q: "quixotic"})
	if err != nil || res.Total < 2 {
		t.Fatalf("not searchable at once: %v, %v", res, err)
	}

	// The same content again: unchanged, not rewritten.
	outs, err = l.SaveCrawled(ctx, []*catalog.Resource{crawled("https://example.org/a", "Quixotic annual report")})
	if err != nil || outs[0].New || outs[0].Changed || outs[0].ID != "quixotic-annual-report-2017" {
		t.Fatalf("resave = %+v, %v", outs, err)
	}
	again, _ := l.st.GetResource(ctx, "quixotic-annual-report-2017")
	if again.Version != got.Version {
		t.Fatalf("unchanged resource rewritten: version %d -> %d", got.Version, again.Version)
	}

	// Gone, then back with the same content: active again.
	if changed, err := l.MarkGone(ctx, "https://example.org/a"); err != nil || !changed {
		t.Fatalf("MarkGone = %v, %v", changed, err)
	}
	if changed, err := l.MarkGone(ctx, "https://example.org/a"); err != nil || changed {
		t.Fatalf("MarkGone twice = %v, %v", changed, err)
	}
	if res, _ := l.Search(ctx, catalog.Anonymous, SearchParams{Q: "quixotic"}); res.Total != 1 {
		t.Fatalf("gone resource still found: %d", res.Total)
	}
	outs, err = l.SaveCrawled(ctx, []*catalog.Resource{crawled("https://example.org/a", "Quixotic annual report")})
	if err != nil || !outs[0].Changed {
		t.Fatalf("back = %+v, %v", outs, err)
	}
	if r, _ := l.st.GetResource(ctx, "quixotic-annual-report-2017"); r.Status != catalog.StatusActive {
		t.Fatalf("status = %s", r.Status)
	}
	if _, err := l.MarkGone(ctx, "https://example.org/nothing"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("MarkGone unknown = %v", err)
	}
}

func TestSaveCrawledKeepsWhatPeopleTyped(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	// The members briefing of newTestLibrary is curated.
	r := crawled("https://example.org/secret.pdf", "Extracted title")
	r.Pages = []string{"page one", "page two"}
	outs, err := l.SaveCrawled(ctx, []*catalog.Resource{r})
	if err != nil || !outs[0].Changed || outs[0].ID != "members-briefing" {
		t.Fatalf("outcome = %+v, %v", outs, err)
	}
	got, _ := l.st.GetResource(ctx, "members-briefing")
	if got.Title != "Briefing on partnership funding" || got.Summary != "Zanzibarian summary words" ||
		got.Access != catalog.Members || got.Type != "briefing" || got.Source != "curated" ||
		!slices.Equal(got.Themes, []string{"partnership-arrangements"}) || len(got.Pages) != 2 {
		t.Fatalf("curated resource after crawl = %+v", got)
	}

	// Withdrawn by staff: stays withdrawn.
	got.Status = catalog.StatusWithdrawn
	if err := l.st.UpdateResource(ctx, got); err != nil {
		t.Fatal(err)
	}
	r2 := crawled("https://example.org/secret.pdf", "Extracted title")
	r2.Body = "New text"
	if _, err := l.SaveCrawled(ctx, []*catalog.Resource{r2}); err != nil {
		t.Fatal(err)
	}
	got, _ = l.st.GetResource(ctx, "members-briefing")
	if got.Status != catalog.StatusWithdrawn || got.Body != "New text" {
		t.Fatalf("withdrawn resource after crawl: status %s body %q", got.Status, got.Body)
	}
	if changed, err := l.MarkGone(ctx, "https://example.org/secret.pdf"); err != nil || changed {
		t.Fatalf("MarkGone on withdrawn = %v, %v", changed, err)
	}
}

// TestRecrawlKeepsStaffCorrections: staff correct a crawled resource's
// title and reject a machine theme; the page then changes. The recrawl
// refreshes the text but keeps the title and does not suggest the rejected
// theme again. An edit of other fields (area) leaves it crawled.
func TestRecrawlKeepsStaffCorrections(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	outs, err := l.SaveCrawled(ctx, []*catalog.Resource{crawled("https://example.org/r", "Extracted title")})
	if err != nil {
		t.Fatal(err)
	}
	id := outs[0].ID
	cur, _ := l.st.GetResource(ctx, id)
	area := "Kent"
	cur, err = l.Update(ctx, staff, id, cur.Version, Edit{Area: &area})
	if err != nil || cur.Source != SourceCrawled {
		t.Fatalf("after an area edit: source %q, %v; want still crawled", cur.Source, err)
	}
	title, none := "Corrected title", []string{}
	cur, err = l.Update(ctx, staff, id, cur.Version, Edit{Title: &title, MachineThemes: &none})
	if err != nil || cur.Source != SourceCurated {
		t.Fatalf("after a title edit: source %q, %v; want curated", cur.Source, err)
	}
	hist, err := l.History(ctx, staff, id, 1)
	if err != nil || len(hist) != 1 || hist[0].Details["source.before"] != SourceCrawled || hist[0].Details["source.after"] != SourceCurated {
		t.Fatalf("audit of the title edit: %+v, %v; want the source change recorded", hist, err)
	}
	changed := crawled("https://example.org/r", "Extracted title, second edition")
	changed.Body = "The page changed"
	if _, err := l.SaveCrawled(ctx, []*catalog.Resource{changed}); err != nil {
		t.Fatal(err)
	}
	got, _ := l.st.GetResource(ctx, id)
	if got.Title != "Corrected title" || got.Body != "The page changed" || got.Area != "Kent" ||
		slices.Contains(got.MachineThemes, "grooming") || slices.Contains(got.Themes, "grooming") {
		t.Fatalf("after the recrawl: title %q, body %q, area %q, themes %v, machine %v",
			got.Title, got.Body, got.Area, got.Themes, got.MachineThemes)
	}
}

// TestRecrawlKeepsRejectedThemes: a theme staff rejected is not suggested
// again when the page changes and the tagger suggests it once more (settling
// the suggestions makes the item curated: its suggestions are no longer
// refreshed by crawls), and the item is not found under it.
func TestRecrawlKeepsRejectedThemes(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	outs, err := l.SaveCrawled(ctx, []*catalog.Resource{crawled("https://example.org/rej", "Grooming and neglect")})
	if err != nil {
		t.Fatal(err)
	}
	id := outs[0].ID
	cur, _ := l.st.GetResource(ctx, id)
	if !slices.Contains(cur.MachineThemes, "grooming") {
		t.Fatalf("fixture: machine themes %v", cur.MachineThemes)
	}
	if _, err := l.ConfirmThemes(ctx, staff, id, cur.Version, nil, []string{"grooming"}); err != nil {
		t.Fatal(err)
	}
	changed := crawled("https://example.org/rej", "Grooming and neglect")
	changed.Body = "The page changed, still about grooming"
	changed.MachineThemes = []string{"grooming", "online-abuse"}
	if _, err := l.SaveCrawled(ctx, []*catalog.Resource{changed}); err != nil {
		t.Fatal(err)
	}
	got, _ := l.st.GetResource(ctx, id)
	if slices.Contains(got.MachineThemes, "grooming") || got.Body != changed.Body {
		t.Fatalf("after the recrawl: machine themes %v, body %q", got.MachineThemes, got.Body)
	}
	res, err := l.Search(ctx, catalog.Anonymous, SearchParams{Filters: Selections{"theme": {"grooming"}}, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.Resource.ID == id {
			t.Error("still found under the rejected theme")
		}
	}
}
