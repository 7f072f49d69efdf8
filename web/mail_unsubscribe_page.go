package web

import "github.com/gin-gonic/gin"

// mailUnsubscribePage answers GET /mail/unsubscribe?token=: what the link
// would stop, with a button; a GET changes nothing (link scanners).
func (s *Server) mailUnsubscribePage(c *gin.Context) {
	g, tok, ok := s.mailGrant(c)
	if !ok {
		return
	}
	s.renderMailLink(c, g, tok, "unsubscribe", mailLinkData{})
}
