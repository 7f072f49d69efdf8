package index

import (
	"encoding/json"
	"fmt"
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
	a, err := sharedAnalyzers()
	if err != nil || q.root == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	var walk func(n *node)
	walk = func(n *node) {
		switch n.kind {
		case nNot:
			return
		case nTerm, nPhrase:
			if n.field == fYear {
				return
			}
			for _, w := range a.words(n.text) {
				if !seen[w] {
					seen[w] = true
					out = append(out, w)
				}
			}
		default:
			for _, k := range n.kids {
				walk(k)
			}
		}
	}
	walk(q.root)
	return out
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
	alts   map[string][]*node
	maxLen int // longest key in analyzed terms
}

func newSynonymTable(syn map[string][]string, a *analyzers) *synonymTable {
	t := &synonymTable{alts: map[string][]*node{}}
	for key, list := range syn {
		kw := a.words(key)
		if len(kw) == 0 {
			continue
		}
		k := strings.Join(kw, " ")
		for _, alt := range list {
			alt = strings.Join(strings.Fields(strings.ToLower(alt)), " ")
			if len(a.words(alt)) == 0 || strings.Join(a.words(alt), " ") == k {
				continue
			}
			n := &node{kind: nTerm, text: alt}
			if strings.Contains(alt, " ") {
				n.kind = nPhrase
			}
			t.alts[k] = append(t.alts[k], n)
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

func (t *synonymTable) lookup(words []string, field string) []*node {
	alts := t.alts[strings.Join(words, " ")]
	if len(alts) == 0 {
		return nil
	}
	out := make([]*node, len(alts))
	for i, a := range alts {
		out[i] = &node{kind: a.kind, field: field, text: a.text}
	}
	return out
}

// synonymField reports whether synonyms apply to terms of this field.
func synonymField(f string) bool { return f == "" || f == fTitle }

func (t *synonymTable) expand(n *node, a *analyzers) *node {
	switch n.kind {
	case nTerm, nPhrase:
		if !synonymField(n.field) {
			return n
		}
		if alts := t.lookup(a.words(n.text), n.field); alts != nil {
			for _, alt := range alts {
				alt.boost = n.boost // fresh nodes: an alternative weighs what its original does
			}
			return &node{kind: nOr, syn: true, kids: append([]*node{n}, alts...)}
		}
		return n
	case nNot:
		return &node{kind: nNot, kids: []*node{t.expand(n.kids[0], a)}}
	case nOr:
		out := &node{kind: nOr, syn: n.syn}
		for _, k := range n.kids {
			out.kids = append(out.kids, t.expand(k, a))
		}
		return out
	}
	// nAnd: look for the longest synonym keys over runs of adjacent
	// single-word terms of the same field, then expand the rest one by one.
	out := &node{kind: nAnd}
	kids := n.kids
	for i := 0; i < len(kids); {
		if run := t.matchRun(kids[i:], a); run > 1 {
			group := kids[i : i+run]
			var words []string
			for _, g := range group {
				words = append(words, a.words(g.text)...)
			}
			orig := &node{kind: nAnd, kids: append([]*node(nil), group...)}
			alts := t.lookup(words, group[0].field)
			out.kids = append(out.kids, &node{kind: nOr, syn: true, kids: append([]*node{orig}, alts...)})
			i += run
			continue
		}
		out.kids = append(out.kids, t.expand(kids[i], a))
		i++
	}
	return out
}

// matchRun returns how many leading nodes of kids form the longest synonym
// key (at least 2 nodes), or 0.
func (t *synonymTable) matchRun(kids []*node, a *analyzers) int {
	if t.maxLen < 2 || kids[0].kind != nTerm || !synonymField(kids[0].field) {
		return 0
	}
	field := kids[0].field
	var words []string
	best := 0
	for i, k := range kids {
		if k.kind != nTerm || k.field != field {
			break
		}
		w := a.words(k.text)
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
