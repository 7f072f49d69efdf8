package web

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// hitView is one search result as search.html shows it.
type hitView struct {
	ID        string
	Title     template.HTML // highlighted, or the escaped title
	Publisher string
	Type      string
	Published catalog.Date
	Area      string
	Region    string
	Themes    []themeLink
	Teaser    bool
	// Teasers only, for their wording: the reader's membership lapsed
	// (renew), or they are signed in without one (it is for members);
	// neither, and they may sign in.
	Lapsed, SignedIn bool
	// Readable items only:
	URL      string        // the original, on the publisher's site
	Summary  template.HTML // highlighted, or the escaped summary
	Snippets []template.HTML
	// SnippetPage is the PDF page the snippets come from, PageURL a link
	// to that page of the original; SnippetSlide likewise the slide of a
	// presentation (PageURL then ends "#slide=N").
	SnippetPage  int
	SnippetSlide int
	PageURL      string
	Sport        string
	Phone        string
	Email        string
	// Add is the "Add to list" form, for signed-in readers.
	Add *addToList
	// InList is set on a reading list's page: the item's note and, for
	// the owner, its forms.
	InList *listItemTools
}

// listItemTools is an item of a reading list as its page shows it.
type listItemTools struct {
	ListID, ResourceID, Title, Note, CSRFToken string
	Owner, First, Last                         bool
}

// addToList is what the "Add to list" form needs.
type addToList struct {
	ResourceID string
	Lists      []listChoice
	CSRFToken  string
	Next       string // where the form returns to
}

// themeLink is a theme an item is found under; Suggested marks the
// tagger's, not yet confirmed by staff.
type themeLink struct {
	Slug, Label, URL string
	Suggested        bool
}

// themeLinks lists every theme r is found under: the confirmed ones, then
// the suggested ones, marked.
func (s *Server) themeLinks(r *catalog.Resource) []themeLink {
	out := make([]themeLink, 0, len(r.Themes)+len(r.MachineThemes))
	for i, t := range slices.Concat(r.Themes, r.MachineThemes) {
		out = append(out, themeLink{Slug: t, Label: s.lib.Taxonomy().Label(t), URL: "/search?theme=" + url.QueryEscape(t),
			Suggested: i >= len(r.Themes)})
	}
	return out
}

func (s *Server) hitView(h library.Hit, rd catalog.Reader) hitView {
	r := h.Resource
	v := hitView{
		ID:        r.ID,
		Title:     highlighted(h.Highlights["title"], r.Title),
		Publisher: r.Publisher,
		Type:      r.Type,
		Published: r.Published,
		Area:      r.Area,
		Region:    r.Region,
		Themes:    s.themeLinks(r),
		Teaser:    h.Teaser,
	}
	if h.Teaser {
		v.Lapsed, v.SignedIn = rd.Lapsed, rd.UserID != 0
		return v
	}
	v.URL = r.URL
	v.Summary = highlightedSummary(h.Highlights["summary"], r.Summary)
	for _, sn := range h.Highlights["body"] {
		v.Snippets = append(v.Snippets, snippetHTML(sn))
	}
	if h.Slide > 0 && len(v.Snippets) > 0 {
		v.SnippetSlide = h.Slide
		if r.URL != "" {
			v.PageURL = r.URL + "#slide=" + strconv.Itoa(h.Slide)
		}
	}
	if h.Page > 0 && len(v.Snippets) > 0 {
		v.SnippetPage = h.Page
		if r.URL != "" {
			v.PageURL = r.URL + "#page=" + strconv.Itoa(h.Page)
		}
	}
	v.Sport, v.Phone, v.Email = r.Sport, r.Phone, r.Email
	return v
}

// highlighted is the first snippet of a field when there is one, else the
// plain text escaped.
func highlighted(snippets []string, plain string) template.HTML {
	if len(snippets) > 0 {
		return snippetHTML(snippets[0])
	}
	return template.HTML(template.HTMLEscapeString(plain))
}

