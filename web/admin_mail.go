package web

import (
	"net/http"

	"safelib/internal/catalog"

	"github.com/gin-gonic/gin"
)

// mailData is the data of admin_mail.html.
type mailData struct {
	Page
	Configured bool
	Server     string
	Pending    int
	Sent       int
	Failed     int
	Failures   []mailRow
	Deferred   []mailRow
}

type mailRow struct {
	To, Kind, Subject, When, Next, Error string
	Attempts                             int
}

func mailRows(ms []*catalog.OutMail) []mailRow {
	var out []mailRow
	for _, m := range ms {
		r := mailRow{To: m.To, Kind: m.Kind, Subject: m.Subject, Error: m.LastError, Attempts: m.Attempts,
			When: m.LastTry.In(london).Format("2 Jan 2006 15:04")}
		if m.State == catalog.MailPending {
			r.Next = m.Next.In(london).Format("2 Jan 2006 15:04")
		}
		out = append(out, r)
	}
	return out
}

// adminMail answers GET /admin/mail: whether email is sent at all, the
// outbox's counts, permanent failures with the server's words, and
// messages waiting after a temporary failure.
func (s *Server) adminMail(c *gin.Context) {
	d := mailData{Page: s.basePage(c, "Email")}
	if s.mail != nil {
		st, err := s.mail.Status(c.Request.Context(), 50)
		if err != nil {
			s.pageError(c, err)
			return
		}
		d.Configured, d.Server = st.Configured, st.Server
		d.Pending = st.Counts[catalog.MailPending] + st.Counts[catalog.MailSending]
		d.Sent, d.Failed = st.Counts[catalog.MailSent], st.Counts[catalog.MailFailed]
		d.Failures, d.Deferred = mailRows(st.Failed), mailRows(st.Deferred)
	}
	s.render(c, http.StatusOK, "admin_mail", d)
}

// mailNotice is the line the people page shows when email is not sent.
func (s *Server) mailNotice(c *gin.Context) string {
	if s.mail != nil && s.mail.Configured() {
		return ""
	}
	return "Email is not being sent: serve was started without --smtp-url, so messages wait in the outbox."
}
