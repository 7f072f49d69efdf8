package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// Citation exports: RIS, BibTeX and CSL-JSON for one resource, a search
// page's items or a list's, which reference managers (Zotero, EndNote,
// Mendeley) import. Each item is what the reader may see: a members-only
// item the reader can't read is a teaser (no link to the original, no
// summary), so members-only fields never reach an export.

// citeFormats are the export formats, with their media types.
var citeFormats = map[string]string{
	"ris":    "application/x-research-info-systems; charset=utf-8",
	"bibtex": "application/x-bibtex; charset=utf-8",
	"csl":    "application/vnd.citationstyles.csl+json; charset=utf-8",
}

// citeFormatNames lists them for messages.
const citeFormatNames = "ris, bibtex or csl"

// MaxCiteItems bounds a search's or list's export.
const MaxCiteItems = 1000

// citeItem is one item to cite: the resource as the reader may see it,
// and its address in the library.
type citeItem struct {
	R          *catalog.Resource
	Teaser     bool
	LibraryURL string
	ThemeNames []string
}

func (s *Server) citeItem(c *gin.Context, r *catalog.Resource, teaser bool) citeItem {
	it := citeItem{R: r, Teaser: teaser, LibraryURL: s.baseURL(c) + "/resources/" + r.ID}
	for _, t := range s.themeLinks(r) {
		it.ThemeNames = append(it.ThemeNames, t.Label)
	}
	return it
}

// url is the original's address when the reader may have it, else the
// library's page.
func (it citeItem) url() string {
	if !it.Teaser && it.R.URL != "" {
		return it.R.URL
	}
	return it.LibraryURL
}

func (it citeItem) summary() string {
	if it.Teaser {
		return ""
	}
	return it.R.Summary
}

// kinds maps a resource type to RIS, BibTeX and CSL types.
func citeKinds(typ string) (ris, bib, csl string) {
	switch typ {
	case "legislation":
		return "STAT", "misc", "legislation"
	case "article", "campaign", "listing":
		return "ELEC", "misc", "webpage"
	}
	return "RPRT", "techreport", "report"
}

// writeCitations answers items in format (a key of citeFormats).
func (s *Server) writeCitations(c *gin.Context, format, filename string, items []citeItem) {
	var b strings.Builder
	switch format {
	case "ris":
		for _, it := range items {
			writeRIS(&b, it)
		}
	case "bibtex":
		for _, it := range items {
			writeBibTeX(&b, it)
		}
	case "csl":
		out := make([]map[string]any, 0, len(items))
		for _, it := range items {
			out = append(out, cslItem(it))
		}
		data, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			s.apiError(c, err)
			return
		}
		b.Write(data)
		b.WriteByte('\n')
	}
	ext := map[string]string{"ris": "ris", "bibtex": "bib", "csl": "json"}[format]
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, filename, ext))
	c.Data(http.StatusOK, citeFormats[format], []byte(b.String()))
}

// oneLine keeps a field on one line (RIS is line-based).
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func writeRIS(b *strings.Builder, it citeItem) {
	r := it.R
	ris, _, _ := citeKinds(r.Type)
	tag := func(t, v string) {
		if v = oneLine(v); v != "" {
			fmt.Fprintf(b, "%s  - %s\r\n", t, v)
		}
	}
	tag("TY", ris)
	tag("ID", r.ID)
	tag("TI", r.Title)
	tag("AU", r.Publisher)
	tag("PB", r.Publisher)
	if y := r.Published.Year(); y > 0 {
		tag("PY", strconv.Itoa(y))
		parts := strings.Split(string(r.Published), "-")
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		tag("DA", strings.Join(parts, "/")+"/")
	}
	tag("UR", it.url())
	tag("AB", it.summary())
	tag("CY", r.Area)
	for _, k := range it.ThemeNames {
		tag("KW", k)
	}
	tag("M3", typeLabel(r.Type))
	if r.Access == catalog.Members {
		tag("N1", "Members-only item of the Safeguarding resource library: "+it.LibraryURL)
	}
	b.WriteString("ER  - \r\n")
}

var bibKeyRE = regexp.MustCompile(`[^A-Za-z0-9_:-]`)

// bibEscape protects TeX's special characters.
var bibEscape = strings.NewReplacer(`\`, `\textbackslash{}`, `{`, `\{`, `}`, `\}`, `%`, `\%`, `&`, `\&`, `#`, `\#`,
	`$`, `\$`, `_`, `\_`, `~`, `\textasciitilde{}`, `^`, `\textasciicircum{}`)

