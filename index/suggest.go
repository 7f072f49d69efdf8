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
		corrected = rewriteTerms(root, func(n *Term) Node {
			if n.Field != "" && n.Field != fTitle {
				return n
			}
			w := ix.an.words(n.Text)
			if len(w) != 1 || ix.termExists(ctx, r, w[0], c) {
				return n
			}
			if alt := closestWord(fz, n.Text); alt != "" {
				changed = true
				return &Term{Field: n.Field, Text: alt}
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
func rewriteTerms(n Node, f func(*Term) Node) Node {
	switch n := n.(type) {
	case *Term:
		return f(n)
	case *And:
		return &And{Kids: rewriteKids(n.Kids, f)}
	case *Or:
		return &Or{Kids: rewriteKids(n.Kids, f), Synonyms: n.Synonyms}
	}
	return n // phrases and exclusions stay
}

func rewriteKids(kids []Node, f func(*Term) Node) []Node {
	out := make([]Node, 0, len(kids))
	for _, k := range kids {
		out = append(out, rewriteTerms(k, f))
	}
	return out
}

// loosen turns a top-level AND of two or more positive clauses into an OR,
// keeping exclusions. It returns nil when there is nothing to loosen.
func loosen(n Node) Node {
	and, ok := n.(*And)
	if !ok {
		return nil
	}
	var pos, neg []Node
	for _, k := range and.Kids {
		if _, ok := k.(*Not); ok {
			neg = append(neg, k)
		} else {
			pos = append(pos, k)
		}
	}
	if len(pos) < 2 {
		return nil
	}
	or := &Or{Kids: pos}
	if len(neg) == 0 {
		return or
	}
	return &And{Kids: append([]Node{or}, neg...)}
}

// anyHit reports whether q, with req's filters and access, finds anything.
func (ix *Index) anyHit(ctx context.Context, req Request, q Query, c *compiler) bool {
	text := c.compile(ix.Expand(q))
	sr := bleve.NewSearchRequestOptions(ix.assemble(text, req.Filters, req.Excludes, req.narrow()), 0, 0, false)
	sr.Score = "none"
	res, err := ix.bi.SearchInContext(ctx, sr)
	return err == nil && res.Total > 0
}
