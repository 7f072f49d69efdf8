package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// accountNewsletter answers POST /members/account/newsletter (wants=yes or
// no): whether the association's newsletter comes by email.
func (s *Server) accountNewsletter(c *gin.Context) {
	var wants bool
	switch c.PostForm("wants") {
	case "yes":
		wants = true
	case "no":
	default:
		s.renderError(c, http.StatusBadRequest, "Choose yes or no.")
		return
	}
	if err := s.lib.SetWantsNewsletter(c.Request.Context(), s.reader(c), wants); err != nil {
		s.pageError(c, err)
		return
	}
	if wants {
		s.setFlash(c, "newsletter-on")
	} else {
		s.setFlash(c, "newsletter-off")
	}
	c.Redirect(http.StatusSeeOther, "/members/account#newsletter")
}
