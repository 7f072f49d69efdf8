package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// staffEditionPreview answers GET /staff/newsletter/:id/preview?as=member|lapsed|public:
// the edition as that reader would read it, with the email's text part.
func (s *Server) staffEditionPreview(c *gin.Context) {
	label, v, m, ok := s.preview(c)
	if !ok {
		return
	}
	d := s.editionPage(c, v)
	d.Title = "Preview: " + v.Edition.Title
	d.Preview, d.PreviewText = label, m.Text
	d.PreviewHTML = fmt.Sprintf("/staff/newsletter/%d/preview/email?as=%s", v.Edition.ID, c.DefaultQuery("as", "member"))
	s.render(c, http.StatusOK, "newsletter", d)
}
