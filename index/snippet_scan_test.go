package index

import (
	"maps"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
)

// The byte search of matchTokens must find exactly the tokens a whole
// analysis finds: these tests give it every term of varied texts (words
// built with every suffix the Porter stemmer rewrites, real pages, odd
// Unicode) and compare.

var stemBases = strings.Fields(`act adopt agen allow analy assess bab bl care child cond conflat
	cours dur educ effect exploit famil form gener happ hop inspect institut leg local mobil
	nation neglect nobil oper organ partner persuas polic posit rel report respons sens servic
	sing stat tradition valu vulner y go us ab ing`)

var stemSuffixes = strings.Fields(`s es ies sses ss ed ing eed ly y e ational tional enci anci izer
	bli alli entli eli ousli ization ation ator alism iveness fulness ousness aliti iviti biliti
	logi icate ative alize iciti ical ful ness al ance ence er ic able ible ant ement ment ent
	ion ou ism ate iti ous ive ize ability ibility ities ically ingly 's ’s`)

// stemWords is every base with every suffix, in three cases.
func stemWords() string {
	var b strings.Builder
	for _, base := range stemBases {
		for _, suf := range append(stemSuffixes, "") {
			w := base + suf
			b.WriteString(w + " " + strings.ToUpper(w) + " " + strings.ToUpper(w[:1]) + w[1:] + ", ")
		}
	}
	return b.String()
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// fixtureTexts are the extractor's HTML fixtures with tags removed: real
// pages, punctuation and entities included.
func fixtureTexts(t *testing.T) []string {
	files, _ := filepath.Glob("../internal/extract/testdata/html/*.html")
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tagRE.ReplaceAllString(string(b), " "))
	}
	return out
}

func sameMatches(t *testing.T, a *analyzers, text string, want map[string]bool) {
	t.Helper()
	sameAs(t, a, text, want, matchTokensFull(a, text, want, maxSnippetMatches))
}

// sameAs checks matchTokens against ref, the tokens of a whole analysis
// whose terms are in want.
// The scanner's stretches in the tests: in one go, and from one white
// space to the next, and a few lengths between.
var scanSteps = []int{0, 1, 37, 300}

func sameAs(t *testing.T, a *analyzers, text string, want map[string]bool, ref []*analysis.Token) {
	t.Helper()
	for _, step := range scanSteps {
		got := scanBy(a, text, want, maxSnippetMatches, step)
		if len(got) != len(ref) {
			t.Fatalf("want %v, step %d: %d tokens, whole analysis %d (text %.80q)", keys(want), step, len(got), len(ref), text)
		}
		for i := range got {
			g, r := got[i], ref[i]
			if g.Start != r.Start || g.End != r.End || string(g.Term) != string(r.Term) {
				t.Fatalf("want %v, step %d: token %d is %q at %d-%d, whole analysis %q at %d-%d",
					keys(want), step, i, g.Term, g.Start, g.End, r.Term, r.Start, r.End)
			}
		}
	}
}

