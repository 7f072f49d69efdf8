package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

//go:embed templates
var templateFS embed.FS

// Page is what every page template gets: the layout reads these fields.
// Each page's data struct embeds it.
type Page struct {
	// Title is the document title (the site name is appended).
	Title string
	// Reader is who is reading, for the header's account area.
	Reader catalog.Reader
	// CSRFToken goes in a hidden field of every POST form (set by the csrf
	// middleware, auth_middleware.go).
	CSRFToken string
	// Flash is a one-shot message shown at the top of main.
	Flash string
	// Nonce is the CSP nonce for an inline script, if a page ever has one.
	Nonce string
	// Path is the request path, for aria-current in the navigation.
	Path string
	// NoIndex asks search engines not to index the page (searches with
	// facet selections).
	NoIndex bool
	// SetupWarnings are deployment problems shown to staff (proxy.go).
	SetupWarnings []string
	// Meta are extra <meta> tags of the head (a resource's citation tags).
	Meta []metaTag
}

// basePage fills the common fields for the request.
func (s *Server) basePage(c *gin.Context, title string) Page {
	r := s.reader(c)
	var warnings []string
	if r.IsStaff() {
		warnings = s.setupWarnings()
	}
	return Page{
		SetupWarnings: warnings,
		Title:         title,
		Reader:        r,
		CSRFToken:     c.GetString(ctxCSRFToken),
		Flash:         c.GetString(ctxFlash),
		Nonce:         c.GetString(ctxNonce),
		Path:          c.Request.URL.Path,
	}
}

// parseTemplates parses the layout and partials once, then each page on a
// clone of them, so pages can each define "content".
func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(s.funcs()).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: list templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("web: clone layout: %w", err)
		}
		if _, err := t.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", f, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: %s defines no \"content\"", f)
		}
		pages[name] = t
	}
	return pages, nil
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"static":     s.static.url,
		"date":       formatDate,
		"typeLabel":  typeLabel,
		"themeLabel": func(slug string) string { return s.lib.Taxonomy().Label(slug) },
		"number":     formatNumber,
		"tel":        telURL,
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
	}
}

// render executes page name into a buffer and writes it only on success,
// so a template error never sends half a page.
func (s *Server) render(c *gin.Context, status int, name string, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("no such template", "name", name)
		writeProblem(c, http.StatusInternalServerError, "")
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("render page", "template", name, "path", c.Request.URL.Path, "err", err)
		writeProblem(c, http.StatusInternalServerError, "")
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// errorPage is the data of error.html.
type errorPage struct {
	Page
	Status int
	Detail string
	// Search offers a new search (for bad search input).
	Search bool
	Query  string
}

// renderError answers with the HTML error page.
func (s *Server) renderError(c *gin.Context, status int, detail string) {
	s.render(c, status, "error", s.errorData(c, status, detail))
}

func (s *Server) errorData(c *gin.Context, status int, detail string) errorPage {
	title := http.StatusText(status)
	switch status {
	case http.StatusNotFound:
		title = "Page not found"
	case http.StatusBadRequest:
		title = "There is a problem with your request"
	case http.StatusInternalServerError:
		title = "Sorry, something went wrong"
	}
	if detail == "" {
		detail = genericDetail(status)
	}
	return errorPage{Page: s.basePage(c, title), Status: status, Detail: detail}
}

// writeJSON answers with v as JSON. encoding/json escapes <, > and & so a
// hostile title can't become markup if a browser sniffs the answer.
func (s *Server) writeJSON(c *gin.Context, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.apiError(c, fmt.Errorf("encode JSON: %w", err))
		return
	}
	c.Data(status, "application/json; charset=utf-8", b)
}

// formatDate writes a Date in British style at its own precision:
// "12 October 2016", "October 2016" or "2016" (catalog.Date.Human, which
// emails use too).
func formatDate(d catalog.Date) string { return d.Human() }

// typeLabel turns a type slug into words: "serious-case-review" ->
// "Serious case review" (catalog.TypeLabel).
func typeLabel(t string) string { return catalog.TypeLabel(t) }

// formatNumber writes n with thousands separators.
func formatNumber(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + formatNumber(-n)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// telURL makes a tel: link from a phone number as written ("0800 123
// 4567"), keeping only digits and a leading plus; html/template would
// otherwise refuse the scheme.
func telURL(phone string) template.URL {
	var b strings.Builder
	for i, r := range phone {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return template.URL("tel:" + b.String())
}
