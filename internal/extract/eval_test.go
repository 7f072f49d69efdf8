package extract

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
)

// The evaluations below are opt-in: they read benchmark sets that no one
// here wrote, from the module cache, and print precision, recall and F1.
// They fail when the figures fall under the targets.
//
//	go mod download github.com/markusmobius/go-trafilatura@v1.12.2
//	SAFELIB_EVAL_TRAFILATURA=$(go env GOMODCACHE)/github.com/markusmobius/go-trafilatura@v1.12.2 \
//	  go test -run TestEvalTrafilatura -v ./internal/extract/
//	SAFELIB_EVAL_READABILITY=$(go env GOMODCACHE)/codeberg.org/readeck/go-readability/v2@v2.1.3 \
//	  go test -run TestEvalReadability -v ./internal/extract/
//
// SAFELIB_EVAL_SHOW=fp (or fn, date) also lists each leaked (or missed)
// snippet, or each missed date, by file; pages, each page's score.
//
// The figures depend on nothing but the files: the extraction reads no
// clock except the year that bounds dates, which pinYear fixes, and it
// does not depend on map order (repeated runs print the same figures).

// pinYear fixes the year dates are checked against for one test.
func pinYear(t *testing.T, year int) {
	saved := currentYear
	currentYear = func() int { return year }
	t.Cleanup(func() { currentYear = saved })
}

type trafilaturaEntry struct {
	url, file, date string
	with, without   []string
}

// trafilaturaSet reads the annotations of go-trafilatura's comparison set:
// the map literal comparisonData in scripts/comparison/data.go (URL ->
// file, date, snippets that must and must not be in the main text).
func trafilaturaSet(t *testing.T, dir string) []trafilaturaEntry {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, "scripts/comparison/data.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	str := func(e ast.Expr) string {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				return s
			}
		}
		return ""
	}
	strs := func(e ast.Expr) []string {
		var out []string
		if cl, ok := e.(*ast.CompositeLit); ok {
			for _, el := range cl.Elts {
				out = append(out, str(el))
			}
		}
		return out
	}
	var set []trafilaturaEntry
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "comparisonData" || len(vs.Values) != 1 {
			return true
		}
		for _, el := range vs.Values[0].(*ast.CompositeLit).Elts {
			kv := el.(*ast.KeyValueExpr)
			e := trafilaturaEntry{url: str(kv.Key)}
			for _, field := range kv.Value.(*ast.CompositeLit).Elts {
				fkv := field.(*ast.KeyValueExpr)
				switch fkv.Key.(*ast.Ident).Name {
				case "File":
					e.file = str(fkv.Value)
				case "Date":
					e.date = str(fkv.Value)
				case "With":
					e.with = strs(fkv.Value)
				case "Without":
					e.without = strs(fkv.Value)
				}
			}
			set = append(set, e)
		}
		return false
	})
	sort.Slice(set, func(i, j int) bool { return set[i].url < set[j].url })
	return set
}

