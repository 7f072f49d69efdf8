package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"codeberg.org/readeck/go-readability/v2/render"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A second opinion on Readability's choice of block. Readability scores
// paragraphs and picks the element whose children score best; on some
// pages that is an author box, a disclosure notice or a list of reviews
// while the article sits in an element the site itself names as the
// article's body ("entry-content", itemprop="articleBody"). go-trafilatura,
// whose evaluation set issue 12 measures against, looks for such named
// containers first. Here the named container replaces Readability's block
// only when the two hold different text, so that a page where Readability
// chose the container, or a block inside it or around it, is left alone.

// rxContentName matches a class, id or itemprop that names the body of an
// article or post.
var rxContentName = regexp.MustCompile(`(?i)^(?:articlebody|article[-_]?(?:body|content|text)|article__(?:body|content)|entry[-_]content|post[-_]?(?:body|content|text|entry)|story[-_]?(?:body|content)|body[-_]text|text[-_]content|single[-_]content|blog[-_]content|wysiwyg[-_]content)$`)

const (
	// minContentText is the least text (in characters) a named
	// container must hold to be taken over Readability's block.
	minContentText = 250
	// minContentLine is the shortest line compared between the two
	// blocks: shorter ones ("Share", a date) are common to many blocks.
	minContentLine = 30
	// maxSharedText is the most of either block's text that may be found
	// in the other for the two to count as different choices.
	maxSharedText = 0.2
	// minInnerShare and maxOuterShare: when at least minInnerShare of
	// Readability's text is in the container and the container holds
	// that much more text that at most maxOuterShare of it is in
	// Readability's, Readability took a part of the article.
	minInnerShare = 0.9
	maxOuterShare = 0.7
)

// namedContent returns, of the outermost elements that name themselves as
// the article's body, the one with the most text, or nil.
func namedContent(root *html.Node) *html.Node {
	var found *html.Node
	most := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Nav, atom.Header, atom.Footer, atom.Aside:
				continue
			case atom.Article, atom.Div, atom.Main, atom.Section:
				if contentNamed(c) {
					if size := textLength(c, maxReadabilityText); size > most {
						found, most = c, size
					}
					continue
				}
			}
			walk(c)
		}
	}
	walk(root)
	return found
}

func contentNamed(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id", "itemprop":
			for tok := range strings.FieldsSeq(a.Val) {
				if rxContentName.MatchString(tok) {
					return true
				}
			}
		}
	}
	return false
}

// containerText is the text of a named container without what neither
// extraction keeps (scripts, forms, navigation, hidden elements) and
// without boilerplate.
func containerText(n *html.Node) string {
	c := cloneNode(n)
	removeWhere(c, func(e *html.Node) bool {
		switch e.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe, atom.Object, atom.Embed, atom.Svg,
			atom.Canvas, atom.Nav, atom.Header, atom.Footer, atom.Aside, atom.Button, atom.Select, atom.Textarea,
			atom.Input, atom.Dialog, atom.Form:
			return true
		}
		for _, a := range e.Attr {
			if a.Key == "hidden" || a.Key == "aria-hidden" && a.Val == "true" {
				return true
			}
		}
		return false
	})
	pruneBoilerplate(c)
	return normaliseText(render.InnerText(c))
}

func cloneNode(n *html.Node) *html.Node {
	c := &html.Node{Type: n.Type, DataAtom: n.DataAtom, Data: n.Data, Namespace: n.Namespace, Attr: append([]html.Attribute(nil), n.Attr...)}
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		c.AppendChild(cloneNode(k))
	}
	return c
}

// sharedShare is the share of a's text, counted in lines of at least
// minContentLine characters, that appears as a line of b.
func sharedShare(a, b string) float64 {
	lines := make(map[string]bool)
	for l := range strings.SplitSeq(b, "\n\n") {
		if utf8.RuneCountInString(l) >= minContentLine {
			lines[l] = true
		}
	}
	var all, shared int
	for l := range strings.SplitSeq(a, "\n\n") {
		n := utf8.RuneCountInString(l)
		if n < minContentLine {
			continue
		}
		all += n
		if lines[l] {
			shared += n
		}
	}
	if all == 0 {
		return 0
	}
	return float64(shared) / float64(all)
}

// secondOpinion returns the text of the named container when Readability
// chose a different block (article, whose text is main), or main.
func secondOpinion(root, article *html.Node, main string) string {
	c := namedContent(root)
	if c == nil || article != nil && holdsCopyOf(article, c) {
		return main
	}
	text := containerText(c)
	size, mainSize := utf8.RuneCountInString(text), utf8.RuneCountInString(main)
	if size < minContentText {
		return main
	}
	inC, inR := sharedShare(main, text), sharedShare(text, main)
	switch {
	case inC <= maxSharedText && inR <= maxSharedText && 2*size >= mainSize:
		// Two different blocks: the one the site names wins, unless
		// it is a teaser much shorter than Readability's.
		return text
	case inC >= minInnerShare && inR <= maxOuterShare:
		// Readability took a part of the container (the first
		// paragraphs, one section): the whole is the article.
		return text
	}
	return main
}

// holdsCopyOf reports whether Readability's result holds a copy of n (an
// element with its name, id and classes) near its top.
func holdsCopyOf(article, n *html.Node) bool {
	found := false
	var walk func(*html.Node, int)
	walk = func(e *html.Node, depth int) {
		for c := e.FirstChild; c != nil && !found; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.Data == n.Data && attrOf(c, "id") == attrOf(n, "id") && attrOf(c, "class") == attrOf(n, "class") {
				found = true
				return
			}
			if depth < 3 {
				walk(c, depth+1)
			}
		}
	}
	walk(article, 0)
	return found
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
