package index

import (
	"slices"
	"testing"
)

// TestSynonymAlternatives checks what an expansion searches: multi-word
// alternatives as words ANDed (no phrase), and no alternative that holds
// the original (it could add no result, only cost).
func TestSynonymAlternatives(t *testing.T) {
	ix, err := OpenMemory(Options{Synonyms: map[string][]string{
		"trafficking":         {"human trafficking", "modern slavery", "exploitation"},
		"cse":                 {"child sexual exploitation"},
		"sexual exploitation": {"child sexual exploitation", "exploitation sexual"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	tests := []struct {
		query string
		want  []string // the alternatives beside the original, rendered
	}{
		{"trafficking", []string{"modern slavery", "exploitation"}},
		{"cse", []string{"child sexual exploitation"}},
		// Unquoted, the original matches its words anywhere: both
		// alternatives hold them.
		{"sexual exploitation", nil},
		// Quoted, only an alternative holding the phrase as a run is
		// redundant.
		{`"sexual exploitation"`, []string{"exploitation sexual"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			q := ix.Expand(mustParse(t, tc.query))
			var got []string
			Walk(q.Root(), func(n Node) bool {
				or, ok := n.(*Or)
				if !ok || !or.Synonyms {
					return true
				}
				for _, alt := range or.Kids[1:] {
					if _, ok := alt.(*Phrase); ok {
						t.Errorf("alternative %q is a phrase", alt.String())
					}
					got = append(got, alt.String())
				}
				return false
			})
			if !slices.Equal(got, tc.want) {
				t.Errorf("alternatives %q, want %q", got, tc.want)
			}
		})
	}
}

// TestSplitWordMatchesParts: a word the analyzer splits matches its parts
// anywhere; quoted, it is a phrase.
func TestSplitWordMatchesParts(t *testing.T) {
	ix, err := OpenMemory(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Batch([]Document{
		{ID: "adjacent", Title: "Multi-agency safeguarding arrangements", Type: "guidance", Access: "public"},
		{ID: "apart", Title: "One agency among multi partners", Type: "guidance", Access: "public"},
	}, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"multi-agency", []string{"adjacent", "apart"}},
		{`"multi-agency"`, []string{"adjacent"}},
	} {
		got := hitIDs(doSearch(t, ix, Request{Q: tc.query, NoFacets: true}))
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: found %v, want %v", tc.query, got, tc.want)
		}
	}
}
