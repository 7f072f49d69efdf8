package taxonomy

import (
	"math"
	"sort"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Tag is a suggested theme for a text, with its score.
type Tag struct {
	Slug  string  `json:"slug"`
	Score float64 `json:"score"`
}

// Tagging parameters. Scores are comparable between calls, not probabilities.
const (
	// TagThreshold is the score a theme needs to be suggested: one label or
	// synonym in a title, summary or short body reaches it, and so does a
	// single related term in the title or summary, but a single related term
	// in a body does not.
	TagThreshold = 1.0
	// MaxTags bounds how many themes Tag returns.
	MaxTags = 5

	// Only this much of each field is read, so a huge body costs a bounded
	// amount of time.
	MaxTagTitleBytes   = 2 << 10
	MaxTagSummaryBytes = 16 << 10
	MaxTagBodyBytes    = 512 << 10

	titleWeight   = 3
	summaryWeight = 2
	bodyWeight    = 1
	relatedWeight = 0.6 // a related term is a hint, a synonym is the theme
	// A body up to bodyRefWords long counts in full; longer bodies are damped
	// by (bodyRefWords/words)^bodyDamping so that a long report mentioning
	// every theme in passing does not get every theme.
	bodyRefWords = 300
	bodyDamping  = 0.3
)

// Tag suggests themes for a text: those scoring at least TagThreshold, best
// first (ties by slug), at most MaxTags. Each label, synonym or related term
// found counts, weighted by field (title 3, summary 2, body 1) with
// diminishing returns for repeats, and the body is damped by its length.
// Matching is by whole words, case-insensitive, tolerant of simple plurals
// and -ing forms; all-caps acronyms ("LAC", "CSE") match only in capitals.
func (t *Taxonomy) Tag(title, summary, body string) []Tag {
	return t.m.tag(title, summary, body)
}

// elem is one word of a vocabulary phrase: a stem id, or for all-caps
// acronyms an exact-case id.
type elem struct {
	id   int32
	acro bool
}

type phrase struct {
	elems  []elem
	theme  int32
	weight float64
}

// tok is one word of a text: its stem id and acronym id, -1 when the word is
// not in the vocabulary.
type tok struct{ word, acro int32 }

type matcher struct {
	words   map[string]int32 // stem -> id
	acros   map[string]int32 // exact acronym -> id
	phrases []phrase
	byWord  [][]int32 // first word id -> phrases, longest first
	byAcro  [][]int32 // first acronym id -> phrases, longest first
	slugs   []string
	pool    sync.Pool // *scratch
}

type scratch struct {
	toks       []tok
	lower, raw []byte
	hits       []float64
	lastEnd    []int32
	lastWeight []float64
	score      []float64
}

func compile(themes []Theme, acronyms []Acronym, bySlug map[string]int) *matcher {
	m := &matcher{words: map[string]int32{}, acros: map[string]int32{}}
	for _, th := range themes {
		m.slugs = append(m.slugs, th.Slug)
	}
	type key struct {
		theme int32
		elems string
	}
	seen := map[key]int{} // -> index in m.phrases
	add := func(theme int, term string, weight float64) {
		elems := m.vocabPhrase(term)
		if len(elems) == 0 {
			return
		}
		k := key{int32(theme), elemsKey(elems)}
		if i, ok := seen[k]; ok {
			m.phrases[i].weight = math.Max(m.phrases[i].weight, weight)
			return
		}
		seen[k] = len(m.phrases)
		m.phrases = append(m.phrases, phrase{elems: elems, theme: int32(theme), weight: weight})
	}
	for i, th := range themes {
		if th.IsBroader() {
			continue // items get it through their narrower themes
		}
		add(i, th.Label, 1)
		for _, s := range th.Synonyms {
			add(i, s, 1)
		}
		for _, s := range th.Related {
			add(i, s, relatedWeight)
		}
	}
	for _, a := range acronyms {
		for _, slug := range a.Themes {
			i := bySlug[slug]
			add(i, a.Term, relatedWeight)
			for _, e := range a.Expansions {
				add(i, e, relatedWeight)
			}
		}
	}

	m.byWord = make([][]int32, len(m.words))
	m.byAcro = make([][]int32, len(m.acros))
	for i, p := range m.phrases {
		first := p.elems[0]
		if first.acro {
			m.byAcro[first.id] = append(m.byAcro[first.id], int32(i))
		} else {
			m.byWord[first.id] = append(m.byWord[first.id], int32(i))
		}
	}
	longestFirst := func(list []int32) {
		sort.SliceStable(list, func(a, b int) bool {
			return len(m.phrases[list[a]].elems) > len(m.phrases[list[b]].elems)
		})
	}
	for _, l := range m.byWord {
		longestFirst(l)
	}
	for _, l := range m.byAcro {
		longestFirst(l)
	}
	m.pool.New = func() any { return &scratch{} }
	return m
}

func elemsKey(elems []elem) string {
	b := make([]byte, 0, len(elems)*5)
	for _, e := range elems {
		if e.acro {
			b = append(b, 'A')
		} else {
			b = append(b, 'w')
		}
		b = append(b, byte(e.id>>24), byte(e.id>>16), byte(e.id>>8), byte(e.id))
	}
	return string(b)
}

// vocabPhrase splits a vocabulary term into words the way texts are split,
// interning stems and acronyms.
func (m *matcher) vocabPhrase(term string) []elem {
	var out []elem
	var lower, raw []byte
	forEachWord(term, &lower, &raw, func(lower, raw []byte) {
		if isAllCaps(raw) {
			id, ok := m.acros[string(raw)]
			if !ok {
				id = int32(len(m.acros))
				m.acros[string(raw)] = id
			}
			out = append(out, elem{id: id, acro: true})
			return
		}
		s := string(stem(lower))
		id, ok := m.words[s]
		if !ok {
			id = int32(len(m.words))
			m.words[s] = id
		}
		out = append(out, elem{id: id})
	})
	return out
}

func (m *matcher) tag(title, summary, body string) []Tag {
	sc := m.pool.Get().(*scratch)
	defer m.pool.Put(sc)
	n := len(m.slugs)
	sc.score = resize(sc.score, n)
	sc.hits = resize(sc.hits, n)
	sc.lastEnd = resize(sc.lastEnd, n)
	sc.lastWeight = resize(sc.lastWeight, n)
	clear(sc.score)

	fields := []struct {
		text   string
		max    int
		weight float64
		body   bool
	}{
		{title, MaxTagTitleBytes, titleWeight, false},
		{summary, MaxTagSummaryBytes, summaryWeight, false},
		{body, MaxTagBodyBytes, bodyWeight, true},
	}
	for _, f := range fields {
		text := clip(f.text, f.max)
		if text == "" {
			continue
		}
		m.tokenize(text, sc)
		clear(sc.hits)
		clear(sc.lastEnd)
		clear(sc.lastWeight)
		m.scan(sc.toks, sc.hits, sc.lastEnd, sc.lastWeight)
		factor := f.weight
		if f.body && len(sc.toks) > bodyRefWords {
			factor *= math.Pow(bodyRefWords/float64(len(sc.toks)), bodyDamping)
		}
		for i, h := range sc.hits {
			if h > 0 {
				sc.score[i] += factor * diminish(h)
			}
		}
	}

	var out []Tag
	for i, s := range sc.score {
		// The epsilon keeps sums such as 0.6+0.4 from missing by a rounding error.
		if s >= TagThreshold-1e-9 {
			out = append(out, Tag{Slug: m.slugs[i], Score: math.Round(s*1000) / 1000})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Slug < out[j].Slug
	})
	if len(out) > MaxTags {
		out = out[:MaxTags]
	}
	return out
}

// diminish counts the first point of weight in full and the rest
// logarithmically, so repeating a term adds less and less.
func diminish(h float64) float64 {
	if h <= 1 {
		return h
	}
	return 1 + math.Log(h)
}

// scan finds vocabulary phrases in toks and adds their weights to hits. Per
// theme, a match inside an earlier, longer match of the same theme is not
// counted again ("home education" inside "elective home education"), though
// it may raise that match's weight to its own ("grooming", a label, inside
// "grooming online", a related term).
func (m *matcher) scan(toks []tok, hits []float64, lastEnd []int32, lastWeight []float64) {
	for i, t := range toks {
		if t.word >= 0 {
			m.try(m.byWord[t.word], toks, i, hits, lastEnd, lastWeight)
		}
		if t.acro >= 0 {
			m.try(m.byAcro[t.acro], toks, i, hits, lastEnd, lastWeight)
		}
	}
}

func (m *matcher) try(cands []int32, toks []tok, i int, hits []float64, lastEnd []int32, lastWeight []float64) {
next:
	for _, pi := range cands {
		p := &m.phrases[pi]
		end := i + len(p.elems)
		if end > len(toks) {
			continue
		}
		for j := 1; j < len(p.elems); j++ {
			e, t := p.elems[j], toks[i+j]
			if (e.acro && t.acro != e.id) || (!e.acro && t.word != e.id) {
				continue next
			}
		}
		th := p.theme
		if int32(end) <= lastEnd[th] {
			if p.weight > lastWeight[th] {
				hits[th] += p.weight - lastWeight[th]
				lastWeight[th] = p.weight
			}
			continue
		}
		lastEnd[th], lastWeight[th] = int32(end), p.weight
		hits[th] += p.weight
	}
}

// tokenize fills sc.toks with the words of text.
func (m *matcher) tokenize(text string, sc *scratch) {
	sc.toks = sc.toks[:0]
	forEachWord(text, &sc.lower, &sc.raw, func(lower, raw []byte) {
		t := tok{word: -1, acro: -1}
		if id, ok := m.words[string(stem(lower))]; ok {
			t.word = id
		}
		if isAllCaps(raw) {
			if id, ok := m.acros[string(raw)]; ok {
				t.acro = id
			}
		} else if n := len(raw); n > 2 && raw[n-1] == 's' && isAllCaps(raw[:n-1]) {
			// Plural acronyms: "SCRs", "LSCBs".
			if id, ok := m.acros[string(raw[:n-1])]; ok {
				t.acro = id
			}
		}
		sc.toks = append(sc.toks, t)
	})
}

// forEachWord calls fn for each word of s: a run of letters and digits,
// apostrophes dropped ("children's" -> "childrens"), anything else
// separating. lower is the word in lower case, raw as written; both are
// reused buffers, valid only during the call.
func forEachWord(s string, lowerBuf, rawBuf *[]byte, fn func(lower, raw []byte)) {
	lower, raw := (*lowerBuf)[:0], (*rawBuf)[:0]
	flush := func() {
		if len(lower) > 0 {
			fn(lower, raw)
		}
		lower, raw = lower[:0], raw[:0]
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				lower = append(lower, c)
				raw = append(raw, c)
			case 'A' <= c && c <= 'Z':
				lower = append(lower, c+'a'-'A')
				raw = append(raw, c)
			case c == '\'':
			default:
				flush()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case isApostrophe(r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			lower = utf8.AppendRune(lower, unicode.ToLower(r))
			raw = utf8.AppendRune(raw, r)
		default:
			flush()
		}
	}
	flush()
	*lowerBuf, *rawBuf = lower, raw
}

// isAllCaps reports whether w is an acronym as written: at least two ASCII
// capitals and no lower-case letters ("LAC", "GCP2"; not "DfE" or "A").
func isAllCaps(w []byte) bool {
	caps := 0
	for _, c := range w {
		switch {
		case 'A' <= c && c <= 'Z':
			caps++
		case '0' <= c && c <= '9':
		default:
			return false
		}
	}
	return caps >= 2
}

// stem is a deliberately tiny stemmer applied alike to vocabulary and text,
// so only consistency matters: it folds plurals, -ing forms and a final e
// ("abuse", "abuses", "abusing" -> "abus"; "parties" -> "party"). It works in
// place on a lower-case word.
func stem(b []byte) []byte {
	n := len(b)
	switch {
	case n > 4 && b[n-3] == 'i' && b[n-2] == 'e' && b[n-1] == 's':
		b = append(b[:n-3], 'y')
	case n > 3 && b[n-1] == 's' && b[n-2] != 's' && b[n-2] != 'u' && b[n-2] != 'i':
		b = b[:n-1]
	}
	if string(b) == "children" {
		return append(b[:0], "child"...)
	}
	if n := len(b); n > 5 && b[n-3] == 'i' && b[n-2] == 'n' && b[n-1] == 'g' {
		b = b[:n-3]
	}
	if n := len(b); n > 3 && b[n-1] == 'e' {
		b = b[:n-1]
	}
	return b
}

// clip cuts s to at most max bytes on a rune boundary.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
