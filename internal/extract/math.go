package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// mathAsText replaces each MathML formula under root that carries no TeX
// source with the text of its tokens ("a ≠ 0"). The text renderer writes a
// formula as its TeX annotation (or MathJax's data-latex) and drops it
// otherwise, which left pages typeset with MathJax 3 without their
// formulas.
func mathAsText(root *html.Node) {
	var formulas []*html.Node
	eachElement(root, func(n *html.Node) bool {
		switch {
		case n.Data == "mjx-container":
			if findAttr(n, "data-latex") || hasTeXAnnotation(n) {
				return false
			}
			formulas = append(formulas, n)
			return false
		case n.DataAtom == atom.Math:
			if !hasTeXAnnotation(n) {
				formulas = append(formulas, n)
			}
			return false
		}
		return true
	})
	for _, n := range formulas {
		var words []string
		collectMathTokens(n, &words)
		span := &html.Node{Type: html.ElementNode, DataAtom: atom.Span, Data: "span"}
		span.AppendChild(&html.Node{Type: html.TextNode, Data: " " + strings.Join(words, " ") + " "})
		n.Parent.InsertBefore(span, n)
		n.Parent.RemoveChild(n)
	}
}

// collectMathTokens gathers the text of the MathML token elements (mi, mn,
// mo, mtext, ms) under n, in order; the rendering MathJax adds beside them
// (mjx-c glyphs, hidden for assistive technology) is not read.
func collectMathTokens(n *html.Node, words *[]string) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.Data {
		case "mi", "mn", "mo", "mtext", "ms":
			if t := collapseSpace(textOf(c)); t != "" {
				*words = append(*words, t)
			}
		case "annotation", "annotation-xml", "mjx-c":
		default:
			collectMathTokens(c, words)
		}
	}
}

func hasTeXAnnotation(n *html.Node) bool {
	found := false
	eachElement(n, func(c *html.Node) bool {
		if c.Data == "annotation" && attrOf(c, "encoding") == "application/x-tex" {
			found = true
		}
		return !found
	})
	return found
}

func findAttr(n *html.Node, key string) bool {
	found := false
	eachElement(n, func(c *html.Node) bool {
		for _, a := range c.Attr {
			found = found || a.Key == key
		}
		return !found
	})
	return found
}
