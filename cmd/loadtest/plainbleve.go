package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"safelib/index"
)

// Plain is Bleve used as its documentation shows, for comparison only
// (it lives beside the load test, not in index/, so nothing else can use it):
// the load test's floor, "plain Bleve searching the same corpus in
// process". Documents are indexed by reflection with an explicit mapping
// (English text, keyword facets with docvalues, everything also in the
// _all field); a search is a conjunction of match queries for the words
// over _all and term queries for the selections, with Bleve's own term
// facets and sorts. It has none of Index's work: no access rule, no
// synonyms, no multi-select facet counts, no facet bitmaps or sort tables.
// safelib never serves from it.
type Plain struct {
	bi bleve.Index
}

// plainRecord is what Plain indexes of a Document.
type plainRecord struct {
	Title, Summary, Body string
	TitleSort            string
	Publisher, Type      string
	Themes               []string
	Year                 string
	Published            string
	Area, Region         string
}

// plainFacets are Plain's facet fields by index.FacetFields name.
var plainFacets = map[index.Field]string{
	index.FieldTheme: "Themes", index.FieldPublisher: "Publisher", index.FieldType: "Type",
	index.FieldYear: "Year", index.FieldRegion: "Region", index.FieldArea: "Area",
}

func plainMapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range []string{"Title", "Summary", "Body"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = en.AnalyzerName
		fm.Store = false
		dm.AddFieldMappingsAt(f, fm)
	}
	for _, f := range []string{"TitleSort", "Publisher", "Type", "Themes", "Year", "Published", "Area", "Region"} {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.Store = false
		dm.AddFieldMappingsAt(f, fm)
	}
	im.DefaultMapping = dm
	im.DefaultAnalyzer = en.AnalyzerName
	return im
}

// OpenPlain opens the Plain index in dir, creating it when dir is missing.
func OpenPlain(dir string) (*Plain, error) {
	bi, err := bleve.Open(dir)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		if err := os.MkdirAll(filepath.Dir(dir), 0o750); err != nil {
			return nil, fmt.Errorf("plain: %w", err)
		}
		bi, err = bleve.New(dir, plainMapping())
	}
	if err != nil {
		return nil, fmt.Errorf("plain %s: %w", dir, err)
	}
	return &Plain{bi: bi}, nil
}

// Batch indexes docs.
func (p *Plain) Batch(docs []index.Document) error {
	b := p.bi.NewBatch()
	for i := range docs {
		d := &docs[i]
		pd := plainRecord{
			Title: d.Title, Summary: d.Summary, Body: d.Body,
			TitleSort: strings.ToLower(strings.TrimSpace(d.Title)),
			Publisher: d.Publisher, Type: d.Type, Themes: d.Themes,
			Published: d.Published, Area: d.Area, Region: d.Region,
		}
		if d.Year > 0 {
			pd.Year = strconv.Itoa(d.Year)
		}
		if err := b.Index(d.ID, pd); err != nil {
			return fmt.Errorf("plain: %w", err)
		}
	}
	if err := p.bi.Batch(b); err != nil {
		return fmt.Errorf("plain: %w", err)
	}
	return nil
}

// Count returns the number of documents.
func (p *Plain) Count() (uint64, error) { return p.bi.DocCount() }

// Close closes the index.
func (p *Plain) Close() error { return p.bi.Close() }

// Search runs words (all required, analysed as English), narrowed to the
// filters (index.FacetFields names, OR within a field), sorted by one of the
// Sort names, and counts the first facetSize values of every facet over
// the matches. It returns the total.
func (p *Plain) Search(ctx context.Context, words string, filters index.Selections, sort index.Sort, from, size, facetSize int) (uint64, error) {
	var must []bq.Query
	for _, w := range strings.Fields(words) {
		m := bleve.NewMatchQuery(w)
		m.SetField("_all")
		must = append(must, m)
	}
	for f, vals := range filters {
		field, ok := plainFacets[f]
		if !ok {
			return 0, fmt.Errorf("plain: unknown facet %q", f)
		}
		var any []bq.Query
		for _, v := range vals {
			t := bleve.NewTermQuery(v)
			t.SetField(field)
			any = append(any, t)
		}
		must = append(must, bleve.NewDisjunctionQuery(any...))
	}
	var q bq.Query = bleve.NewMatchAllQuery()
	if len(must) > 0 {
		q = bleve.NewConjunctionQuery(must...)
	}
	sr := bleve.NewSearchRequestOptions(q, size, from, false)
	switch sort {
	case index.SortNewest:
		sr.SortBy([]string{"-Published", "_id"})
	case index.SortOldest:
		sr.SortBy([]string{"Published", "_id"})
	case index.SortTitle:
		sr.SortBy([]string{"TitleSort", "_id"})
	default:
		sr.SortBy([]string{"-_score", "_id"})
	}
	for _, f := range index.FacetFields {
		sr.AddFacet(string(f), bleve.NewFacetRequest(plainFacets[f], facetSize))
	}
	res, err := p.bi.SearchInContext(ctx, sr)
	if err != nil {
		return 0, fmt.Errorf("plain: %w", err)
	}
	return res.Total, nil
}