var bibMonths = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func writeBibTeX(b *strings.Builder, it citeItem) {
	r := it.R
	_, kind, _ := citeKinds(r.Type)
	fmt.Fprintf(b, "@%s{%s,\n", kind, bibKeyRE.ReplaceAllString(r.ID, "-"))
	field := func(name, v string, raw bool) {
		if v = oneLine(v); v == "" {
			return
		}
		if !raw {
			v = "{" + bibEscape.Replace(v) + "}"
		}
		fmt.Fprintf(b, "  %s = %s,\n", name, v)
	}
	field("title", r.Title, false)
	if r.Publisher != "" {
		// A corporate author: doubled braces keep it one name.
		field("author", "{"+bibEscape.Replace(oneLine(r.Publisher))+"}", true)
		if kind == "techreport" {
			field("institution", r.Publisher, false)
		} else {
			field("publisher", r.Publisher, false)
		}
	}
	if y := r.Published.Year(); y > 0 {
		field("year", strconv.Itoa(y), true)
		if len(r.Published) >= 7 {
			if m, err := strconv.Atoi(string(r.Published[5:7])); err == nil && m >= 1 && m <= 12 {
				field("month", bibMonths[m-1], true)
			}
		}
		field("date", string(r.Published), false)
	}
	field("type", typeLabel(r.Type), false)
	field("url", it.url(), false)
	field("abstract", it.summary(), false)
	field("keywords", strings.Join(it.ThemeNames, ", "), false)
	if r.Access == catalog.Members {
		field("note", "Members-only item of the Safeguarding resource library", false)
	}
	b.WriteString("}\n\n")
}

func cslItem(it citeItem) map[string]any {
	r := it.R
	_, _, kind := citeKinds(r.Type)
	m := map[string]any{"id": r.ID, "type": kind, "title": r.Title, "URL": it.url(), "genre": typeLabel(r.Type)}
	if r.Publisher != "" {
		m["author"] = []map[string]string{{"literal": r.Publisher}}
		m["publisher"] = r.Publisher
	}
	if r.Published.Year() > 0 {
		var parts []int
		for _, p := range strings.Split(string(r.Published), "-") {
			n, _ := strconv.Atoi(p)
			parts = append(parts, n)
		}
		m["issued"] = map[string]any{"date-parts": [][]int{parts}}
	}
	if sum := it.summary(); sum != "" {
		m["abstract"] = sum
	}
	if len(it.ThemeNames) > 0 {
		m["keyword"] = strings.Join(it.ThemeNames, ", ")
	}
	if r.Area != "" {
		m["publisher-place"] = r.Area
	}
	return m
}

// citeFormat reads the format parameter: "" when absent, or an error.
func citeFormat(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if _, ok := citeFormats[v]; !ok {
		return "", invalid("format %s is not one of %s", quoteName(v), citeFormatNames)
	}
	return v, nil
}

// metaTag is a <meta name content> of a page's head.
type metaTag struct{ Name, Content string }

// citationMeta are the tags reference managers read from a resource page
// (Highwire citation_* as Google Scholar documents them, and Dublin Core):
// Zotero's connector saves the page with one click. A teaser's tags carry
// only what anyone may see.
func (s *Server) citationMeta(c *gin.Context, r *catalog.Resource, teaser bool) []metaTag {
	it := s.citeItem(c, r, teaser)
	var out []metaTag
	add := func(name, v string) {
		if v = oneLine(v); v != "" {
			out = append(out, metaTag{name, v})
		}
	}
	add("citation_title", r.Title)
	add("citation_author", r.Publisher)
	add("citation_publisher", r.Publisher)
	if r.Published != "" {
		add("citation_publication_date", strings.ReplaceAll(string(r.Published), "-", "/"))
	}
	if !teaser && len(r.Pages) > 0 && r.URL != "" {
		add("citation_pdf_url", r.URL)
	}
	if !teaser {
		add("citation_abstract_html_url", r.URL)
	}
	add("citation_public_url", it.LibraryURL)
	for _, k := range it.ThemeNames {
		add("citation_keywords", k)
	}
	add("DC.title", r.Title)
	add("DC.creator", r.Publisher)
	add("DC.publisher", r.Publisher)
	add("DC.date", string(r.Published))
	add("DC.type", typeLabel(r.Type))
	add("DC.identifier", it.url())
	add("DC.description", it.summary())
	add("DC.language", "en")
	for _, k := range it.ThemeNames {
		add("DC.subject", k)
	}
	return out
}
