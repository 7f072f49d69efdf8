package index

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on user queries.
const (
	MaxQueryBytes = 1000
	MaxQueryTerms = 64
	maxDepth      = 8
)

type nodeKind uint8

const (
	nTerm   nodeKind = iota // one word (may analyze to several tokens)
	nPhrase                 // "quoted words"
	nAnd
	nOr
	nNot
)

// Fields users may name in a query ("publisher:nao"). Anything else before a
// colon is plain text.
var queryFields = map[string]bool{
	"title": true, "publisher": true, "type": true, "theme": true,
	"year": true, "area": true, "region": true,
}

type node struct {
	kind  nodeKind
	field string // "" = the default text fields
	text  string // lower-cased term or phrase text
	kids  []*node
	syn   bool // an OR added by synonym expansion (rendered as its first kid)
	// boost weights a term or phrase (0 means 1). Parse never sets it:
	// queries built in code (LikeQuery) do, and String does not show it.
	boost float64
}

// Query is a parsed user query: a small tree of terms, phrases, OR groups,
// exclusions and fielded terms. The zero Query is empty and matches every
// document.
type Query struct {
	root *node
}

// Empty reports whether the query has no terms (browse everything).
func (q Query) Empty() bool { return q.root == nil }

// String renders the query in the syntax Parse accepts (lower-cased,
// normalised). Synonym expansions are not shown.
func (q Query) String() string {
	if q.root == nil {
		return ""
	}
	var b strings.Builder
	writeNode(&b, q.root, false)
	return b.String()
}

func writeNode(b *strings.Builder, n *node, inOr bool) {
	switch n.kind {
	case nTerm:
		if n.field != "" {
			b.WriteString(n.field)
			b.WriteByte(':')
		}
		if needsQuotes(n.text) {
			b.WriteByte('"')
			b.WriteString(n.text)
			b.WriteByte('"')
		} else {
			b.WriteString(n.text)
		}
	case nPhrase:
		if n.field != "" {
			b.WriteString(n.field)
			b.WriteByte(':')
		}
		b.WriteByte('"')
		b.WriteString(n.text)
		b.WriteByte('"')
	case nNot:
		b.WriteByte('-')
		writeGrouped(b, n.kids[0])
	case nAnd:
		if inOr {
			b.WriteByte('(')
		}
		for i, k := range n.kids {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeNode(b, k, false)
		}
		if inOr {
			b.WriteByte(')')
		}
	case nOr:
		if n.syn {
			writeNode(b, n.kids[0], inOr)
			return
		}
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(" OR ")
			}
			writeNode(b, k, true)
		}
	}
}

// needsQuotes reports whether a term would lex differently unquoted.
func needsQuotes(t string) bool {
	switch t {
	case "|", "||", "&", "&&":
		return true
	}
	return strings.HasPrefix(t, "-") || strings.ContainsAny(t, " \t\n\r\f\v()\":")
}

// writeGrouped writes n so that a prefix operator applies to all of it.
func writeGrouped(b *strings.Builder, n *node) {
	if n.kind == nAnd || (n.kind == nOr && !n.syn) {
		b.WriteByte('(')
		writeNode(b, n, false)
		b.WriteByte(')')
		return
	}
	writeNode(b, n, false)
}

// Parse parses the user's query syntax:
//
//	word word        every word required
//	a OR b c         (a or b) and c
//	"a phrase"       words in order
//	-word -"phrase"  exclusion (NOT word works too); only exclusions = everything except
//	field:word       title, publisher, type, theme, year, area, region; field:"phrase"
//	( ... )          grouping; unbalanced parentheses are closed or ignored
//
// An unbalanced quote makes the rest of the input a phrase. An unknown prefix
// such as foo:bar is read as the words foo and bar. Errors match ErrBadQuery.
func Parse(s string) (Query, error) {
	if len(s) > MaxQueryBytes {
		return Query{}, badRequest("query is longer than %d bytes", MaxQueryBytes)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	p := &parser{toks: lex(s)}
	root, err := p.parseAnd(0)
	if err != nil {
		return Query{}, err
	}
	if n := countTerms(root); n > MaxQueryTerms {
		return Query{}, badRequest("query has %d terms, at most %d allowed", n, MaxQueryTerms)
	}
	root = simplify(root)
	return Query{root: root}, nil
}

type tokKind uint8

const (
	tWord tokKind = iota
	tPhrase
	tOpen
	tClose
	tOr
	tAnd
	tNot // NOT keyword or a leading '-'
)

type token struct {
	kind  tokKind
	field string
	text  string
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// lex splits the input into tokens. It never fails: odd input becomes words.
func lex(s string) []token {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case isSpace(c):
			i++
		case c == '(':
			toks = append(toks, token{kind: tOpen})
			i++
		case c == ')':
			toks = append(toks, token{kind: tClose})
			i++
		case c == '"':
			text, next := readPhrase(s, i+1)
			toks = append(toks, token{kind: tPhrase, text: text})
			i = next
		case c == '-':
			// A run of '-' directly before something negates it; a lone one is noise.
			j := i
			for j < len(s) && s[j] == '-' {
				j++
			}
			if j < len(s) && !isSpace(s[j]) && s[j] != ')' {
				toks = append(toks, token{kind: tNot})
			}
			i = j
		default:
			j := i
			for j < len(s) && !isSpace(s[j]) && s[j] != '(' && s[j] != ')' && s[j] != '"' {
				j++
			}
			word := s[i:j]
			i = j
			switch word {
			case "OR", "|", "||":
				toks = append(toks, token{kind: tOr})
				continue
			case "AND", "&", "&&":
				toks = append(toks, token{kind: tAnd})
				continue
			case "NOT":
				toks = append(toks, token{kind: tNot})
				continue
			}
			if k := strings.IndexByte(word, ':'); k > 0 {
				field := strings.ToLower(word[:k])
				value := word[k+1:]
				if queryFields[field] {
					if value != "" {
						toks = append(toks, token{kind: tWord, field: field, text: strings.ToLower(value)})
						continue
					}
					if i < len(s) && s[i] == '"' {
						text, next := readPhrase(s, i+1)
						toks = append(toks, token{kind: tPhrase, field: field, text: text})
						i = next
						continue
					}
				}
				// Not a field we know: the parts are plain words.
				for _, part := range strings.Split(word, ":") {
					if part != "" {
						toks = append(toks, token{kind: tWord, text: strings.ToLower(part)})
					}
				}
				continue
			}
			toks = append(toks, token{kind: tWord, text: strings.ToLower(word)})
		}
	}
	return toks
}

