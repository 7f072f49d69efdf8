package web

import (
	"encoding/xml"
	"net/http"

	"github.com/gin-gonic/gin"
)

// GET /opensearch.xml describes the library as a search engine, so a
// browser can add it (pages point to it with <link rel="search">).

type openSearchDescription struct {
	XMLName       xml.Name        `xml:"http://a9.com/-/spec/opensearch/1.1/ OpenSearchDescription"`
	ShortName     string          `xml:"ShortName"`
	Description   string          `xml:"Description"`
	InputEncoding string          `xml:"InputEncoding"`
	Language      string          `xml:"Language"`
	Image         openSearchImage `xml:"Image"`
	URLs          []openSearchURL `xml:"Url"`
}

type openSearchImage struct {
	Width  int    `xml:"width,attr"`
	Height int    `xml:"height,attr"`
	Type   string `xml:"type,attr"`
	URL    string `xml:",chardata"`
}

type openSearchURL struct {
	Type     string `xml:"type,attr"`
	Method   string `xml:"method,attr,omitempty"`
	Rel      string `xml:"rel,attr,omitempty"`
	Template string `xml:"template,attr"`
}

// openSearchShortName is at most 16 characters, as the spec requires.
const openSearchShortName = "Safeguarding lib"

// openSearch answers GET /opensearch.xml.
func (s *Server) openSearch(c *gin.Context) {
	base := s.baseURL(c)
	icon, err := s.static.url("favicon.svg")
	if err != nil {
		s.apiError(c, err)
		return
	}
	d := openSearchDescription{
		ShortName:     openSearchShortName,
		Description:   "Search the " + siteName + ": national reports, briefings, example local policies and sport safeguarding contacts.",
		InputEncoding: "UTF-8",
		Language:      "en-GB",
		Image:         openSearchImage{Width: 16, Height: 16, Type: "image/svg+xml", URL: base + icon},
		URLs: []openSearchURL{
			{Type: "text/html", Method: "get", Template: base + "/search?q={searchTerms}"},
			{Type: "application/atom+xml", Template: base + "/feed.atom?q={searchTerms}"},
			{Type: "application/json", Template: base + "/api/v1/search?q={searchTerms}&page={startPage?}"},
			{Type: "application/opensearchdescription+xml", Rel: "self", Template: base + "/opensearch.xml"},
		},
	}
	out, err := xml.MarshalIndent(d, "", " ")
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/opensearchdescription+xml; charset=utf-8", append([]byte(xml.Header), append(out, '\n')...))
}
