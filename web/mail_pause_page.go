package web

import "github.com/gin-gonic/gin"

// mailPausePage answers GET /mail/pause?token=: the alerts the link
// would pause, with a button (a GET changes nothing).
func (s *Server) mailPausePage(c *gin.Context) {
	g, tok, ok := s.mailGrant(c)
	if !ok {
		return
	}
	s.renderMailLink(c, g, tok, "pause", mailLinkData{})
}
