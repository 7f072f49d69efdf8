package index

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
)

// MappingVersion is stored in the index. An index written with another
// version is reported as ErrNeedsRebuild. Bump it whenever buildMapping,
// fieldSpecs or buildDocument change what ends up in the index.
//
// Version 2: no docvalues (facets and sorts read postings; see facets.go
// and sortkeys.go).
// Version 3: the mapping is the same, but what library puts in a
// document's theme field changed (every broader theme a theme is under
// is indexed with it, for the theme hierarchy), so older indexes are
// rebuilt from the database.
//
// Version 4: matching fields (all, m_all: matchfield.go), one term search
// per word instead of a disjunction over every text field.
const MappingVersion = 4

// Field names inside Bleve. Text fields use the English analyzer; keyword
// fields hold one exact value per entry. No field has docvalues: facets and
// sorts are read from the postings, once per segment.
const (
	fTitle       = "title"
	fSummary     = "summary"
	fBody        = "body"
	fExtra       = "extra"
	fMSummary    = "m_summary" // members-only documents' summary
	fMBody       = "m_body"    // members-only documents' body
	fMExtra      = "m_extra"   // members-only documents' extra text
	fThemeLabels = "theme_labels"
	fPublisherTx = "publisher_text"
	fTypeTx      = "type_text"
	fThemeTx     = "theme_text"
	fAreaTx      = "area_text"
	fRegionTx    = "region_text"
	fAll         = "all"   // matching: every word any reader may search (matchfield.go)
	fMAll        = "m_all" // matching, for members: every word
	fSpell       = "spell" // unstemmed words of visible short text, for suggestions

	fPublisher = "publisher"
	fType      = "type"
	fTheme     = "theme"
	fYear      = "year"
	fArea      = "area"
	fRegion    = "region"
	fAccess    = "access"
	fSource    = "source"
	fPublished = "published"
	fTitleSort = "title_sort"
	fIDSort    = "id_sort" // the id again, as docvalues, so sort tiebreaks never load stored ids
)

const (
	anEnglish = en.AnalyzerName // unicode tokenizer, possessive, lower case, stop words, porter stemmer
	anKeyword = keyword.Name
	anSpell   = "safelib_spell" // unicode tokenizer + lower case, no stemming
)

// Access values of Document.Access.
const (
	AccessPublic  = "public"
	AccessMembers = "members"
)

type fieldKind int

const (
	kindText    fieldKind = iota // analyzed English text with positions (phrases need them)
	kindKeyword                  // exact values
	kindSpell                    // unstemmed words, no positions
	kindMatch                    // terms of other text fields, weighted, no term vectors (matchfield.go)
)

type fieldSpec struct {
	name string
	kind fieldKind
}

// fieldSpecs is the whole schema. buildMapping and buildDocument both read it.
var fieldSpecs = []fieldSpec{
	{fTitle, kindText},
	{fSummary, kindText},
	{fBody, kindText},
	{fExtra, kindText},
	{fMSummary, kindText},
	{fMBody, kindText},
	{fMExtra, kindText},
	{fThemeLabels, kindText},
	{fPublisherTx, kindText},
	{fTypeTx, kindText},
	{fThemeTx, kindText},
	{fAreaTx, kindText},
	{fRegionTx, kindText},
	{fSpell, kindSpell},
	{fAll, kindMatch},
	{fMAll, kindMatch},

	{fPublisher, kindKeyword},
	{fType, kindKeyword},
	{fTheme, kindKeyword},
	{fYear, kindKeyword},
	{fArea, kindKeyword},
	{fRegion, kindKeyword},
	{fAccess, kindKeyword},
	{fSource, kindKeyword},
	{fPublished, kindKeyword},
	{fTitleSort, kindKeyword},
	{fIDSort, kindKeyword},
}

func (s fieldSpec) analyzerName() string {
	switch s.kind {
	case kindKeyword:
		return anKeyword
	case kindSpell:
		return anSpell
	default:
		return anEnglish
	}
}

func (s fieldSpec) options() bindex.FieldIndexingOptions {
	o := bindex.IndexField
	if s.kind == kindText {
		o |= bindex.IncludeTermVectors
	}
	return o
}

// buildMapping returns the Bleve mapping. Documents are indexed with
// IndexAdvanced (no reflection), so the mapping mainly serves queries
// (analyzers by field) and is compared on Open to catch drift.
// DefaultMapping is static, nothing is stored, there is no _all field.
func buildMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	err := im.AddCustomAnalyzer(anSpell, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name},
	})
	if err != nil {
		return nil, fmt.Errorf("index: spell analyzer: %w", err)
	}
	im.DefaultAnalyzer = anEnglish
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultField = fBody

	dm := mapping.NewDocumentStaticMapping()
	for _, s := range fieldSpecs {
		fm := mapping.NewTextFieldMapping()
		fm.Name = s.name
		fm.Analyzer = s.analyzerName()
		fm.Store = false
		fm.Index = true
		fm.IncludeTermVectors = s.kind == kindText
		fm.IncludeInAll = false
		fm.DocValues = false
		dm.AddFieldMappingsAt(s.name, fm)
	}
	im.DefaultMapping = dm
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("index: mapping: %w", err)
	}
	return im, nil
}

// docBuilder turns Documents into Bleve documents with the analyzers of the
// mapping. It is safe for concurrent use.
type docBuilder struct {
	specs     map[string]fieldSpec
	analyzers map[string]analysis.Analyzer
	// bodyAnalyzer, when set, analyses body text instead (yielding).
	bodyAnalyzer analysis.Analyzer
}

