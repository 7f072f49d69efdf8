package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// staffEditionSend answers POST /staff/newsletter/:id/send (confirm=yes):
// the edition is queued to everyone who has not opted out, each message
// built for its reader, and published.
func (s *Server) staffEditionSend(c *gin.Context) {
	e, ok := s.edition(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if c.PostForm("confirm") != "yes" {
		s.renderEdition(c, http.StatusBadRequest, e, "Tick “I have previewed this edition” to send it.")
		return
	}
	readers, err := s.newsletterReaders(ctx, c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	em, err := s.editionMailer(ctx)
	if err != nil {
		s.pageError(c, err)
		return
	}
	sum, err := s.lib.SendEdition(ctx, s.reader(c), e.ID, readers, func(to library.NewsletterReader, v *library.EditionView) (*catalog.OutMail, error) {
		return em.mail(v, to.User)
	})
	if err != nil {
		if status, detail := statusOf(err); status == http.StatusBadRequest || status == http.StatusConflict {
			s.renderEdition(c, status, e, detail)
			return
		}
		s.pageError(c, err)
		return
	}
	if sum.Queued > 0 && s.mail != nil {
		s.mail.Notify()
	}
	s.log.Info("newsletter sent", "edition", e.Slug, "queued", sum.Queued, "already", sum.Already, "skipped", sum.Skipped, "by", s.reader(c).Email)
	s.setFlash(c, "edition-sent")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/newsletter/%d", e.ID))
}
