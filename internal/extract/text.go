package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

const (
	// maxSummary is the longest Summary, in characters.
	maxSummary = 400
	// maxTitle is the longest Title, in characters.
	maxTitle = 300
	// substantialParagraph is the length from which a paragraph of the main
	// text can stand as a summary; shorter ones are usually headings,
	// bylines or captions.
	substantialParagraph = 80
)

// normaliseText collapses white space inside each line and turns every
// non-empty line into a paragraph, separated by a blank line. Invisible and
// control characters are dropped.
func normaliseText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for line := range strings.SplitSeq(s, "\n") {
		line = collapseSpace(line)
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(line)
	}
	return b.String()
}

// collapseSpace trims s and replaces each run of white space with a single
// space, dropping control and zero-width characters.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
			continue
		case r == '\ufffe' || r == '\uffff':
			// Noncharacters; PDFium writes U+FFFE for a hyphen that
			// only broke a word across lines.
			continue
		case unicode.IsControl(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// plainText turns a string that may hold markup (a <title> with tags in it,
// an og:title with entities) into one line of text. Tags are dropped and the
// content of script and style elements with them, so a title such as
// "Report <script>alert(1)</script>" becomes "Report". A lone "<" that does
// not open a tag ("a < b") is kept.
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return collapseSpace(s)
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return collapseSpace(s)
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe, atom.Noframes, atom.Xmp:
				return
			}
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return collapseSpace(b.String())
}

// truncate cuts s to at most limit characters at a word boundary, adding an
// ellipsis when something was cut.
func truncate(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	// Keep limit-1 characters, leaving room for the ellipsis.
	cut, n := 0, 0
	for i := range s {
		if n == limit-1 {
			cut = i
			break
		}
		n++
	}
	head := s[:cut]
	if sp := strings.LastIndexFunc(head, unicode.IsSpace); sp > len(head)/2 {
		head = head[:sp]
	}
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' && r != '"' && r != '\''
	})
	return head + "…"
}

// summaryFromText picks the first substantial paragraph of the main text,
// or failing that the first paragraph, cut to maxSummary characters.
func summaryFromText(text string) string {
	first := ""
	for p := range strings.SplitSeq(text, "\n\n") {
		if first == "" {
			first = p
		}
		if utf8.RuneCountInString(p) >= substantialParagraph && strings.Count(p, " ") >= 8 {
			return truncate(p, maxSummary)
		}
	}
	return truncate(first, maxSummary)
}

// firstLine returns the first non-empty line of text, for a title.
func firstLine(text string) string {
	for line := range strings.SplitSeq(text, "\n") {
		if l := collapseSpace(line); l != "" {
			return truncate(l, maxTitle)
		}
	}
	return ""
}

// prefix returns at most n bytes of s, cut at a character boundary.
func prefix(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
