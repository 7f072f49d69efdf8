package index

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Snippets from the index's term vectors.
//
// Finding the words of a query in the stored texts of the hits shown
// (snippet_scan.go) was most of the CPU of a search: tokenising,
// lowercasing and stemming bodies on every read. The index already did
// that work once, when each document was written, and kept it: every text
// field has term vectors (phrases need them), the byte offsets of each
// token. Spots reads those offsets for the query's terms in the hits shown,
// and the snippets are cut from the text around them; no text is analysed.
// The index analysed the same text with the same analysis, so the tokens
// are the ones Snippets would find. When the text is not the one indexed
// (written since, or an index of another version) an offset does not land
// on its term, and the text is scanned as before.

// Snippet fields: where Spots.Snippets cuts snippets from.
const (
	SpotTitle   = "title"
	SpotSummary = "summary"
	SpotBody    = "body"
)

// SpotDoc names a document whose spots are wanted. The caller decides who
// may read what: a members-only document's summary and body are read only
// when Members is set (they sit in the members' fields), so a caller must
// ask only for documents its reader may read.
type SpotDoc struct {
	ID      string
	Members bool // the document is members-only
}

// Spots are where a query's words sit in one document's title, summary and
// body, as the index recorded them. A nil *Spots is valid: its Snippets
// scan the text.
type Spots struct {
	fields map[string][]analysis.Token // snippet field -> tokens of query terms, in text order
	q      Node                        // the query's tree, and
	group  map[string]int              // its termGroups, shared by the documents of one call
}

// groups returns q.termGroups(), computed once per Index.Spots call.
func (s *Spots) groups(q Query) map[string]int {
	if q.root == s.q && s.group != nil {
		return s.group
	}
	return q.termGroups()
}

// Has reports whether a word of the query sits in field: when it does not,
// Snippets of that field is nil, and its text need not be loaded.
func (s *Spots) Has(field string) bool { return len(s.fields[field]) > 0 }

