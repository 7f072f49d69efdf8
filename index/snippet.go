package index

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Snippet limits.
const (
	maxSnippetText    = 256 << 10 // bytes of text analyzed per call
	maxSnippetMatches = 2000
	minSnippetWidth   = 40
	maxSnippetWidth   = 1000
)

// Snippets cuts up to max fragments of about width characters from text
// around words of q, best first (most distinct query words, then earliest).
// The text is HTML-escaped and matches are wrapped in <mark>...</mark>.
// Words are compared after the index's English analysis, so "inspections"
// marks "inspection". No match gives nil. Pass ix.Expand(q) to also mark
// synonyms.
func Snippets(text string, q Query, max int, width int) []string {
	if max <= 0 || text == "" {
		return nil
	}
	width = min(maxSnippetWidth, width)
	width = max2(minSnippetWidth, width)
	a, err := sharedAnalyzers()
	if err != nil {
		return nil
	}
	want := map[string]bool{}
	for _, t := range q.Terms() {
		want[t] = true
	}
	if len(want) == 0 {
		return nil
	}
	if len(text) > maxSnippetText {
		cut := maxSnippetText
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	// Only the runs of text that may hold a query word are analysed
	// (snippet_scan.go).
	matches := matchTokens(a, text, want, maxSnippetMatches)
	if len(matches) == 0 {
		return nil
	}

	picked := pickWindows(text, matches, want, width, max)
	out := make([]string, 0, len(picked))
	for _, p := range picked {
		var b strings.Builder
		pos := p.start
		for _, m := range matches[p.first:] {
			if m.Start < pos {
				continue
			}
			if m.End > p.end {
				break
			}
			writeEscaped(&b, text[pos:m.Start])
			b.WriteString("<mark>")
			writeEscaped(&b, text[m.Start:m.End])
			b.WriteString("</mark>")
			pos = m.End
		}
		writeEscaped(&b, text[pos:p.end])
		out = append(out, strings.TrimSpace(b.String()))
	}
	return out
}

// pickWindows returns the max best windows of about width bytes around
// matches (tokens of text whose terms are in want, in text order) that do
// not overlap.
func pickWindows(text string, matches []*analysis.Token, want map[string]bool, width, max int) []window {
	// Each match opens a window; its score is how many distinct query
	// words it holds. The words in a window are counted with two pointers
	// over the matches (a window holds the matches from its own up to the
	// first that ends past it), so scoring is linear in the matches.
	ids := make(map[string]int, len(want))
	for t := range want {
		ids[t] = len(ids)
	}
	term := make([]int, len(matches))
	for i, m := range matches {
		term[i] = ids[string(m.Term)]
	}
	count := make([]int, len(ids))
	distinct := 0
	add := func(k int) {
		if count[term[k]]++; count[term[k]] == 1 {
			distinct++
		}
	}
	drop := func(k int) {
		if count[term[k]]--; count[term[k]] == 0 {
			distinct--
		}
	}
	cands := make([]window, len(matches))
	j := 0 // the window of match i holds matches i..j-1
	for i, m := range matches {
		if i > 0 && i <= j {
			drop(i - 1)
		}
		if j < i {
			j = i
		}
		start := snapStart(text, max2(0, m.Start-width/4), m.Start)
		end := snapEnd(text, min(len(text), start+width), m.End)
		for j < len(matches) && matches[j].End <= end {
			add(j)
			j++
		}
		for j > i && matches[j-1].End > end {
			j--
			drop(j)
		}
		cands[i] = window{start: start, end: end, distinct: distinct, first: i}
	}
	// The best windows that do not overlap: most distinct words, then
	// earliest (then first opened).
	var picked []window
	for len(picked) < max {
		best := -1
		for k, c := range cands {
			if overlapsAny(c, picked) {
				continue
			}
			if best < 0 || c.distinct > cands[best].distinct ||
				c.distinct == cands[best].distinct && c.start < cands[best].start {
				best = k
			}
		}
		if best < 0 {
			break
		}
		picked = append(picked, cands[best])
	}
	return picked
}

// window is a candidate snippet: text[start:end], opened by match first.
type window struct {
	start, end int
	distinct   int
	first      int
}

func overlapsAny(c window, picked []window) bool {
	for _, p := range picked {
		if c.start < p.end && p.start < c.end {
			return true
		}
	}
	return false
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// snapStart moves start forward to the beginning of a word (not past limit).
func snapStart(text string, start, limit int) int {
	if start == 0 {
		return 0
	}
	for i := start; i < limit; i++ {
		if isSpace(text[i]) {
			return i + 1
		}
	}
	for start < limit && !utf8.RuneStart(text[start]) {
		start++
	}
	return start
}

// snapEnd moves end back to the end of a word (not before limit).
func snapEnd(text string, end, limit int) int {
	if end >= len(text) {
		return len(text)
	}
	end = max2(end, limit)
	for i := end; i > limit; i-- {
		if isSpace(text[i-1]) {
			return i - 1
		}
	}
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	return end
}

// writeEscaped writes s HTML-escaped with runs of white space collapsed.
func writeEscaped(b *strings.Builder, s string) {
	space := false
	start := 0
	flush := func(i int) {
		b.WriteString(html.EscapeString(s[start:i]))
	}
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) {
			if !space {
				flush(i)
				b.WriteByte(' ')
				space = true
			}
			start = i + 1
			continue
		}
		space = false
	}
	flush(len(s))
}
