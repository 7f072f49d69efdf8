package index

import (
	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Matching fields. A word of a query used to be a disjunction of term
// searches over the six public text fields (nine for members), and a
// search of one to three words a conjunction of those: Bleve walked every
// field's postings of every word and merged them document by document,
// about 60% of a search's CPU. fAll holds every word any reader may
// search of a document (title, summary, theme labels, extra text,
// publisher and body of public documents; the title, theme labels and
// publisher of members-only ones), what a reader without members' access
// searches; fMAll, what members search, holds every word of every
// document. A word is one term search, of one of them. They
// keep no term vectors and store nothing: snippets and phrases read the
// fields they always read.
//
// Relevance keeps the fields' weights: each field's terms count weight
// times in the matching field (frequency and length), so a word in a
// title counts as four in the text, one in a summary as two, one in a
// body as one.

// matchPart is a field whose terms a matching field holds, weight times.
type matchPart struct {
	field  document.Field
	weight int
}

// matchField is a matching field: the terms of its parts, merged after
// they are analysed (Bleve analyses a document's fields in order, and a
// matchField is added after its parts), so no text is analysed twice.
type matchField struct {
	name        string
	parts       []matchPart
	same        *matchField // analysed before: this field holds the same terms
	length      int
	frequencies bindex.TokenFrequencies
}

var _ document.Field = (*matchField)(nil)

func (f *matchField) Name() string             { return f.name }
func (f *matchField) ArrayPositions() []uint64 { return nil }
func (f *matchField) Options() bindex.FieldIndexingOptions {
	return bindex.IndexField
}
func (f *matchField) Value() []byte             { return nil }
func (f *matchField) NumPlainTextBytes() uint64 { return 0 }
func (f *matchField) EncodedFieldType() byte    { return 't' }
func (f *matchField) AnalyzedLength() int       { return f.length }
func (f *matchField) AnalyzedTokenFrequencies() bindex.TokenFrequencies {
	return f.frequencies
}

// Size estimates the memory the field holds (Bleve's accounting).
func (f *matchField) Size() int {
	n := 64 + len(f.name) + 16*len(f.parts)
	if f.frequencies != nil {
		n += f.frequencies.Size()
	}
	return n
}

// Analyze merges the parts' term frequencies, each times its weight.
func (f *matchField) Analyze() {
	if f.same != nil && f.same.frequencies != nil {
		// Bleve only reads a field's frequencies: they may be shared.
		f.length, f.frequencies = f.same.length, f.same.frequencies
		return
	}
	freqs := bindex.TokenFrequencies{}
	length := 0
	for _, p := range f.parts {
		pf := p.field.AnalyzedTokenFrequencies()
		if pf == nil { // not analysed yet: cannot happen in Bleve's order, but stays right
			p.field.Analyze()
			pf = p.field.AnalyzedTokenFrequencies()
		}
		length += p.field.AnalyzedLength() * p.weight
		for term, tf := range pf {
			n := tf.Frequency() * p.weight
			if have, ok := freqs[term]; ok {
				have.SetFrequency(have.Frequency() + n)
				continue
			}
			mt := &bindex.TokenFreq{Term: tf.Term}
			mt.SetFrequency(n)
			freqs[term] = mt
		}
	}
	f.length, f.frequencies = length, freqs
}

// matchFields returns the matching fields of d, whose text fields are
// already added: fAll of what every reader may search, and fMAll of every
// word.
func matchFields(d *document.Document) []document.Field {
	var public, every []matchPart
	for _, fl := range d.Fields {
		w, ok := fieldWeight[fl.Name()]
		if !ok {
			continue
		}
		part := matchPart{fl, w}
		every = append(every, part)
		if !memberOnly[fl.Name()] {
			public = append(public, part)
		}
	}
	if len(every) == 0 {
		return nil
	}
	all := &matchField{name: fAll, parts: public}
	mall := &matchField{name: fMAll, parts: every}
	if len(every) == len(public) {
		mall.same = all // a public document: every word is public
	}
	if len(public) == 0 {
		return []document.Field{mall}
	}
	return []document.Field{all, mall}
}

// fieldWeight is the weight of each default text field (publicFields and
// memberFields); memberOnly marks the members' ones.
var fieldWeight, memberOnly = func() (map[string]int, map[string]bool) {
	w, m := map[string]int{}, map[string]bool{}
	for _, f := range publicFields {
		w[f.name] = int(f.boost)
	}
	for _, f := range memberFields {
		w[f.name] = int(f.boost)
		m[f.name] = true
	}
	return w, m
}()
