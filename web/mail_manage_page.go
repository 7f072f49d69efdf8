package web

import "github.com/gin-gonic/gin"

// mailManagePage answers GET /mail/manage?token=: every alert the link
// covers, with pause, resume, change and stop, and the newsletter.
func (s *Server) mailManagePage(c *gin.Context) {
	g, tok, ok := s.mailGrant(c)
	if !ok {
		return
	}
	s.renderMailLink(c, g, tok, "manage", mailLinkData{})
}
