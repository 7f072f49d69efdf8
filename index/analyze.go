package index

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
)

// analyzers are the mapping's analyzers used at query time, so query words
// are stemmed exactly like indexed text.
type analyzers struct {
	english analysis.Analyzer
	spell   analysis.Analyzer
}

func newAnalyzers(im *mapping.IndexMappingImpl) (*analyzers, error) {
	a := &analyzers{english: im.AnalyzerNamed(anEnglish), spell: im.AnalyzerNamed(anSpell)}
	if a.english == nil || a.spell == nil {
		return nil, fmt.Errorf("index: analyzers not registered")
	}
	return a, nil
}

var (
	defaultAnalyzersOnce sync.Once
	defaultAnalyzers     *analyzers
	defaultAnalyzersErr  error
)

// sharedAnalyzers serves the functions that have no Index (Query.Terms,
// Snippets). Analyzers are immutable once built.
func sharedAnalyzers() (*analyzers, error) {
	defaultAnalyzersOnce.Do(func() {
		im, err := buildMapping()
		if err != nil {
			defaultAnalyzersErr = err
			return
		}
		defaultAnalyzers, defaultAnalyzersErr = newAnalyzers(im)
	})
	return defaultAnalyzers, defaultAnalyzersErr
}

// words returns the analyzed (stemmed) terms of text, without positions.
func (a *analyzers) words(text string) []string {
	ts := a.english.Analyze([]byte(text))
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, string(t.Term))
	}
	return out
}

// phrase returns the analyzed terms of text by relative position; stop
// words leave empty slots, which Bleve's phrase searcher treats as gaps.
func (a *analyzers) phrase(text string) [][]string {
	ts := a.english.Analyze([]byte(text))
	if len(ts) == 0 {
		return nil
	}
	first, last := ts[0].Position, ts[0].Position
	for _, t := range ts {
		first = min(first, t.Position)
		last = max(last, t.Position)
	}
	out := make([][]string, last-first+1)
	for _, t := range ts {
		out[t.Position-first] = append(out[t.Position-first], string(t.Term))
	}
	return out
}

// Terms returns the positive words of the query (not those under an
// exclusion, not year: values), analyzed and stemmed like the index, without
// duplicates, in query order. Use it to highlight matches.
func (q Query) Terms() []string {
	seen := map[string]bool{}
	var out []string
	q.visitWords(func(w string, _ *Or) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	})
	return out
}

// termGroups numbers the words of Terms by what they stand for: a word of
// the query and its synonyms' words (one OR of Expand) share a number, any
// other word has one of its own. A word met twice keeps its first number.
func (q Query) termGroups() map[string]int {
	out := map[string]int{}
	groups := map[*Or]int{}
	next := 0
	q.visitWords(func(w string, syn *Or) {
		if _, ok := out[w]; ok {
			return
		}
		if syn == nil {
			out[w] = next
			next++
			return
		}
		g, ok := groups[syn]
		if !ok {
			g = next
			groups[syn] = g
			next++
		}
		out[w] = g
	})
	return out
}

// visitWords calls visit with each positive word of q (not under an
// exclusion, not year: values), analysed like the index, in query order,
// and the outermost synonym OR it is under (nil when none).
func (q Query) visitWords(visit func(w string, syn *Or)) {
	a, err := sharedAnalyzers()
	if err != nil || q.root == nil {
		return
	}
	var walk func(n Node, syn *Or)
	walk = func(n Node, syn *Or) {
		switch n := n.(type) {
		case *Term, *Phrase:
			field, text, _, _ := leafOf(n)
			if field == fYear {
				return
			}
			for _, w := range a.words(text) {
				visit(w, syn)
			}
		case *And:
			for _, k := range n.Kids {
				walk(k, syn)
			}
		case *Or:
			if n.Synonyms && syn == nil {
				syn = n
			}
			for _, k := range n.Kids {
				walk(k, syn)
			}
		}
	}
	walk(q.root, nil)
}

func jsonOf(im *mapping.IndexMappingImpl) ([]byte, error) {
	b, err := json.Marshal(im)
	if err != nil {
		return nil, fmt.Errorf("mapping json: %w", err)
	}
	return b, nil
}

// synonymTable maps analyzed term sequences ("child sexual exploit") to
// alternatives as query nodes.
type synonymTable struct {
	alts   map[string][]synonym
	maxLen int // longest key in analyzed terms
}

// synonym is one alternative of a key: its words as written and analyzed.
type synonym struct {
	text  string
	words []string
}

func newSynonymTable(syn map[string][]string, a *analyzers) *synonymTable {
	t := &synonymTable{alts: map[string][]synonym{}}
	for key, list := range syn {
		kw := a.words(key)
		if len(kw) == 0 {
			continue
		}
		k := strings.Join(kw, " ")
		for _, alt := range list {
			alt = strings.Join(strings.Fields(strings.ToLower(alt)), " ")
			aw := a.words(alt)
			if len(aw) == 0 || strings.Join(aw, " ") == k {
				continue
			}
			t.alts[k] = append(t.alts[k], synonym{text: alt, words: aw})
		}
		if len(t.alts[k]) > 0 {
			t.maxLen = max(t.maxLen, len(kw))
		}
	}
	return t
}

