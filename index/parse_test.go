package index

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    string // Query.String(); ignored when wantErr
		wantErr bool
	}{
		{in: "", want: ""},
		{in: "   ", want: ""},
		{in: "Neglect", want: "neglect"},
		{in: "child  neglect", want: "child neglect"},
		{in: "a OR b c", want: "a OR b c"},
		{in: "a OR b OR c", want: "a OR b OR c"},
		{in: "a | b", want: "a OR b"},
		{in: "a or b", want: "a or b"}, // lower-case "or" is a word
		{in: "a AND b", want: "a b"},
		{in: `"serious case review"`, want: `"serious case review"`},
		{in: `"  Serious   Case "`, want: `"serious case"`},
		{in: `"single"`, want: "single"},
		{in: `""`, want: ""},
		{in: `"unbalanced phrase`, want: `"unbalanced phrase"`},
		{in: `neglect "unbalanced`, want: "neglect unbalanced"},
		{in: "-word", want: "-word"},
		{in: "--word", want: "-word"},
		{in: "- word", want: "word"},
		{in: "NOT word", want: "-word"},
		{in: `-"child abuse" neglect`, want: `-"child abuse" neglect`},
		{in: "publisher:NAO", want: "publisher:nao"},
		{in: "Title:Neglect", want: "title:neglect"},
		{in: `title:"case review"`, want: `title:"case review"`},
		{in: "type:report year:2016", want: "type:report year:2016"},
		{in: "theme:neglect area:kent region:london", want: "theme:neglect area:kent region:london"},
		{in: "-type:report", want: "-type:report"},
		{in: "foo:bar", want: "foo bar"},
		{in: "http://example.org", want: "http //example.org"},
		{in: "title:", want: "title"},
		{in: "(a OR b) c", want: "a OR b c"},
		{in: "(a b) OR c", want: "(a b) OR c"},
		{in: "-(a b) c", want: "-(a b) c"},
		{in: "(a OR b", want: "a OR b"},
		{in: "a OR b)", want: "a OR b"},
		{in: "OR a OR", want: "a"},
		{in: "((((((((((a))))))))))", wantErr: true},
		{in: strings.Repeat("a", MaxQueryBytes+1), wantErr: true},
		{in: strings.Repeat("w ", MaxQueryTerms+1), wantErr: true},
		{in: strings.TrimSpace(strings.Repeat("w ", MaxQueryTerms)), want: strings.TrimSpace(strings.Repeat("w ", MaxQueryTerms))},
		{in: `"` + strings.Repeat("w ", MaxQueryTerms+1) + `"`, wantErr: true},
		{in: `weird"(x)"`, want: `weird "(x)"`},
		{in: "a\xffb", want: "a b"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			q, err := Parse(tc.in)
			if tc.wantErr {
				if !errors.Is(err, ErrBadQuery) {
					t.Fatalf("Parse(%q) error = %v, want ErrBadQuery", tc.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got := q.String(); got != tc.want {
				t.Fatalf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
			}
			// The rendering parses back to itself.
			q2, err := Parse(q.String())
			if err != nil || q2.String() != q.String() {
				t.Fatalf("round trip of %q: %q, %v", q.String(), q2.String(), err)
			}
		})
	}
}

func TestQueryTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Inspections of children's homes", []string{"inspect", "children", "home"}},
		{`"looked after children" -neglect`, []string{"look", "children"}},
		{"title:reviews year:2016 publisher:nao", []string{"review", "nao"}},
		{"abuse OR abused", []string{"abus"}},
		{"", nil},
	}
	for _, tc := range tests {
		q, err := Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Terms(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Terms(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "neglect", `a OR b -"c d" title:e (f OR g)`, `"unbalanced`, "publisher:", "-", "((a)", "a)))",
		"foo:bar:baz", "NOT NOT x", "year:2016 type:\"x y\"", "\xff\xfe", "- - -", `""""`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrBadQuery", s, err)
			}
			return
		}
		r := q.String()
		q2, err := Parse(r)
		if err != nil && len(r) > MaxQueryBytes {
			return // closing an unbalanced quote can add a byte
		}
		if err != nil {
			t.Fatalf("Parse(String()) of %q (%q): %v", s, r, err)
		}
		if q2.String() != r {
			t.Fatalf("round trip of %q: %q then %q", s, r, q2.String())
		}
		_ = q.Terms()
		_ = Snippets(s, q, 2, 60)
	})
}
