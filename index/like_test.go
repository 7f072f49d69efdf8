package index

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestLikeQuery(t *testing.T) {
	ix := newFixtureIndex(t)
	tests := []struct {
		name    string
		like    Like
		members bool
		// top are the first hits, in any order (none: nothing found);
		// absent ids must not come back at all.
		top    []string
		absent []string
	}{
		{name: "theme, area and words; never itself", like: Like{ID: "d10", Title: "Neglect strategy 2020-2023",
			Summary: "How partners tackle neglect.", Themes: []string{"neglect"}, Type: "policy", Area: "Kent",
			Publisher: "Kent Safeguarding Children Partnership"}, top: []string{"d09", "d11"}, absent: []string{"d10"}},
		{name: "shared theme outweighs a shared word", like: Like{ID: "d05", Title: "Elective home education: guidance for local authorities",
			Summary: "Statutory guidance on home education.", Themes: []string{"education"}, Type: "guidance",
			Publisher: "Department for Education"}, top: []string{"d06"}, absent: []string{"d05"}},
		{name: "metadata only", like: Like{ID: "x", Themes: []string{"inspection"}}, top: []string{"d01", "d02"}, absent: []string{"d03", "d12"}},
		{name: "members-only words find nothing for non-members", like: Like{ID: "x", Summary: "quietudes"}, absent: []string{"d09"}},
		{name: "members-only words find members-only text for members", like: Like{ID: "x", Summary: "quietudes"}, members: true, top: []string{"d09"}},
		{name: "unknown words find nothing", like: Like{ID: "x", Title: "xylophonic"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := ix.LikeQuery(context.Background(), tc.like)
			if err != nil {
				t.Fatal(err)
			}
			if q.Empty() {
				t.Fatal("empty query")
			}
			req := Request{Members: tc.members, NoFacets: true}
			req.SetQuery(q)
			got := hitIDs(doSearch(t, ix, req))
			if len(tc.top) == 0 && len(got) != 0 {
				t.Fatalf("found %v, want nothing", got)
			}
			if len(got) < len(tc.top) {
				t.Fatalf("found %v, want %v first", got, tc.top)
			}
			top := slices.Sorted(slices.Values(got[:len(tc.top)]))
			if !slices.Equal(top, tc.top) {
				t.Fatalf("found %v, want %v first", got, tc.top)
			}
			for _, id := range tc.absent {
				if slices.Contains(got, id) {
					t.Errorf("found %v, which holds %s", got, id)
				}
			}
		})
	}
}

func TestLikeQueryBounds(t *testing.T) {
	ix := newFixtureIndex(t)
	ctx := context.Background()
	q, err := ix.LikeQuery(ctx, Like{ID: "x", Title: "the of and"})
	if err != nil || !q.Empty() {
		t.Fatalf("stop words only: %q, %v; want an empty query", q, err)
	}
	q, err = ix.LikeQuery(ctx, Like{})
	if err != nil || !q.Empty() {
		t.Fatalf("nothing: %q, %v; want an empty query", q, err)
	}
	// A long text gives at most maxLikeWords words; the title's are among
	// them (they count double).
	var long []string
	for i := range 40 {
		long = append(long, "neglect safeguarding children word"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	q, err = ix.LikeQuery(ctx, Like{ID: "x", Title: "Inspection framework", Summary: strings.Join(long, " ")})
	if err != nil {
		t.Fatal(err)
	}
	words := 0
	Walk(q.Root(), func(n Node) bool {
		if t, ok := n.(*Term); ok && t.Field == fLikeText {
			words++
		}
		return true
	})
	if words != maxLikeWords {
		t.Errorf("%d words in %q, want %d", words, q, maxLikeWords)
	}
	if s := q.String(); !strings.Contains(s, "inspection") || !strings.Contains(s, "framework") {
		t.Errorf("query %q lacks the title's words", s)
	}
}

// TestSearchLikeKeptUntilWrite: SearchLike answers again from what it
// kept, until a write, after which it searches afresh.
func TestSearchLikeKeptUntilWrite(t *testing.T) {
	ix := newFixtureIndex(t)
	ctx := context.Background()
	like := Like{ID: "d11", Title: "Neglect toolkit", Themes: []string{"neglect"}, Type: "toolkit"}
	first, err := ix.SearchLike(ctx, like, false, 5)
	if err != nil || len(first) == 0 {
		t.Fatalf("%v, %v", first, err)
	}
	// Mark the kept answer: the next call must return it as it is.
	ix.likeMu.Lock()
	for k, a := range ix.likeCache {
		a.hits = []Hit{{ID: "kept"}}
		ix.likeCache[k] = a
	}
	ix.likeMu.Unlock()
	if again, _ := ix.SearchLike(ctx, like, false, 5); len(again) != 1 || again[0].ID != "kept" {
		t.Fatalf("asked again: %v, want the kept answer", again)
	}
	// Another reader's access or size is another question.
	if other, _ := ix.SearchLike(ctx, like, true, 5); len(other) == 0 || other[0].ID == "kept" {
		t.Fatalf("with members' access: %v", other)
	}
	// A write: a new neglect toolkit must show, the kept answer not.
	doc := Document{ID: "d13", Title: "Neglect toolkit for schools", Type: "toolkit", Themes: []string{"neglect"},
		ThemeLabels: []string{"Neglect"}, Access: AccessPublic, Source: "curated"}
	if err := ix.Batch([]Document{doc}, nil); err != nil {
		t.Fatal(err)
	}
	after, err := ix.SearchLike(ctx, like, false, 5)
	if err != nil {
		t.Fatal(err)
	}
	if ids := hitIDsOf(after); !slices.Contains(ids, "d13") || slices.Contains(ids, "kept") {
		t.Fatalf("after a write: %v, want d13 and not the kept answer", ids)
	}
	if empty, err := ix.SearchLike(ctx, Like{ID: "x"}, false, 5); err != nil || empty != nil {
		t.Fatalf("nothing to go on: %v, %v", empty, err)
	}
}

func hitIDsOf(hs []Hit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.ID
	}
	return out
}
