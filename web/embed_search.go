package web

import (
	"net/url"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// embedSearch answers GET /embed/search?q=&theme=&type=...: the newest (or
// best) matches of a saved search as a page to frame. Members-only items
// show as teasers, as they do to anyone not signed in.
func (s *Server) embedSearch(c *gin.Context) {
	v, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		s.pageError(c, invalid("the query string is malformed"))
		return
	}
	o, err := takeEmbedOptions(v)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v.Del("page")
	v.Del("per_page")
	p, err := parseSearch(v)
	if err != nil {
		s.pageError(c, err)
		return
	}
	sortChoice := library.Sort(v.Get("sort"))
	p.Page, p.PerPage, p.NoFacets = 1, o.N, true
	res, err := s.lib.Search(c.Request.Context(), catalog.Anonymous, p)
	if err != nil {
		s.pageError(c, err)
		return
	}
	base := s.baseURL(c)
	more := p
	more.PerPage = 0
	d := frameData{embedOptions: o, Total: res.Total, MoreURL: base + encodeSearch(more, sortChoice, 1)}
	if d.Title == "" {
		d.Title = s.describeSearch(p)
	}
	for _, h := range res.Hits {
		r := h.Resource
		fh := frameHit{Title: r.Title, URL: r.URL, MembersOnly: h.Teaser,
			Meta: joinMeta(typeLabel(r.Type), r.Publisher, formatDate(r.Published))}
		if h.Teaser || r.URL == "" {
			fh.URL = base + "/resources/" + r.ID
		}
		if !h.Teaser {
			fh.Summary = r.Summary
		}
		fh.Themes = s.themeNames(r)
		d.Hits = append(d.Hits, fh)
	}
	s.renderFrame(c, d)
}
