package web

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// The "Embed" page (GET /share): a partnership's web editor picks a
// listing (the sport contacts or a saved search: a query, a theme, a
// type), sees it live (as the frame and as the script draws it) and copies
// a snippet. It also gives the search's feed address and, to a signed-in
// member, their private feed address.

// shareChoice is what the editor picked, from the page's form.
type shareChoice struct {
	Listing string // "sport" or "search"
	Q       string
	Theme   string
	Type    string
	N       int
	Scheme  string // "", "light" or "dark"
	Compact bool
	// Caption replaces the listing's heading.
	Caption string
}

// shareData is the data of embed.html.
type shareData struct {
	Page
	shareChoice
	Themes []option
	Types  []option
	// Heading is the listing's title; Base the site's public URL.
	Heading string
	Base    string
	// FrameSrc is the live preview (a frame, as on the host's page).
	FrameSrc     string
	FrameHeight  int
	ScriptSearch string // the script's data-search
	MoreURL      string
	// The snippets to copy.
	ScriptSnippet string
	FrameSnippet  string
	// FollowURL is the search's Atom feed; APIURL its JSON.
	FollowURL string
	APIURL    string
	// Private feeds, for a signed-in reader.
	SignedIn       bool
	Lapsed         bool
	HasToken       bool
	TokenCreated   time.Time
	PrivateFeedURL string // shown once, just after it is made
	Notice         string
}

// sharePage answers GET /share.
func (s *Server) sharePage(c *gin.Context) {
	ch, err := parseShareChoice(c.Request.URL.Query(), s.lib.Taxonomy().Valid)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d, err := s.shareView(c, ch)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, http.StatusOK, "embed", d)
}

// parseShareChoice reads the form, keeping to known values.
func parseShareChoice(v url.Values, validTheme func(string) bool) (shareChoice, error) {
	ch := shareChoice{Listing: "sport", N: 5}
	switch l := v.Get("listing"); l {
	case "", "sport":
	case "search":
		ch.Listing = l
	default:
		return ch, invalid("listing must be sport or search")
	}
	ch.Q = strings.TrimSpace(v.Get("q"))
	if len(ch.Q) > 200 {
		return ch, invalid("the search is longer than 200 characters")
	}
	if ch.Theme = v.Get("theme"); ch.Theme != "" && !validTheme(ch.Theme) {
		return ch, invalid("unknown theme %s", quoteName(ch.Theme))
	}
	if ch.Type = v.Get("type"); ch.Type != "" && !catalog.ValidType(ch.Type) {
		return ch, invalid("unknown type %s", quoteName(ch.Type))
	}
	if n := v.Get("n"); n != "" {
		x, err := strconv.Atoi(n)
		if err != nil || x < 1 || x > maxEmbedItems {
			return ch, invalid("the number of items must be from 1 to %d", maxEmbedItems)
		}
		ch.N = x
	}
	switch sc := v.Get("scheme"); sc {
	case "", "light", "dark":
		ch.Scheme = sc
	default:
		return ch, invalid("colours must be light, dark or the host page's")
	}
	ch.Compact = v.Get("compact") != ""
	ch.Caption = strings.Join(strings.Fields(v.Get("title")), " ")
	if utf8.RuneCountInString(ch.Caption) > maxEmbedTitle {
		return ch, invalid("the heading is longer than %d characters", maxEmbedTitle)
	}
	return ch, nil
}

// search is the saved search of a choice.
func (ch shareChoice) search() library.SearchParams {
	p := library.SearchParams{Q: ch.Q, Filters: library.Selections{}}
	p.Filters.Add(library.FieldTheme, ch.Theme)
	p.Filters.Add(library.FieldType, ch.Type)
	return p
}

// filters is the choice's search without the query, as a query string.
func (ch shareChoice) filters() string {
	p := ch.search()
	p.Q = ""
	return searchValues(p).Encode()
}

