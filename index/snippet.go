package index

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"
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

	type window struct {
		start, end int
		distinct   int
		first      int // index of its first match
	}
	var cands []window
	for i, m := range matches {
		start := m.Start - width/4
		start = snapStart(text, max2(0, start), m.Start)
		end := snapEnd(text, min(len(text), start+width), m.End)
		seen := map[string]bool{}
		for j := i; j < len(matches) && matches[j].End <= end; j++ {
			seen[string(matches[j].Term)] = true
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
		overlaps := false
		for _, p := range picked {
			if c.start < p.end && p.start < c.end {
				overlaps = true
				break
			}
		}
		if !overlaps {
			picked = append(picked, c)
			if len(picked) == max {
				break
			}
		}
	}
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
