package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Like describes a document to find others like it ("similar items"). The
// index uses nothing but what is given here: the caller decides which of
// the document's text the reader may see, and must leave a members-only
// summary out for a reader without access.
type Like struct {
	// ID is the document itself, left out of the results.
	ID      string
	Title   string
	Summary string
	// Themes are taxonomy slugs; Type, Publisher and Area keyword values.
	Themes                []string
	Type, Publisher, Area string
}

// Weights of the parts of a Like query. Shared themes say most about
// likeness; the same type, publisher or area a little. Words weigh 1 (times
// their field's weight), and rare words outscore common ones by themselves.
const (
	likeThemeBoost = 3
	likeMetaBoost  = 0.5
	// maxLikeWords bounds the words taken from the text, and maxLikeThemes
	// the themes, so the query stays small whatever the document holds.
	maxLikeWords  = 12
	maxLikeThemes = 10
	// likeTitleWeight counts a title word as this many summary words.
	likeTitleWeight = 2
)

// likeDFFields are the public text fields in which a word's rarity is
// counted: members-only text never influences which words are chosen.
// fLikeText is the fielded target of LikeQuery's words: titles and public
// summaries, not bodies. Over bodies, a dozen words match nearly every
// long document, and a resource page took ~300 ms at 100k resources. Parse
// never produces it (not in queryFields).
const fLikeText = "liketext"

var likeDFFields = []string{fTitle, fSummary, fBody}

// LikeQuery returns a query (an OR) matching documents that share any of
// l's themes, its type, publisher or area, or its significant words: up to
// maxLikeWords words of the title and summary, chosen by how often they
// occur there (title words count double) times how rare they are in the
// index. A word no other document holds can find no neighbour, so it comes
// last. The document itself (l.ID) is excluded. The query is empty when l
// gives nothing to go on; don't search with it then (an empty query
// matches everything).
func (ix *Index) LikeQuery(ctx context.Context, l Like) (Query, error) {
	var kids []Node
	themes := dedupe(l.Themes)
	if len(themes) > maxLikeThemes {
		themes = themes[:maxLikeThemes]
	}
	for _, t := range themes {
		kids = appendLeaf(kids, fTheme, t, likeThemeBoost)
	}
	kids = appendLeaf(kids, fType, l.Type, likeMetaBoost)
	kids = appendLeaf(kids, fPublisher, l.Publisher, likeMetaBoost)
	kids = appendLeaf(kids, fArea, l.Area, likeMetaBoost)
	words, err := ix.significantWords(ctx, l.Title, l.Summary)
	if err != nil {
		return Query{}, err
	}
	for _, w := range words {
		kids = appendLeaf(kids, fLikeText, w, 1)
	}
	if len(kids) == 0 {
		return Query{}, nil
	}
	var root Node = &Or{Kids: kids}
	if l.ID != "" {
		// Not lower-cased: ids are exact values.
		self := &Term{Field: fIDSort, Text: l.ID}
		root = &And{Kids: []Node{root, &Not{Kid: self}}}
	}
	return NewQuery(root), nil
}

// appendLeaf adds a boosted term (one word) or phrase for a non-empty text.
func appendLeaf(kids []Node, field, text string, boost float64) []Node {
	text = strings.Join(strings.Fields(strings.ToLower(text)), " ")
	if text == "" {
		return kids
	}
	if strings.Contains(text, " ") {
		return append(kids, &Phrase{Field: field, Text: text, Boost: boost})
	}
	return append(kids, &Term{Field: field, Text: text, Boost: boost})
}

// likeWord is a candidate word: its stem, the word as written (which the
// query analyzes again, like a typed word), and its score.
type likeWord struct {
	stem, surface string
	weight        int    // occurrences, title ones counted likeTitleWeight times
	df            uint64 // documents holding it in a public text field
	score         float64
}

// significantWords picks the words of a Like's text to search for.
func (ix *Index) significantWords(ctx context.Context, title, summary string) ([]string, error) {
	byStem := map[string]*likeWord{}
	var cands []*likeWord
	for _, part := range []struct {
		text   string
		weight int
	}{{title, likeTitleWeight}, {summary, 1}} {
		for _, tok := range ix.an.english.Analyze([]byte(part.text)) {
			stem := string(tok.Term)
			w := byStem[stem]
			if w == nil {
				w = &likeWord{stem: stem, surface: strings.ToLower(part.text[tok.Start:tok.End])}
				byStem[stem] = w
				cands = append(cands, w)
			}
			w.weight += part.weight
		}
	}
	if len(cands) == 0 {
		return nil, nil
	}
	var total uint64
	err := ix.withReader(func(r indexReader) error {
		n, err := r.DocCount()
		if err != nil {
			return err
		}
		total = n
		for _, w := range cands {
			for _, f := range likeDFFields {
				tfr, err := r.TermFieldReader(ctx, []byte(w.stem), f, false, false, false)
				if err != nil {
					return err
				}
				w.df = max(w.df, tfr.Count())
				if err := tfr.Close(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index: like: word counts: %w", err)
	}
	for _, w := range cands {
		w.score = float64(w.weight) * math.Log(1+float64(total)/float64(max(w.df, 1)))
	}
	// The document itself is (usually) one of the df: a word with df <= 1
	// is found nowhere else. Ties keep the order of the text.
	slices.SortStableFunc(cands, func(a, b *likeWord) int {
		if ua, ub := a.df > 1, b.df > 1; ua != ub {
			if ua {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.score, a.score)
	})
	out := make([]string, 0, min(len(cands), maxLikeWords))
	for _, w := range cands[:min(len(cands), maxLikeWords)] {
		out = append(out, w.surface)
	}
	return out, nil
}

// maxLikeCache bounds the answers SearchLike keeps (the whole cache is
// dropped when full: it refills from the pages being viewed).
const maxLikeCache = 4096

// likeAnswer is a SearchLike answer and the index generation it is of.
type likeAnswer struct {
	gen  uint64
	hits []Hit
}

// SearchLike returns the first size hits of a search for LikeQuery(l),
// with members' access or not (Request.Members), and nil when l gives
// nothing to go on. Answers are kept until the next write to the index:
// a resource page asks the same of every view, and at 100k documents the
// search takes 150 ms.
func (ix *Index) SearchLike(ctx context.Context, l Like, members bool, size int) ([]Hit, error) {
	key := strings.Join(append([]string{l.ID, l.Title, l.Summary, l.Type, l.Publisher, l.Area,
		strconv.FormatBool(members), strconv.Itoa(size)}, l.Themes...), "\x00")
	gen := ix.gen.Load() // before searching: a write meanwhile makes the answer old at once
	ix.likeMu.Lock()
	a, ok := ix.likeCache[key]
	ix.likeMu.Unlock()
	if ok && a.gen == gen {
		return a.hits, nil
	}
	q, err := ix.LikeQuery(ctx, l)
	if err != nil || q.Empty() {
		return nil, err // an empty query would match everything
	}
	res, err := ix.Search(ctx, Request{query: q, parsed: true, Members: members, PerPage: size, NoFacets: true})
	if err != nil {
		return nil, err
	}
	ix.likeMu.Lock()
	if len(ix.likeCache) >= maxLikeCache || ix.likeCache == nil {
		ix.likeCache = map[string]likeAnswer{}
	}
	ix.likeCache[key] = likeAnswer{gen: gen, hits: res.Hits}
	ix.likeMu.Unlock()
	return res.Hits, nil
}
