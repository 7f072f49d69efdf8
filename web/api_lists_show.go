package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiList answers GET /api/v1/lists/{id}.
func (s *Server) apiList(c *gin.Context) {
	rd, ok := s.listReader(c)
	if !ok {
		return
	}
	s.answerList(c, rd, nil, http.StatusOK)
}
