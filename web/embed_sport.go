package web

import (
	"net/url"

	"github.com/gin-gonic/gin"
)

// embedSport answers GET /embed/sport: the contacts as a page to frame.
func (s *Server) embedSport(c *gin.Context) {
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
	sport, err := sportParam(v)
	if err != nil {
		s.pageError(c, err)
		return
	}
	ls, err := s.sportListings(c, sport)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if o.Title == "" {
		o.Title = ls.Title
	}
	s.renderFrame(c, frameData{embedOptions: o, Sport: true, Listings: ls.Listings, Total: ls.Total, MoreURL: ls.LibraryURL})
}
