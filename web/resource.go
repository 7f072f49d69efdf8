package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// resourcePage answers GET /resources/:id. A members-only item the reader
// can't read shows as a teaser: what it is, not what it says.
func (s *Server) resourcePage(c *gin.Context) {
	v, err := s.lib.Resource(c.Request.Context(), s.reader(c), c.Param("id"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	r := v.Resource
	d := resourceData{
		Page:         s.basePage(c, r.Title),
		R:            r,
		Teaser:       v.Teaser,
		Themes:       s.themeLinks(r),
		TypeURL:      "/search?type=" + url.QueryEscape(r.Type),
		PublisherURL: "/search?publisher=" + url.QueryEscape(r.Publisher),
		Listing:      r.Type == "listing",
		Members:      r.Access == catalog.Members,
		Excerpt:      excerpt(r.Body, excerptLen),
		BodyText:     paragraphs(r.Body, maxBodyShown),
		Files:        fileRows(r.ID, v.Files),
	}
	d.Truncated = len(r.Body) > maxBodyShown
	d.Short = len(r.Body) <= excerptLen
	d.Cur = s.curationOf(c, r, v.Teaser)
	d.Similar = s.similarOf(c, r.ID)
	d.Meta = s.citationMeta(c, r, v.Teaser)
	if n := catalog.CurrentFile(v.Files); n >= 0 && v.Files[n].ContentType == "application/pdf" && r.URL == "" {
		// The library holds the PDF itself: reference managers fetch it here.
		d.Meta = append(d.Meta, metaTag{"citation_pdf_url", s.baseURL(c) + filePath(r.ID, v.Files[n])})
	}
	d.CiteURL = "/api/v1/resources/" + url.PathEscape(r.ID) + "?format="
	d.LoginNext = template.URL("/login?next=" + url.QueryEscape("/resources/"+r.ID))
	if lists := s.listChoices(c); lists != nil {
		d.Add = &addToList{ResourceID: r.ID, Lists: lists, CSRFToken: d.CSRFToken, Next: c.Request.URL.RequestURI()}
	}
	s.render(c, http.StatusOK, "resource", d)
}

// resourceData is the data of resource.html.
type resourceData struct {
	Page
	R            *catalog.Resource
	Teaser       bool
	Members      bool
	Listing      bool
	Themes       []themeLink
	TypeURL      string
	PublisherURL string
	// Excerpt is the start of the text; BodyText the text (up to
	// maxBodyShown) in paragraphs, shown in a <details>.
	Excerpt   string
	BodyText  []string
	Truncated bool
	// Short texts show whole, with no excerpt.
	Short bool
	// Cur is what curation adds: edit link, broken-link notice, earlier
	// versions (staff_resource.go).
	Cur resourceCuration
	// Similar lists items like this one (resource_similar.go).
	Similar []similarLink
	// Add is the "Add to list" form, for signed-in readers.
	Add *addToList
	// CiteURL is the citation export's address, less the format's name.
	CiteURL string
	// Files are the versions of the file the library holds, newest first
	// (files.go); none for a teaser.
	Files []fileRow
	// LoginNext signs in and comes back here ("Tell me about new
	// versions" for signed-out readers).
	LoginNext template.URL
}

const (
	excerptLen   = 600
	maxBodyShown = 200_000 // a page, not a book: the original has the rest
)

// excerpt is the first n bytes of text, cut at a word boundary.
func excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= n {
		return text
	}
	cut := strings.LastIndexByte(text[:n], ' ')
	if cut < n/2 {
		cut = n
	}
	for cut > 0 && !utf8Start(text[cut]) {
		cut--
	}
	return text[:cut] + " …"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// paragraphs splits text on blank lines, after cutting it to n bytes.
func paragraphs(text string, n int) []string {
	if len(text) > n {
		for n > 0 && !utf8Start(text[n]) {
			n--
		}
		text = text[:n]
	}
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}
