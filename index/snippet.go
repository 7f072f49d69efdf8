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
// around words of q, best first (most distinct query words, a word and its
// synonyms counting once, then earliest).
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
	group := q.termGroups()
	if len(group) == 0 {
		return nil
	}
	if len(text) > maxSnippetText {
		cut := maxSnippetText
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	picked, matches := bestWindows(a, text, group, width, max, 4<<10)
	if len(picked) == 0 {
		return nil
	}
	return render(text, picked, matches)
}

// render cuts the picked windows from text, HTML-escaped, with matches
// (the tokens the windows were opened by, in text order) marked.
func render(text string, picked []window, matches []*analysis.Token) []string {
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

// bestWindows returns the windows Snippets cuts, and the matches found
// (those in the windows among them). Only the runs of text that may hold a
// query word are analysed (snippet_scan.go), step bytes first, then twice
// as many at a time, until the picks are settled (step 0: all at once).
func bestWindows(a *analyzers, text string, group map[string]int, width, max, step int) ([]window, []*analysis.Token) {
	want := make(map[string]bool, len(group))
	for t := range group {
		want[t] = true
	}
	sc := newMatchScanner(a, text, want, maxSnippetMatches)
	defer sc.close()
	if step <= 0 {
		step = len(text)
	}
	possible := sc.possible(group)
	for ; ; step *= 2 {
		sc.scan(step)
		cands := windows(text, sc.out, group, width)
		picked := pick(cands, max)
		if sc.done() || settled(cands, picked, sc.pos, possible, width, max) {
			return picked, sc.out
		}
	}
}

// windows returns the windows of about width bytes that matches (tokens of
// text whose terms are in group, in text order) open, one per match.
func windows(text string, matches []*analysis.Token, group map[string]int, width int) []window {
	// Each match opens a window; its score is how many distinct query
	// words it holds, a word and its synonyms (one group) counting once.
	// They are counted with two pointers over the matches (a window holds
	// the matches from its own up to the first that ends past it), so
	// scoring is linear in the matches.
	term := make([]int, len(matches))
	groups := 0
	for i, m := range matches {
		term[i] = group[string(m.Term)]
		groups = max2(groups, term[i]+1)
	}
	count := make([]int, groups)
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
	return cands
}

// pick returns the max best windows that do not overlap: most distinct
// words, then earliest (then first opened).
func pick(cands []window, max int) []window {
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

// settled reports whether picked, the windows picked among cands, the
// windows of every match in text[:scanned], are the final picks whatever
// the rest of the text holds: each holds nwant distinct query words (as
// many groups as the text may hold words of, so no window holds more), ends before scanned (so its count is complete), and
// starts before every window not complete yet and every window a later
// match could open (at least width/4 before that match), so that no
// window can come before it in pick's order. Fewer than max picks, or
// picks that fall short of every word, are settled only by the end of the
// text.
func settled(cands, picked []window, scanned, nwant, width, max int) bool {
	if len(picked) < max {
		return false
	}
	last := 0
	for _, p := range picked {
		if p.distinct < nwant || p.end > scanned {
			return false
		}
		last = max2(last, p.start)
	}
	if last >= scanned-width/4 {
		return false
	}
	for _, c := range cands {
		if c.end > scanned && c.start <= last {
			return false
		}
	}
	return true
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
