package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"

	"safelib/index"
)

// plainFixture is a few documents of the shapes the load test indexes.
var plainFixture = []index.Document{
	{ID: "a", Title: "Neglect in the early years", Summary: "Recognising neglect.", Body: "Neglected children and their families.", Publisher: "NSPCC", Type: "guidance", Themes: []string{"neglect"}, Year: 2020, Published: "2020-03-01"},
	{ID: "b", Title: "Toolkit on neglect", Summary: "Tools for practitioners.", Body: "Assessing neglect with a graded care profile.", Publisher: "Barnardo's", Type: "toolkit", Themes: []string{"neglect"}, Year: 2019, Published: "2019"},
	{ID: "c", Title: "Online safety", Summary: "Keeping children safe online.", Body: "Social media and grooming.", Publisher: "NSPCC", Type: "toolkit", Themes: []string{"online-safety"}, Year: 2021, Published: "2021-06"},
	{ID: "d", Title: "Annual report", Summary: "A year of work.", Body: "Figures and outcomes; neglect remains the most common category.", Publisher: "Ofsted", Type: "report", Themes: []string{"inspection"}, Year: 2022, Published: "2022-01-10", Area: "Kent", Region: "South East"},
	{ID: "e", Title: "Exploitation briefing", Summary: "County lines.", Body: "Criminal exploitation of children.", Publisher: "Department for Education", Type: "briefing", Themes: []string{"exploitation"}, Year: 2018, Published: "2018-11"},
}

// Plain is only a yardstick, but a wrong one would flatter safelib: its
// words must all match, its filters narrow, and its index reopen whole.
func TestPlain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "plain")
	p, err := OpenPlain(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Batch(plainFixture); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if p, err = OpenPlain(dir); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if n, _ := p.Count(); n != uint64(len(plainFixture)) {
		t.Fatalf("reopened with %d documents, want %d", n, len(plainFixture))
	}
	ctx := context.Background()
	total := func(words string, filters index.Selections, sort index.Sort) uint64 {
		t.Helper()
		n, err := p.Search(ctx, words, filters, sort, 0, 5, 10)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The documents whose title, summary or body has the term "neglect".
	english := p.bi.Mapping().AnalyzerNamed(en.AnalyzerName)
	if english == nil {
		t.Fatal("no English analyzer")
	}
	want := 0
	for _, d := range plainFixture {
		for _, tok := range english.Analyze([]byte(d.Title + " \n " + d.Summary + " \n " + d.Body)) {
			if string(tok.Term) == "neglect" {
				want++
				break
			}
		}
	}
	if got := total("neglect", nil, ""); got != uint64(want) || want == 0 {
		t.Fatalf("neglect: %d, want %d", got, want)
	}
	if got := total("neglect zzzqqq", nil, ""); got != 0 {
		t.Fatalf("a word nothing holds still matched %d", got)
	}
	if got := total("neglect", index.Selections{"type": {"toolkit"}}, index.SortNewest); got == 0 || got >= uint64(want) {
		t.Fatalf("neglect in toolkits: %d, want between 1 and %d", got, want-1)
	}
	if got := total("", index.Selections{"publisher": {"NSPCC"}}, index.SortTitle); got == 0 {
		t.Fatal("browsing NSPCC found nothing")
	}
	if _, err := p.Search(ctx, "neglect", index.Selections{"colour": {"red"}}, "", 0, 5, 10); err == nil {
		t.Fatal("an unknown facet was accepted")
	}
}