// readPhrase reads up to the closing quote (or the end of input) and
// returns the normalised phrase text and the index after it.
func readPhrase(s string, start int) (string, int) {
	end := strings.IndexByte(s[start:], '"')
	next := len(s)
	text := s[start:]
	if end >= 0 {
		text = s[start : start+end]
		next = start + end + 1
	}
	return strings.Join(strings.Fields(strings.ToLower(text)), " "), next
}

type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() (token, bool) {
	if p.pos >= len(p.toks) {
		return token{}, false
	}
	return p.toks[p.pos], true
}

// parseAnd reads clauses until the end or a closing parenthesis.
func (p *parser) parseAnd(depth int) (*node, error) {
	and := &node{kind: nAnd}
	for {
		t, ok := p.peek()
		if !ok {
			break
		}
		if t.kind == tClose {
			if depth > 0 {
				break
			}
			p.pos++ // stray ')' at top level: ignore
			continue
		}
		if t.kind == tOr || t.kind == tAnd {
			p.pos++ // dangling operator: ignore
			continue
		}
		n, err := p.parseOr(depth)
		if err != nil {
			return nil, err
		}
		if n != nil {
			and.kids = append(and.kids, n)
		}
	}
	return and, nil
}

// parseOr reads unary (OR unary)*.
func (p *parser) parseOr(depth int) (*node, error) {
	first, err := p.parseUnary(depth)
	if err != nil {
		return nil, err
	}
	or := &node{kind: nOr}
	if first != nil {
		or.kids = append(or.kids, first)
	}
	for {
		t, ok := p.peek()
		if !ok || t.kind != tOr {
			break
		}
		p.pos++
		if t, ok := p.peek(); !ok || t.kind == tClose || t.kind == tOr || t.kind == tAnd {
			continue // "a OR" at the end: drop the operator
		}
		n, err := p.parseUnary(depth)
		if err != nil {
			return nil, err
		}
		if n != nil {
			or.kids = append(or.kids, n)
		}
	}
	switch len(or.kids) {
	case 0:
		return nil, nil
	case 1:
		return or.kids[0], nil
	}
	return or, nil
}

func (p *parser) parseUnary(depth int) (*node, error) {
	t, ok := p.peek()
	if !ok {
		return nil, nil
	}
	if t.kind == tNot {
		p.pos++
		n, err := p.parseUnary(depth)
		if err != nil || n == nil {
			return nil, err
		}
		if n.kind == nNot { // "- -x" is still an exclusion
			return n, nil
		}
		return &node{kind: nNot, kids: []*node{n}}, nil
	}
	p.pos++
	switch t.kind {
	case tWord:
		return &node{kind: nTerm, field: t.field, text: t.text}, nil
	case tPhrase:
		if t.text == "" {
			return nil, nil
		}
		// A quoted word the analyzer may split ("multi-agency") stays a
		// phrase: unquoted, its parts match apart.
		if !strings.ContainsFunc(t.text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			return &node{kind: nTerm, field: t.field, text: t.text}, nil
		}
		return &node{kind: nPhrase, field: t.field, text: t.text}, nil
	case tOpen:
		if depth+1 > maxDepth {
			return nil, badRequest("parentheses nested more than %d deep", maxDepth)
		}
		n, err := p.parseAnd(depth + 1)
		if err != nil {
			return nil, err
		}
		if t, ok := p.peek(); ok && t.kind == tClose {
			p.pos++
		}
		return n, nil
	}
	// tClose/tOr/tAnd where a term was expected: skip.
	return nil, nil
}

func countTerms(n *node) int {
	if n == nil {
		return 0
	}
	switch n.kind {
	case nTerm:
		return 1
	case nPhrase:
		return len(strings.Fields(n.text))
	}
	c := 0
	for _, k := range n.kids {
		c += countTerms(k)
	}
	return c
}

// simplify flattens nested ANDs and ORs and removes empty groups; it returns
// nil for an empty query.
func simplify(n *node) *node {
	if n == nil {
		return nil
	}
	switch n.kind {
	case nTerm, nPhrase:
		return n
	case nNot:
		k := simplify(n.kids[0])
		if k == nil {
			return nil
		}
		if k.kind == nNot {
			return k
		}
		return &node{kind: nNot, kids: []*node{k}}
	}
	out := &node{kind: n.kind, syn: n.syn}
	for _, k := range n.kids {
		k = simplify(k)
		if k == nil {
			continue
		}
		if k.kind == n.kind && !k.syn && !n.syn {
			out.kids = append(out.kids, k.kids...)
		} else {
			out.kids = append(out.kids, k)
		}
	}
	switch len(out.kids) {
	case 0:
		return nil
	case 1:
		return out.kids[0]
	}
	return out
}
