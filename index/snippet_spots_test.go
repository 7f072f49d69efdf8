package index

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// Snippets cut around the index's term vectors must be the snippets of
// the scan (and so of the whole analysis and the sort-everything
// definition: snippet_scan_test.go), for every field, page, synonym,
// phrase and stem, and must come from the term vectors, not a fallback.

// spotsCorpus is texts of every kind the scan's tests use, as documents.
func spotsCorpus(t *testing.T) ([]Document, map[string][]string) {
	rng := rand.New(rand.NewSource(4))
	words := strings.Fields(stemWords() + " neglect neglected exploitation child children sexual looked after cse ehe")
	seps := []string{" ", "  ", "\n", ", ", ". ", "-", "\t", "’", "Ⱥ ", " 日本語 "}
	random := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(words[rng.Intn(len(words))])
			b.WriteString(seps[rng.Intn(len(seps))])
		}
		return b.String()
	}
	texts := append(fixtureTexts(t), stemWords())
	for i := 0; i < 30; i++ {
		texts = append(texts, random(20+rng.Intn(2000)))
	}
	// Longer than Snippets reads, with words all along and one across
	// the cut.
	long := random(40000)
	for len(long) < maxSnippetText+1000 {
		long += random(1000)
	}
	// The cut falls after "zanzibarite" of "zanzibarites" (ASCII: no
	// rune to keep whole): Snippets reads the word as cut.
	p := maxSnippetText - len(" zanzibarite")
	q := p
	for !utf8.RuneStart(long[q]) {
		q--
	}
	texts = append(texts, long[:q]+strings.Repeat(" ", p-q)+" zanzibarites "+long[q:])
	clip := func(s string, n int) string {
		n = min(n, len(s))
		for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
			n--
		}
		return s[:n]
	}
	var docs []Document
	pages := map[string][]string{}
	for i, text := range texts {
		d := Document{ID: fmt.Sprintf("s%03d", i), Title: clip(random(3+rng.Intn(8)), 300), Summary: clip(text, 400),
			Body: text, Access: AccessPublic, Source: "seed"}
		if i%4 == 1 {
			d.Access = AccessMembers
		}
		if i%5 == 2 && i < len(texts)-1 {
			// A PDF: the body is its pages joined by blank lines.
			var ps []string
			for j := 0; j < 1+rng.Intn(6); j++ {
				ps = append(ps, random(rng.Intn(300)))
			}
			pages[d.ID] = ps
			d.Body = strings.Join(ps, "\n\n")
		}
		docs = append(docs, d)
	}
	return docs, pages
}

