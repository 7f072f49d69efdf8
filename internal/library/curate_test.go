package library

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"safelib/internal/catalog"
)

var curStaff = catalog.Reader{UserID: 7, Email: "staff@example.org", Role: "staff", Members: true}
var curStaff2 = catalog.Reader{UserID: 8, Email: "other@example.org", Role: "staff", Members: true}

func strp(s string) *string { return &s }

func searchIDs(t *testing.T, l *Library, rd catalog.Reader, q string) []string {
	t.Helper()
	res, err := l.Search(context.Background(), rd, SearchParams{Q: q})
	if err != nil {
		t.Fatal(err)
	}
	return ids(res)
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	cur, err := l.ForEdit(ctx, curStaff, "policy-neglect")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Update(ctx, member, cur.ID, cur.Version, Edit{Title: strp("x")}); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member edit: %v", err)
	}
	if _, err := l.ForEdit(ctx, catalog.Anonymous, cur.ID); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("anonymous ForEdit: %v", err)
	}
	if _, err := l.Update(ctx, curStaff, cur.ID, 0, Edit{Title: strp("x")}); FieldErrors(err)["version"] == "" {
		t.Fatalf("no version: %v", err)
	}

	// Validation: one message per field, nothing written.
	_, err = l.Update(ctx, curStaff, cur.ID, cur.Version, Edit{Title: strp(" "), Published: strp("2020-13"),
		Themes: &[]string{"gardening"}, URL: strp("ftp://x")})
	fe := FieldErrors(err)
	if !errors.Is(err, catalog.ErrInvalid) || fe["title"] == "" || fe["published"] == "" || fe["themes"] == "" || fe["url"] == "" {
		t.Fatalf("invalid edit: %v %v", err, fe)
	}
	// A link another resource has is refused beside the url field.
	if _, err := l.Update(ctx, curStaff, cur.ID, cur.Version, Edit{URL: strp("https://example.org/secret.pdf")}); FieldErrors(err)["url"] == "" {
		t.Fatalf("duplicate url: %v", err)
	}

	// A good edit: saved, searchable at once, audited with before/after.
	next, err := l.Update(ctx, curStaff, cur.ID, cur.Version, Edit{
		Title: strp("Neglect strategy 2024 refresh"), Area: strp("Southshire"), Region: strp("South West"),
		LastReviewed: strp("2024-02-01"), Access: strp("members"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if next.Version != cur.Version+1 || next.Area != "Southshire" || next.Access != catalog.Members {
		t.Fatalf("saved: %+v", next)
	}
	if got := searchIDs(t, l, member, "refresh"); len(got) != 1 || got[0] != cur.ID {
		t.Fatalf("search after edit: %v", got)
	}
	res, err := l.Search(ctx, member, SearchParams{Filters: Selections{"area": {"Southshire"}, "region": {"South West"}}})
	if err != nil || res.Total != 1 {
		t.Fatalf("area/region filter: %v %v", res, err)
	}
	// Region and area are facets, counted like the others.
	if r, a := res.Facets["region"], res.Facets["area"]; len(r) != 1 || r[0] != (FacetValue{"South West", "South West", 1}) ||
		len(a) != 1 || a[0] != (FacetValue{"Southshire", "Southshire", 1}) {
		t.Fatalf("region facet %v, area facet %v", r, a)
	}
	hist, err := l.History(ctx, curStaff, cur.ID, 10)
	if err != nil || len(hist) != 1 {
		t.Fatalf("history: %v %v", hist, err)
	}
	h := hist[0]
	if h.Actor != "staff@example.org" || h.ActorID != 7 || h.Action != ActionUpdate || h.At.IsZero() ||
		h.Details["title.before"] != "Neglect strategy" || h.Details["title.after"] != "Neglect strategy 2024 refresh" ||
		h.Details["access.after"] != "members" || h.Details["version"] != fmt.Sprint(next.Version) {
		t.Fatalf("audit entry: %+v", h)
	}
	// Saving the same values again changes nothing.
	same, err := l.Update(ctx, curStaff, cur.ID, next.Version, Edit{Area: strp("Southshire")})
	if err != nil || same.Version != next.Version {
		t.Fatalf("no-op edit: %v %v", same, err)
	}
}

func TestUpdateConflict(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	opened, _ := l.ForEdit(ctx, curStaff, "policy-neglect")
	// Two curStaff open version 1; the first saves.
	if _, err := l.Update(ctx, curStaff, opened.ID, opened.Version, Edit{Title: strp("First title"), Region: strp("North West")}); err != nil {
		t.Fatal(err)
	}
	// The second saves on the stale version: told, shown the difference,
	// nothing written.
	_, err := l.Update(ctx, curStaff2, opened.ID, opened.Version, Edit{Title: strp("Second title"), Region: strp("North West")})
	var ce *ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("stale edit: %v", err)
	}
	if ce.Current.Title != "First title" || ce.Yours.Title != "Second title" || ce.Edited != opened.Version {
		t.Fatalf("conflict: %+v", ce)
	}
	if len(ce.Diffs) != 1 || ce.Diffs[0].Field != "title" || ce.Diffs[0].Before != "First title" || ce.Diffs[0].After != "Second title" {
		t.Fatalf("diffs: %+v", ce.Diffs)
	}
	if len(ce.Since) != 1 || ce.Since[0].Actor != "staff@example.org" {
		t.Fatalf("changes since: %+v", ce.Since)
	}
	if got, _ := l.ForEdit(ctx, curStaff, opened.ID); got.Title != "First title" {
		t.Fatalf("stale edit was written: %q", got.Title)
	}
	// Saving again on the current version works.
	if _, err := l.Update(ctx, curStaff2, opened.ID, ce.Current.Version, Edit{Title: strp("Second title")}); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentEdits races many editors on one version: exactly one wins.
func TestConcurrentEdits(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	cur, _ := l.ForEdit(ctx, curStaff, "policy-neglect")
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Update(ctx, curStaff, cur.ID, cur.Version, Edit{Title: strp(fmt.Sprintf("Title %d", i))})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, catalog.ErrConflict):
				conflicts++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != 7 {
		t.Fatalf("wins %d conflicts %d", wins, conflicts)
	}
}

func TestWithdrawRestore(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	if got := searchIDs(t, l, catalog.Anonymous, "toolkit"); len(got) != 1 {
		t.Fatalf("before: %v", got)
	}
	if _, err := l.Withdraw(ctx, member, "policy-neglect", 0, ""); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member withdraw: %v", err)
	}
	w, err := l.Withdraw(ctx, curStaff, "policy-neglect", 0, "superseded by the 2024 strategy")
	if err != nil || w.Status != catalog.StatusWithdrawn {
		t.Fatalf("withdraw: %v %v", w, err)
	}
	if got := searchIDs(t, l, curStaff, "toolkit"); len(got) != 0 {
		t.Fatalf("withdrawn still found: %v", got)
	}
	if _, err := l.Resource(ctx, member, "policy-neglect"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("withdrawn visible to a member: %v", err)
	}
	if v, err := l.Resource(ctx, curStaff, "policy-neglect"); err != nil || v.Resource.Status != catalog.StatusWithdrawn {
		t.Fatalf("withdrawn hidden from curStaff: %v", err)
	}
	// A stale version is a conflict.
	if _, err := l.Restore(ctx, curStaff, "policy-neglect", w.Version-1); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("stale restore: %v", err)
	}
	r, err := l.Restore(ctx, curStaff, "policy-neglect", w.Version)
	if err != nil || r.Status != catalog.StatusActive {
		t.Fatalf("restore: %v %v", r, err)
	}
	if got := searchIDs(t, l, catalog.Anonymous, "toolkit"); len(got) != 1 {
		t.Fatalf("restored not found: %v", got)
	}
	hist, _ := l.History(ctx, curStaff, "policy-neglect", 10)
	if len(hist) != 2 || hist[0].Action != ActionRestore || hist[1].Action != ActionWithdraw ||
		hist[1].Details["reason"] != "superseded by the 2024 strategy" || hist[1].Details["status.after"] != "withdrawn" {
		t.Fatalf("history: %+v %+v", hist[0], hist[1])
	}
}

