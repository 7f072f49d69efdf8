package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// Embeds: the sport safeguarding contacts, or any saved search, shown on
// partnership websites, either drawn by /embed.js into a div of the host
// page or as a small self-contained page in an iframe (/embed/sport,
// /embed/search). Both read as catalog.Anonymous whoever is signed in:
// shareGuard (cors.go) strips credentials before identify runs, and the
// handlers here never ask for a reader anyway.

// shareRoutes registers what other sites and feed readers use, besides
// the frames: the listings API, embed.js, feeds and the OpenSearch
// description, and the page where editors build a snippet.
func (s *Server) shareRoutes(e *gin.Engine, api *gin.RouterGroup) {
	if _, err := loadEmbedAssets(); err != nil {
		// Caught by TestEmbedAssets; at run time the embed routes say 500.
		s.log.Error("embed assets", "err", err)
	}
	api.GET("/listings/sport", s.apiSportListings)
	e.GET("/embed.js", shareHeaders(), s.embedScript)
	e.GET("/feed.atom", shareHeaders(), s.feed)
	e.GET("/opensearch.xml", shareHeaders(), s.openSearch)

	share := e.Group("/share", pageHeaders())
	share.GET("", s.sharePage)
	share.POST("/feed-token", noStore(), s.requireSignIn(), s.createFeedToken)
	share.POST("/feed-token/revoke", noStore(), s.requireSignIn(), s.revokeFeedToken)
}

// embedRoutes registers the frames other sites embed (the group has
// frame-ancestors open and no X-Frame-Options; identify skips it).
func (s *Server) embedRoutes(g *gin.RouterGroup) {
	g.GET("/sport", s.embedSport)
	g.GET("/search", s.embedSearch)
}

// shareHeaders are for scripts, feeds and descriptions other sites load:
// no framing question arises, so no X-Frame-Options; the cache layer makes
// anonymous answers public.
func shareHeaders() gin.HandlerFunc {
	return headers(contentSecurityPolicy, false, "private, no-cache")
}

// sportTitle names the sport listing.
const sportTitle = "Sport safeguarding contacts"

