package web

import (
	"github.com/gin-gonic/gin"
)

// staffConfirmThemes answers POST /staff/resources/:id/themes: each
// suggested theme is confirmed, rejected or left as it is.
func (s *Server) staffConfirmThemes(c *gin.Context) {
	s.afterStatus(c, "staff-themes", func() error {
		r, err := s.lib.ForEdit(c.Request.Context(), s.reader(c), c.Param("id"))
		if err != nil {
			return err
		}
		var confirm, reject []string
		for _, t := range r.MachineThemes {
			switch c.PostForm("theme-" + t) {
			case "confirm":
				confirm = append(confirm, t)
			case "reject":
				reject = append(reject, t)
			}
		}
		_, err = s.lib.ConfirmThemes(c.Request.Context(), s.reader(c), r.ID, postedVersion(c), confirm, reject)
		return err
	})
}
