package index

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"
)

type indexReader = bindex.IndexReader

// suggest proposes another query when req found nothing: first each
// positive word that no visible field contains is replaced by the closest
// word (edit distance <= 2, then the most frequent) from the spelling
// field; if that finds nothing, or every word exists, the positive words
// are OR-ed. A proposal is returned only if it finds something. It costs a
// couple of dictionary lookups and at most two counting searches, and runs
// only for empty results.
func (ix *Index) suggest(ctx context.Context, req Request, c *compiler) string {
	root := req.query.root
	if root == nil {
		return ""
	}
	corrected := root
	changed := false
	err := ix.withReader(func(r indexReader) error {
		fz, ok := r.(bindex.IndexReaderFuzzy)
		if !ok {
			return nil
		}
		corrected = rewriteTerms(root, func(n *node) *node {
			if n.field != "" && n.field != fTitle {
				return n
			}
			w := ix.an.words(n.text)
			if len(w) != 1 || ix.termExists(ctx, r, w[0], c) {
				return n
			}
			if alt := closestWord(fz, n.text); alt != "" {
				changed = true
				return &node{kind: nTerm, field: n.field, text: alt}
			}
			return n
		})
		return nil
	})
	if err != nil {
		return ""
	}
	if changed && ix.anyHit(ctx, req, Query{root: corrected}, c) {
		return Query{root: corrected}.String()
	}
	if loose := loosen(corrected); loose != nil && ix.anyHit(ctx, req, Query{root: loose}, c) {
		return Query{root: loose}.String()
	}
	return ""
}

// termExists reports whether any field the reader may search holds term.
func (ix *Index) termExists(ctx context.Context, r indexReader, term string, c *compiler) bool {
	for _, f := range c.fields {
		tfr, err := r.TermFieldReader(ctx, []byte(term), f.name, false, false, false)
		if err != nil {
			continue
		}
		n := tfr.Count()
		_ = tfr.Close()
		if n > 0 {
			return true
		}
	}
	return false
}

// closestWord returns the spelling-field word nearest to w.
func closestWord(fz bindex.IndexReaderFuzzy, w string) string {
	if len([]rune(w)) < 3 {
		return ""
	}
	best, bestDist, bestCount := "", 3, uint64(0)
	for fuzz := 1; fuzz <= 2 && best == ""; fuzz++ {
		d, err := fz.FieldDictFuzzy(fSpell, w, fuzz, "")
		if err != nil {
			return ""
		}
		for {
			e, err := d.Next()
			if err != nil || e == nil {
				break
			}
			if e.Term == w {
				continue
			}
			dist := levenshtein(w, e.Term)
			if dist < bestDist || (dist == bestDist && e.Count > bestCount) {
				best, bestDist, bestCount = e.Term, dist, e.Count
			}
		}
		_ = d.Close()
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// rewriteTerms copies n, replacing positive term leaves with f's result.
func rewriteTerms(n *node, f func(*node) *node) *node {
	switch n.kind {
	case nTerm:
		return f(n)
	case nPhrase, nNot:
		return n
	}
	out := &node{kind: n.kind, field: n.field, text: n.text, syn: n.syn}
	for _, k := range n.kids {
		out.kids = append(out.kids, rewriteTerms(k, f))
	}
	return out
}

// loosen turns a top-level AND of two or more positive clauses into an OR,
// keeping exclusions. It returns nil when there is nothing to loosen.
func loosen(n *node) *node {
	if n.kind != nAnd {
		return nil
	}
	var pos, neg []*node
	for _, k := range n.kids {
		if k.kind == nNot {
			neg = append(neg, k)
		} else {
			pos = append(pos, k)
		}
	}
	if len(pos) < 2 {
		return nil
	}
	or := &node{kind: nOr, kids: pos}
	if len(neg) == 0 {
		return or
	}
	return &node{kind: nAnd, kids: append([]*node{or}, neg...)}
}

// anyHit reports whether q, with req's filters and access, finds anything.
func (ix *Index) anyHit(ctx context.Context, req Request, q Query, c *compiler) bool {
	text := c.compile(ix.Expand(q))
	sr := bleve.NewSearchRequestOptions(ix.assemble(text, req.Filters, req.Excludes, req.dateRange().query()), 0, 0, false)
	sr.Score = "none"
	res, err := ix.bi.SearchInContext(ctx, sr)
	return err == nil && res.Total > 0
}