// scanBy is matchTokens scanning step bytes at a time (0: all at once).
func scanBy(a *analyzers, text string, want map[string]bool, limit, step int) []*analysis.Token {
	if step == 0 {
		return matchTokens(a, text, want, limit)
	}
	s := newMatchScanner(a, text, want, limit)
	defer s.close()
	for !s.done() {
		s.scan(step)
	}
	return s.out
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestMatchTokensAgreesWithWholeAnalysis(t *testing.T) {
	a, err := sharedAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	texts := append([]string{
		stemWords(),
		"Children's services’ inspection: the child’s voice. CHILDREN'S SERVICES",
		"multi-agency safeguarding-partners (MASH); e-mail: foo@example.org; 3.5% £1,000 2017/18",
		"Ελληνικά ΣΟΦΙΑΣ σοφίας; İstanbul ǅemal; Straße STRASSE; café CAFÉ naïve",
		"Ⱥnother Ⱦest ⱥ ⱦ", // lowercase is wider: whole analysis
		"bad \xff\xfe utf8 neglect\xffneglect",
		"日本語のテキスト 児童 虐待 neglect",
		"A𨞞 neglect児童 abuse虐待", // an ideograph after a letter starts a token
		"a\u0301ccent combining marks\u0308 neglect\u200dneglect",
		"  \t\n leading and trailing space \r\n",
	}, fixtureTexts(t)...)
	for _, text := range texts {
		all := a.english.Analyze([]byte(text))
		byTerm := map[string][]*analysis.Token{}
		terms := map[string]bool{}
		for _, tok := range all {
			terms[string(tok.Term)] = true
			if len(byTerm[string(tok.Term)]) < maxSnippetMatches {
				byTerm[string(tok.Term)] = append(byTerm[string(tok.Term)], tok)
			}
		}
		// Each term alone, then all at once.
		for term, ref := range byTerm {
			sameAs(t, a, text, map[string]bool{term: true}, ref)
		}
		sameMatches(t, a, text, terms)
		sameMatches(t, a, text, map[string]bool{"zzzqqq": true})
	}
}

func TestMatchTokensRandomText(t *testing.T) {
	a, _ := sharedAnalyzers()
	words := strings.Fields(stemWords())
	rng := rand.New(rand.NewSource(1))
	seps := []string{" ", "  ", "\n", ", ", ". ", "-", "/", "'", "’", "(", ")", "\t"}
	for n := 0; n < 200; n++ {
		var b strings.Builder
		for i := 0; i < 50+rng.Intn(200); i++ {
			b.WriteString(words[rng.Intn(len(words))])
			b.WriteString(seps[rng.Intn(len(seps))])
		}
		text := b.String()
		toks := a.english.Analyze([]byte(text))
		if len(toks) == 0 {
			continue
		}
		want := map[string]bool{}
		for k := 0; k < 1+rng.Intn(4); k++ {
			want[string(toks[rng.Intn(len(toks))].Term)] = true
		}
		sameMatches(t, a, text, want)
	}
}

func TestMatchTokensLimit(t *testing.T) {
	a, _ := sharedAnalyzers()
	text := strings.Repeat("neglect and more neglect ", 100)
	for _, step := range scanSteps {
		if got := scanBy(a, text, map[string]bool{"neglect": true}, 7, step); len(got) != 7 || got[6].Start != 3*25 {
			t.Fatalf("step %d: %d tokens, last at %d", step, len(got), got[len(got)-1].Start)
		}
	}
}

func FuzzMatchTokens(f *testing.F) {
	f.Add("Children's services inspection", "inspections")
	f.Add("multi-agency safeguarding partners", "agencies")
	f.Add("ΣΟΦΙΑΣ σοφίας Ⱥ", "σοφίας")
	a, err := sharedAnalyzers()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, query string) {
		if len(text) > 4096 || len(query) > 200 {
			return
		}
		want := map[string]bool{}
		for _, tok := range a.english.Analyze([]byte(query)) {
			want[string(tok.Term)] = true
		}
		// Also every term of the text itself, so matches are likely.
		for i, tok := range a.english.Analyze([]byte(text)) {
			if i%3 == 0 {
				want[string(tok.Term)] = true
			}
		}
		if len(want) == 0 {
			return
		}
		got := scanBy(a, text, want, maxSnippetMatches, len(query)%40)
		ref := matchTokensFull(a, text, want, maxSnippetMatches)
		if len(got) != len(ref) {
			t.Fatalf("%d tokens, whole analysis %d", len(got), len(ref))
		}
		for i := range got {
			if got[i].Start != ref[i].Start || got[i].End != ref[i].End || !reflect.DeepEqual(got[i].Term, ref[i].Term) {
				t.Fatalf("token %d: %q %d-%d, whole analysis %q %d-%d", i, got[i].Term, got[i].Start, got[i].End,
					ref[i].Term, ref[i].Start, ref[i].End)
			}
		}
	})
}

// BenchmarkSnippetsLongBody is a PDF-sized body (20,000 words) with a
// query word every few hundred words; "full" is the whole analysis.
func BenchmarkSnippetsLongBody(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	words := strings.Fields("the of and to in a for is on that with as by local national report findings services children partnership review")
	var sb strings.Builder
	for i := 0; i < 20000; i++ {
		if rng.Intn(300) == 0 {
			sb.WriteString("neglected ")
		}
		sb.WriteString(words[rng.Intn(len(words))] + " ")
	}
	text := sb.String()
	q, err := Parse("neglect exploitation")
	if err != nil {
		b.Fatal(err)
	}
	a, _ := sharedAnalyzers()
	want := map[string]bool{"neglect": true, "exploit": true}
	b.Run("snippets", func(b *testing.B) {
		for b.Loop() {
			if len(Snippets(text, q, 2, 200)) == 0 {
				b.Fatal("no snippet")
			}
		}
	})
	// Common words, as in the load test's queries: every third word
	// starts with a query word's first letters, most of them mid-word.
	var cb strings.Builder
	common := strings.Fields("children child protection services improvement approach professional provision safeguarding education reduction serious review inspection partnership local authority procedures")
	for i := 0; i < 20000; i++ {
		cb.WriteString(common[rng.Intn(len(common))] + " ")
	}
	ctext := cb.String()
	cq, err := Parse("protection services education")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("common", func(b *testing.B) {
		for b.Loop() {
			if len(Snippets(ctext, cq, 2, 200)) == 0 {
				b.Fatal("no snippet")
			}
		}
	})
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			matchTokensFull(a, text, want, maxSnippetMatches)
		}
	})
}

// pickWindowsRef is the definition windows and pick must agree with: every
// window's groups of words counted afresh, all windows sorted (most
// distinct groups, then earliest), the first ones that don't overlap taken.
func pickWindowsRef(text string, matches []*analysis.Token, group map[string]int, width, max int) []window {
	var cands []window
	for i, m := range matches {
		start := snapStart(text, max2(0, m.Start-width/4), m.Start)
		end := snapEnd(text, min(len(text), start+width), m.End)
		seen := map[int]bool{}
		for j := i; j < len(matches) && matches[j].End <= end; j++ {
			seen[group[string(matches[j].Term)]] = true
		}
		cands = append(cands, window{start: start, end: end, distinct: len(seen), first: i})
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].distinct != cands[j].distinct {
			return cands[i].distinct > cands[j].distinct
		}
		return cands[i].start < cands[j].start
	})
	var picked []window
	for _, c := range cands {
		if !overlapsAny(c, picked) {
			picked = append(picked, c)
			if len(picked) == max {
				break
			}
		}
	}
	return picked
}

