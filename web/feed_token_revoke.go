package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// revokeFeedToken revokes the reader's private feed token.
func (s *Server) revokeFeedToken(c *gin.Context) {
	ch, err := parseShareChoice(c.Request.PostForm, s.lib.Taxonomy().Valid)
	if err != nil {
		s.pageError(c, err)
		return
	}
	rd := s.reader(c)
	n, err := s.auth.RevokeFeedTokens(c.Request.Context(), actor(c), rd.Email)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d, err := s.shareView(c, ch)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Notice = "You had no private feed address."
	if n > 0 {
		d.Notice = "Your private feed address is revoked: feed readers using it get nothing more."
	}
	s.render(c, http.StatusOK, "embed", d)
}
