package index

import (
	"context"
	"path/filepath"
	"testing"
)

// Plain is only a yardstick, but a wrong one would flatter safelib: its
// words must all match, its filters narrow, and its index reopen whole.
func TestPlain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "plain")
	p, err := OpenPlain(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Batch(fixture); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if p, err = OpenPlain(dir); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if n, _ := p.Count(); n != uint64(len(fixture)) {
		t.Fatalf("reopened with %d documents, want %d", n, len(fixture))
	}
	ctx := context.Background()
	total := func(words string, filters map[string][]string, sort string) uint64 {
		t.Helper()
		n, err := p.Search(ctx, words, filters, sort, 0, 5, 10)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The documents whose title, summary or body has the term "neglect".
	a, err := sharedAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, d := range fixture {
		for _, tok := range a.english.Analyze([]byte(d.Title + " \n " + d.Summary + " \n " + d.Body)) {
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
	if got := total("neglect", map[string][]string{"type": {"toolkit"}}, SortNewest); got == 0 || got >= uint64(want) {
		t.Fatalf("neglect in toolkits: %d, want between 1 and %d", got, want-1)
	}
	if got := total("", map[string][]string{"publisher": {"NSPCC"}}, SortTitle); got == 0 {
		t.Fatal("browsing NSPCC found nothing")
	}
	if _, err := p.Search(ctx, "neglect", map[string][]string{"colour": {"red"}}, "", 0, 5, 10); err == nil {
		t.Fatal("an unknown facet was accepted")
	}
}