// Expand returns q with synonyms added: every term and every contiguous run
// of plain terms (or a phrase) found in Options.Synonyms becomes an OR of
// itself and its alternatives. Search expands by itself; call Expand to get
// the words to highlight (Expand(q).Terms()).
func (ix *Index) Expand(q Query) Query {
	if q.root == nil || len(ix.synonyms.alts) == 0 {
		return q
	}
	return Query{root: ix.synonyms.expand(q.root, ix.an)}
}

// lookup returns fresh nodes, weighing boost, for the alternatives of
// words. A multi-word alternative matches its words anywhere in a
// document, as the same words typed without quotes do ("CSE" finds what
// child sexual exploitation finds): phrase searches over long bodies cost
// seconds at 100k resources. An original already matches every document an
// alternative that holds it matches ("trafficking" and "human
// trafficking"; a phrase must appear in the alternative as a run of
// words), so such alternatives are left out.
func (t *synonymTable) lookup(words []string, field string, phrase bool, boost float64) []Node {
	var out []Node
	for _, a := range t.alts[strings.Join(words, " ")] {
		if (phrase && containsRun(a.words, words)) || (!phrase && containsAll(a.words, words)) {
			continue
		}
		ws := strings.Fields(a.text)
		if len(ws) == 1 {
			out = append(out, &Term{Field: field, Text: a.text, Boost: boost})
			continue
		}
		and := &And{}
		for _, w := range ws {
			and.Kids = append(and.Kids, &Term{Field: field, Text: w, Boost: boost})
		}
		out = append(out, and)
	}
	return out
}

// containsRun reports whether have holds want as adjacent words.
func containsRun(have, want []string) bool {
	for i := 0; i+len(want) <= len(have); i++ {
		if slices.Equal(have[i:i+len(want)], want) {
			return true
		}
	}
	return false
}

// containsAll reports whether have holds every word of want.
func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// synonymField reports whether synonyms apply to terms of this field.
func synonymField(f string) bool { return f == "" || f == fTitle }

func (t *synonymTable) expand(n Node, a *analyzers) Node {
	switch n := n.(type) {
	case *Term, *Phrase:
		field, text, boost, _ := leafOf(n)
		if !synonymField(field) {
			return n
		}
		w := a.words(text)
		// Only a quoted phrase is a phrase (a term the analyzer splits
		// matches its parts anywhere). An alternative weighs what its
		// original does.
		_, phrase := n.(*Phrase)
		if alts := t.lookup(w, field, phrase, boost); alts != nil {
			return &Or{Synonyms: true, Kids: append([]Node{n}, alts...)}
		}
		return n
	case *Not:
		return &Not{Kid: t.expand(n.Kid, a)}
	case *Or:
		out := &Or{Synonyms: n.Synonyms}
		for _, k := range n.Kids {
			out.Kids = append(out.Kids, t.expand(k, a))
		}
		return out
	case *And:
		return t.expandAnd(n, a)
	}
	return n
}

// expandAnd looks for the longest synonym keys over runs of adjacent
// single-word terms of the same field, then expands the rest one by one.
func (t *synonymTable) expandAnd(n *And, a *analyzers) Node {
	out := &And{}
	kids := n.Kids
	for i := 0; i < len(kids); {
		if run := t.matchRun(kids[i:], a); run > 1 {
			group := kids[i : i+run]
			var words []string
			for _, g := range group {
				words = append(words, a.words(g.(*Term).Text)...)
			}
			orig := &And{Kids: append([]Node(nil), group...)}
			first := group[0].(*Term)
			alts := t.lookup(words, first.Field, false, first.Boost)
			out.Kids = append(out.Kids, &Or{Synonyms: true, Kids: append([]Node{orig}, alts...)})
			i += run
			continue
		}
		out.Kids = append(out.Kids, t.expand(kids[i], a))
		i++
	}
	return out
}

// matchRun returns how many leading nodes of kids form the longest synonym
// key (at least 2 nodes), or 0.
func (t *synonymTable) matchRun(kids []Node, a *analyzers) int {
	first, ok := kids[0].(*Term)
	if t.maxLen < 2 || !ok || !synonymField(first.Field) {
		return 0
	}
	field := first.Field
	var words []string
	best := 0
	for i, k := range kids {
		term, ok := k.(*Term)
		if !ok || term.Field != field {
			break
		}
		w := a.words(term.Text)
		if len(w) != 1 {
			if len(w) == 0 && i > 0 {
				continue // a stop word inside the run ("looked after children")
			}
			break
		}
		words = append(words, w[0])
		if len(words) > t.maxLen {
			break
		}
		if i > 0 && len(t.alts[strings.Join(words, " ")]) > 0 {
			best = i + 1
		}
	}
	return best
}
