package web

import (
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// Feeds: GET /feed.atom?q=&theme=&type=... follows any search as Atom 1.0,
// newest first. Without a token it is the anonymous view, public items
// only; with a member's private token (token=slf_...) it is that member's
// view, computed from the account now, so a lapsed membership reads as
// public only and a revoked token stops working.

// feedItems is how many entries a feed carries.
const feedItems = 50

// atomNS is the Atom 1.0 namespace.
const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Subtitle  *atomText   `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator,omitempty"`
	Entries   []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Label  string `xml:"label,attr,omitempty"`
	Scheme string `xml:"scheme,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Author     *atomPerson    `xml:"author,omitempty"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Categories []atomCategory `xml:"category"`
}

// siteName is how feeds, embeds and the OpenSearch description name us.
const siteName = "Safeguarding resource library"

// feed answers GET /feed.atom.
func (s *Server) feed(c *gin.Context) {
	v, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		s.apiError(c, invalid("the query string is malformed"))
		return
	}
	if len(v["token"]) > 1 {
		s.apiError(c, invalid("token is given %d times; give it once", len(v["token"])))
		return
	}
	token := v.Get("token")
	v.Del("token")
	// A feed is always newest first, one page: a search address pasted
	// with its sort and page still works.
	for _, k := range []string{"sort", "page", "per_page"} {
		v.Del(k)
	}
	p, err := parseSearch(v)
	if err != nil {
		s.apiError(c, err)
		return
	}
	ctx := c.Request.Context()
	rd := catalog.Anonymous
	if _, has := c.GetQuery("token"); has {
		// The answer is this person's: no shared cache may keep it, and
		// the token must not leak through a Referer.
		c.Header("Cache-Control", "private, no-store")
		c.Header("Referrer-Policy", "no-referrer")
		u, err := s.auth.FeedTokenUser(ctx, token)
		if errors.Is(err, catalog.ErrNotFound) {
			writeProblem(c, http.StatusNotFound, "This private feed address no longer works: it was replaced or revoked. "+
				"Get a new one from the Embed page when signed in.")
			return
		}
		if err != nil {
			s.apiError(c, err)
			return
		}
		rd = s.auth.ReaderFor(u)
	}
	items, err := s.lib.FeedItems(ctx, rd, p, feedItems)
	if err != nil {
		s.apiError(c, err)
		return
	}
	b, err := s.atom(c, p, token, rd, items)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", b)
}

// atom builds the feed document. Links are absolute; entry ids are the
// resources' pages, which never change.
func (s *Server) atom(c *gin.Context, p library.SearchParams, token string, rd catalog.Reader, items []*catalog.Resource) ([]byte, error) {
	base := s.baseURL(c)
	self := base + feedPath(p)
	id := self
	if token != "" {
		self = addParam(self, "token", token)
	}
	f := atomFeed{
		ID:    id,
		Title: atomText{Type: "text", Text: siteName + ": " + s.describeSearch(p)},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + encodeSearch(p, library.SortNewest, 1)},
		},
		Author:    atomPerson{Name: siteName, URI: base + "/"},
		Generator: "safelib",
	}
	switch {
	case token != "" && rd.Members:
		f.Subtitle = &atomText{Type: "text", Text: "Your private feed: it includes members-only items while your membership lasts. Don't share its address."}
	case token != "":
		// A lapsed member's feed holds what anyone can read; say so.
		f.Subtitle = &atomText{Type: "text", Text: "Your private feed. Your membership has lapsed, so it holds only items anyone can read; " +
			"members-only items come back when your membership is renewed. Don't share its address."}
	}
	var updated time.Time
	for _, r := range items {
		if r.Updated.After(updated) {
			updated = r.Updated
		}
		page := base + "/resources/" + r.ID
		e := atomEntry{
			ID:      page,
			Title:   atomText{Type: "text", Text: r.Title},
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: page}},
			Updated: r.Updated.UTC().Format(time.RFC3339),
		}
		if r.URL != "" {
			e.Links = append(e.Links, atomLink{Rel: "related", Href: r.URL})
		}
		if len(r.Published) == 10 {
			e.Published = string(r.Published) + "T00:00:00Z"
		}
		if r.Publisher != "" {
			e.Author = &atomPerson{Name: r.Publisher}
		}
		if sum := joinMeta(typeLabel(r.Type), formatDate(r.Published)); r.Summary != "" || sum != "" {
			text := r.Summary
			if sum != "" {
				text = strings.TrimSpace(sum + ". " + text)
			}
			e.Summary = &atomText{Type: "text", Text: text}
		}
		for _, t := range r.Themes {
			e.Categories = append(e.Categories, atomCategory{Term: t, Label: s.lib.Taxonomy().Label(t), Scheme: base + "/themes"})
		}
		// The tagger's themes too: the entry is found under them.
		for _, t := range r.MachineThemes {
			e.Categories = append(e.Categories, atomCategory{Term: t, Label: s.lib.Taxonomy().Label(t) + " (suggested)", Scheme: base + "/themes"})
		}
		f.Entries = append(f.Entries, e)
	}
	if updated.IsZero() {
		// An empty feed: Atom needs a time, and 1970 says the feed is
		// broken. The server's start is stable across requests (caches
		// and conditional requests keep working) and not in the future.
		updated = s.started
	}
	f.Updated = updated.UTC().Format(time.RFC3339)
	out, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// feedPath is the feed of a search: its filters and query, without sort,
// page or size (a feed is always newest first).
func feedPath(p library.SearchParams) string {
	p.PerPage = 0
	p.Sort = ""
	return "/feed.atom" + strings.TrimPrefix(encodeSearch(p, "", 1), "/search")
}

// addParam appends one parameter to an address.
func addParam(u, k, v string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + url.Values{k: {v}}.Encode()
}

// describeSearch names a search in words, for feed titles and embed
// headings: "“exploitation” · Theme: Neglect or Early help · not Type: Report".
func (s *Server) describeSearch(p library.SearchParams) string {
	var parts []string
	if p.Q != "" {
		parts = append(parts, "“"+trimForTitle(p.Q, 80)+"”")
	}
	for _, f := range filterParams {
		for _, excl := range []bool{false, true} {
			m := p.Filters
			if excl {
				m = p.Excludes
			}
			if len(m[f]) == 0 {
				continue
			}
			labels := make([]string, 0, len(m[f]))
			for _, v := range m[f] {
				labels = append(labels, s.valueLabel(f, v))
			}
			part := facetNames[f] + ": " + strings.Join(labels, " or ")
			if excl {
				part = "not " + part
			}
			parts = append(parts, part)
		}
	}
	if len(parts) == 0 {
		return "everything, newest first"
	}
	return strings.Join(parts, " · ")
}
