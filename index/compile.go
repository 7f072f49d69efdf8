package index

import (
	"github.com/blevesearch/bleve/v2/search/query"
	"slices"
)

// weightedField is a text field searched by default, with its boost.
type weightedField struct {
	name  string
	boost float64
}

// Default text fields. Title outweighs summary and theme labels, which
// outweigh the body. The m_ fields hold members-only text and are added only
// for members: the access rule lives in which fields a query can reach.
var (
	publicFields = []weightedField{
		{fTitle, 4}, {fSummary, 2}, {fThemeLabels, 2}, {fExtra, 2}, {fPublisherTx, 2}, {fBody, 1},
	}
	memberFields = []weightedField{
		{fMSummary, 2}, {fMExtra, 2}, {fMBody, 1},
	}
)

// fieldTargets lists the Bleve fields a fielded term searches.
var fieldTargets = map[string][]weightedField{
	fTitle:     {{fTitle, 1}},
	fPublisher: {{fPublisherTx, 1}},
	fType:      {{fTypeTx, 1}},
	fTheme:     {{fThemeTx, 1}, {fThemeLabels, 1}},
	fArea:      {{fAreaTx, 1}},
	fRegion:    {{fRegionTx, 1}},
	fLikeText:  {{fTitle, 2}, {fSummary, 1}},
}

// memberLikeText is what fLikeText adds for readers with members' access.
var memberLikeText = weightedField{fMSummary, 1}

// compiler turns our query tree into a Bleve query for one reader.
type compiler struct {
	an      *analyzers
	fields  []weightedField // default fields this reader may search
	match   string          // the matching field this reader searches (fAll or fMAll)
	members bool
}

func newCompiler(an *analyzers, members bool) *compiler {
	c := &compiler{an: an, fields: publicFields, match: fAll, members: members}
	if members {
		c.match = fMAll
		c.fields = append(append([]weightedField(nil), publicFields...), memberFields...)
	}
	return c
}

// compile returns the Bleve query for q, or nil when q has no terms (match
// everything). A query whose words are all stop words matches nothing.
func (c *compiler) compile(q Query) query.Query {
	if q.root == nil {
		return nil
	}
	if bq, ok := c.node(q.root); ok {
		return bq
	}
	if onlyExclusions(q.root) {
		return nil
	}
	return query.NewMatchNoneQuery()
}

func onlyExclusions(n Node) bool {
	switch n := n.(type) {
	case *Not:
		return true
	case *And:
		for _, k := range n.Kids {
			if _, ok := k.(*Not); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// node compiles n; ok is false when n vanished (stop words only).
func (c *compiler) node(n Node) (query.Query, bool) {
	switch n := n.(type) {
	case *Term, *Phrase:
		return c.leaf(n)
	case *Not:
		k, ok := c.node(n.Kid)
		if !ok {
			return nil, false
		}
		b := query.NewBooleanQuery(nil, nil, nil)
		b.AddMust(query.NewMatchAllQuery())
		b.AddMustNot(k)
		return b, true
	case *Or:
		var qs []query.Query
		for _, k := range n.Kids {
			if q, ok := c.node(k); ok {
				qs = append(qs, q)
			}
		}
		switch len(qs) {
		case 0:
			return nil, false
		case 1:
			return qs[0], true
		}
		return query.NewDisjunctionQuery(qs), true
	case *And:
		return c.and(n)
	}
	return nil, false
}

// and compiles an AND: its exclusions become must-nots.
func (c *compiler) and(n *And) (query.Query, bool) {
	var must, not []query.Query
	for _, k := range n.Kids {
		if x, ok := k.(*Not); ok {
			if q, ok := c.node(x.Kid); ok {
				not = append(not, q)
			}
			continue
		}
		if q, ok := c.node(k); ok {
			must = append(must, q)
		}
	}
	if len(must) == 0 && len(not) == 0 {
		return nil, false
	}
	if len(not) == 0 {
		if len(must) == 1 {
			return must[0], true
		}
		return query.NewConjunctionQuery(must), true
	}
	b := query.NewBooleanQuery(nil, nil, nil)
	if len(must) == 0 {
		b.AddMust(query.NewMatchAllQuery())
	} else {
		b.AddMust(must...)
	}
	b.AddMustNot(not...)
	return b, true
}

// leaf compiles a Term or a Phrase.
func (c *compiler) leaf(n Node) (query.Query, bool) {
	field, text, boost, _ := leafOf(n)
	_, term := n.(*Term)
	if field == fYear || field == fIDSort {
		// Exact values. Only code builds id terms (LikeQuery leaves the
		// document itself out); Parse never reads an id field.
		tq := query.NewTermQuery(text)
		tq.SetField(field)
		return tq, true
	}
	targets := c.fields
	if field != "" {
		targets = fieldTargets[field]
		if field == fLikeText && c.members {
			targets = append(slices.Clip(targets), memberLikeText)
		}
	}
	ph := c.an.phrase(text)
	if len(ph) == 0 {
		return nil, false // stop words only
	}
	weight := 1.0
	if boost > 0 {
		weight = boost
	}
	if field == "" && len(ph) == 1 && len(ph[0]) == 1 {
		// One word of the default fields: one term search of the reader's
		// matching field, weighted by field (matchfield.go).
		tq := query.NewTermQuery(ph[0][0])
		tq.SetField(c.match)
		tq.SetBoost(weight)
		return tq, true
	}
	qs := make([]query.Query, 0, len(targets))
	for _, f := range targets {
		var q query.Query
		if len(ph) == 1 && len(ph[0]) == 1 {
			tq := query.NewTermQuery(ph[0][0])
			tq.SetField(f.name)
			tq.SetBoost(f.boost * weight)
			q = tq
		} else if term {
			// A word the analyzer splits ("multi-agency") matches its parts
			// anywhere in the field, as when typed apart: a phrase search
			// over long bodies took seconds at 100k resources. Quoted, it
			// is a phrase.
			q = allParts(ph, f.name, f.boost*weight)
		} else {
			pq := query.NewMultiPhraseQuery(ph, f.name)
			pq.SetBoost(f.boost * weight)
			q = pq
		}
		qs = append(qs, q)
	}
	if len(qs) == 1 {
		return qs[0], true
	}
	return query.NewDisjunctionQuery(qs), true
}

// allParts matches documents whose field holds a term of every position
// of ph.
func allParts(ph [][]string, field string, boost float64) query.Query {
	var must []query.Query
	for _, alts := range ph {
		var any []query.Query
		for _, t := range alts {
			tq := query.NewTermQuery(t)
			tq.SetField(field)
			tq.SetBoost(boost)
			any = append(any, tq)
		}
		switch len(any) {
		case 0: // a stop word's place
		case 1:
			must = append(must, any[0])
		default:
			must = append(must, query.NewDisjunctionQuery(any))
		}
	}
	return query.NewConjunctionQuery(must)
}

// keywordAny matches documents whose keyword field has any of values.
func keywordAny(field string, values []string) query.Query {
	qs := make([]query.Query, 0, len(values))
	for _, v := range values {
		tq := query.NewTermQuery(v)
		tq.SetField(field)
		tq.SetBoost(0) // filters must not change relevance
		qs = append(qs, tq)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}
