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

// Fields users may name in a query ("publisher:nao"). Anything else before a
// colon is plain text.
var queryFields = map[string]bool{
	"title": true, "publisher": true, "type": true, "theme": true,
	"year": true, "area": true, "region": true,
}

// Node is a node of a query tree: *Term, *Phrase, *And, *Or or *Not.
// Parse builds trees; code may build them too (NewQuery).
type Node interface {
	// String renders the node in the syntax Parse accepts.
	String() string
	isNode()
}

// Term is one word (it may analyze to several tokens, which then match
// anywhere in the field).
type Term struct {
	Field string // "" = the default text fields; else a field of the query syntax (or an internal one)
	Text  string // lower-cased
	// Boost weights the term (0 means 1). Parse never sets it: queries
	// built in code (LikeQuery) do, and String does not show it.
	Boost float64
}

// Phrase is words in order ("quoted words").
type Phrase struct {
	Field string
	Text  string // lower-cased words, one space apart
	Boost float64
}

// And requires every kid.
type And struct{ Kids []Node }

// Or requires one kid at least.
type Or struct {
	Kids []Node
	// Synonyms marks an OR that synonym expansion added: its first kid is
	// what was asked for, the rest its alternatives (String shows only
	// the first).
	Synonyms bool
}

// Not excludes what Kid matches.
type Not struct{ Kid Node }

func (*Term) isNode()   {}
func (*Phrase) isNode() {}
func (*And) isNode()    {}
func (*Or) isNode()     {}
func (*Not) isNode()    {}

func (n *Term) String() string   { return nodeString(n) }
func (n *Phrase) String() string { return nodeString(n) }
func (n *And) String() string    { return nodeString(n) }
func (n *Or) String() string     { return nodeString(n) }
func (n *Not) String() string    { return nodeString(n) }

func nodeString(n Node) string {
	var b strings.Builder
	writeNode(&b, n, false)
	return b.String()
}

// leafOf is a Term's or a Phrase's field, text and boost; ok is false for
// other nodes.
func leafOf(n Node) (field, text string, boost float64, ok bool) {
	switch n := n.(type) {
	case *Term:
		return n.Field, n.Text, n.Boost, true
	case *Phrase:
		return n.Field, n.Text, n.Boost, true
	}
	return "", "", 0, false
}

// Walk calls visit with n and then, while visit returns true, with the
// nodes under it, depth first, in order.
func Walk(n Node, visit func(Node) bool) {
	if n == nil || !visit(n) {
		return
	}
	switch n := n.(type) {
	case *And:
		for _, k := range n.Kids {
			Walk(k, visit)
		}
	case *Or:
		for _, k := range n.Kids {
			Walk(k, visit)
		}
	case *Not:
		Walk(n.Kid, visit)
	}
}

// Query is a parsed user query (or one built in code): a small tree of
// terms, phrases, OR groups, exclusions and fielded terms. The zero Query
// is empty and matches every document.
type Query struct {
	root Node
}

// NewQuery is the query of the tree n, simplified (Simplify).
func NewQuery(n Node) Query { return Query{root: Simplify(n)} }

// Root is the query's tree, nil when the query is empty. Don't change it:
// build another (NewQuery).
func (q Query) Root() Node { return q.root }

// Empty reports whether the query has no terms (browse everything).
func (q Query) Empty() bool { return q.root == nil }

// String renders the query in the syntax Parse accepts (lower-cased,
// normalised). Synonym expansions are not shown.
func (q Query) String() string {
	if q.root == nil {
		return ""
	}
	return nodeString(q.root)
}

func writeField(b *strings.Builder, field string) {
	if field != "" {
		b.WriteString(field)
		b.WriteByte(':')
	}
}

