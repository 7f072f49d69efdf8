package web

import "github.com/gin-gonic/gin"

// mailChangePage answers GET /mail/change?token=: a form to change how
// often each alert the link covers is sent.
func (s *Server) mailChangePage(c *gin.Context) {
	g, tok, ok := s.mailGrant(c)
	if !ok {
		return
	}
	s.renderMailLink(c, g, tok, "change", mailLinkData{})
}
