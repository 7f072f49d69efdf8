package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/library"
)

// A signed-in member's private feed address, made and revoked on the Embed
// page (POST /share/feed-token, POST /share/feed-token/revoke; the global
// csrf middleware checks both). The address is shown once, when made: only
// its token's hash is kept.

// createFeedToken makes (or replaces) the reader's private feed token and
// shows the private feed address of the search chosen on the page.
func (s *Server) createFeedToken(c *gin.Context) {
	ch, err := parseShareChoice(c.Request.PostForm, s.lib.Taxonomy().Valid)
	if err != nil {
		s.pageError(c, err)
		return
	}
	rd := s.reader(c)
	raw, _, err := s.auth.CreateFeedToken(c.Request.Context(), actor(c), rd.Email)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d, err := s.shareView(c, ch)
	if err != nil {
		s.pageError(c, err)
		return
	}
	// The sport contacts have no feed: theirs is the feed of everything.
	p := ch.search()
	if ch.Listing == "sport" {
		p = library.SearchParams{}
	}
	d.PrivateFeedURL = addParam(s.baseURL(c)+feedPath(p), "token", raw)
	d.Notice = "Your private feed address is below. Copy it into your feed reader now: it is shown only once."
	s.render(c, http.StatusOK, "embed", d)
}