// TestEvalTrafilatura scores the main text the way go-trafilatura's
// scripts/comparison does (a "with" snippet found is a true positive, a
// "without" snippet found a false positive), with runs of white space
// taken as one space on both sides, and counts the dates found.
func TestEvalTrafilatura(t *testing.T) {
	dir := os.Getenv("SAFELIB_EVAL_TRAFILATURA")
	if dir == "" {
		t.Skip("SAFELIB_EVAL_TRAFILATURA is not set (see eval_test.go)")
	}
	pinYear(t, 2026)
	show := os.Getenv("SAFELIB_EVAL_SHOW")
	set := trafilaturaSet(t, dir)
	var tp, fn, fp, tn, pages, dates, dateRight, dateWrong, dateNone int
	for _, e := range set {
		body, err := os.ReadFile(filepath.Join(dir, "test-files/comparison", e.file))
		if err != nil {
			body, err = os.ReadFile(filepath.Join(dir, "test-files/mock", e.file))
		}
		if err != nil {
			continue
		}
		pages++
		page, err := HTML(body, "", e.url)
		text := ""
		if err == nil {
			text = oneSpace(page.Text)
		}
		for _, s := range e.with {
			if text != "" && strings.Contains(text, oneSpace(s)) {
				tp++
			} else {
				fn++
				if show == "fn" {
					t.Logf("FN %s: %q", e.file, s)
				}
			}
		}
		for _, s := range e.without {
			if text != "" && strings.Contains(text, oneSpace(s)) {
				fp++
				if show == "fp" {
					t.Logf("FP %s: %q", e.file, s)
				}
			} else {
				tn++
			}
		}
		if e.date != "" {
			dates++
			got := ""
			if page != nil {
				got = page.Published
			}
			switch {
			case got == e.date:
				dateRight++
			case got == "":
				dateNone++
			default:
				dateWrong++
			}
			if show == "date" && got != e.date {
				t.Logf("date %s (%s): %q, want %q", e.file, e.url, got, e.date)
			}
		}
	}
	if pages == 0 {
		t.Fatalf("no pages under %s", dir)
	}
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(tp+fn)
	f1 := 2 * float64(tp) / float64(2*tp+fp+fn)
	t.Logf("go-trafilatura comparison set: %d pages; TP %d FN %d FP %d TN %d", pages, tp, fn, fp, tn)
	t.Logf("precision %.3f recall %.3f F1 %.3f", precision, recall, f1)
	t.Logf("dates: %d annotated, %d right, %d wrong, %d not found", dates, dateRight, dateWrong, dateNone)
	if f1 < 0.91 || precision < 0.90 {
		t.Errorf("under the target (F1 >= 0.91 with precision >= 0.90)")
	}
}

// TestEvalReadability compares the main text with Mozilla Readability's
// expected output on its test pages: word F1 per page (words lower-cased,
// counted with repeats), averaged over the pages.
func TestEvalReadability(t *testing.T) {
	dir := os.Getenv("SAFELIB_EVAL_READABILITY")
	if dir == "" {
		t.Skip("SAFELIB_EVAL_READABILITY is not set (see eval_test.go)")
	}
	pinYear(t, 2026)
	cases, _ := filepath.Glob(filepath.Join(dir, "test-pages/*/source.html"))
	if len(cases) == 0 {
		t.Fatalf("no test pages under %s", dir)
	}
	var sum float64
	var n int
	var worst []string
	for _, src := range cases {
		body, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(filepath.Dir(src), "expected.html"))
		if err != nil {
			continue
		}
		page, err := HTML(body, "", "http://fakehost/test/page.html")
		got := ""
		if err == nil {
			got = page.Text
		}
		f := wordF1(words(got), words(htmlText(t, want)))
		if os.Getenv("SAFELIB_EVAL_SHOW") == "pages" {
			t.Logf("page %s %.4f", filepath.Base(filepath.Dir(src)), f)
		}
		sum += f
		n++
		if f < 0.95 {
			worst = append(worst, fmt.Sprintf("%s %.3f", filepath.Base(filepath.Dir(src)), f))
		}
	}
	mean := sum / float64(n)
	t.Logf("Readability test pages: %d; mean word F1 %.4f; under 0.95: %v", n, mean, worst)
	if mean < 0.99 {
		t.Errorf("mean word F1 %.4f, under the target 0.99", mean)
	}
}

func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func htmlText(t *testing.T, b []byte) string {
	root, err := html.Parse(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
			sb.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return sb.String()
}

func words(s string) map[string]int {
	out := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		out[w]++
	}
	return out
}

func wordF1(got, want map[string]int) float64 {
	var common, ng, nw int
	for w, c := range got {
		ng += c
		common += min(c, want[w])
	}
	for _, c := range want {
		nw += c
	}
	if ng == 0 && nw == 0 {
		return 1
	}
	if common == 0 {
		return 0
	}
	p, r := float64(common)/float64(ng), float64(common)/float64(nw)
	return 2 * p * r / (p + r)
}