// highlightedSummary is like highlighted, with ellipses where the snippet
// cuts the summary short.
func highlightedSummary(snippets []string, summary string) template.HTML {
	if len(snippets) == 0 {
		return highlighted(nil, summary)
	}
	sn := snippets[0]
	text := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(sn)
	full := template.HTMLEscapeString(strings.TrimSpace(summary))
	if text = strings.TrimSpace(text); text != "" && !strings.HasPrefix(full, text) {
		sn = "… " + sn
	}
	if text != "" && !strings.HasSuffix(full, text) {
		sn += " …"
	}
	return snippetHTML(sn)
}

// snippetHTML trusts a snippet from the library as HTML. This is the only
// place web turns library text into markup: index.Snippets HTML-escapes
// the text it cuts and adds only <mark> and </mark> around matches
// (TestSnippetsAreEscaped holds it to that).
func snippetHTML(s string) template.HTML { return template.HTML(s) }

// facetView is one facet's fieldset in the filter form.
type facetView struct {
	Field  library.Field
	Legend string
	Values []facetValueView // shown
	More   []facetValueView // behind "Show more"
	// MoreOpen opens "Show more" when a chosen value is in it.
	MoreOpen bool
}

type facetValueView struct {
	Field    library.Field
	Value    string
	Label    string
	Count    int
	Included bool
	Excluded bool
	// ID and ExcludeID are the ids of the two checkboxes, for their labels.
	ID        string
	ExcludeID string
	// Narrower are the values under a broader theme, shown under it.
	Narrower []facetValueView
}

// facetShown is how many values of a facet show before "Show more".
const facetShown = 8

// facetViews builds the filter fieldsets. Values the reader chose appear
// even when the search no longer counts them (an excluded value has no
// results, by definition), so the form keeps them.
func (s *Server) facetViews(res *library.SearchResult) []facetView {
	p := res.Params
	var out []facetView
	for _, f := range library.FacetFields {
		fv := facetView{Field: f, Legend: facetNames[f]}
		vals := slices.Clone(res.Facets[f])
		if f == library.FieldYear {
			slices.SortStableFunc(vals, func(a, b library.FacetValue) int { return compareYear(b.Value, a.Value) })
		}
		seen := map[string]bool{}
		for _, v := range vals {
			seen[v.Value] = true
		}
		for _, chosen := range [][]string{p.Filters[f], p.Excludes[f]} {
			for _, v := range chosen {
				if !seen[v] {
					seen[v] = true
					vals = append(vals, library.FacetValue{Value: v, Label: s.valueLabel(f, v)})
				}
			}
		}
		var views []facetValueView
		for i, v := range vals {
			label := v.Label
			if f == library.FieldType {
				label = typeLabel(v.Value)
			}
			if label == "" {
				label = v.Value
			}
			vv := facetValueView{
				Field: f, Value: v.Value, Label: label, Count: v.Count,
				Included:  p.Filters.Has(f, v.Value),
				Excluded:  p.Excludes.Has(f, v.Value),
				ID:        fmt.Sprintf("f-%s-%d", f, i),
				ExcludeID: fmt.Sprintf("x-%s-%d", f, i),
			}
			views = append(views, vv)
		}
		if f == library.FieldTheme {
			views = s.themeTree(views)
		}
		for i, vv := range views {
			if i < facetShown {
				fv.Values = append(fv.Values, vv)
			} else {
				fv.More = append(fv.More, vv)
				fv.MoreOpen = fv.MoreOpen || vv.chosen()
			}
		}
		if len(vals) > 0 {
			out = append(out, fv)
		}
	}
	return out
}

// chosen reports whether the value or one under it is ticked.
func (v facetValueView) chosen() bool {
	if v.Included || v.Excluded {
		return true
	}
	return slices.ContainsFunc(v.Narrower, facetValueView.chosen)
}