// yielding returns a copy of b whose body text analysis first calls wait.
func (b *docBuilder) yielding(wait func()) *docBuilder {
	c := *b
	c.bodyAnalyzer = waitingAnalyzer{b.analyzers[anEnglish], wait}
	return &c
}

// waitingAnalyzer calls wait before each analysis.
type waitingAnalyzer struct {
	analysis.Analyzer
	wait func()
}

func (w waitingAnalyzer) Analyze(input []byte) analysis.TokenStream {
	w.wait()
	return w.Analyzer.Analyze(input)
}

func newDocBuilder(im *mapping.IndexMappingImpl) (*docBuilder, error) {
	b := &docBuilder{specs: map[string]fieldSpec{}, analyzers: map[string]analysis.Analyzer{}}
	for _, s := range fieldSpecs {
		b.specs[s.name] = s
		name := s.analyzerName()
		if _, ok := b.analyzers[name]; ok {
			continue
		}
		a := im.AnalyzerNamed(name)
		if a == nil {
			return nil, fmt.Errorf("index: analyzer %q not registered", name)
		}
		b.analyzers[name] = a
	}
	return b, nil
}

func (b *docBuilder) add(d *document.Document, field, value string, pos int) {
	if value == "" {
		return
	}
	s := b.specs[field]
	var ap []uint64
	if pos >= 0 {
		ap = []uint64{uint64(pos)}
	}
	a := b.analyzers[s.analyzerName()]
	// Invalid UTF-8 changes how the segmenter reads what follows it, so
	// only valid text is cut into pieces.
	long := len(value) > bodyChunk && pos < 0 && utf8.ValidString(value)
	if b.bodyAnalyzer != nil && (field == fBody || field == fMBody) {
		if w, ok := b.bodyAnalyzer.(waitingAnalyzer); ok && long {
			if da, ok := w.Analyzer.(*analysis.DefaultAnalyzer); ok {
				d.AddField(&chunkedField{name: field, value: []byte(value), options: s.options(), analyzer: da, wait: w.wait})
				return
			}
		}
		a = b.bodyAnalyzer
	}
	if da, ok := a.(*analysis.DefaultAnalyzer); ok && long {
		// Long text is analysed a piece at a time (bodyfield.go).
		d.AddField(&chunkedField{name: field, value: []byte(value), options: s.options(), analyzer: da})
		return
	}
	d.AddField(document.NewTextFieldCustom(field, ap, []byte(value), s.options(), a))
}

// validate checks what the index relies on. Unknown access is refused rather
// than guessed, so members-only text cannot land in public fields by mistake.
func (doc *Document) validate() error {
	if strings.TrimSpace(doc.ID) == "" {
		return fmt.Errorf("index: document without id")
	}
	if doc.Access != AccessPublic && doc.Access != AccessMembers {
		return fmt.Errorf("index: document %q: access %q is neither %q nor %q", doc.ID, doc.Access, AccessPublic, AccessMembers)
	}
	if doc.Year < 0 || doc.Year > 9999 {
		return fmt.Errorf("index: document %q: year %d out of range", doc.ID, doc.Year)
	}
	return nil
}

func (b *docBuilder) build(doc *Document) *document.Document {
	d := document.NewDocument(doc.ID)
	b.add(d, fIDSort, doc.ID, -1)
	b.add(d, fTitle, doc.Title, -1)
	b.add(d, fTitleSort, strings.ToLower(strings.TrimSpace(doc.Title)), -1)
	if doc.Access == AccessPublic {
		b.add(d, fSummary, doc.Summary, -1)
		b.add(d, fBody, doc.Body, -1)
		b.add(d, fExtra, doc.Extra, -1)
	} else {
		b.add(d, fMSummary, doc.Summary, -1)
		b.add(d, fMBody, doc.Body, -1)
		b.add(d, fMExtra, doc.Extra, -1)
	}
	b.add(d, fPublisher, doc.Publisher, -1)
	b.add(d, fPublisherTx, doc.Publisher, -1)
	b.add(d, fType, doc.Type, -1)
	b.add(d, fTypeTx, doc.Type, -1)
	// Each value once: facet counts count documents.
	for i, t := range dedupe(doc.Themes) {
		b.add(d, fTheme, t, i)
		b.add(d, fThemeTx, t, i)
	}
	for i, l := range dedupe(doc.ThemeLabels) {
		b.add(d, fThemeLabels, l, i)
	}
	if doc.Year > 0 {
		b.add(d, fYear, strconv.Itoa(doc.Year), -1)
	}
	b.add(d, fPublished, doc.Published, -1)
	b.add(d, fArea, doc.Area, -1)
	b.add(d, fAreaTx, doc.Area, -1)
	b.add(d, fRegion, doc.Region, -1)
	b.add(d, fRegionTx, doc.Region, -1)
	b.add(d, fAccess, doc.Access, -1)
	b.add(d, fSource, doc.Source, -1)

	// Spelling suggestions come only from text every reader can see, so a
	// suggestion can never reveal a word of a members-only body.
	spell := make([]string, 0, 4+len(doc.ThemeLabels))
	spell = append(spell, doc.Title, doc.Publisher)
	spell = append(spell, doc.ThemeLabels...)
	if doc.Access == AccessPublic {
		spell = append(spell, doc.Summary)
	}
	b.add(d, fSpell, strings.Join(spell, " \n "), -1)
	for _, f := range matchFields(d) {
		d.AddField(f) // after the fields it merges: Bleve analyses them in order
	}
	return d
}

func dedupe(vs []string) []string {
	if len(vs) < 2 {
		return vs
	}
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