func TestPickWindowsMatchesDefinition(t *testing.T) {
	a, _ := sharedAnalyzers()
	words := strings.Fields(stemWords() + " neglect neglected exploitation child children")
	rng := rand.New(rand.NewSource(2))
	seps := []string{" ", "  ", "\n", ", ", ". ", "-", "\t\t\t\t", "’", "Ⱥ "}
	checked := 0
	for n := 0; n < 500; n++ {
		var b strings.Builder
		for i := 0; i < 20+rng.Intn(600); i++ {
			b.WriteString(words[rng.Intn(len(words))])
			b.WriteString(seps[rng.Intn(len(seps))])
		}
		text := b.String()
		toks := a.english.Analyze([]byte(text))
		want := map[string]bool{}
		for k := 0; k < 1+rng.Intn(5); k++ {
			want[string(toks[rng.Intn(len(toks))].Term)] = true
		}
		matches := matchTokens(a, text, want, maxSnippetMatches)
		width := []int{minSnippetWidth, 60, 200, 300, maxSnippetWidth}[rng.Intn(5)]
		max := 1 + rng.Intn(3)
		group := randomGroups(rng, want)
		got := pick(windows(text, matches, group, width), max)
		ref := pickWindowsRef(text, matches, group, width, max)
		if !reflect.DeepEqual(got, ref) {
			t.Fatalf("text %q, want %v, width %d, max %d:\n got %+v\nwant %+v", text, want, width, max, got, ref)
		}
		checked += len(got)
	}
	if checked < 500 {
		t.Fatalf("only %d windows checked", checked)
	}
}

// TestBestWindowsStopEarly: scanning a stretch at a time and stopping once
// the picks are settled gives the picks of the whole text, and does stop
// early when the query's words are common.
func TestBestWindowsStopEarly(t *testing.T) {
	a, _ := sharedAnalyzers()
	words := strings.Fields(stemWords() + " neglect neglected exploitation child children the of and to in a for")
	rng := rand.New(rand.NewSource(3))
	early, earlyDespiteAbsent := 0, 0
	for n := 0; n < 400; n++ {
		var b strings.Builder
		nw := 50 + rng.Intn(3000)
		vocab := words[:1+rng.Intn(len(words))]
		for i := 0; i < nw; i++ {
			b.WriteString(vocab[rng.Intn(len(vocab))])
			b.WriteString([]string{" ", ", ", ". ", "\n"}[rng.Intn(4)])
		}
		text := b.String()
		toks := a.english.Analyze([]byte(text))
		want := map[string]bool{}
		for k := 0; k < 1+rng.Intn(3); k++ {
			want[string(toks[rng.Intn(len(toks))].Term)] = true
		}
		switch rng.Intn(4) {
		case 0:
			// A word the text lacks though its first letters start
			// words there: no window is known to be best before the end.
			want["neglectzz"] = true
		case 1:
			want["zzzqqq"] = true // nothing starts like it: no matter
		}
		width := []int{minSnippetWidth, 100, 200, 300}[rng.Intn(4)]
		max := 1 + rng.Intn(3)
		all := matchTokens(a, text, want, maxSnippetMatches)
		group := randomGroups(rng, want)
		if want["neglectzz"] {
			group["neglectzz"] = len(group) + 1 // a group of its own
		}
		ref := pickWindowsRef(text, all, group, width, max)
		step := []int{1, 64, 500}[rng.Intn(3)]
		got, seen := bestWindows(a, text, group, width, max, step)
		if !reflect.DeepEqual(got, ref) {
			t.Fatalf("want %v, width %d, max %d, step %d:\n got %+v\nwant %+v", keys(want), width, max, step, got, ref)
		}
		if len(seen) < len(all) {
			early++
			if want["neglectzz"] && strings.Contains(strings.ToLower(text), "neg") {
				t.Fatalf("stopped early though a query word that may be there is missing")
			}
			if want["zzzqqq"] {
				earlyDespiteAbsent++
			}
		}
	}
	if early < 100 || earlyDespiteAbsent < 10 {
		t.Fatalf("stopped early only %d times of 400 (%d with a word nothing starts like)", early, earlyDespiteAbsent)
	}
	t.Logf("stopped early %d times of 400 (%d with a word nothing starts like)", early, earlyDespiteAbsent)
}

// randomGroups numbers want's terms as synonym groups would: each its own
// group, or some sharing one.
func randomGroups(rng *rand.Rand, want map[string]bool) map[string]int {
	group := map[string]int{}
	shared := rng.Intn(2) == 0
	for _, t := range slices.Sorted(maps.Keys(want)) {
		if shared && rng.Intn(2) == 0 {
			group[t] = 0
		} else {
			group[t] = len(group) + 1
		}
	}
	return group
}