// apiListing is a contact in GET /api/v1/listings/sport. Field names are a
// published contract, like the rest of the API: add, never rename.
type apiListing struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Organisation string `json:"organisation"`
	Sport        string `json:"sport"`
	URL          string `json:"url"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	Summary      string `json:"summary"`
	// LastVerified is when staff last checked the details ("" unknown).
	LastVerified string `json:"last_verified"`
	// LibraryURL is the contact's page in the library.
	LibraryURL string `json:"library_url"`
}

// Meta is the sport and the organisation: "Rugby union · RFU".
func (l apiListing) Meta() string { return joinMeta(upperFirst(l.Sport), l.Organisation) }

// Tel is the phone number as a tel: link.
func (l apiListing) Tel() template.URL { return telURL(l.Phone) }

// Checked is the verification date in words ("" unknown).
func (l apiListing) Checked() string { return formatDate(catalog.Date(l.LastVerified)) }

// apiListings is the answer of GET /api/v1/listings/sport.
type apiListings struct {
	Title string `json:"title"`
	Total int    `json:"total"`
	// LibraryURL is the same list as a search of the library.
	LibraryURL string       `json:"library_url"`
	Listings   []apiListing `json:"listings"`
}

// sportParam reads the only parameter of the sport listing: one sport.
func sportParam(v url.Values) (string, error) {
	for k := range v {
		if k != "sport" {
			return "", invalid("unknown parameter %s (want sport)", quoteName(k))
		}
	}
	if len(v["sport"]) > 1 {
		return "", invalid("sport is given %d times; give it once", len(v["sport"]))
	}
	sport := strings.TrimSpace(v.Get("sport"))
	if len(sport) > 100 {
		return "", invalid("sport is longer than 100 bytes")
	}
	return sport, nil
}

// sportListings reads the contacts anonymously, optionally of one sport.
func (s *Server) sportListings(c *gin.Context, sport string) (apiListings, error) {
	rs, err := s.lib.SportListings(c.Request.Context(), catalog.Anonymous)
	if err != nil {
		return apiListings{}, err
	}
	base := s.baseURL(c)
	out := apiListings{Title: sportTitle, Listings: []apiListing{},
		LibraryURL: base + "/search?" + url.Values{string(library.FieldType): {library.ListingType}, string(library.FieldTheme): {library.SportTheme}}.Encode()}
	for _, r := range rs {
		if sport != "" && !strings.EqualFold(r.Sport, sport) {
			continue
		}
		out.Listings = append(out.Listings, apiListing{
			ID: r.ID, Title: r.Title, Organisation: r.Publisher, Sport: r.Sport, URL: r.URL,
			Phone: r.Phone, Email: r.Email, Summary: r.Summary, LastVerified: string(r.LastVerified),
			LibraryURL: base + "/resources/" + r.ID,
		})
	}
	out.Total = len(out.Listings)
	if sport != "" {
		out.Title = sportTitle + ": " + upperFirst(sport)
	}
	return out, nil
}

// baseURL is the site's public URL for absolute links: the configured one,
// else the address the request came to. (The response cache keys answers
// by host, so a forged Host header only changes its sender's answer.)
func (s *Server) baseURL(c *gin.Context) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// embedOptions are how a frame looks, taken from its query string.
type embedOptions struct {
	// Scheme is "light" or "dark".
	Scheme  string
	Compact bool
	// Title replaces the default heading.
	Title string
	// N is how many search results to show.
	N int
}

// Bounds of embed options.
const (
	defaultEmbedItems = 10
	maxEmbedItems     = 50
	maxEmbedTitle     = 120
)

// takeEmbedOptions reads and removes the display options from v, leaving
// the listing's own parameters.
func takeEmbedOptions(v url.Values) (embedOptions, error) {
	o := embedOptions{Scheme: "light", N: defaultEmbedItems}
	for _, k := range []string{"scheme", "compact", "title", "n"} {
		if len(v[k]) > 1 {
			return o, invalid("%s is given %d times; give it once", k, len(v[k]))
		}
	}
	switch sc := v.Get("scheme"); sc {
	case "", "light":
	case "dark":
		o.Scheme = sc
	default:
		return o, invalid("scheme must be light or dark")
	}
	switch cp := v.Get("compact"); cp {
	case "", "0", "false":
	case "1", "true", "on":
		o.Compact = true
	default:
		return o, invalid("compact must be 1 or 0")
	}
	o.Title = strings.Join(strings.Fields(v.Get("title")), " ")
	if utf8.RuneCountInString(o.Title) > maxEmbedTitle {
		return o, invalid("title is longer than %d characters", maxEmbedTitle)
	}
	if n := v.Get("n"); n != "" {
		x, err := strconv.Atoi(n)
		if err != nil || x < 1 || x > maxEmbedItems {
			return o, invalid("n must be a whole number from 1 to %d", maxEmbedItems)
		}
		o.N = x
	}
	for _, k := range []string{"scheme", "compact", "title", "n"} {
		v.Del(k)
	}
	return o, nil
}

// frameData is the data of embedframe.html.
type frameData struct {
	embedOptions
	Sport    bool
	Listings []apiListing
	Hits     []frameHit
	Total    int
	// MoreURL is the whole list in the library.
	MoreURL string
}

// frameHit is a search result in a frame.
type frameHit struct {
	Title, URL, Meta, Summary string
	MembersOnly               bool
	// Themes names every theme the item is found under ("(suggested)"
	// after the tagger's).
	Themes string
}

// frameCSP allows the frame its own stylesheet and nothing else: no
// script, no other request, framing by anyone.
const frameCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; " +
	"frame-ancestors *; base-uri 'none'; form-action 'none'"

// renderFrame writes a frame page, rendered into a buffer first.
func (s *Server) renderFrame(c *gin.Context, d frameData) {
	t, ok := s.pages["embedframe"]
	if !ok {
		s.log.Error("no such template", "name", "embedframe")
		s.renderError(c, http.StatusInternalServerError, "")
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "frame", d); err != nil {
		s.log.Error("render frame", "path", c.Request.URL.Path, "err", err)
		s.renderError(c, http.StatusInternalServerError, "")
		return
	}
	c.Header("Content-Security-Policy", frameCSP)
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// themeNames is every theme r is found under, as text: "Neglect,
// Grooming (suggested)".
func (s *Server) themeNames(r *catalog.Resource) string {
	var names []string
	for _, t := range s.themeLinks(r) {
		n := t.Label
		if t.Suggested {
			n += " (suggested)"
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// joinMeta joins the non-empty parts with a middle dot.
func joinMeta(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

// upperFirst capitalises the first letter: "rugby union" -> "Rugby union".
func upperFirst(s string) string {
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}
