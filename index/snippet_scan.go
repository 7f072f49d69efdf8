package index

import (
	"bytes"
	"sort"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Finding the words of a query in a long text by analysing all of it
// (Unicode segmentation, lowercasing, stemming) costs more than the search
// that found the document: at 20 hits of PDF-sized bodies it was half the
// time of a search. Most of the text can't match, and a cheap byte search
// proves it: the English analysis changes a word only at its end (the
// stemmer rewrites suffixes, the possessive filter drops "'s"), so a word
// whose term is T contains, lowercased, the first letters of T. Only the
// runs of text around such places are analysed, each from white space to
// white space, where a word can never continue, so their tokens are the
// ones a whole analysis gives there.

// snippetPrefixLen is how many leading bytes of a term are looked for: the
// Porter stemmer rewrites at most the last two letters of a stem relative
// to the word ("durability" -> "durabl", "happy" -> "happi", "hoping" ->
// "hope"), and three letters already make the byte search selective.
func snippetPrefixLen(term string) int {
	k := min(3, max2(1, len(term)-2))
	for k > 1 && k < len(term) && !utf8.RuneStart(term[k]) {
		k--
	}
	return k
}

// spanGap joins candidate runs closer than this, so that a text dense with
// matches is analysed in a few calls rather than one per word.
const spanGap = 64

// matchTokens returns the tokens of text whose term is in want, in text
// order, at most limit of them, with offsets into text.
func matchTokens(a *analyzers, text string, want map[string]bool, limit int) []*analysis.Token {
	s := newMatchScanner(a, text, want, limit)
	defer s.close()
	s.scan(len(text))
	return s.out
}

// matchScanner finds the tokens matchTokens returns a stretch of text at a
// time, so that a caller who has seen enough can stop.
type matchScanner struct {
	a     *analyzers
	text  string
	want  map[string]bool
	limit int
	buf   *[]byte // lower's pooled buffer
	lower []byte  // text lowercased; nil when text needs a whole analysis
	pos   int     // text[:pos] is scanned; pos is 0, len(text) or just after white space
	out   []*analysis.Token
	at    []int
}

func newMatchScanner(a *analyzers, text string, want map[string]bool, limit int) *matchScanner {
	s := &matchScanner{a: a, text: text, want: want, limit: limit, buf: lowerBufs.Get().(*[]byte)}
	lower, ok := lowerSameLength((*s.buf)[:0], text)
	*s.buf = lower[:0]
	if ok {
		s.lower = lower
	}
	return s
}

// close gives the lowercase buffer back (a huge text's copy is not kept).
func (s *matchScanner) close() {
	if cap(*s.buf) <= 8<<20 {
		lowerBufs.Put(s.buf)
	}
	s.buf, s.lower = nil, nil
}

// possible returns how many groups (group maps want's terms to them) the
// text may hold a word of: terms whose first letters start a word somewhere
// in it. No window holds words of more groups.
func (s *matchScanner) possible(group map[string]int) int {
	seen := map[int]bool{}
	for t := range s.want {
		if s.lower == nil || s.mayHold(t) {
			seen[group[t]] = true
		}
	}
	return len(seen)
}

// mayHold reports whether a word of the text starts with term's first
// letters.
func (s *matchScanner) mayHold(term string) bool {
	return nextWordStart(s.lower, 0, []byte(term[:snippetPrefixLen(term)])) >= 0
}

// nextWordStart returns the first place at or after i where p may start a
// word of lower, or -1. A token starts a word: between two ASCII letters,
// digits or underscores Unicode segmentation never breaks (UAX #29 rules
// WB5-WB13b), so a p starting with one cannot start a token right after
// another. (Other characters can: an ideograph after a letter starts a
// token of its own.)
func nextWordStart(lower []byte, i int, p []byte) int {
	joins := len(p) > 0 && isWordByte(p[0])
	for i < len(lower) {
		j := bytes.Index(lower[i:], p)
		if j < 0 {
			return -1
		}
		if k := i + j; !joins || k == 0 || !isWordByte(lower[k-1]) {
			return k
		}
		i += j + len(p)
	}
	return -1
}

// done reports whether every match is found (or limit of them).
func (s *matchScanner) done() bool { return s.pos >= len(s.text) || len(s.out) >= s.limit }

// scan scans at least n more bytes of text, up to white space, appending
// the matches found there to s.out.
func (s *matchScanner) scan(n int) {
	if s.done() {
		return
	}
	text := s.text
	if s.lower == nil {
		s.out = matchTokensFull(s.a, text, s.want, s.limit)
		s.pos = len(text)
		return
	}
	end := min(len(text), s.pos+max2(1, n))
	for end < len(text) && !isSpace(text[end-1]) {
		end++
	}
	lower := s.lower[:end]
	at := s.at[:0]
	for t := range s.want {
		p := []byte(t[:snippetPrefixLen(t)])
		for k := nextWordStart(lower, s.pos, p); k >= 0; k = nextWordStart(lower, k+len(p), p) {
			at = append(at, k)
		}
	}
	s.at = at
	s.pos = end
	sort.Ints(at)
	// Runs go from white space to white space, and the stretch ends
	// after white space: no run reaches past it.
	for i := 0; i < len(at); {
		start := spanStart(text, at[i])
		stop := spanEnd(text, at[i])
		i++
		for i < len(at) && at[i] < stop+spanGap {
			stop = max2(stop, spanEnd(text, at[i]))
			i++
		}
		for _, t := range s.a.english.Analyze([]byte(text[start:stop])) {
			if s.want[string(t.Term)] {
				t.Start += start
				t.End += start
				s.out = append(s.out, t)
				if len(s.out) == s.limit {
					return
				}
			}
		}
	}
}

// matchTokensFull analyses the whole text: the reference matchTokens must
// agree with, and the way for text whose lowercase has another length.
func matchTokensFull(a *analyzers, text string, want map[string]bool, limit int) []*analysis.Token {
	var out []*analysis.Token
	for _, t := range a.english.Analyze([]byte(text)) {
		if want[string(t.Term)] {
			out = append(out, t)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}

// isWordByte reports whether c is a lowercase ASCII letter, a digit or an
// underscore: bytes that never end a word when a letter or digit follows.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_'
}

// spanStart is the start of the white-space-delimited run holding i.
func spanStart(text string, i int) int {
	for i > 0 && !isSpace(text[i-1]) {
		i--
	}
	return i
}

// spanEnd is the end of the white-space-delimited run holding i.
func spanEnd(text string, i int) int {
	for i < len(text) && !isSpace(text[i]) {
		i++
	}
	return i
}

// lowerSameLength appends s lowercased as the analyzer does, rune by rune, to b, and
// reports false when s is not valid UTF-8 or some rune's lowercase has
// another UTF-8 length (then byte offsets would not line up).
func lowerSameLength(b []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		l := unicode.ToLower(r)
		// Invalid UTF-8 throws Bleve's segmentation off (a token can
		// then span white space): only a whole analysis gives its tokens.
		if r == utf8.RuneError && n == 1 || utf8.RuneLen(l) != n {
			return b, false
		}
		b = utf8.AppendRune(b, l)
		i += n
	}
	return b, true
}

// lowerBufs recycles lowercased copies of texts: snippets of 20 PDF-sized
// bodies per search otherwise allocate megabytes.
var lowerBufs = sync.Pool{New: func() any { return new([]byte) }}