func writeNode(b *strings.Builder, n Node, inOr bool) {
	switch n := n.(type) {
	case *Term:
		writeField(b, n.Field)
		if needsQuotes(n.Text) {
			b.WriteByte('"')
			b.WriteString(n.Text)
			b.WriteByte('"')
		} else {
			b.WriteString(n.Text)
		}
	case *Phrase:
		writeField(b, n.Field)
		b.WriteByte('"')
		b.WriteString(n.Text)
		b.WriteByte('"')
	case *Not:
		b.WriteByte('-')
		writeGrouped(b, n.Kid)
	case *And:
		if inOr {
			b.WriteByte('(')
		}
		for i, k := range n.Kids {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeNode(b, k, false)
		}
		if inOr {
			b.WriteByte(')')
		}
	case *Or:
		if n.Synonyms {
			writeNode(b, n.Kids[0], inOr)
			return
		}
		for i, k := range n.Kids {
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
func writeGrouped(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case *And:
		b.WriteByte('(')
		writeNode(b, n, false)
		b.WriteByte(')')
		return
	case *Or:
		if !n.Synonyms {
			b.WriteByte('(')
			writeNode(b, n, false)
			b.WriteByte(')')
			return
		}
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
	return NewQuery(root), nil
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
func (p *parser) parseAnd(depth int) (Node, error) {
	and := &And{}
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
			and.Kids = append(and.Kids, n)
		}
	}
	return and, nil
}

// parseOr reads unary (OR unary)*.
func (p *parser) parseOr(depth int) (Node, error) {
	first, err := p.parseUnary(depth)
	if err != nil {
		return nil, err
	}
	or := &Or{}
	if first != nil {
		or.Kids = append(or.Kids, first)
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
			or.Kids = append(or.Kids, n)
		}
	}
	switch len(or.Kids) {
	case 0:
		return nil, nil
	case 1:
		return or.Kids[0], nil
	}
	return or, nil
}

func (p *parser) parseUnary(depth int) (Node, error) {
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
		if _, ok := n.(*Not); ok { // "- -x" is still an exclusion
			return n, nil
		}
		return &Not{Kid: n}, nil
	}
	p.pos++
	switch t.kind {
	case tWord:
		return &Term{Field: t.field, Text: t.text}, nil
	case tPhrase:
		if t.text == "" {
			return nil, nil
		}
		// A quoted word the analyzer may split ("multi-agency") stays a
		// phrase: unquoted, its parts match apart.
		if !strings.ContainsFunc(t.text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			return &Term{Field: t.field, Text: t.text}, nil
		}
		return &Phrase{Field: t.field, Text: t.text}, nil
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

func countTerms(n Node) int {
	switch n := n.(type) {
	case *Term:
		return 1
	case *Phrase:
		return len(strings.Fields(n.Text))
	case *Not:
		return countTerms(n.Kid)
	case *And:
		return countKids(n.Kids)
	case *Or:
		return countKids(n.Kids)
	}
	return 0
}

func countKids(kids []Node) int {
	c := 0
	for _, k := range kids {
		c += countTerms(k)
	}
	return c
}

// Simplify flattens nested ANDs and ORs (not the ORs of synonyms) and
// removes empty groups and double exclusions; it returns nil for an empty
// tree. It builds new groups and keeps n's leaves.
func Simplify(n Node) Node {
	switch n := n.(type) {
	case *Term, *Phrase:
		return n
	case *Not:
		k := Simplify(n.Kid)
		if k == nil {
			return nil
		}
		if _, ok := k.(*Not); ok {
			return k
		}
		return &Not{Kid: k}
	case *And:
		kids := simplifyKids(n.Kids, func(k Node) []Node {
			if a, ok := k.(*And); ok {
				return a.Kids
			}
			return nil
		})
		if len(kids) < 2 {
			return only(kids)
		}
		return &And{Kids: kids}
	case *Or:
		kids := simplifyKids(n.Kids, func(k Node) []Node {
			if o, ok := k.(*Or); ok && !o.Synonyms && !n.Synonyms {
				return o.Kids
			}
			return nil
		})
		if len(kids) < 2 {
			return only(kids)
		}
		return &Or{Kids: kids, Synonyms: n.Synonyms}
	}
	return nil
}

// simplifyKids simplifies kids, dropping empty ones and putting in the
// kids of those flat gives kids of (a group of the same kind).
func simplifyKids(kids []Node, flat func(Node) []Node) []Node {
	var out []Node
	for _, k := range kids {
		k = Simplify(k)
		if k == nil {
			continue
		}
		if ks := flat(k); ks != nil {
			out = append(out, ks...)
		} else {
			out = append(out, k)
		}
	}
	return out
}

// only is the one node of kids, or nil for none.
func only(kids []Node) Node {
	if len(kids) == 0 {
		return nil
	}
	return kids[0]
}