// themeTree puts each narrower theme under its broader one (keeping the
// order of both); a narrower theme whose broader one is not listed stays
// at the top.
func (s *Server) themeTree(views []facetValueView) []facetValueView {
	tax := s.lib.Taxonomy()
	at := map[string]int{}
	for i, v := range views {
		at[v.Value] = i
	}
	under := map[string][]facetValueView{}
	var top []string
	for _, v := range views {
		if b := tax.Broader(v.Value); b != "" {
			if _, listed := at[b]; listed {
				under[b] = append(under[b], v)
				continue
			}
		}
		top = append(top, v.Value)
	}
	out := make([]facetValueView, 0, len(top))
	for _, slug := range top {
		v := views[at[slug]]
		v.Narrower = under[slug]
		out = append(out, v)
	}
	return out
}

func compareYear(a, b string) int {
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	return x - y
}

// pager is the pagination: previous, next and a window of numbered pages.
type pager struct {
	Prev, Next string
	Links      []pageLink
	Page       int
	Pages      int
}

type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool // an ellipsis before this link
}

func newPager(res *library.SearchResult, sortChoice library.Sort) pager {
	p := res.Params
	n := res.Pages()
	pg := pager{Page: p.Page, Pages: n}
	if n <= 1 {
		return pg
	}
	if p.Page > 1 {
		pg.Prev = encodeSearch(p, sortChoice, min(p.Page-1, n))
	}
	if p.Page < n {
		pg.Next = encodeSearch(p, sortChoice, p.Page+1)
	}
	last := 0
	for i := 1; i <= n; i++ {
		if i != 1 && i != n && (i < p.Page-2 || i > p.Page+2) {
			continue
		}
		pg.Links = append(pg.Links, pageLink{N: i, URL: encodeSearch(p, sortChoice, i), Current: i == p.Page, Gap: last != 0 && i != last+1})
		last = i
	}
	return pg
}

// yearChart is a small bar chart of results by year, drawn as SVG on the
// server: no script, fine under the CSP, with a text alternative.
type yearChart struct {
	Width, Height int
	Bars          []yearBar
	Summary       string // the chart's <title>
}

type yearBar struct {
	Year          string
	URL           string // the same search within that year
	Count         int
	X, Y, W, H    int
	LabelX        int
	ShowLabel     bool
	CountY        int
	ShowCountText bool
}

const (
	chartWidth  = 600
	chartPlot   = 110 // height of the bars' area
	chartHeight = chartPlot + 40
)

// newYearChart draws the year facet, oldest first; nil when fewer than two
// years have results (a single bar says nothing a number doesn't).
func newYearChart(vals []library.FacetValue) *yearChart {
	var years []library.FacetValue
	for _, v := range vals {
		if y, err := strconv.Atoi(v.Value); err == nil && y > 0 && v.Count > 0 {
			years = append(years, v)
		}
	}
	if len(years) < 2 {
		return nil
	}
	slices.SortFunc(years, func(a, b library.FacetValue) int { return compareYear(a.Value, b.Value) })
	peak := 0
	for _, v := range years {
		peak = max(peak, v.Count)
	}
	slot := min(chartWidth/len(years), 60) // a few years: narrow bars, not slabs
	gap := max(slot/5, 1)
	// Label every k-th year so labels (about 36 units wide) never overlap.
	every := (36 + slot - 1) / slot
	ch := &yearChart{Width: slot * len(years), Height: chartHeight}
	summary := "Results by year:"
	for i, v := range years {
		h := max(v.Count*chartPlot/peak, 2)
		x := i * slot
		ch.Bars = append(ch.Bars, yearBar{
			Year: v.Value, Count: v.Count,
			X: x + gap/2, W: slot - gap, Y: chartPlot - h + 16, H: h,
			LabelX:        x + slot/2,
			ShowLabel:     i%every == 0,
			CountY:        chartPlot - h + 12,
			ShowCountText: slot >= 24,
		})
		summary += fmt.Sprintf(" %s: %d;", v.Value, v.Count)
	}
	ch.Summary = summary[:len(summary)-1]
	return ch
}