// shareView builds the page for a choice.
func (s *Server) shareView(c *gin.Context, ch shareChoice) (shareData, error) {
	base := s.baseURL(c)
	rd := s.reader(c)
	d := shareData{Page: s.basePage(c, "Embed the library on your website"), shareChoice: ch,
		SignedIn: rd.UserID != 0, Lapsed: rd.Lapsed, Base: base}
	d.Themes = append(d.Themes, option{"", "Any theme"})
	for _, t := range s.lib.Taxonomy().Themes() {
		d.Themes = append(d.Themes, option{t.Slug, t.Label})
	}
	d.Types = append(d.Types, option{"", "Any type"})
	for _, t := range catalog.Types {
		d.Types = append(d.Types, option{t, typeLabel(t)})
	}

	frame := url.Values{}
	if ch.Scheme == "dark" {
		frame.Set("scheme", "dark")
	}
	if ch.Compact {
		frame.Set("compact", "1")
	}
	p := ch.search()
	var divAttrs []string
	if ch.Listing == "sport" {
		d.Heading = sportTitle
		d.MoreURL = base + "/search?" + url.Values{string(library.FieldType): {library.ListingType}, string(library.FieldTheme): {library.SportTheme}}.Encode()
		d.FrameSrc = "/embed/sport"
		d.FrameHeight = 720
		if ch.Compact {
			d.FrameHeight = 520
		}
		d.APIURL = base + "/api/v1/listings/sport"
		divAttrs = append(divAttrs, `data-safelib="sport"`)
	} else {
		d.Heading = s.describeSearch(p)
		d.MoreURL = base + encodeSearch(p, "", 1)
		frame.Set("n", strconv.Itoa(ch.N))
		for k, vs := range searchValues(p) {
			frame[k] = vs
		}
		d.FrameSrc = "/embed/search"
		d.FrameHeight = min(900, 160+ch.N*110)
		if ch.Compact {
			d.FrameHeight = min(700, 140+ch.N*60)
		}
		d.ScriptSearch = ch.filters()
		d.APIURL = base + "/api/v1/search?" + searchValues(p).Encode()
		d.FollowURL = base + feedPath(p)
		divAttrs = append(divAttrs, `data-safelib="search"`)
		if ch.Q != "" {
			divAttrs = append(divAttrs, `data-q="`+html.EscapeString(ch.Q)+`"`)
		}
		if d.ScriptSearch != "" {
			divAttrs = append(divAttrs, `data-search="`+html.EscapeString(d.ScriptSearch)+`"`)
		}
		divAttrs = append(divAttrs, `data-n="`+strconv.Itoa(ch.N)+`"`)
	}
	// The API's answer to a search has no heading: the script is given one.
	if ch.Caption != "" || ch.Listing == "search" {
		if ch.Caption != "" {
			d.Heading = ch.Caption
			frame.Set("title", ch.Caption)
		}
		divAttrs = append(divAttrs, `data-title="`+html.EscapeString(d.Heading)+`"`)
	}
	if len(frame) > 0 {
		d.FrameSrc += "?" + frame.Encode()
	}
	if ch.Scheme != "" {
		divAttrs = append(divAttrs, `data-theme="`+ch.Scheme+`"`)
	}
	if ch.Compact {
		divAttrs = append(divAttrs, "data-compact")
	}
	label := html.EscapeString(d.Heading + " in the " + siteName)
	d.ScriptSnippet = "<div " + strings.Join(divAttrs, " ") + ">\n  <a href=\"" + html.EscapeString(d.MoreURL) + "\">" + label +
		"</a>\n</div>\n<script src=\"" + html.EscapeString(base) + "/embed.js\" async></script>"
	// A frame can't take the host's colours: it is light unless dark.
	frameURL := base + d.FrameSrc
	d.FrameSnippet = "<iframe src=\"" + html.EscapeString(frameURL) + "\" title=\"" + html.EscapeString(d.Heading) +
		"\" loading=\"lazy\" style=\"width:100%;height:" + strconv.Itoa(d.FrameHeight) + "px;border:0\"></iframe>\n" +
		"<p><a href=\"" + html.EscapeString(d.MoreURL) + "\">" + label + "</a></p>"

	if d.SignedIn {
		ts, err := s.auth.FeedTokens(c.Request.Context(), actor(c), rd.Email)
		if err != nil {
			return d, err
		}
		for _, t := range ts {
			if t.Revoked.IsZero() {
				d.HasToken, d.TokenCreated = true, t.Created
				break
			}
		}
	}
	return d, nil
}

// searchValues is a search's query and filters as parameters.
func searchValues(p library.SearchParams) url.Values {
	v := url.Values{}
	if p.Q != "" {
		v.Set("q", p.Q)
	}
	for _, f := range filterParams {
		for _, x := range p.Filters[f] {
			v.Add(string(f), x)
		}
		for _, x := range p.Excludes[f] {
			v.Add("-"+string(f), x)
		}
	}
	for _, id := range p.IDs {
		v.Add("id", id)
	}
	return v
}
