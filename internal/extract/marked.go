package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rxDateName matches a class or id that marks an element as a page's date
// ("entry-date", "meta__date", "post-datum", "published").
var rxDateName = regexp.MustCompile(`(?i)(?:^|[-_])(?:date|datum|pubdate|dateline|published|posted-on|time)(?:$|[-_])`)

const (
	// maxMarkedDates bounds how many date-marked elements are read.
	maxMarkedDates = 8
	// maxMarkedDateLen is the longest text (in characters) of a
	// date-marked element read for a date.
	maxMarkedDateLen = 100
)

// markedDateTexts returns the short texts of the first elements, in
// document order, whose class or id marks them as a date, outside
// navigation, footers and asides.
func markedDateTexts(root *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && len(out) < maxMarkedDates; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Nav, atom.Footer, atom.Aside:
				continue
			}
			if dateNamed(c) {
				if t := textOf(c); t != "" && utf8.RuneCountInString(t) <= maxMarkedDateLen {
					out = append(out, t)
				}
				continue
			}
			walk(c)
		}
	}
	walk(root)
	return out
}

func dateNamed(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "class" || a.Key == "id" {
			for tok := range strings.FieldsSeq(a.Val) {
				if rxDateName.MatchString(tok) {
					return true
				}
			}
		}
	}
	return false
}

// markedDate is the first date written in a date-marked element.
func markedDate(texts []string) string {
	for _, t := range texts {
		if d, _ := visibleDate(t); d != "" {
			return d
		}
	}
	return ""
}