// Spots returns the spots of q's words (pass Result.Highlight, as to
// Snippets) in docs, by id. Documents the index does not hold are left out.
func (ix *Index) Spots(ctx context.Context, q Query, docs []SpotDoc) (map[string]*Spots, error) {
	group := q.termGroups()
	if len(group) == 0 || len(docs) == 0 {
		return nil, nil
	}
	terms := make([]string, 0, len(group))
	for t := range group {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	// One copy of each term's bytes, shared by its tokens: a copy per
	// token was a search's largest allocation (~140 KB at 10k documents).
	termBytes := make([][]byte, len(terms))
	for i, t := range terms {
		termBytes[i] = []byte(t)
	}
	out := make(map[string]*Spots, len(docs))
	err := ix.withReader(func(r indexReader) error {
		type found struct {
			iid     bindex.IndexInternalID
			members bool
			spots   *Spots
		}
		var fs []found
		for _, d := range docs {
			if _, dup := out[d.ID]; dup {
				continue
			}
			iid, err := r.InternalID(d.ID)
			if err != nil {
				return err
			}
			if len(iid) == 0 {
				continue
			}
			s := &Spots{fields: map[string][]analysis.Token{}, q: q.root, group: group}
			out[d.ID] = s
			fs = append(fs, found{iid: slices.Clone(iid), members: d.Members, spots: s})
		}
		slices.SortFunc(fs, func(a, b found) int { return bytes.Compare(a.iid, b.iid) })
		read := func(field, name string, members bool) error {
			for _, tb := range termBytes {
				if err := ctx.Err(); err != nil {
					return err
				}
				tfr, err := r.TermFieldReader(ctx, tb, field, true, false, true)
				if err != nil {
					return err
				}
				var cur *bindex.TermFieldDoc
				var reuse bindex.TermFieldDoc // its vectors are copied out before the next Advance
				for _, f := range fs {
					if f.members != members {
						continue
					}
					if cur == nil || bytes.Compare(cur.ID, f.iid) < 0 {
						if cur, err = tfr.Advance(f.iid, &reuse); err != nil {
							_ = tfr.Close()
							return err
						}
						if cur == nil {
							break // no later document holds t
						}
					}
					if !bytes.Equal(cur.ID, f.iid) {
						continue
					}
					toks := slices.Grow(f.spots.fields[name], len(cur.Vectors))
					for _, v := range cur.Vectors {
						toks = append(toks, analysis.Token{Term: tb, Start: int(v.Start), End: int(v.End)})
					}
					f.spots.fields[name] = toks
				}
				if err := tfr.Close(); err != nil {
					return err
				}
			}
			return nil
		}
		for _, members := range []bool{false, true} {
			if !slices.ContainsFunc(fs, func(f found) bool { return f.members == members }) {
				continue
			}
			summary, body := fSummary, fBody
			if members {
				summary, body = fMSummary, fMBody
			}
			for _, fl := range [][2]string{{fTitle, SpotTitle}, {summary, SpotSummary}, {body, SpotBody}} {
				if err := read(fl[0], fl[1], members); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index: spots: %w", err)
	}
	for _, s := range out {
		for _, toks := range s.fields {
			slices.SortFunc(toks, func(a, b analysis.Token) int { return a.Start - b.Start })
		}
	}
	return out, nil
}

// Snippets returns Snippets(text, q, max, width), text being the value of
// field (SpotTitle, SpotSummary or SpotBody) the document was indexed with,
// cut around the spots rather than found by analysing text.
func (s *Spots) Snippets(field, text string, q Query, max, width int) []string {
	if s == nil {
		return Snippets(text, q, max, width)
	}
	if out, ok := snippetsAt(text, s.fields[field], s.groups(q), max, width); ok {
		return out
	}
	return Snippets(text, q, max, width)
}

// PageSnippets returns the first page (counting from 1) of pages that
// Snippets(page, q, max, width) cuts snippets from, and those, or 0 and
// nil. body is the body the document was indexed with: when it is the
// pages joined by blank lines (as the PDF extractor makes it), its spots
// give each page's.
func (s *Spots) PageSnippets(body string, pages []string, q Query, max, width int) (int, []string) {
	var local [][]analysis.Token
	var group map[string]int
	if s != nil {
		local = pageSpots(s.fields[SpotBody], body, pages)
		group = s.groups(q)
	}
	for i, page := range pages {
		var out []string
		done := false
		if local != nil {
			out, done = snippetsAt(page, local[i], group, max, width)
		}
		if !done {
			out = Snippets(page, q, max, width)
		}
		if len(out) > 0 {
			return i + 1, out
		}
	}
	return 0, nil
}

// pageSpots splits spots, those of body, by page, with offsets into the
// page, when body is pages joined by blank lines (else nil).
func pageSpots(spots []analysis.Token, body string, pages []string) [][]analysis.Token {
	if !joinedBy(body, pages, "\n\n") {
		return nil
	}
	out := make([][]analysis.Token, len(pages))
	off := 0
	for i, page := range pages {
		k := 0
		for k < len(spots) && spots[k].Start < off+len(page) {
			k++
		}
		out[i] = make([]analysis.Token, k)
		for j, t := range spots[:k] {
			t.Start -= off
			t.End -= off
			out[i][j] = t
		}
		spots = spots[k:]
		for len(spots) > 0 && spots[0].Start < off+len(page)+2 {
			spots = spots[1:] // none sits in the blank lines; a wrong one fails on its page
		}
		off += len(page) + 2
	}
	return out
}

// joinedBy reports whether s is parts joined by sep.
func joinedBy(s string, parts []string, sep string) bool {
	n := len(sep) * max2(0, len(parts)-1)
	for _, p := range parts {
		n += len(p)
	}
	if n != len(s) {
		return false
	}
	for i, p := range parts {
		if i > 0 {
			if !strings.HasPrefix(s, sep) {
				return false
			}
			s = s[len(sep):]
		}
		if !strings.HasPrefix(s, p) {
			return false
		}
		s = s[len(p):]
	}
	return true
}

// snippetsAt is Snippets(text, q, max, width) with spots, the tokens of
// text whose terms are q's words (group is q.termGroups()) in text order,
// given rather than found.
// It reports false when a spot does not sit on a word of its term in text
// (text is not what was indexed); the caller then scans.
func snippetsAt(text string, spots []analysis.Token, group map[string]int, max, width int) ([]string, bool) {
	if max <= 0 || text == "" {
		return nil, true
	}
	width = min(maxSnippetWidth, width)
	width = max2(minSnippetWidth, width)
	if len(group) == 0 {
		return nil, true
	}
	// Snippets reads only the first maxSnippetText bytes. Their tokens
	// are the whole text's, but for the word the cut falls in, whose
	// white-space-delimited run is analysed on its own (as the scan does;
	// valid UTF-8 is segmented run by run).
	var tail []*analysis.Token
	keep, cutAt := len(text), false
	if len(text) > maxSnippetText {
		cutAt = true
		if !utf8.ValidString(text) {
			return nil, false
		}
		cut := maxSnippetText
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		keep = spanStart(text, cut)
		text = text[:cut]
		if keep < cut {
			a, err := sharedAnalyzers()
			if err != nil {
				return nil, false
			}
			want := make(map[string]bool, len(group))
			for t := range group {
				want[t] = true
			}
			for _, t := range matchTokensFull(a, text[keep:], want, maxSnippetMatches) {
				t.Start += keep
				t.End += keep
				tail = append(tail, t)
			}
		}
	}
	matches := make([]*analysis.Token, 0, min(len(spots)+len(tail), maxSnippetMatches))
	for i := range spots {
		t := &spots[i]
		if cutAt && t.End > keep {
			break // past the cut, or the word it falls in
		}
		if _, ok := group[string(t.Term)]; !ok || !sitsOn(text, t) {
			return nil, false
		}
		if len(matches) == maxSnippetMatches {
			break
		}
		matches = append(matches, t)
	}
	for _, t := range tail {
		if len(matches) == maxSnippetMatches {
			break
		}
		matches = append(matches, t)
	}
	cands := windows(text, matches, group, width)
	picked := pick(cands, max)
	if len(picked) == 0 {
		return nil, true
	}
	return render(text, picked, matches), true
}

// sitsOn reports whether t's offsets hold, in text, a word that may have
// t's term: the English analysis changes a word only at its end, so the
// word, lowercased, starts with the term's first letters
// (snippetPrefixLen).
func sitsOn(text string, t *analysis.Token) bool {
	if t.Start < 0 || t.End <= t.Start || t.End > len(text) {
		return false
	}
	if !utf8.RuneStart(text[t.Start]) || t.End < len(text) && !utf8.RuneStart(text[t.End]) {
		return false
	}
	p := t.Term[:snippetPrefixLen(string(t.Term))]
	w := text[t.Start:t.End]
	ascii := len(w) >= len(p)
	for i := 0; ascii && i < len(p); i++ {
		c := w[i]
		if c >= utf8.RuneSelf || p[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return ascii || strings.HasPrefix(strings.ToLower(w), string(p))
}