func TestConfirmThemes(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	_, err := l.Upsert(ctx, []*catalog.Resource{{ID: "tagged", Title: "Tagged report", Type: "report",
		MachineThemes: []string{"neglect", "early-help", "child-sexual-exploitation"}, Source: "crawled",
		URL: "https://example.org/tagged"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := l.Dashboard(ctx, curStaff, 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range d.Awaiting {
		found = found || r.ID == "tagged"
	}
	if !found || d.AwaitingTotal < 1 || d.Active == 0 || len(d.BySource) == 0 || len(d.ByType) == 0 {
		t.Fatalf("dashboard: %+v", d)
	}
	cur, _ := l.ForEdit(ctx, curStaff, "tagged")
	r, err := l.ConfirmThemes(ctx, curStaff, "tagged", cur.Version, []string{"neglect"}, []string{"early-help"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.Themes, ",") != "neglect" || strings.Join(r.MachineThemes, ",") != "child-sexual-exploitation" {
		t.Fatalf("themes: %v machine %v", r.Themes, r.MachineThemes)
	}
	r, err = l.ConfirmThemes(ctx, curStaff, "tagged", r.Version, nil, []string{"child-sexual-exploitation"})
	if err != nil || len(r.MachineThemes) != 0 {
		t.Fatalf("reject all: %v %v", r, err)
	}
	d, _ = l.Dashboard(ctx, curStaff, 50)
	for _, a := range d.Awaiting {
		if a.ID == "tagged" {
			t.Fatal("still awaiting after confirmation")
		}
	}
	if len(d.Changes) != 2 || d.Changes[0].Target != "tagged" {
		t.Fatalf("recent changes: %+v", d.Changes)
	}
	if _, err := l.Dashboard(ctx, member, 10); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member dashboard: %v", err)
	}
}

// fakeFetcher serves pages from a map, canonicalising like the crawler
// (lower-case host, no fragment, no utm_ parameters).
type fakeFetcher struct {
	mu    sync.Mutex
	pages map[string]*FetchedPage
	calls int
}

func (f *fakeFetcher) Canonicalize(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("bad URL")
	}
	u.Host = strings.ToLower(u.Host)
	u.Fragment = ""
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "utm_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (f *fakeFetcher) Fetch(ctx context.Context, raw string) (*FetchedPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	p, ok := f.pages[raw]
	if !ok {
		return nil, errors.New("HTTP 404 Not Found")
	}
	c := *p
	return &c, nil
}

func TestAddLink(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	if _, err := l.AddLink(ctx, curStaff, "https://example.org/new"); !errors.Is(err, ErrNoFetcher) {
		t.Fatalf("no fetcher: %v", err)
	}
	f := &fakeFetcher{pages: map[string]*FetchedPage{
		"https://example.org/new": {URL: "https://example.org/new", Title: "Tackling child neglect: a practice guide",
			Summary: "How partners recognise neglect early.", Published: "2025-03-04", ContentType: "html",
			Text: "Neglect is the persistent failure to meet a child's basic needs. Neglect neglect neglect."},
		"https://example.org/moved": {URL: "https://example.org/secret.pdf", Title: "Moved"},
	}}
	l.SetFetcher(f)
	if _, err := l.AddLink(ctx, member, "https://example.org/new"); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member: %v", err)
	}
	// A URL already in the library (canonically) opens the existing item,
	// without fetching.
	d, err := l.AddLink(ctx, curStaff, "https://EXAMPLE.org/secret.pdf?utm_source=newsletter#p2")
	if err != nil || d.Existing == nil || d.Existing.ID != "members-briefing" || f.calls != 0 {
		t.Fatalf("existing: %+v %v (calls %d)", d, err, f.calls)
	}
	// ... as does one that redirects to it.
	d, err = l.AddLink(ctx, curStaff, "https://example.org/moved")
	if err != nil || d.Existing == nil || d.Existing.ID != "members-briefing" {
		t.Fatalf("redirect to existing: %+v %v", d, err)
	}
	// A fetch failure says why, beside the url field.
	_, err = l.AddLink(ctx, curStaff, "https://example.org/missing")
	if msg := FieldErrors(err)["url"]; !strings.Contains(msg, "404") {
		t.Fatalf("missing: %v", err)
	}
	if _, err := l.AddLink(ctx, curStaff, "javascript:alert(1)"); FieldErrors(err)["url"] == "" {
		t.Fatalf("bad url: %v", err)
	}
	d, err = l.AddLink(ctx, curStaff, "https://example.org/new")
	if err != nil || d.Draft == nil || d.Token == "" {
		t.Fatalf("draft: %+v %v", d, err)
	}
	dr := d.Draft
	if dr.Title != "Tackling child neglect: a practice guide" || dr.Published != "2025-03-04" ||
		dr.Summary == "" || len(dr.MachineThemes) == 0 || dr.MachineThemes[0] != "neglect" || dr.ID != "" {
		t.Fatalf("draft fields: %+v", dr)
	}
	// Not saved until confirmed.
	if got := searchIDs(t, l, curStaff, "persistent failure"); len(got) != 0 {
		t.Fatalf("draft searchable: %v", got)
	}
	// Staff correct the title and confirm a theme; the text comes from
	// the draft, not a second fetch.
	calls := f.calls
	form := &catalog.Resource{URL: dr.URL, Title: "Child neglect practice guide", Type: "guidance",
		Publisher: "Example Partnership", Published: dr.Published, Summary: dr.Summary, Themes: []string{"neglect"},
		Access: catalog.Public}
	saved, err := l.SaveLink(ctx, curStaff, d.Token, form)
	if err != nil {
		t.Fatal(err)
	}
	if f.calls != calls || saved.Source != "curated" || saved.ID != "child-neglect-practice-guide-2025" || saved.Body == "" {
		t.Fatalf("saved: %+v (calls %d)", saved, f.calls-calls)
	}
	if got := searchIDs(t, l, catalog.Anonymous, "persistent failure"); len(got) != 1 || got[0] != saved.ID {
		t.Fatalf("not searchable at once: %v", got)
	}
	hist, _ := l.History(ctx, curStaff, saved.ID, 5)
	if len(hist) != 1 || hist[0].Action != ActionCreate || hist[0].Details["title.after"] != "Child neglect practice guide" {
		t.Fatalf("create audit: %+v", hist)
	}
	// Saving the same URL again is refused, naming the existing item.
	_, err = l.SaveLink(ctx, curStaff, "", form)
	var ee *ExistsError
	if !errors.As(err, &ee) || ee.Resource.ID != saved.ID {
		t.Fatalf("duplicate save: %v", err)
	}
}

func TestCreateFromURL(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	l.SetFetcher(&fakeFetcher{pages: map[string]*FetchedPage{
		"https://example.org/deck.pdf": {URL: "https://example.org/deck.pdf", Title: "", ContentType: "pdf",
			Pages: []string{"Slide one about missing children", "Slide two"}, Published: "2016-11-17"},
	}})
	r, err := l.CreateFromURL(ctx, curStaff, &catalog.Resource{URL: "https://example.org/deck.pdf", Type: "presentation"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Title != "deck" || r.Type != "presentation" || len(r.Pages) != 2 || r.Published != "2016-11-17" {
		t.Fatalf("created: %+v", r)
	}
	_, err = l.CreateFromURL(ctx, curStaff, &catalog.Resource{URL: "https://example.org/deck.pdf"})
	var ee *ExistsError
	if !errors.As(err, &ee) || ee.Resource.ID != r.ID {
		t.Fatalf("again: %v", err)
	}
}

func TestVersionsOnRepublish(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	// The crawler sees a presentation re-published under the same URL.
	first := &catalog.Resource{URL: "https://example.org/deck.pdf", Title: "Safeguarding update V2 01/03/2016",
		Type: "presentation", Published: "2016-03-01", Body: "Version two slides.", Source: SourceCrawled}
	if _, err := l.SaveCrawled(ctx, []*catalog.Resource{first}); err != nil {
		t.Fatal(err)
	}
	second := &catalog.Resource{URL: "https://example.org/deck.pdf", Title: "Safeguarding update V3 17/11/2016",
		Type: "presentation", Published: "2016-11-17", Body: "Version three slides.", Source: SourceCrawled}
	out, err := l.SaveCrawled(ctx, []*catalog.Resource{second})
	if err != nil || !out[0].Changed {
		t.Fatalf("recrawl: %+v %v", out, err)
	}
	vs, err := l.Versions(ctx, catalog.Anonymous, out[0].ID)
	if err != nil || len(vs) != 1 || vs[0].Title != "Safeguarding update V2 01/03/2016" || vs[0].Published != "2016-03-01" {
		t.Fatalf("versions: %+v %v", vs, err)
	}
	v, err := l.VersionText(ctx, catalog.Anonymous, out[0].ID, vs[0].ID)
	if err != nil || v.Body != "Version two slides." {
		t.Fatalf("version text: %+v %v", v, err)
	}
}

func TestImportIdempotentOnURL(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	in := `{"title":"Row with a url","type":"report","url":"https://example.org/idem"}
{"title":"Another","type":"guidance","url":"https://example.org/idem2","themes":["neglect"]}
`
	rep, err := l.Import(ctx, catalog.System, strings.NewReader(in), "jsonl", false)
	if err != nil || rep.Inserted != 2 {
		t.Fatalf("first: %+v %v", rep, err)
	}
	rep, err = l.Import(ctx, catalog.System, strings.NewReader(in), "jsonl", false)
	if err != nil || rep.Unchanged != 2 || rep.Inserted != 0 {
		t.Fatalf("second: %+v %v", rep, err)
	}
	// An export re-imported into the library it came from changes nothing,
	// even for resources with suggested themes and per-page text.
	if _, err := l.SaveCrawled(ctx, []*catalog.Resource{{URL: "https://example.org/crawled.pdf", Title: "Crawled PDF",
		Type: "report", Body: "one\n\ntwo", Pages: []string{"one", "two"}, MachineThemes: []string{"neglect"}}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := l.Export(ctx, catalog.System, &buf, "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	rep, err = l.Import(ctx, catalog.System, bytes.NewReader(buf.Bytes()), "jsonl", false)
	if err != nil || rep.Unchanged != n {
		t.Fatalf("re-import of an export: %+v %v", rep, err)
	}
}

// TestLinkCheckerRuns runs the scheduled checker with a short period: it
// checks, then stops when its context ends.

func TestDraftCacheBounds(t *testing.T) {
	c := newDraftCache(3, time.Hour)
	var tokens []string
	for i := range 5 {
		tokens = append(tokens, c.put(&catalog.Resource{Title: fmt.Sprint(i), Body: "text"}))
	}
	if len(c.items) != 3 || c.get(tokens[0]) != nil || c.get(tokens[4]) == nil {
		t.Fatalf("count bound: %d items", len(c.items))
	}
	big := strings.Repeat("x", maxDraftsBytes/2+1)
	a := c.put(&catalog.Resource{Body: big})
	b := c.put(&catalog.Resource{Body: big})
	if c.get(a) != nil || c.get(b) == nil || c.bytes > maxDraftsBytes {
		t.Fatalf("byte bound: %d bytes", c.bytes)
	}
	huge := c.put(&catalog.Resource{Body: big + big})
	if c.get(huge) != nil {
		t.Fatal("a draft over the whole budget was kept")
	}
	c.drop(b)
	if c.bytes != 0 && len(c.items) == 0 {
		t.Fatalf("bytes %d with no items", c.bytes)
	}
}