func TestSpotsSnippetsAgreeWithScan(t *testing.T) {
	ix, err := OpenMemory(Options{Synonyms: testSynonyms})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	docs, pages := spotsCorpus(t)
	// Several batches, so that documents sit in several segments.
	for i := 0; i < len(docs); i += 7 {
		if err := ix.Batch(docs[i:min(len(docs), i+7)], nil); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := sharedAnalyzers()
	rng := rand.New(rand.NewSource(5))
	queries := []string{"cse", `"looked after children"`, "lac neglect", "ehe -neglect", "inspection", "日本語", "neglect", "neglectful child", "zanzibarite"}
	for n := 0; n < 60; n++ {
		d := docs[rng.Intn(len(docs))]
		toks := a.english.Analyze([]byte(d.Body))
		if len(toks) == 0 {
			continue
		}
		var ws []string
		for k := 0; k < 1+rng.Intn(3); k++ {
			tk := toks[rng.Intn(len(toks))]
			ws = append(ws, d.Body[tk.Start:tk.End])
		}
		queries = append(queries, strings.Join(ws, " "))
	}
	var sd []SpotDoc
	for _, d := range docs {
		sd = append(sd, SpotDoc{ID: d.ID, Members: d.Access == AccessMembers})
	}
	sd = append(sd, SpotDoc{ID: "not-there"})
	ctx := context.Background()
	checked, marked := 0, 0
	for _, qs := range queries {
		q, err := Parse(qs)
		if err != nil {
			continue
		}
		hq := ix.Expand(q)
		group := hq.termGroups()
		spots, err := ix.Spots(ctx, hq, sd)
		if err != nil {
			t.Fatal(err)
		}
		if spots["not-there"] != nil {
			t.Fatal("spots for a document the index lacks")
		}
		for _, d := range docs {
			sp := spots[d.ID]
			if sp == nil {
				t.Fatalf("no spots for %s", d.ID)
			}
			for _, f := range []struct {
				field, text string
				max, width  int
			}{{SpotTitle, d.Title, 1, 300}, {SpotSummary, d.Summary, 1, 240}, {SpotBody, d.Body, 2, 200}} {
				if f.field == SpotBody && pages[d.ID] != nil {
					continue
				}
				want := Snippets(f.text, hq, f.max, f.width)
				got, ok := snippetsAt(f.text, sp.fields[f.field], group, f.max, f.width)
				if !ok {
					t.Fatalf("%s %s, query %q: spots do not sit on the text", d.ID, f.field, qs)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s %s, query %q:\n spots %q\n  scan %q", d.ID, f.field, qs, got, want)
				}
				checked++
				marked += len(want)
			}
			if ps := pages[d.ID]; ps != nil {
				wantPage, want := 0, []string(nil)
				for i, p := range ps {
					if s := Snippets(p, hq, 2, 200); len(s) > 0 {
						wantPage, want = i+1, s
						break
					}
				}
				local := pageSpots(sp.fields[SpotBody], d.Body, ps)
				if local == nil {
					t.Fatalf("%s: body is not its pages", d.ID)
				}
				for i, p := range ps {
					got, ok := snippetsAt(p, local[i], group, 2, 200)
					if !ok || !reflect.DeepEqual(got, Snippets(p, hq, 2, 200)) {
						t.Fatalf("%s page %d, query %q: spots %v %q, scan %q", d.ID, i+1, qs, ok, got, Snippets(p, hq, 2, 200))
					}
				}
				page, got := sp.PageSnippets(d.Body, ps, hq, 2, 200)
				if page != wantPage || !reflect.DeepEqual(got, want) {
					t.Fatalf("%s pages, query %q: spots page %d %q, scan page %d %q", d.ID, qs, page, got, wantPage, want)
				}
				checked++
				marked += len(want)
			}
		}
	}
	if checked < 5000 || marked < 500 {
		t.Fatalf("only %d fields checked, %d snippets", checked, marked)
	}
}

// A text written since it was indexed is scanned: its snippets are its own.
func TestSpotsOfAnotherTextAreNotUsed(t *testing.T) {
	ix := newFixtureIndex(t)
	q := ix.Expand(mustParse(t, "neglect"))
	spots, err := ix.Spots(context.Background(), q, []SpotDoc{{ID: "d10"}})
	if err != nil {
		t.Fatal(err)
	}
	sp := spots["d10"]
	if _, ok := snippetsAt("Our strategy for neglect across the county.", sp.fields[SpotBody], q.termGroups(), 2, 200); !ok {
		t.Fatal("spots of the indexed body not used")
	}
	for _, body := range []string{
		"Since edited: our strategy for neglect across the county.",
		"Short.",
		"Our strategy for NEGLECT across the county.", // same offsets, same word: fine either way
	} {
		got := sp.Snippets(SpotBody, body, q, 2, 200)
		if want := Snippets(body, q, 2, 200); !reflect.DeepEqual(got, want) {
			t.Fatalf("body %q: got %q, want %q", body, got, want)
		}
	}
	if _, ok := snippetsAt("Since edited: our strategy for neglect across the county.", sp.fields[SpotBody], q.termGroups(), 2, 200); ok {
		t.Fatal("spots used on a text they do not sit on")
	}
	// Pages that are not the body give their own snippets too.
	page, got := sp.PageSnippets("Our strategy for neglect across the county.", []string{"Nothing here.", "Neglect on page two."}, q, 2, 200)
	if page != 2 || len(got) != 1 || got[0] != "<mark>Neglect</mark> on page two." {
		t.Fatalf("page %d %q", page, got)
	}
	var none *Spots
	if got := none.Snippets(SpotTitle, "Neglect strategy", q, 1, 300); len(got) != 1 {
		t.Fatalf("nil spots: %q", got)
	}
}

// Members-only text sits in the members' fields: asking for a
// members-only document as a public one finds nothing in its summary or
// body, whatever the query.
func TestSpotsMembersFields(t *testing.T) {
	ix := newFixtureIndex(t)
	q := ix.Expand(mustParse(t, "zanzibarite quietudes neglect"))
	ctx := context.Background()
	spots, err := ix.Spots(ctx, q, []SpotDoc{{ID: "d09"}})
	if err != nil {
		t.Fatal(err)
	}
	if spots["d09"].Has(SpotBody) || spots["d09"].Has(SpotSummary) || !spots["d09"].Has(SpotTitle) {
		t.Fatalf("public fields of a members-only document: %v", spots["d09"].fields)
	}
	if n := len(spots["d09"].fields[SpotBody]) + len(spots["d09"].fields[SpotSummary]); n != 0 {
		t.Fatalf("%d spots of members-only text asked for as public", n)
	}
	if len(spots["d09"].fields[SpotTitle]) != 1 {
		t.Fatalf("title spots %v", spots["d09"].fields[SpotTitle])
	}
	spots, err = ix.Spots(ctx, q, []SpotDoc{{ID: "d09", Members: true}})
	if err != nil {
		t.Fatal(err)
	}
	if !spots["d09"].Has(SpotBody) {
		t.Fatal("no body spots of a members-only document asked for as one")
	}
	got := spots["d09"].Snippets(SpotBody, "A zanzibarite secret known only to members.", q, 2, 200)
	if len(got) != 1 || !strings.Contains(got[0], "<mark>zanzibarite</mark>") {
		t.Fatalf("members body %q", got)
	}
}
