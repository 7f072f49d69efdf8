package index

import (
	"reflect"
	"strings"
	"testing"
)

func TestSnippets(t *testing.T) {
	long := strings.Repeat("filler words here. ", 30)
	tests := []struct {
		name  string
		text  string
		q     string
		max   int
		width int
		want  []string
	}{
		{
			name: "stemmed match and escaping", text: "Inspections found <script>alert(1)</script> problems.", q: "inspection",
			max: 2, width: 100, want: []string{"<mark>Inspections</mark> found &lt;script&gt;alert(1)&lt;/script&gt; problems."},
		},
		{
			name: "escapes inside marks", text: "Tom & Jerry's inspection", q: "jerry",
			max: 1, width: 100, want: []string{"Tom &amp; <mark>Jerry&#39;s</mark> inspection"},
		},
		{
			name: "best fragment first", text: "Neglect is mentioned here. " + long + "A neglect toolkit is here. " + long, q: "neglect toolkit",
			max: 2, width: 60,
			want: []string{"words here. A <mark>neglect</mark> <mark>toolkit</mark> is here. filler words here.", "<mark>Neglect</mark> is mentioned here. filler words here. filler words"},
		},
		{name: "max limits", text: "neglect " + long + " neglect " + long + " neglect", q: "neglect", max: 1, width: 40, want: []string{"<mark>neglect</mark> filler words here. filler words"}},
		{name: "no match", text: "nothing here", q: "neglect", max: 3, width: 100, want: nil},
		{name: "excluded words not marked", text: "neglect toolkit", q: "neglect -toolkit", max: 1, width: 100, want: []string{"<mark>neglect</mark> toolkit"}},
		{name: "phrase words", text: "for looked after children", q: `"looked after children"`, max: 1, width: 100, want: []string{"for <mark>looked</mark> after <mark>children</mark>"}},
		{name: "white space collapsed", text: "a\n\n  neglect\tcase", q: "neglect", max: 1, width: 100, want: []string{"a <mark>neglect</mark> case"}},
		{name: "zero max", text: "neglect", q: "neglect", max: 0, width: 100, want: nil},
		{name: "empty query", text: "neglect", q: "", max: 1, width: 100, want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Snippets(tc.text, mustParse(t, tc.q), tc.max, tc.width)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Snippets = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSnippetsWithSynonyms(t *testing.T) {
	ix := newFixtureIndex(t)
	q := ix.Expand(mustParse(t, "cse"))
	got := Snippets("Child sexual exploitation is abuse.", q, 1, 100)
	want := []string{"<mark>Child</mark> <mark>sexual</mark> <mark>exploitation</mark> is abuse."}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	res := doSearch(t, ix, Request{Q: "cse", NoFacets: true})
	if got := Snippets("Child sexual exploitation is abuse.", res.Highlight, 1, 100); !reflect.DeepEqual(got, want) {
		t.Fatalf("with Result.Highlight: got %q, want %q", got, want)
	}
	if s := ix.Expand(mustParse(t, "cse")).String(); s != "cse" {
		t.Fatalf("expanded query renders as %q", s)
	}
}

func TestSnippetsUnicodeCut(t *testing.T) {
	text := strings.Repeat("é", 200) + " neglect " + strings.Repeat("ü", 200)
	for _, s := range Snippets(text, mustParse(t, "neglect"), 1, 50) {
		if !strings.Contains(s, "<mark>neglect</mark>") || !isValidUTF8(s) {
			t.Fatalf("bad snippet %q", s)
		}
	}
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// A word and its synonyms count once: the window with both query words
// beats the one holding three words of one synonym.
func TestSnippetsCountSynonymsOnce(t *testing.T) {
	ix := newFixtureIndex(t)
	q := ix.Expand(mustParse(t, "cse neglect"))
	g := q.termGroups()
	if g["cse"] != g["child"] || g["child"] != g["exploit"] || g["neglect"] == g["cse"] {
		t.Fatalf("groups %v", g)
	}
	text := "Child sexual exploitation comes first here. " + strings.Repeat("Filler words about nothing. ", 20) +
		"Later, CSE and neglect together."
	got := Snippets(text, q, 1, 60)
	if len(got) != 1 || !strings.Contains(got[0], "<mark>neglect</mark>") {
		t.Fatalf("got %q, want the window with CSE and neglect", got)
	}
}
