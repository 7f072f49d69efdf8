package web

import (
	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// The association's newsletter as pages: /newsletter lists the sent
// editions, /newsletter/{edition} shows one as the reader may read it
// (members-only items are teasers to anyone without a live membership,
// as everywhere on the site). Item links go to library pages, which never
// rot. Composing is in staff_newsletter.go.

// newsletterRoutes registers the public pages.
func (s *Server) newsletterRoutes(g *gin.RouterGroup) {
	g.GET("/newsletter", s.newsletterArchive)
	g.GET("/newsletter/:edition", s.newsletterEdition)
}

// newslettersData is the data of newsletters.html.
type newslettersData struct {
	Page
	Editions []editionLink
}

type editionLink struct{ Slug, Title, Sent string }

// editionData is the data of newsletter.html (the published page and the
// staff preview).
type editionData struct {
	Page
	Edition  *catalog.Edition
	Sent     string
	Intro    []string
	Sections []editionSection
	// Preview names whom a staff preview is as ("" on the published page).
	Preview string
	// PreviewText is the email's plain-text part, in a preview.
	PreviewText string
	// PreviewHTML is the address of the email's HTML part, in a preview.
	PreviewHTML string
	// Lapsed: the reader's membership lapsed (a renewal line).
	Lapsed bool
}

type editionSection struct {
	Heading    string
	Paragraphs []string
	Entries    []hitView
}

// editionPage turns a library view into the page's data.
func (s *Server) editionPage(c *gin.Context, v *library.EditionView) editionData {
	d := editionData{Page: s.basePage(c, v.Edition.Title), Edition: v.Edition, Sent: sentDay(v.Edition), Intro: v.Intro, Lapsed: v.Reader.Lapsed}
	for _, sec := range v.Sections {
		es := editionSection{Heading: sec.Heading, Paragraphs: sec.Paragraphs}
		for _, en := range sec.Entries {
			h := s.hitView(library.Hit{Resource: en.Resource, Teaser: en.Teaser}, v.Reader)
			h.InList = &listItemTools{ResourceID: en.Resource.ID, Title: en.Resource.Title, Note: en.Note}
			es.Entries = append(es.Entries, h)
		}
		d.Sections = append(d.Sections, es)
	}
	return d
}
